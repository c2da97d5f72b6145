"""Deadlines from the policy in force, the municipality's calendar and crisis mode."""

from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone

from governance.models import ClosingDay, OpeningHours
from moderation.deadlines import DeadlineCalculator, assign_deadlines, calendar_for
from moderation.models import CrisisPeriod
from moderation.sla import is_open

from .support import MONDAY, adopt_policy, item, office_hours

pytestmark = pytest.mark.django_db


def test_deadlines_follow_the_rule_for_platform_and_kind(org):
    # Given Facebook: first response 60 calendar minutes, answer one weekday
    version = adopt_policy(org.municipality)
    # When an item arriving Monday 10:00 local is judged
    result = DeadlineCalculator(org.municipality).deadlines("facebook", "comment", MONDAY)
    # Then the first response is due an hour later and the answer on Tuesday at the same time
    assert result.first_response_due == datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
    assert result.answer_due == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    assert result.first_response_warn_at == datetime(2026, 11, 16, 9, 45, tzinfo=UTC)
    assert result.answer_warn_at == datetime(2026, 11, 17, 3, 0, tzinfo=UTC)
    assert result.policy_version_id == version.pk
    assert result.next_deadline == datetime(2026, 11, 16, 9, 45, tzinfo=UTC)


def test_friday_afternoon_on_the_weekdays_clock_is_due_monday(org):
    adopt_policy(org.municipality)
    friday = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    result = DeadlineCalculator(org.municipality).deadlines("facebook", "comment", friday)
    assert result.answer_due == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_no_rule_gives_no_deadlines_but_names_the_version(org):
    version = adopt_policy(org.municipality)
    result = DeadlineCalculator(org.municipality).deadlines("youtube", "comment", MONDAY)
    assert (result.first_response_due, result.answer_due, result.policy_version_id) == (
        None,
        None,
        version.pk,
    )
    assert result.next_deadline is None


def test_no_policy_in_force_gives_no_deadlines(org):
    result = DeadlineCalculator(org.municipality).deadlines("facebook", "comment", MONDAY)
    assert (result.first_response_due, result.answer_due, result.policy_version_id) == (
        None,
        None,
        None,
    )


def test_a_naive_received_time_is_refused(org):
    adopt_policy(org.municipality)
    with pytest.raises(ValueError, match="timezone-aware"):
        DeadlineCalculator(org.municipality).deadlines(
            "facebook", "comment", datetime(2026, 11, 16, 9)
        )


def test_crisis_mode_tightens_targets_and_counts_round_the_clock(org):
    # Given crisis mode at 25 % round the clock
    adopt_policy(org.municipality)
    CrisisPeriod.objects.create(
        municipality=org.municipality,
        reason="Storm",
        target_percent=25,
        started_at=timezone.now(),
        started_by=org.users["comms_lead"],
    )
    friday = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    # When an item arrives Friday afternoon
    result = DeadlineCalculator(org.municipality).deadlines("facebook", "comment", friday)
    # Then 24 h becomes 6 h of real time, weekend or not; 60 min becomes 15
    assert result.answer_due == datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
    assert result.first_response_due == datetime(2026, 11, 20, 15, 15, tzinfo=UTC)


def test_assign_deadlines_sets_the_items_fields(org):
    version = adopt_policy(org.municipality)
    queue_item = item(org.channels["a"])
    assign_deadlines(queue_item)
    assert queue_item.answer_due == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    assert queue_item.policy_version_id == version.pk
    assert queue_item.next_deadline == datetime(2026, 11, 16, 9, 45, tzinfo=UTC)


def test_the_calendar_is_built_from_opening_hours_and_closing_days(org):
    # Given office hours 8–15, summer hours 8–12 in July, and 24 December open until 12
    office_hours(org.municipality)
    for weekday in range(5):
        OpeningHours.objects.create(
            municipality=org.municipality,
            weekday=weekday,
            opens=time(8),
            closes=time(12),
            valid_from=date(2026, 7, 1),
            valid_to=date(2026, 7, 31),
        )
    ClosingDay.objects.create(
        municipality=org.municipality, date=date(2026, 12, 24), open_until=time(12)
    )
    cal = calendar_for(org.municipality)
    # Then (times in UTC; Copenhagen is UTC+2 in summer, UTC+1 in winter)
    assert is_open(datetime(2026, 11, 16, 13, 30, tzinfo=UTC), cal) is True
    assert is_open(datetime(2026, 7, 6, 10, 30, tzinfo=UTC), cal) is False
    assert is_open(datetime(2026, 7, 6, 9, 30, tzinfo=UTC), cal) is True
    assert is_open(datetime(2026, 12, 24, 10, 30, tzinfo=UTC), cal) is True
    assert is_open(datetime(2026, 12, 24, 11, 30, tzinfo=UTC), cal) is False


def test_the_cached_calendar_is_rebuilt_when_the_hours_change(org, django_assert_num_queries):
    office_hours(org.municipality)
    first = calendar_for(org.municipality)
    with django_assert_num_queries(0):
        assert calendar_for(org.municipality) is first
    # When a closing day is added
    ClosingDay.objects.create(municipality=org.municipality, date=date(2026, 11, 17))
    # Then the next call sees it
    second = calendar_for(org.municipality)
    assert second is not first
    assert is_open(datetime(2026, 11, 17, 9, 0, tzinfo=UTC), second) is False
