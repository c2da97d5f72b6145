"""The opening hours settings: the normal week, seasons and closing days through the page and
the API, by the communications lead only; bad input refused with a clear error and nothing
changed; the live preview's deadlines follow a change at once (the calendar cache is dropped)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Channel, ChannelScope, ChannelStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import ClosingDay, OpeningHours
from governance.tests.policy_helpers import adopted_policy
from moderation import sla
from moderation.deadlines import calendar_for

pytestmark = pytest.mark.django_db

WEEKDAYS_8_TO_15 = {f"day_{d}": "08:00–15:00" for d in range(5)}


def _login(client, persona):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _hours(org):
    return list(
        OpeningHours.objects.filter(municipality=org.municipality)
        .order_by("valid_from", "weekday", "opens")
        .values_list("weekday", "opens", "closes", "valid_from", "valid_to")
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("comms_lead", 200), ("superuser", 200), ("comms", 403), ("monitor", 403), ("staff", 403)],
)
def test_only_the_communications_lead_opens_the_hours_page(client, org, persona, status):
    response = _login(client, persona).get(reverse("settings-hours"))
    assert response.status_code == status


def test_the_lead_sets_the_week_with_several_spans_a_day(client, org):
    _login(client, "comms_lead")
    data = {**WEEKDAYS_8_TO_15, "day_3": "08:00-12:00, 13:00-17:30"}

    response = client.post(reverse("settings-week"), data)

    assert response.status_code == 302
    spans = [(d, o, c) for d, o, c, _f, _t in _hours(org)]
    assert spans == [
        (0, time(8), time(15)),
        (1, time(8), time(15)),
        (2, time(8), time(15)),
        (3, time(8), time(12)),
        (3, time(13), time(17, 30)),
        (4, time(8), time(15)),
    ]
    entry = AuditEntry.objects.get(action="opening_hours_set")
    assert entry.actor == org.users["comms_lead"]
    assert entry.before == {"spans": []}
    assert entry.after["spans"][3:5] == [[3, "08:00", "12:00"], [3, "13:00", "17:30"]]
    # The page shows them again as written
    page = client.get(reverse("settings-hours")).content.decode()
    assert 'value="08:00–12:00, 13:00–17:30"' in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("08:00–12:00, 11:00–15:00", "The spans 08:00–12:00 and 11:00–15:00 overlap"),
        ("15:00–08:00", "A span must end after it starts: 15:00–08:00."),
        ("eight to three", "Write each span as 08:00–15:00"),
        ("25:00–26:00", "Write each span as 08:00–15:00"),
    ],
)
def test_bad_spans_are_refused_and_nothing_changes(client, org, text, message):
    OpeningHours.objects.create(
        municipality=org.municipality, weekday=0, opens=time(9), closes=time(14)
    )
    _login(client, "comms_lead")

    response = client.post(reverse("settings-week"), {**WEEKDAYS_8_TO_15, "day_1": text})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _hours(org) == [(0, time(9), time(14), None, None)]
    assert not AuditEntry.objects.filter(action="opening_hours_set").exists()


def test_a_season_replaces_its_days_inside_its_dates(client, org):
    _login(client, "comms_lead")
    client.post(reverse("settings-week"), WEEKDAYS_8_TO_15)

    response = client.post(
        reverse("settings-season"),
        {
            "prefix": "new",
            "new-valid_from": "2027-06-28",
            "new-valid_to": "2027-08-06",
            "new-day_4": "08:00–12:00",
        },
    )

    assert response.status_code == 302
    assert OpeningHours.objects.filter(valid_from=date(2027, 6, 28)).count() == 1
    calendar = calendar_for(org.municipality)
    zone = ZoneInfo("Europe/Copenhagen")
    # A Friday in July closes at noon, one in September at 15:00; a Monday in July keeps 8–15
    assert not sla.is_open(datetime(2027, 7, 2, 13, tzinfo=zone), calendar)
    assert sla.is_open(datetime(2027, 9, 3, 13, tzinfo=zone), calendar)
    assert sla.is_open(datetime(2027, 7, 5, 14, tzinfo=zone), calendar)


@pytest.mark.parametrize(
    ("first", "last", "day", "message"),
    [
        ("2027-07-01", "2027-07-31", "09:00-12:00", "These dates overlap the seasonal hours"),
        (
            "2027-09-10",
            "2027-09-01",
            "09:00-12:00",
            "The season must end on or after the day it starts.",
        ),
        ("2027-09-01", "2027-09-10", "", "Give the seasonal hours at least one span."),
    ],
)
def test_bad_season_dates_are_refused(client, org, first, last, day, message):
    OpeningHours.objects.create(
        municipality=org.municipality,
        weekday=4,
        opens=time(8),
        closes=time(12),
        valid_from=date(2027, 6, 28),
        valid_to=date(2027, 8, 6),
    )
    before = _hours(org)
    _login(client, "comms_lead")

    response = client.post(
        reverse("settings-season"),
        {
            "prefix": "new",
            "new-valid_from": first,
            "new-valid_to": last,
            "new-day_0": day,
        },
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _hours(org) == before


def test_closing_days_whole_or_open_until(client, org):
    _login(client, "comms_lead")

    client.post(
        reverse("settings-closing-day-add"),
        {"date": "2027-12-24", "open_until": "12:00", "reason": "Juleaften"},
    )
    again = client.post(reverse("settings-closing-day-add"), {"date": "2027-12-24"})

    assert again.status_code == 400
    assert "is already a closing day" in again.content.decode()
    day = ClosingDay.objects.get()
    assert (day.date, day.open_until, day.reason) == (date(2027, 12, 24), time(12), "Juleaften")
    assert AuditEntry.objects.get(action="closing_day_add").after["open_until"] == "12:00"

    client.post(reverse("settings-closing-day-remove", args=[day.pk]))
    assert not ClosingDay.objects.exists()
    assert AuditEntry.objects.get(action="closing_day_remove").before["date"] == "2027-12-24"


def test_others_cannot_change_the_hours(client, org):
    _login(client, "comms")
    response = client.post(reverse("settings-week"), WEEKDAYS_8_TO_15)
    api = client.put(
        reverse("api-opening-hours"),
        {"spans": [{"weekday": 0, "opens": "08:00", "closes": "15:00"}]},
        content_type="application/json",
    )
    assert (response.status_code, api.status_code) == (403, 403)
    assert _hours(org) == []
    assert not AuditEntry.objects.exists()


# --- the live preview


@pytest.fixture
def x_channel(org):
    adopted_policy(org)  # X: answer within 240 minutes of opening hours
    return Channel.objects.create(
        platform="x",
        name="Testby på X",
        external_id="x-central",
        owner_unit=org.units["comms"],
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
    )


def _preview(client, channel, at):
    return client.get(
        reverse("settings-hours-preview"),
        {"channel": channel.pk, "kind": "comment", "received_at": at},
        headers={"HX-Request": "true"},
    )


def test_the_preview_follows_the_hours_and_closing_days_at_once(client, org, x_channel):
    _login(client, "comms_lead")
    client.post(reverse("settings-week"), WEEKDAYS_8_TO_15)

    # Friday 14:00: one hour on Friday, three on Monday
    first = _preview(client, x_channel, "2026-11-20T14:00")
    assert first.status_code == 200
    assert 'data-answer="2026-11-23T11:00:00+01:00"' in first.content.decode()
    assert "<html" not in first.content.decode()  # a fragment for HTMX

    # Monday open only until 09:00: one hour Friday, one Monday, two Tuesday
    client.post(reverse("settings-closing-day-add"), {"date": "2026-11-23", "open_until": "09:00"})
    second = _preview(client, x_channel, "2026-11-20T14:00")
    assert 'data-answer="2026-11-24T10:00:00+01:00"' in second.content.decode()

    # The same as the API's SLA preview
    api = client.get(
        reverse("sla-preview"),
        {"channel": x_channel.pk, "received_at": "2026-11-20T14:00:00+01:00"},
    )
    assert api.json()["answer_due"] == "2026-11-24T09:00:00Z"


def test_the_preview_without_javascript_is_a_page(client, org, x_channel):
    _login(client, "comms_lead")
    response = client.get(
        reverse("settings-hours-preview"),
        {"channel": x_channel.pk, "kind": "comment", "received_at": "2026-11-20T14:00"},
    )
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_the_preview_says_what_is_wrong(client, org, x_channel):
    _login(client, "comms_lead")
    response = _preview(client, x_channel, "not a time")
    assert response.status_code == 200
    assert "Enter a valid date/time." in response.content.decode()


# --- the API


def test_api_sets_and_reads_the_week_and_seasons(client, org):
    _login(client, "comms_lead")
    url = reverse("api-opening-hours")

    put = client.put(
        url,
        {
            "spans": [
                {"weekday": 0, "opens": "08:00", "closes": "12:00"},
                {"weekday": 0, "opens": "13:00", "closes": "15:00"},
            ]
        },
        content_type="application/json",
    )
    season = client.put(
        url,
        {
            "valid_from": "2027-06-28",
            "valid_to": "2027-08-06",
            "spans": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}],
        },
        content_type="application/json",
    )

    assert (put.status_code, season.status_code) == (200, 200)
    assert client.get(url).json() == {
        "weekly": [
            {"weekday": 0, "opens": "08:00", "closes": "12:00"},
            {"weekday": 0, "opens": "13:00", "closes": "15:00"},
        ],
        "seasons": [
            {
                "valid_from": "2027-06-28",
                "valid_to": "2027-08-06",
                "spans": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}],
            }
        ],
    }
    assert AuditEntry.objects.filter(action="opening_hours_set").count() == 2


def test_api_refuses_overlapping_spans_with_the_error_body(client, org):
    _login(client, "comms_lead")
    response = client.put(
        reverse("api-opening-hours"),
        {
            "spans": [
                {"weekday": 2, "opens": "08:00", "closes": "12:00"},
                {"weekday": 2, "opens": "11:30", "closes": "15:00"},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["spans"] == [
        "Wednesday: The spans 08:00–12:00 and 11:30–15:00 overlap: make them one span."
    ]
    assert _hours(org) == []


def test_api_closing_days(client, org):
    _login(client, "comms_lead")
    url = reverse("closing-day-list")
    created = client.post(
        url, {"date": "2027-12-31", "open_until": "13:00"}, content_type="application/json"
    )
    twice = client.post(url, {"date": "2027-12-31"}, content_type="application/json")

    assert created.status_code == 201
    assert created.json() == {
        "id": created.json()["id"],
        "date": "2027-12-31",
        "open_until": "13:00",
        "reason": "",
    }
    assert twice.status_code == 400
    assert ClosingDay.objects.count() == 1
    gone = client.delete(reverse("closing-day-detail", args=[created.json()["id"]]))
    assert gone.status_code == 204
    assert not ClosingDay.objects.exists()


def test_settings_sections_name_the_pages_the_user_may_open(rf, org):
    from governance.views_settings import settings_sections

    request = rf.get("/")
    request.user = org.users["comms_lead"]
    lead = [s["url"] for s in settings_sections(request)]
    request.user = org.users["staff"]
    staff = [s["url"] for s in settings_sections(request)]

    assert lead == [
        reverse("settings-hours"),
        reverse("moderation:rota"),
        reverse("settings-canned-answers"),
        reverse("settings-alerts"),
        reverse("me-notifications"),
    ]
    assert staff == [reverse("me-notifications")]
    request.user = org.users["manager_a"]
    manager = [s["url"] for s in settings_sections(request)]
    assert manager == [reverse("settings-alerts"), reverse("me-notifications")]


def test_a_season_saved_with_every_day_empty_is_removed(client, org):
    OpeningHours.objects.create(
        municipality=org.municipality,
        weekday=4,
        opens=time(8),
        closes=time(12),
        valid_from=date(2027, 6, 28),
        valid_to=date(2027, 8, 6),
    )
    _login(client, "comms_lead")
    response = client.post(
        reverse("settings-season"),
        {
            "prefix": "s20270628",
            "s20270628-valid_from": "2027-06-28",
            "s20270628-valid_to": "2027-08-06",
            "s20270628-replacing_from": "2027-06-28",
            "s20270628-replacing_to": "2027-08-06",
        },
    )
    assert response.status_code == 302
    assert _hours(org) == []
    entry = AuditEntry.objects.get(action="opening_hours_set")
    assert entry.before["spans"] == [[4, "08:00", "12:00"]]
    assert entry.after["spans"] == []
