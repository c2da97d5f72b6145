"""The yearly plan: the annual wheel's geometry, the list, and the iCalendar export."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD
from strategy.ical import escape_text, fold
from strategy.models import PlanItem, YearTheme
from strategy.wheel import _angle, _lanes, sector_path


def _client(client, username="editor"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def plan(org):
    theme = YearTheme.objects.create(
        title="Grøn omstilling", start_date=date(2026, 3, 1), end_date=date(2026, 5, 31)
    )
    campaign = PlanItem.objects.create(
        title="Affaldssortering, kampagne",
        kind="campaign",
        theme=theme,
        owner=org.users["comms"],
        start_date=date(2026, 4, 1),
        end_date=date(2026, 4, 30),
        description="Film; opslag og konkurrence\nmed præmier",
    )
    campaign.channels.set([org.channels["central"], org.channels["a"]])
    across = PlanItem.objects.create(
        title="Juleåbningstider", start_date=date(2026, 12, 1), end_date=date(2026, 12, 23)
    )
    return {"theme": theme, "campaign": campaign, "across": across}


def test_angles_start_at_the_top_with_january():
    assert _angle(date(2026, 1, 1), 2026) == 0.0
    # 1 July 2026 is day 181 of 365
    assert _angle(date(2026, 7, 1), 2026) == pytest.approx(360 * 181 / 365)
    assert sector_path(10, 20, 0, 90) == (
        "M400.00,380.00 A20,20 0 0 1 420.00,400.00 L410.00,400.00 A10,10 0 0 0 400.00,390.00 Z"
    )


def test_overlapping_activities_get_their_own_lane():
    assigned, lanes = _lanes([(0, 10, "a"), (5, 15, "b"), (10, 20, "c")])
    assert lanes == 2
    assert [(lane, payload) for lane, _, _, payload in assigned] == [(0, "a"), (1, "b"), (0, "c")]


def test_plan_page_draws_the_wheel_and_the_list(client, org, plan):
    response = _client(client).get(reverse("strategy:plan"), {"year": 2026})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<title id="wheel-title">Annual wheel 2026</title>' in html
    # twelve month sectors, one theme arc, rings for "all channels" and the two channels
    assert html.count('<path class="wheel-month') == 12
    assert html.count('class="wheel-theme wheel-theme--theme"') == 1
    assert html.count('class="wheel-item wheel-item--campaign"') == 2
    assert html.count('class="wheel-item wheel-item--action"') == 1
    assert "<title>All channels: Juleåbningstider (01.12.–23.12.)</title>" in html
    assert "Affaldssortering, kampagne" in html


def test_another_year_is_empty(client, org, plan):
    html = _client(client).get(reverse("strategy:plan"), {"year": 2027}).content.decode()
    assert "Nothing planned for this year yet." in html
    assert html.count('class="wheel-item') == 0


def test_icalendar_export_is_valid_rfc_5545(client, org, plan):
    response = _client(client).get(reverse("strategy:plan-ics"), {"year": 2026})
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    # every physical line is at most 75 octets
    assert max(len(line.encode()) for line in body.split("\r\n")) <= 75
    unfolded = body.replace("\r\n ", "")
    events = unfolded.split("BEGIN:VEVENT")[1:]
    assert len(events) == 3  # the theme and two activities
    campaign = next(e for e in events if "SUMMARY:Affaldssortering\\, kampagne" in e)
    assert f"UID:{plan['campaign'].uid}@testserver" in campaign
    assert "DTSTART;VALUE=DATE:20260401\r\n" in campaign
    assert "DTEND;VALUE=DATE:20260501\r\n" in campaign  # exclusive end
    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", campaign)
    assert "DESCRIPTION:Film\\; opslag og konkurrence\\nmed præmier\\n" in campaign


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "æ" * 60
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_team_adds_an_activity(client, org, plan):
    _client(client, "comms")
    response = client.post(
        reverse("strategy:plan-item-create"),
        {
            "title": "Valgkampagne",
            "kind": "campaign",
            "start_date": "2026-10-01",
            "end_date": "2026-11-10",
            "channels": [org.channels["b"].pk],
            "owner": org.users["comms_lead"].pk,
        },
    )
    assert response.status_code == 302
    item = PlanItem.objects.get(title="Valgkampagne")
    assert list(item.channels.all()) == [org.channels["b"]]
    assert item.owner == org.users["comms_lead"]


def test_end_before_start_is_refused(client, org):
    _client(client, "comms")
    response = client.post(
        reverse("strategy:theme-create"),
        {"title": "Kultur", "start_date": "2026-09-01", "end_date": "2026-08-01"},
    )
    assert response.status_code == 200
    assert "The end cannot come before the start." in response.content.decode()
    assert not YearTheme.objects.exists()


def test_editor_sets_the_purposes_of_their_channel(client, org):
    from strategy.models import ChannelStrategy

    _client(client, "editor")
    response = client.post(
        reverse("strategy:channel-edit", args=[org.channels["a"].pk]),
        {"purposes": ["service", "dialogue"], "target_groups": "Forældre til børn i dagtilbud"},
    )
    assert response.status_code == 302
    strategy = ChannelStrategy.objects.get(channel=org.channels["a"])
    assert strategy.purposes == ["service", "dialogue"]
    assert strategy.updated_by == org.users["editor"]
    overview = client.get(reverse("strategy:overview")).content.decode()
    assert "Forældre til børn i dagtilbud" in overview
    assert "Dialogue" in overview


def test_plan_api_filters_by_year(client, org, plan):
    _client(client, "comms")
    data = client.get(reverse("plan-item-list"), {"year": 2026}).json()
    assert [item["title"] for item in data["results"]] == [
        "Affaldssortering, kampagne",
        "Juleåbningstider",
    ]
    assert data["results"][0]["theme_title"] == "Grøn omstilling"
    assert client.get(reverse("plan-item-list"), {"year": "next"}).status_code == 400
