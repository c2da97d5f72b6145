"""In a real browser: the communications lead sets the municipality, adds a centre and a
department, invites a person; the invitee accepts through the link in the e-mail and signs in."""

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail

from conftest import ARTIFACTS, axe_violations, browser_login, screenshot
from governance.models import Invitation, Municipality, OrgUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots/setorg")
NEW_PASSWORD = "a-long-new-password-42"


def _shot(page, name):
    path = screenshot(page, f"settings-{name}")
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
    return path


def _language(page, code):
    page.select_option("#language-select", code)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("load")


def test_lead_sets_up_the_municipality_and_invites_a_person(page, org):
    browser_login(page, "comms_lead")
    _language(page, "en")
    page.click("nav.app-nav >> text=Settings")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Settings"
    _shot(page, "overview-en")
    assert axe_violations(page) == []

    # The municipality
    page.get_by_role("link", name="Municipality", exact=True).click()
    page.fill("#id_name", "Nyby Kommune")
    page.fill("#id_time_zone", "Europe/Atlantis")
    page.click("form.app-form button[type=submit]")
    assert page.locator(".form-error-message").inner_text() == "Unknown time zone."
    page.fill("#id_time_zone", "Europe/Copenhagen")
    page.fill("#id_website", "https://nyby.example")
    page.click("form.app-form button[type=submit]")
    page.wait_for_load_state("load")
    assert "The municipality's details were saved." in page.locator(".app-messages").inner_text()
    assert Municipality.objects.get().name == "Nyby Kommune"

    # A centre and a department under it
    page.goto("/settings/organisation/new/")
    page.fill("#id_name", "Center for Kultur")
    page.select_option("#id_kind", "centre")
    page.click("form.app-form button[type=submit]")
    page.wait_for_load_state("load")
    centre = OrgUnit.objects.get(name="Center for Kultur")
    page.goto("/settings/organisation/new/")
    page.fill("#id_name", "Biblioteket")
    page.select_option("#id_kind", "department")
    page.select_option("#id_parent", str(centre.pk))
    page.click("form.app-form button[type=submit]")
    page.wait_for_load_state("load")
    department = OrgUnit.objects.get(name="Biblioteket")
    assert department.centre == centre
    rows = page.locator("table tbody th").all_inner_texts()
    assert rows.index("Biblioteket") == rows.index("Center for Kultur") + 1
    _shot(page, "organisation-en")
    assert axe_violations(page) == []

    # An invitation
    page.goto("/settings/people/invite/")
    page.fill("#id_email", "bibliotekar@nyby.example")
    page.select_option("#id_unit", str(department.pk))
    page.select_option("#id_role", "department_expert")
    _shot(page, "invite-en")
    page.click("form.app-form button[type=submit]")
    page.wait_for_load_state("load")
    assert (
        "An invitation was sent to bibliotekar@nyby.example."
        in page.locator(".app-messages").inner_text()
    )
    assert Invitation.objects.get().status == "waiting"

    # The same pages in Danish
    _language(page, "da")
    page.goto("/settings/")
    assert page.locator("h1").inner_text() == "Indstillinger"
    _shot(page, "overview-da")
    page.goto("/settings/organisation/")
    _shot(page, "organisation-da")
    page.goto("/settings/people/")
    assert page.locator("h2").first.inner_text() == "Invitationer, der endnu ikke er accepteret"
    _shot(page, "people-da")

    # The invitee opens the link from the e-mail (written in the municipality's Danish)
    (message,) = mail.outbox
    assert message.subject == "Du er inviteret til Nyby Kommunes arbejde med sociale medier"
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    page.click("form.app-logout button[type=submit]")
    page.wait_for_load_state("load")
    page.goto(urlsplit(link).path)
    assert page.locator("h1").inner_text() == "Din invitation"
    page.fill("#id_first_name", "Bente")
    page.fill("#id_last_name", "Bogsen")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    _shot(page, "accept-da")
    assert axe_violations(page) == []
    page.click("form.app-form button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login/" in url)
    browser_login(page, "bibliotekar@nyby.example", NEW_PASSWORD)
    assert "/auth/login/" not in page.url
    assert "Bente Bogsen" in page.locator(".app-user").inner_text()
    assert "Fagekspert" in page.locator("main").inner_text()
    _shot(page, "invitee-dashboard-da")
    assert ARTIFACTS.exists()
