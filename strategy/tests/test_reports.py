"""The report pages and their CSV, as the team and a centre manager use them."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD
from strategy.tests.conftest import NOW, RECEIVED, make_item, roll_up_all

NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


def login(client, username):
    # English pages, and no lookup of the municipality's language in the counted queries.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def comms_client(client, org):
    return login(client, "comms")


def _csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


@time_machine.travel(NOW, tick=False)
def test_answer_times_csv_per_centre(comms_client, report_data):
    # Given the hand-computed fixture, when the team downloads the per-centre figures
    response = comms_client.get(
        reverse("strategy:report-answer-times"), {**NOVEMBER, "by": "centre", "format": "csv"}
    )
    rows = _csv(response)
    # Then each centre's median, 90th percentile and compliance are the hand-computed ones
    assert rows[0][:2] == ["Group", "Period starting"]
    # (the fixture's rules set no first-response target: the answer was the first response)
    no_target = ["0", "0", ""]
    assert rows[1][:11] == [
        *["Center A", "", "5", "4", "75.0", "132.0", "3", "2", "60.0", "75.0", "132.0"]
    ]
    assert rows[1][11:] == no_target
    assert rows[2][:11] == [
        "Center B",
        "",
        "1",
        "1",
        "10.0",
        "10.0",
        "1",
        "0",
        "100.0",
        "10.0",
        "10.0",
    ]
    # and the weekly trend over all groups, then each group's own weeks
    assert rows[3][:9] == ["All", "2026-11-16", "6", "5", "60.0", "126.0", "4", "2", "66.7"]
    assert rows[4][:9] == ["Center A", "2026-11-16", "5", "4", "75.0", "132.0", "3", "2", "60.0"]
    assert rows[5][:9] == ["Center B", "2026-11-16", "1", "1", "10.0", "10.0", "1", "0", "100.0"]
    assert len(rows) == 6


@time_machine.travel(NOW, tick=False)
def test_answer_times_page_shows_charts_and_table(comms_client, report_data):
    response = comms_client.get(reverse("strategy:report-answer-times"), NOVEMBER)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="answer-times-by-group"' in html
    assert 'id="answer-times-by-group"' in html
    assert '<th scope="row">Afdeling A på Facebook · Facebook</th>' in html


def test_centre_manager_report_is_scoped(client, org, report_data):
    login(client, "manager_b")
    rows = _csv(client.get(reverse("strategy:report-answer-times"), {**NOVEMBER, "format": "csv"}))
    assert [row[0] for row in rows[1:2]] == ["Afdeling B på Instagram · Instagram"]
    assert len(rows) == 4  # header, channel b, its one week overall and per channel


def test_bad_period_gets_a_clear_error(comms_client, report_data):
    response = comms_client.get(
        reverse("strategy:report-removals"), {"start": "2026-12-01", "end": "2026-11-01"}
    )
    assert response.status_code == 400
    assert "The start of the period must come before its end." in response.content.decode()


def test_removals_and_volume_csv(comms_client, report_data):
    removals = _csv(
        comms_client.get(reverse("strategy:report-removals"), {**NOVEMBER, "format": "csv"})
    )
    assert removals == [
        ["Reason code", "Reason", "Hidden", "Deleted", "Total"],
        ["spam", "spam", "2", "0", "2"],
        ["hate", "hate", "0", "1", "1"],
    ]
    volume = _csv(
        comms_client.get(reverse("strategy:report-volume"), {**NOVEMBER, "format": "csv"})
    )
    assert volume[1:3] == [["Facebook", "5"], ["Instagram", "1"]]
    monday = volume[5]
    assert monday[0] == "Monday"
    assert monday[1 + 10] == "5"


@time_machine.travel(NOW, tick=False)
def test_council_report_is_printable(comms_client, report_data):
    response = comms_client.get(reverse("strategy:report-council"), NOVEMBER)
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-print" in html
    assert 'media="print"' in html
    assert "Center A" in html


@pytest.mark.parametrize(
    "route", ["answer-times", "removals", "volume", "pages", "goals", "council"]
)
def test_report_pages_use_a_fixed_number_of_queries(client, org, django_assert_num_queries, route):
    # Given the team's session, measured with 3 and with 30 items
    login(client, "comms")
    url = reverse(f"strategy:report-{route}")
    if route == "goals":
        from strategy.models import Goal

        goal = Goal.objects.create(
            title="Svartid",
            metric="median_answer_minutes",
            target_value=30,
            start_date="2026-11-01",
            deadline="2026-12-31",
        )
        goal.channels.set([org.channels["a"]])
    counts = []
    for total in (3, 30):
        for index in range(len(counts) * 3, total):
            make_item(org.channels["a"], f"q{route}{index}", answered_after=index + 5)
        roll_up_all()  # the sweep's channel days, which the reports read
        with django_assert_num_queries(QUERIES[route]) as captured:
            assert client.get(url, NOVEMBER).status_code == 200
        counts.append(len(captured.captured_queries))
    # Then the number of queries does not grow with the items
    assert counts[0] == counts[1]


# session + user + memberships with their centres (3), the municipality for its time zone (1), then:
QUERIES = {
    "answer-times": 4 + 1,  # the channel days (counts and histograms)
    # removals per reason (the reason labels only when something was removed)
    "removals": 4 + 1,
    "volume": 4 + 1,  # the channel days (items per platform and hour)
    "pages": 4 + 2 + 2,  # channels, their open flags; the inactivity limit in force (2)
    # goals, their channels, the municipality for the week buckets, the channel days
    "goals": 4 + 2 + 1 + 1,
    # answer times (1), removals (1), volume (1), pages (channels, their open flags, the
    # inactivity limit in force), goals (goal list, their channels)
    "council": 4 + 1 + 1 + 1 + 4 + 2,
}


@time_machine.travel(NOW, tick=False)
def test_report_figures_in_the_api(comms_client, report_data):
    url = reverse("report-figures", args=["answer-times"])
    data = comms_client.get(url, {**NOVEMBER, "by": "centre"}).json()
    assert data["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    centre_a = next(row for row in data["rows"] if row["label"] == "Center A")
    assert (centre_a["median_minutes"], centre_a["p90_minutes"]) == (75.0, 132.0)
    assert (centre_a["sla_compliance"], centre_a["answered_share"]) == (60.0, 80.0)
    assert data["series"][0]["period"] == "2026-11-16"
    assert [
        (row["label"], row["period"], row["median_minutes"]) for row in data["group_series"]
    ] == [
        ("Center A", "2026-11-16", 75.0),
        ("Center B", "2026-11-16", 10.0),
    ]
    removals = comms_client.get(reverse("report-figures", args=["removals"]), NOVEMBER).json()
    assert [(row["reason"], row["total"]) for row in removals["rows"]] == [("spam", 2), ("hate", 1)]
    volume = comms_client.get(reverse("report-figures", args=["volume"]), NOVEMBER).json()
    assert volume["by_hour_of_week"][0][10] == 5


def test_report_api_refuses_bad_input(comms_client, report_data):
    unknown = comms_client.get(reverse("report-figures", args=["weather"]))
    assert unknown.status_code == 404
    bad = comms_client.get(
        reverse("report-figures", args=["removals"]), {"start": "2026-12-01", "end": "2026-11-01"}
    )
    assert bad.status_code == 400
    assert "The start of the period must come before its end." in bad.content.decode()


@time_machine.travel(NOW, tick=False)
def test_first_responses_are_measured_against_their_own_target(comms_client, org):
    # Given items whose rule asks for a first response within 15 minutes
    from moderation.models import QueueItem

    QueueItem.objects.all().delete()
    a = org.channels["a"]

    def first(key, responded_after=None):
        made = make_item(a, key, first_response_due=RECEIVED + timedelta(minutes=15))
        if responded_after is not None:
            QueueItem.objects.filter(pk=made.pk).update(
                status="acknowledged",
                first_responded_at=RECEIVED + timedelta(minutes=responded_after),
            )

    first("in-time", 10)
    first("late", 20)
    first("never")  # still open, its first-response deadline long past
    roll_up_all()  # the sweep's channel days
    # When the team reads the answer-time figures in the API and on the page
    data = comms_client.get(
        reverse("report-figures", args=["answer-times"]), {**NOVEMBER, "by": "channel"}
    ).json()
    [row] = data["rows"]
    # Then one of three first responses came in time; the median is over those given
    assert row["first_response"] == {
        "on_time": 1,
        "breached": 2,
        "median_minutes": 15.0,
        "p90_minutes": 19.0,
        "sla_compliance": 33.3,
    }
    page = comms_client.get(reverse("strategy:report-answer-times"), NOVEMBER).content.decode()
    assert "<td>33.3 %</td>" in page
