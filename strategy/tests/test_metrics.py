"""The report figures, checked against hand-computed fixtures (see conftest.report_data)."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from moderation.models import QueueItem
from strategy.metrics import (
    Period,
    answer_time_report,
    grouped_percentiles,
    pages_report,
    removals_report,
    volume_report,
)
from strategy.tests.conftest import NOW, roll_up_all

ZONE = ZoneInfo("Europe/Copenhagen")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30), ZONE)


def _by_label(rows):
    return {row.label: row for row in rows}


def test_answer_times_per_channel(org, report_data):
    report = answer_time_report(org.users["comms"], by="channel", period=NOVEMBER, now=NOW)
    rows = _by_label(report["rows"])
    a = rows["Afdeling A på Facebook · Facebook"]
    # answered after 30, 60, 90, 150: median (60 + 90) / 2; p90 at position 2.7: 90 + 0.7 * 60
    assert (a.median_minutes, a.p90_minutes) == (75.0, 132.0)
    # on time: 30, 60, 90; breached: 150 (late) and the open item past its deadline
    assert (a.received, a.answered, a.on_time, a.breached) == (5, 4, 3, 2)
    assert a.compliance == 60.0
    assert a.answered_share == 80.0
    b = rows["Afdeling B på Instagram · Instagram"]
    assert (b.median_minutes, b.p90_minutes, b.compliance) == (10.0, 10.0, 100.0)
    assert set(rows) == {"Afdeling A på Facebook · Facebook", "Afdeling B på Instagram · Instagram"}


def test_answer_times_per_centre_department_and_platform(org, report_data):
    comms = org.users["comms"]
    centres = _by_label(answer_time_report(comms, by="centre", period=NOVEMBER, now=NOW)["rows"])
    assert (centres["Center A"].median_minutes, centres["Center B"].median_minutes) == (75.0, 10.0)
    departments = _by_label(
        answer_time_report(comms, by="department", period=NOVEMBER, now=NOW)["rows"]
    )
    assert departments["Afdeling A"].p90_minutes == 132.0
    platforms = _by_label(
        answer_time_report(comms, by="platform", period=NOVEMBER, now=NOW)["rows"]
    )
    assert platforms["Facebook"].compliance == 60.0
    assert platforms["Instagram"].answered == 1


def test_answer_time_trend_per_week(org, report_data):
    report = answer_time_report(
        org.users["comms"], by="channel", interval="week", period=NOVEMBER, now=NOW
    )
    [week] = report["series"]
    # all six items arrived in the week starting Monday 16 November: 10, 30, 60, 90, 150
    assert week.label == "2026-11-16"
    assert (week.median_minutes, week.p90_minutes) == (60.0, 126.0)
    assert (week.on_time, week.breached) == (4, 2)


def test_centre_manager_sees_only_their_centre(org, report_data):
    report = answer_time_report(org.users["manager_a"], by="channel", period=NOVEMBER, now=NOW)
    assert [row.label for row in report["rows"]] == ["Afdeling A på Facebook · Facebook"]


def test_grouped_percentiles_without_grouping(org, report_data):
    from django.db.models import F

    from strategy.metrics import MinutesBetween, answered_at_expression

    figures = grouped_percentiles(
        QueueItem.objects.annotate(_answer=answered_at_expression()),
        MinutesBetween(F("received_at"), F("_answer")),
        {},
        fractions=(0.25, 0.5, 0.9),
    )
    # answered after 10, 30, 60, 90, 150; the open item has no answer and is left out
    assert figures == {(): {0.25: 30.0, 0.5: 60.0, 0.9: 126.0}}


def test_removals_by_reason(org, report_data):
    report = removals_report(org.users["comms"], period=NOVEMBER)
    assert [(r["reason"], r["hidden"], r["deleted"], r["total"]) for r in report["rows"]] == [
        ("spam", 2, 0, 2),
        ("hate", 0, 1, 1),
    ]
    scoped = removals_report(org.users["manager_b"], period=NOVEMBER)
    assert [(r["reason"], r["total"]) for r in scoped["rows"]] == [("spam", 1)]


def test_volume_by_platform_and_hour_of_week(org, report_data):
    report = volume_report(org.users["comms"], period=NOVEMBER)
    assert [(r["platform"], r["count"]) for r in report["by_platform"]] == [
        ("facebook", 5),
        ("instagram", 1),
    ]
    grid = report["by_hour_of_week"]
    # 09:00 UTC on Monday is 10:00 in Copenhagen; b1 came Tuesday 14:00 UTC = 15:00 local
    assert grid[0][10] == 5
    assert grid[1][15] == 1
    assert sum(map(sum, grid)) == 6


def test_dormant_and_non_compliant_pages_follow_the_registry_flags(org):
    from datetime import timedelta

    from accounts.models import AccountSnapshot, ChannelFlag, ChannelStatus, FlagKind

    a, b, central = org.channels["a"], org.channels["b"], org.channels["central"]
    # Given channel b marked dormant, channel a flagged for no own post and for no deputy,
    # and a resolved flag on the central channel
    b.status = ChannelStatus.DORMANT
    b.save(update_fields=["status"])
    AccountSnapshot.objects.create(channel=a, date=NOW.date() - timedelta(days=200), own_posts=1)
    ChannelFlag.objects.create(channel=a, kind=FlagKind.DORMANT, since=NOW - timedelta(days=110))
    ChannelFlag.objects.create(channel=a, kind=FlagKind.NO_DEPUTY, since=NOW - timedelta(days=3))
    ChannelFlag.objects.create(
        channel=central, kind=FlagKind.TOKEN, since=NOW - timedelta(days=9), resolved_at=NOW
    )
    with translation.override("en"):  # the reasons are read in English, whatever ran before
        report = pages_report(org.users["comms"])
        dormant = [
            (row["channel"].pk, str(row["why"]), row["last_post"].date())
            if row["last_post"]
            else (row["channel"].pk, str(row["why"]), None)
            for row in report["dormant"]
        ]
        problems = [
            (row["channel"].pk, [str(p) for p in row["problems"]])
            for row in report["non_compliant"]
        ]
    assert dormant == [
        (a.pk, "No own post for too long", NOW.date() - timedelta(days=200)),
        (b.pk, "Marked dormant", None),
    ]
    assert problems == [(a.pk, ["No deputy"])]
    # A centre manager sees only their centre's pages
    scoped = pages_report(org.users["manager_b"])
    assert [row["channel"].pk for row in scoped["dormant"]] == [b.pk]
    assert scoped["non_compliant"] == []


@pytest.mark.parametrize("items", [2, 20])
def test_reports_use_a_fixed_number_of_queries(org, django_assert_num_queries, items):
    from strategy.tests.conftest import make_item

    for index in range(items):
        make_item(org.channels["a"], f"n{index}", answered_after=index + 1)
    comms = org.users["comms"]
    from core.permissions import access_for

    access_for(comms)  # the per-request access is computed once, outside the report
    roll_up_all()
    # the channel days: counts and histograms for every grouping and period
    with django_assert_num_queries(1):
        answer_time_report(comms, period=NOVEMBER, now=NOW)
    with django_assert_num_queries(1):  # removals (their labels only when there are any)
        removals_report(comms, period=NOVEMBER)
    with django_assert_num_queries(1):  # the channel days: per platform and hour of week
        volume_report(comms, period=NOVEMBER)


def test_removals_count_each_item_once_with_the_automatic_hides(org, report_data):
    from datetime import timedelta

    from strategy.tests.conftest import RECEIVED, make_item, remove

    a = org.channels["a"]
    # An item hidden, then deleted: one removal, a deletion
    twice = make_item(a, "twice")
    remove(twice, "hide", "hate", RECEIVED + timedelta(hours=5))
    remove(twice, "delete", "hate", RECEIVED + timedelta(hours=6))
    # An automatic personal-data hide by the intake
    exposed = make_item(a, "exposed")
    remove(exposed, "hide", "personal_data", RECEIVED + timedelta(hours=7))
    # A hide the platform refused: no removal
    refused = make_item(a, "refused")
    remove(refused, "hide", "spam", RECEIVED + timedelta(hours=8), status="failed")

    from django.utils import translation

    with translation.override("en"):
        report = removals_report(org.users["comms"], period=NOVEMBER)

    assert [(r["reason"], r["hidden"], r["deleted"], r["total"]) for r in report["rows"]] == [
        ("hate", 0, 2, 2),
        ("spam", 2, 0, 2),
        ("personal_data", 1, 0, 1),
    ]
    assert report["rows"][2]["label"] == "Personal data (hidden automatically)"
