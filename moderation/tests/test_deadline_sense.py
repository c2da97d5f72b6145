"""Deadlines that make sense to the people who meet them: a first response is never due after the
answer, the forward dialog offers the expert a deadline in opening hours before the answer
deadline, and the demo's answer times put a Saturday-night comment's deadlines on Monday."""

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.testing import PASSWORD
from governance import demo as governance_demo
from governance.models import AnswerTimeRule, ClosingDay, OpeningHours, answer_time_errors
from moderation import sla
from moderation.deadlines import DeadlineCalculator, calendar_for, suggested_internal_deadline

from .support import adopt_policy, office_hours

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local(*args):
    return datetime(*args, tzinfo=COPENHAGEN)


def received_times():
    """Every 37 minutes for five weeks over Christmas and New Year: weekdays, weekends, nights,
    public holidays, the municipality's closing days, and every minute of the hour in turn."""
    start = local(2026, 12, 7, 0, 0)
    return [start + timedelta(minutes=37 * step) for step in range(5 * 7 * 24 * 60 // 37)]


# Rules stored before validation existed (or against a calendar it cannot see) that put the first
# response after the answer for some received times.
UNSAFE_RULES = [
    ("facebook", "any", 240, "opening_hours", 1440, "calendar"),
    ("instagram", "any", 120, "weekdays", 240, "calendar"),
    # Valid by the clocks' order, but Saturday opening hours run while the weekdays clock stops.
    ("x", "any", 60, "weekdays", 60, "opening_hours"),
    ("linkedin", "any", 60, "opening_hours", 600, "weekdays"),
]


@pytest.fixture
def calendar_with_closing_days(org):
    """Open 8-15 on weekdays; 23 December until noon, 24 and 31 December closed."""
    office_hours(org.municipality)
    ClosingDay.objects.create(municipality=org.municipality, date=date(2026, 12, 24))
    ClosingDay.objects.create(municipality=org.municipality, date=date(2026, 12, 31))
    ClosingDay.objects.create(
        municipality=org.municipality, date=date(2026, 12, 23), open_until=time(12)
    )
    return calendar_for(org.municipality)


@pytest.fixture
def calendar_open_on_saturdays(org, calendar_with_closing_days):
    OpeningHours.objects.create(
        municipality=org.municipality, weekday=5, opens=time(10), closes=time(12)
    )
    return calendar_for(org.municipality)


def test_the_first_response_is_never_due_after_the_answer(org, calendar_open_on_saturdays):
    adopt_policy(org.municipality, UNSAFE_RULES)
    calculator = DeadlineCalculator(org.municipality)
    clamped = 0
    for platform, _kind, first, first_clock, _answer, _answer_clock in UNSAFE_RULES:
        for received in received_times():
            result = calculator.deadlines(platform, "comment", received)
            unclamped = sla.due_at(received, first, calendar_open_on_saturdays, first_clock)
            assert result.first_response_due <= result.answer_due, (platform, received)
            assert result.first_response_warn_at <= result.first_response_due
            # Clamped only where needed: otherwise the rule's own deadline.
            assert result.first_response_due == min(unclamped, result.answer_due)
            clamped += unclamped > result.answer_due
    # The rules really do reach past the answer somewhere, so the clamp was exercised.
    assert clamped > 100


def test_a_weekend_comment_under_the_demos_old_rule_is_acknowledged_by_the_answer(
    org, calendar_with_closing_days
):
    adopt_policy(org.municipality, [UNSAFE_RULES[0]])
    saturday_night = local(2026, 11, 21, 4, 21)
    result = DeadlineCalculator(org.municipality).deadlines("facebook", "comment", saturday_night)
    assert result.answer_due == local(2026, 11, 22, 4, 21)
    assert result.first_response_due == result.answer_due


# -- the forward dialog's suggested internal deadline


def _inside_opening_hours(moment, calendar):
    return sla.is_open(moment, calendar, sla.OPENING_HOURS)


@pytest.mark.parametrize(
    ("now", "answer_due", "expected"),
    [
        # Saturday: the answer is due Monday 15:00; half of Monday's 7 opening hours.
        (local(2026, 11, 21, 23, 30), local(2026, 11, 23, 15, 0), local(2026, 11, 23, 11, 30)),
        # Friday 12:00, due Monday 14:00: 3 h on Friday, 6 h on Monday; 4.5 h in.
        (local(2026, 11, 20, 12, 0), local(2026, 11, 23, 14, 0), local(2026, 11, 23, 9, 30)),
        # During the day, seconds in `now` are rounded up to the minute first.
        (local(2026, 11, 16, 9, 0, 40), local(2026, 11, 16, 14, 1), local(2026, 11, 16, 11, 31)),
        # Before Christmas: 1 h before noon on 23 December, nothing until Monday 28 December
        # (24 December closed, 25 and 26 public holidays), 4 h then; 2.5 h in.
        (local(2026, 12, 23, 11, 0), local(2026, 12, 28, 12, 0), local(2026, 12, 28, 9, 30)),
        # Used up exactly at closing time: the minute before, while still open.
        (local(2026, 11, 16, 13, 0), local(2026, 11, 17, 10, 0), local(2026, 11, 16, 14, 59)),
    ],
)
def test_the_suggestion_is_halfway_through_the_opening_hours_left(
    calendar_with_closing_days, now, answer_due, expected
):
    suggested = suggested_internal_deadline(answer_due, now, calendar_with_closing_days)
    assert suggested == expected
    assert now < suggested < answer_due
    assert _inside_opening_hours(suggested, calendar_with_closing_days)


def test_the_suggestion_is_in_opening_hours_and_before_the_answer_for_any_moment(
    calendar_with_closing_days,
):
    answer_hours = [(420, sla.OPENING_HOURS), (1440, sla.WEEKDAYS), (2880, sla.CALENDAR)]
    for received in received_times()[::3]:
        for minutes, clock in answer_hours:
            answer_due = sla.due_at(received, minutes, calendar_with_closing_days, clock)
            opening_minutes = sla.open_minutes_between(
                received, answer_due, calendar_with_closing_days
            )
            suggested = suggested_internal_deadline(
                answer_due, received, calendar_with_closing_days
            )
            assert received < suggested < answer_due, (received, clock)
            assert suggested.second == suggested.microsecond == 0
            if opening_minutes >= 10:
                assert _inside_opening_hours(suggested, calendar_with_closing_days), (
                    received,
                    clock,
                )


def test_without_opening_hours_before_the_answer_it_is_halfway_in_real_time(
    calendar_with_closing_days,
):
    # A rule in calendar time: a Saturday-morning comment due on Sunday morning.
    now, answer_due = local(2026, 11, 21, 13, 0), local(2026, 11, 22, 13, 0)
    suggested = suggested_internal_deadline(answer_due, now, calendar_with_closing_days)
    assert suggested == local(2026, 11, 22, 1, 0)


def test_without_an_answer_deadline_it_is_four_opening_hours_away(calendar_with_closing_days):
    friday = local(2026, 11, 20, 12, 0)
    suggested = suggested_internal_deadline(None, friday, calendar_with_closing_days)
    assert suggested == local(2026, 11, 23, 9, 0)


def test_the_forward_dialog_offers_the_suggestion(client, org, calendar_with_closing_days):
    # Given a comment received on Saturday night, due Monday 15:00
    item = org.items["a"]
    item.answer_due = local(2026, 11, 23, 15, 0)
    item.save(update_fields=["answer_due"])
    assert client.login(username="comms", password=PASSWORD)

    # When the team opens its page on Sunday
    with time_machine.travel(local(2026, 11, 22, 20, 14), tick=False):
        page = client.get(item.get_absolute_url()).content.decode()

    # Then the forward form suggests Monday 11:30, in opening hours before the answer deadline
    field = re.search(r'<input type="datetime-local" name="forward-due_at"[^>]*>', page)
    assert 'value="2026-11-23T11:30"' in field.group(0)


# -- the demo's answer times


@pytest.fixture
def demo_municipality():
    municipality, units, users = governance_demo.load_organisation()
    governance_demo.load(municipality=municipality, units=units, users=users, stdout=io.StringIO())
    return municipality


def test_the_demos_rules_pass_the_policy_check(demo_municipality):
    rules = AnswerTimeRule.objects.filter(version__policy__municipality=demo_municipality)
    assert rules.count() == 12
    for rule in rules:
        errors = answer_time_errors(
            rule.first_response_minutes,
            rule.first_response_clock,
            rule.answer_minutes,
            rule.answer_clock,
        )
        assert errors == {}, rule


def test_the_demo_judges_a_saturday_night_comment_by_monday(demo_municipality):
    # Given the demo's policy in force and a Facebook comment at 23:40 on a Saturday
    saturday_night = local(2026, 11, 21, 23, 40)
    calculator = DeadlineCalculator(demo_municipality)

    # When it is judged
    result = calculator.deadlines("facebook", "comment", saturday_night)

    # Then it is acknowledged by Monday 10:00 and answered by Monday 15:00 (closing time)
    assert result.first_response_due == local(2026, 11, 23, 10, 0)
    assert result.answer_due == local(2026, 11, 23, 15, 0)
    # And the expert is offered Monday 11:30 when the team forwards it on Monday morning
    monday_morning = local(2026, 11, 23, 8, 5)
    suggested = suggested_internal_deadline(result.answer_due, monday_morning, calculator.calendar)
    assert suggested == local(2026, 11, 23, 11, 32)


def test_no_demo_deadline_falls_at_night_or_on_a_weekend(demo_municipality):
    calculator = DeadlineCalculator(demo_municipality)
    for received in received_times()[::5]:
        for platform, kind in [
            ("facebook", "comment"),
            ("facebook", "message"),
            ("instagram", "comment"),
            ("x", "mention"),
            ("linkedin", "comment"),
            ("youtube", "comment"),
        ]:
            result = calculator.deadlines(platform, kind, received)
            for due in (result.first_response_due, result.answer_due):
                if due is None:
                    continue
                wall = due.astimezone(COPENHAGEN)
                assert wall.weekday() < 5, (platform, received, wall)
                assert time(8) < wall.time() <= time(17), (platform, received, wall)
            if result.first_response_due is not None:
                assert result.first_response_due <= result.answer_due
