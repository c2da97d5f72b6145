"""Editing a closing day in place, through the settings page and the API: moved to another date,
open until another time or for another reason, audited with before and after; a date another
closing day holds refused with nothing changed; the deadlines follow at once; the
communications lead only."""

from datetime import date, time

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Channel, ChannelScope, ChannelStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import ClosingDay
from governance.tests.policy_helpers import adopted_policy

pytestmark = pytest.mark.django_db

WEEKDAYS_8_TO_15 = {f"day_{d}": "08:00–15:00" for d in range(5)}


def _login(client, persona):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _days(org):
    return list(
        ClosingDay.objects.filter(municipality=org.municipality)
        .order_by("date")
        .values_list("date", "open_until", "reason")
    )


@pytest.fixture
def christmas(org):
    return ClosingDay.objects.create(
        municipality=org.municipality, date=date(2027, 12, 24), reason="Juleaften"
    )


def test_the_page_edits_a_closing_day_in_place(client, org, christmas):
    _login(client, "comms_lead")
    # The list links to the day's form, filled in with its values
    listing = client.get(reverse("settings-hours")).content.decode()
    edit_url = reverse("settings-closing-day-edit", args=[christmas.pk])
    assert f'href="{edit_url}"' in listing
    page = client.get(edit_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="2027-12-24"' in html
    assert 'value="Juleaften"' in html

    # When the lead moves it to the 23rd and opens until noon
    response = client.post(
        edit_url, {"date": "2027-12-23", "open_until": "12:00", "reason": "Lillejuleaften"}
    )

    # Then the same row holds the change, and the change is audited with before and after
    assert response.status_code == 302
    assert _days(org) == [(date(2027, 12, 23), time(12), "Lillejuleaften")]
    assert ClosingDay.objects.get().pk == christmas.pk
    entry = AuditEntry.objects.get(action="closing_day_change")
    assert entry.before == {"date": "2027-12-24", "open_until": None, "reason": "Juleaften"}
    assert entry.after == {"date": "2027-12-23", "open_until": "12:00", "reason": "Lillejuleaften"}
    # And the history names the step in words
    log = client.get(reverse("moderation:audit-log")).content.decode()
    assert "Closing day changed" in log

    # Saving it unchanged writes no further row
    client.post(edit_url, {"date": "2027-12-23", "open_until": "12:00", "reason": "Lillejuleaften"})
    assert AuditEntry.objects.filter(action="closing_day_change").count() == 1


def test_moving_onto_another_closing_day_is_refused_and_nothing_changes(client, org, christmas):
    ClosingDay.objects.create(municipality=org.municipality, date=date(2027, 12, 31))
    before = _days(org)
    _login(client, "comms_lead")

    response = client.post(
        reverse("settings-closing-day-edit", args=[christmas.pk]),
        {"date": "2027-12-31", "reason": "Nytår"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "is already a closing day" in html
    assert 'value="Nytår"' in html  # what was typed is kept
    assert _days(org) == before
    assert not AuditEntry.objects.filter(action="closing_day_change").exists()


def test_bad_input_is_refused_with_the_form_again(client, org, christmas):
    _login(client, "comms_lead")
    response = client.post(
        reverse("settings-closing-day-edit", args=[christmas.pk]), {"date": "24-12-2027x"}
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert _days(org) == [(date(2027, 12, 24), None, "Juleaften")]


def test_a_moved_closing_day_moves_the_deadlines_at_once(client, org):
    adopted_policy(org)  # X: answer within 240 minutes of opening hours
    channel = Channel.objects.create(
        platform="x",
        name="Testby på X",
        external_id="x-central",
        owner_unit=org.units["comms"],
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
    )
    _login(client, "comms_lead")
    client.post(reverse("settings-week"), WEEKDAYS_8_TO_15)
    # Monday 23 November open only until 09:00
    client.post(reverse("settings-closing-day-add"), {"date": "2026-11-23", "open_until": "09:00"})
    closing = ClosingDay.objects.get()

    def answer_due():
        response = client.get(
            reverse("sla-preview"),
            {"channel": channel.pk, "received_at": "2026-11-20T14:00:00+01:00"},
        )
        return response.json()["answer_due"]

    assert answer_due() == "2026-11-24T09:00:00Z"
    # When the short day moves to Tuesday: Friday one hour, Monday three
    client.patch(
        reverse("closing-day-detail", args=[closing.pk]),
        {"date": "2026-11-24"},
        content_type="application/json",
    )
    assert answer_due() == "2026-11-23T10:00:00Z"


def test_the_api_changes_a_closing_day(client, org, christmas):
    _login(client, "comms_lead")
    url = reverse("closing-day-detail", args=[christmas.pk])

    patched = client.patch(url, {"open_until": "13:00"}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json() == {
        "id": christmas.pk,
        "date": "2027-12-24",
        "open_until": "13:00",
        "reason": "Juleaften",
    }
    put = client.put(
        url,
        {"date": "2027-12-27", "open_until": None, "reason": ""},
        content_type="application/json",
    )
    assert put.status_code == 200
    assert _days(org) == [(date(2027, 12, 27), None, "")]
    assert AuditEntry.objects.filter(action="closing_day_change").count() == 2

    ClosingDay.objects.create(municipality=org.municipality, date=date(2027, 12, 31))
    clash = client.patch(url, {"date": "2027-12-31"}, content_type="application/json")
    assert clash.status_code == 400
    assert "is already a closing day" in str(clash.json())
    assert ClosingDay.objects.get(pk=christmas.pk).date == date(2027, 12, 27)


@pytest.mark.parametrize("persona", ["comms", "manager_a", "editor"])
def test_only_the_communications_lead_edits_closing_days(client, org, christmas, persona):
    _login(client, persona)
    page = client.post(
        reverse("settings-closing-day-edit", args=[christmas.pk]), {"date": "2027-12-23"}
    )
    api = client.patch(
        reverse("closing-day-detail", args=[christmas.pk]),
        {"date": "2027-12-23"},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert _days(org) == [(date(2027, 12, 24), None, "Juleaften")]
    assert not AuditEntry.objects.exists()
