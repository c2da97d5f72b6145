"""The settings pages in a browser, in Danish and English: the communications lead sets the
opening hours and a closing day and watches the live preview change; sets up the rota with a
deputy; writes a canned answer with a placeholder. No serious accessibility violations."""

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Channel, ChannelScope, ChannelStatus
from governance.tests.policy_helpers import adopted_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots/sethours")


def _shot(page, name):
    from conftest import screenshot

    path = screenshot(page, name)
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def _english(page):
    page.select_option("#language-select", "en")
    page.click(".app-language button[type=submit]")
    page.wait_for_load_state("load")


def test_hours_with_the_live_preview(page, org):
    from conftest import axe_violations, browser_login

    adopted_policy(org)  # X: answer within 240 minutes of opening hours
    Channel.objects.create(
        platform="x",
        name="Testby på X",
        external_id="x-central",
        owner_unit=org.units["comms"],
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
    )
    browser_login(page, "comms_lead")
    page.goto(reverse("settings-hours"))

    # The lead writes the week: mornings and afternoons on Thursday
    for day in range(5):
        page.fill(f"#id_day_{day}", "08:00–15:00")
    page.fill("#id_day_3", "08:00–12:00, 13:00–17:30")
    page.click("#week-heading ~ form button[type=submit]")
    page.click("#new-season")
    page.fill("#id_new-valid_from", "2027-06-28")
    page.fill("#id_new-valid_to", "2027-08-06")
    page.fill("#id_new-day_4", "08:00–12:00")
    page.click("#new-season + form button[type=submit]")
    page.fill("#id_date", "2026-12-24")
    page.fill("#id_open_until", "12:00")
    page.fill("#id_reason", "Juleaften")
    page.click("#closing-heading ~ form button[type=submit]")

    # The preview answers for the X channel on a Friday afternoon
    page.select_option("#preview_channel", label="Testby på X (X)")
    page.fill("#preview_received_at", "2026-11-20T14:00")
    page.locator("#preview_received_at").dispatch_event("change")
    answer = page.locator('#preview-result [data-answer="2026-11-23T11:00:00+01:00"]')
    answer.wait_for()
    assert answer.inner_text() == "Mandag 23.11.2026 11:00"
    _shot(page, "settings-hours-da")
    assert axe_violations(page) == []

    # The same in English; a bad span is refused where it was written
    _english(page)
    page.fill("#id_day_1", "08:00–12:00, 11:00–15:00")
    page.click("#week-heading ~ form button[type=submit]")
    assert "overlap" in page.locator("#id_day_1-error").inner_text()
    page.select_option("#preview_channel", label="Testby på X (X)")
    page.fill("#preview_received_at", "2026-11-20T14:00")
    page.locator("#preview_received_at").dispatch_event("change")
    page.locator('#preview-result [data-answer="2026-11-23T11:00:00+01:00"]').wait_for()
    assert "Monday" in page.locator("#preview-result").inner_text()
    _shot(page, "settings-hours-en")
    assert axe_violations(page) == []


def test_rota_setup_and_canned_answers(page, org):
    from conftest import axe_violations, browser_login

    browser_login(page, "comms_lead")
    page.goto(reverse("moderation:rota"))
    page.select_option("#rota-team", label="Kommunikation")
    page.click("#new-rota + form button[type=submit]")
    add = page.locator("form[action$='/members/']")
    add.locator("select[name=user]").select_option(label="monitor")
    add.locator("button[type=submit]").click()
    add = page.locator("form[action$='/members/']")
    add.locator("select[name=user]").select_option(label="comms")
    add.locator("select[name=deputy]").select_option(label="monitor")
    add.locator("button[type=submit]").click()
    assert "comms" in page.locator("table").nth(1).inner_text()
    _shot(page, "settings-rota-da")
    assert axe_violations(page) == []
    _english(page)
    _shot(page, "settings-rota-en")

    page.goto(reverse("settings-canned-answers"))
    page.fill("#id_title", "Thanks")
    page.fill("#id_text", "Hi {name}, thanks for writing to {channel}.")
    page.click("#new-answer + form button[type=submit]")
    assert "Unknown placeholder {name}." in page.locator("#id_text-error").inner_text()
    page.fill("#id_text", "Hi {author}, thanks for writing to {channel}.")
    page.select_option("#id_language", "en")
    page.click("#new-answer + form button[type=submit]")
    assert "Thanks" in page.locator("table").inner_text()
    _shot(page, "settings-canned-en")
    assert axe_violations(page) == []
    page.select_option("#language-select", "da")
    page.click(".app-language button[type=submit]")
    page.wait_for_load_state("load")
    _shot(page, "settings-canned-da")
