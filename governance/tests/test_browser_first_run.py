"""In a real browser, from an empty database to the first answered comment, through the product's
own pages only (never the Django admin): the system administrator sets the municipality, adds a
centre and a department and invites the communications lead, who accepts; the lead sets the
opening hours, adopts the policy, requests a channel and approves it, connects it through the
platform's sign-in (the simulator), sets the on-duty rota and writes a canned answer; a
citizen's comment arrives, is answered with the canned answer, and the platform confirms it.
The dashboard's first-run checklist shows the open steps and is gone at the end."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import Channel, ChannelConnection
from conftest import axe_violations, browser_login, screenshot
from core.testing import PASSWORD
from governance.models import Municipality, OrgUnit
from moderation import outbox
from moderation.models import ItemStatus, OutboxMessage, QueueItem
from moderation.polling.poller import poll_connection
from moderation.tests import polling_support
from moderation.tests.polling_support import ACCOUNTS, add_comment, sim_actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
simulator_module = polling_support.simulator_module
sim = polling_support.sim

LEAD = "lead@nyby.example"
MANAGER = "chef@nyby.example"
PASSWORD_OF_INVITEES = "a-long-new-password-42"
QUESTION = "Hvornår åbner biblioteket om lørdagen?"
CANNED = "Hej {author}, biblioteket har åbent lørdag kl. 10–14."
STEPS = ["municipality", "policy", "channel", "rota", "guidelines"]


def _submit(page, form):
    page.locator(form).locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")


def _open_steps(page):
    page.goto("/")
    return [key for key in STEPS if page.locator(f"#setup-{key}.app-step-open").count() == 1]


def _logout(page):
    page.click("form.app-logout button[type=submit]")
    page.wait_for_load_state("load")


def _invite(page, email, unit, role):
    page.goto("/settings/people/invite/")
    page.fill("#id_email", email)
    page.select_option("#id_unit", str(unit.pk))
    page.select_option("#id_role", role)
    page.check("#id_is_lead")
    _submit(page, "form.app-form")
    assert f"Der er sendt en invitation til {email}." in page.locator(".app-messages").inner_text()


def _accept(page, link, first_name, last_name):
    page.goto(urlsplit(link).path)
    assert page.locator("h1").inner_text() == "Din invitation"
    page.fill("#id_first_name", first_name)
    page.fill("#id_last_name", last_name)
    page.fill("#id_password1", PASSWORD_OF_INVITEES)
    page.fill("#id_password2", PASSWORD_OF_INVITEES)
    _submit(page, "form.app-form")
    page.wait_for_url(lambda url: "/auth/login/" in url)


def test_from_an_empty_database_to_the_first_answered_comment(page, sim):
    assert not Municipality.objects.exists()
    get_user_model().objects.create_superuser("admin", "admin@nyby.example", PASSWORD)

    # The system administrator signs in: the dashboard lists every step still to do
    browser_login(page, "admin")
    assert _open_steps(page) == STEPS
    assert "0 af 5 trin er gjort." in page.locator(".app-checklist").locator("..").inner_text()
    screenshot(page, "first-run-checklist-start")
    assert axe_violations(page) == []

    # The municipality
    page.locator("#setup-municipality a").click()
    page.fill("#id_name", "Nyby Kommune")
    page.select_option("#id_country", "DK")
    page.fill("#id_time_zone", "Europe/Copenhagen")
    page.select_option("#id_default_language", "da")
    page.fill("#id_website", "https://nyby.example")
    _submit(page, "form.app-form")
    assert Municipality.objects.get().name == "Nyby Kommune"
    assert "municipality" not in _open_steps(page)

    # A centre and a department under it
    page.goto("/settings/organisation/new/")
    page.fill("#id_name", "Center for Kultur")
    page.select_option("#id_kind", "centre")
    _submit(page, "form.app-form")
    centre = OrgUnit.objects.get(name="Center for Kultur")
    page.goto("/settings/organisation/new/")
    page.fill("#id_name", "Biblioteket")
    page.select_option("#id_kind", "department")
    page.select_option("#id_parent", str(centre.pk))
    _submit(page, "form.app-form")
    assert OrgUnit.objects.get(name="Biblioteket").centre == centre
    # and the communications team, where the lead and the rota belong
    page.goto("/settings/organisation/new/")
    page.fill("#id_name", "Kommunikation")
    page.select_option("#id_kind", "communications")
    _submit(page, "form.app-form")
    team = OrgUnit.objects.get(name="Kommunikation")

    # The communications lead and the culture centre's manager are invited, and accept through
    # the links in their e-mails
    _invite(page, LEAD, team, "communications")
    _invite(page, MANAGER, centre, "centre_manager")
    links = [re.search(r"https?://\S+/invitation/\S+/", m.body).group(0) for m in mail.outbox]
    _logout(page)
    _accept(page, links[1], "Carl", "Chef")
    _accept(page, links[0], "Lene", "Leder")
    browser_login(page, LEAD, PASSWORD_OF_INVITEES)
    assert _open_steps(page) == ["policy", "channel", "rota", "guidelines"]

    # Opening hours
    page.goto("/governance/settings/hours/")
    for day in range(5):
        page.fill(f"#id_day_{day}", "08:00–15:00")
    page.click("#week-heading ~ form button[type=submit]")
    page.wait_for_load_state("load")
    page.goto("/governance/settings/hours/")
    assert page.locator("#id_day_4").input_value() == "08:00–15:00"

    # The policy, with its answer time and a guideline section, adopted
    page.goto("/guidelines/policies/new/")
    page.fill("#id_title", "Politik for sociale medier")
    page.check("#id_governs_social_media")
    _submit(page, "form.app-form")
    page.fill("#id_sections-0-heading", "Sådan svarer vi")
    page.fill("#id_sections-0-body", "Vi svarer venligt og inden for en arbejdsdag.")
    page.select_option("#id_answer_times-0-platform", "facebook")
    page.fill("#id_answer_times-0-answer_minutes", "1440")
    page.get_by_role("button", name="Gem kladde").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Vedtag denne version").click()
    page.fill("#id_adopted_by", "Byrådet")
    page.fill("#id_adopted_on", "2026-11-20")
    page.get_by_role("button", name="Vedtag", exact=True).click()
    page.wait_for_load_state("load")
    assert _open_steps(page) == ["channel", "rota"]

    # The channel: requested, approved, and connected through the platform's sign-in
    page.goto("/channels/requests/new/")
    page.select_option("#id_platform", "facebook")
    page.fill("#id_name", "Nyby Kommune – Biblioteket")
    page.select_option("#id_department", label="Biblioteket")
    page.fill("#id_purpose", "Nyheder og svar om bibliotekets tilbud.")
    page.fill("#id_target_groups", "Borgere, der bruger biblioteket.")
    page.fill("#id_message", "Vi fortæller om arrangementer og svarer på spørgsmål.")
    page.select_option("#id_responsible", label="Lene Leder")
    page.select_option("#id_deputy", label="Carl Chef")
    _submit(page, "main form.app-form")
    _logout(page)
    # The culture centre's manager approves the request
    browser_login(page, MANAGER, PASSWORD_OF_INVITEES)
    page.goto("/channels/requests/")
    page.get_by_role("link", name="Nyby Kommune – Biblioteket").click()
    page.get_by_label("Godkend").check()
    _submit(page, "form[action$='/decide/']")
    channel = Channel.objects.get()
    _logout(page)

    browser_login(page, LEAD, PASSWORD_OF_INVITEES)
    page.goto(f"/channels/{channel.pk}/connect/")
    page.get_by_role("button", name="Forbind via Facebook").click()
    page.wait_for_url(f"{sim.url}/**")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("**/connect/oauth/pick/")
    page.locator(f"input[name=account][value='{ACCOUNTS['facebook']['id']}']").check()
    page.get_by_role("button", name="Forbind denne konto").click()
    page.wait_for_url("**/connect/")
    assert "Kanalen er forbundet via Facebook." in page.content()
    assert ChannelConnection.objects.get(channel=channel).account_id == ACCOUNTS["facebook"]["id"]
    assert _open_steps(page) == ["rota"]
    # The page is live: activated, it goes into the public register and is read
    page.goto(f"/channels/{channel.pk}/")
    page.get_by_role("button", name="Siden er i luften: aktivér").click()
    page.wait_for_load_state("load")
    channel.refresh_from_db()
    assert channel.status == "active"

    # The on-duty rota of the communications team, with the lead on it
    page.goto("/moderation/rota/")
    page.select_option("#rota-team", label="Kommunikation")
    page.click("#new-rota + form button[type=submit]")
    add = page.locator("form[action$='/members/']")
    add.locator("select[name=user]").select_option(label="Lene Leder")
    add.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert _open_steps(page) == []
    screenshot(page, "first-run-checklist-end")
    assert page.locator(".app-checklist").count() == 0

    # A canned answer with the author's name
    page.goto("/governance/settings/canned-answers/")
    page.fill("#id_title", "Åbningstider")
    page.fill("#id_text", CANNED)
    page.select_option("#id_language", "da")
    page.click("#new-answer + form button[type=submit]")
    page.wait_for_load_state("load")
    assert "Åbningstider" in page.locator("table").inner_text()

    # A citizen asks on the page; the next poll brings the comment into the queue
    add_comment(sim, "facebook", QUESTION, author="Bo Borger")
    poll_connection(ChannelConnection.objects.get(channel=channel).pk)
    item = QueueItem.objects.get(text=QUESTION)
    page.goto("/moderation/")
    page.click(f"tr[data-item='{item.pk}'] a.app-queue-link")
    page.wait_for_load_state("load")
    page.select_option("#canned-select", label="Åbningstider (Dansk)")
    answer = CANNED.replace("{author}", "Bo Borger")
    assert page.locator("#id_text").input_value() == answer
    page.get_by_role("button", name="Offentliggør svaret").click()
    page.wait_for_load_state("load")
    item.refresh_from_db()
    assert item.status == ItemStatus.SENDING

    # The worker delivers the outbox; the platform got the reply, and only now is it answered
    message = OutboxMessage.objects.get(item=item, kind="reply")
    assert outbox.deliver(message.pk) == "sent"
    replies = sim_actions(sim, platform="facebook", kind="reply")
    assert [(r["target_id"], r["text"]) for r in replies] == [(item.external_id, answer)]
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED
    page.reload()
    assert page.locator("#item-text").inner_text() == QUESTION
    assert "status: Sender → Besvaret" in page.locator("main").inner_text()
    screenshot(page, "first-run-item-answered")
    assert axe_violations(page) == []
