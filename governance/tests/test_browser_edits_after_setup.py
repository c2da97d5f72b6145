"""In a browser: the communications lead edits a closing day in place and changes a rota's
turns; the team sees an expert's answer the platform refused on the item page, with the reason
and the answer ready in the reply box. No serious accessibility violations."""

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import ClosingDay
from moderation.models import Forwarding, ForwardingStatus, OutboxMessage
from moderation.tests.support import item, rota

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots/gaps")


def _shot(page, name):
    from conftest import screenshot

    path = screenshot(page, name)
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def test_a_closing_day_and_a_rota_s_turns_are_edited_in_place(page, org):
    from conftest import axe_violations, browser_login

    ClosingDay.objects.create(
        municipality=org.municipality, date=date(2027, 12, 24), reason="Juleaften"
    )
    duty = rota(org.units["comms"], [org.users["monitor"], org.users["comms"]])
    browser_login(page, "comms_lead")

    page.goto(reverse("settings-hours"))
    page.click("#closing-heading ~ div a.button")
    page.fill("#id_date", "2027-12-23")
    page.fill("#id_open_until", "12:00")
    _shot(page, "closing-day-edit-da")
    assert axe_violations(page) == []
    page.click("form.app-form button[type=submit]")
    assert "23.12.2027" in page.locator("#closing-heading ~ div table").inner_text()
    assert ClosingDay.objects.get().open_until.hour == 12

    page.goto(reverse("moderation:rota"))
    turns = page.locator(f"form[data-rota-turns='{duty.pk}']")
    turns.locator("input[name=turn_days]").fill("14")
    turns.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert (
        page.locator(f"form[data-rota-turns='{duty.pk}'] input[name=turn_days]").input_value()
        == "14"
    )
    _shot(page, "rota-turns-da")
    assert axe_violations(page) == []


def test_the_item_page_shows_an_answer_the_platform_refused(page, org):
    from conftest import axe_violations, browser_login

    question = item(org.channels["central"], "Hvornår tømmes containerne?", status="not_sent")
    message = OutboxMessage.objects.create(
        kind="reply",
        status="failed",
        failure="reconnect",
        idempotency_key="refused-1",
        channel=question.channel,
        item=question,
        text="Containerne tømmes hver tirsdag.",
    )
    Forwarding.objects.create(
        item=question,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
        status=ForwardingStatus.NOT_SENT,
        answer_text="Containerne tømmes hver tirsdag.",
        answered_by=org.users["expert"],
        answered_at=timezone.now(),
        posted_with=message,
    )
    browser_login(page, "comms")
    page.goto(question.get_absolute_url())
    reason = page.locator("[data-not-sent-reason]")
    assert reason.is_visible()
    assert page.locator("#id_text").input_value() == "Containerne tømmes hver tirsdag."
    reason.scroll_into_view_if_needed()
    _shot(page, "item-answer-not-sent-da")
    assert axe_violations(page) == []
