"""Tests of the SLA clock (moderation.sla): exact deadlines for Danish, Swedish and Norwegian
calendars, daylight-saving changes, closing days, and a cross-check against a slow reference
that walks minute by minute. Pure Python: no database."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from moderation.sla import (
    CLOCKS,
    Calendar,
    ClosingDay,
    due_at,
    is_open,
    open_minutes_between,
)

CPH = ZoneInfo("Europe/Copenhagen")
STO = ZoneInfo("Europe/Stockholm")
OSL = ZoneInfo("Europe/Oslo")

DK_HOURS = {
    0: [("08:00", "15:00")],
    1: [("08:00", "15:00")],
    2: [("08:00", "15:00")],
    3: [("08:00", "17:00")],
    4: [("08:00", "13:00")],
}
# Swedish office with a lunch break: two spans Monday to Thursday, mornings only on Friday.
SE_HOURS = {weekday: [("08:00", "12:00"), ("13:00", "16:00")] for weekday in range(4)} | {
    4: [("08:00", "12:00")]
}
NO_HOURS = {weekday: [("08:00", "15:30")] for weekday in range(5)}
# A social-media desk staffed every day, with a Friday night shift running past midnight.
SEVEN_DAY_HOURS = {weekday: [("08:00", "16:00")] for weekday in range(4)} | {
    4: [("08:00", "16:00"), ("20:00", "24:00")],
    5: [("00:00", "02:00"), ("10:00", "14:00")],
    6: [("10:00", "14:00")],
}
DK_SUMMER = (date(2026, 6, 29), date(2026, 8, 7), {d: [("09:00", "13:00")] for d in range(5)})


def local(tz, *parts):
    return datetime(*parts, tzinfo=tz)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture(scope="module")
def dk():
    return Calendar(
        timezone="Europe/Copenhagen",
        country="DK",
        opening_hours=DK_HOURS,
        closing_days=[date(2026, 12, 24), ClosingDay(date(2026, 6, 5), open_until=time(12))],
        seasonal_hours=[DK_SUMMER],
    )


@pytest.fixture(scope="module")
def se():
    return Calendar(timezone="Europe/Stockholm", country="SE", opening_hours=SE_HOURS)


@pytest.fixture(scope="module")
def no():
    return Calendar(
        timezone="Europe/Oslo",
        country="NO",
        opening_hours=NO_HOURS,
        closing_days={date(2026, 12, 24): "12:00", date(2026, 12, 31): time(12)},
    )


# -- weekends, evenings, exact closing times


def test_target_running_past_friday_closing_continues_on_monday(dk):
    # Given an item received Friday 12:30 with one hour; Friday closes at 13:00
    received = local(CPH, 2026, 3, 6, 12, 30)
    # When the deadline is computed
    deadline = due_at(received, 60, dk, clock="opening_hours")
    # Then 30 minutes are used on Friday and 30 on Monday morning
    assert deadline == utc(2026, 3, 9, 7, 30)
    assert deadline.tzinfo is UTC


def test_item_received_on_saturday_starts_counting_on_monday_morning(dk):
    deadline = due_at(local(CPH, 2026, 3, 7, 10, 0), 90, dk, clock="opening_hours")
    assert deadline == local(CPH, 2026, 3, 9, 9, 30)


def test_item_received_in_the_evening_starts_counting_next_morning(dk):
    deadline = due_at(local(CPH, 2026, 3, 10, 18, 0), 30, dk, clock="opening_hours")
    assert deadline == utc(2026, 3, 11, 7, 30)


def test_target_used_up_exactly_at_closing_time_is_due_at_closing_time(dk):
    deadline = due_at(local(CPH, 2026, 3, 9, 14, 0), 60, dk, clock="opening_hours")
    assert deadline == utc(2026, 3, 9, 14, 0)


def test_received_exactly_at_closing_time_counts_from_next_opening(dk):
    deadline = due_at(local(CPH, 2026, 3, 9, 15, 0), 15, dk, clock="opening_hours")
    assert deadline == local(CPH, 2026, 3, 10, 8, 15)


def test_seconds_and_microseconds_of_the_received_time_are_kept(dk):
    # Given 29.75 s of Monday left when the item arrives with a one-minute target
    received = local(CPH, 2026, 3, 9, 14, 59, 30, 250000)
    # Then the remaining 30.25 s run from Tuesday's opening
    assert due_at(received, 1, dk) == local(CPH, 2026, 3, 10, 8, 0, 30, 250000)


def test_received_at_in_any_time_zone_gives_the_same_deadline(dk):
    in_utc = due_at(utc(2026, 3, 6, 11, 30), 60, dk)
    in_tokyo = due_at(local(ZoneInfo("Asia/Tokyo"), 2026, 3, 6, 20, 30), 60, dk)
    assert in_utc == in_tokyo == utc(2026, 3, 9, 7, 30)


# -- public holidays


def test_danish_easter_skips_maundy_thursday_to_easter_monday(dk):
    # Wednesday 14:00-15:00 uses 60 minutes; Thursday 2 April to Monday 6 April are closed
    deadline = due_at(local(CPH, 2026, 4, 1, 14, 0), 120, dk, clock="opening_hours")
    assert deadline == local(CPH, 2026, 4, 7, 9, 0)


def test_item_received_on_a_danish_holiday_starts_the_next_working_day(dk):
    deadline = due_at(local(CPH, 2026, 4, 6, 10, 0), 30, dk, clock="opening_hours")
    assert deadline == utc(2026, 4, 7, 6, 30)


def test_danish_christmas_with_christmas_eve_as_closing_day(dk):
    deadline = due_at(local(CPH, 2026, 12, 23, 14, 0), 120, dk, clock="opening_hours")
    assert deadline == local(CPH, 2026, 12, 28, 9, 0)


def test_danish_christmas_eve_is_open_unless_the_municipality_closes_it():
    # DK's public category leaves 24 December as an ordinary Thursday
    cal = Calendar(timezone="Europe/Copenhagen", country="DK", opening_hours=DK_HOURS)
    deadline = due_at(local(CPH, 2026, 12, 23, 14, 0), 120, cal, clock="opening_hours")
    assert deadline == local(CPH, 2026, 12, 24, 9, 0)


def test_store_bededag_is_closed_in_2023_and_open_from_2024(dk):
    in_2023 = due_at(local(CPH, 2023, 5, 4, 16, 30), 60, dk, clock="opening_hours")
    in_2024 = due_at(local(CPH, 2024, 4, 25, 16, 30), 60, dk, clock="opening_hours")
    assert in_2023 == local(CPH, 2023, 5, 8, 8, 30)
    assert in_2024 == local(CPH, 2024, 4, 26, 8, 30)


def test_swedish_midsummer_eve_is_closed(se):
    deadline = due_at(local(STO, 2026, 6, 18, 15, 30), 60, se, clock="opening_hours")
    assert deadline == utc(2026, 6, 22, 6, 30)


def test_swedish_epiphany_is_closed(se):
    deadline = due_at(local(STO, 2026, 1, 5, 15, 0), 120, se, clock="opening_hours")
    assert deadline == utc(2026, 1, 7, 8, 0)


def test_swedish_christmas_eve_and_new_years_eve_are_closed(se):
    christmas = due_at(local(STO, 2026, 12, 23, 15, 0), 120, se, clock="opening_hours")
    new_year = due_at(local(STO, 2026, 12, 30, 15, 0), 120, se, clock="opening_hours")
    assert christmas == local(STO, 2026, 12, 28, 9, 0)
    assert new_year == local(STO, 2027, 1, 4, 9, 0)


def test_norwegian_constitution_day_and_whit_monday_are_closed(no):
    # Thursday 16 May 2024 15:00-15:30 uses 30 minutes; Friday 17 May and Monday 20 May closed
    deadline = due_at(local(OSL, 2024, 5, 16, 15, 0), 60, no, clock="opening_hours")
    assert deadline == utc(2024, 5, 21, 6, 30)


def test_holiday_categories_can_be_overridden():
    # Given a Danish calendar that also closes the "optional" days (1 May, 5 June, 24/12, 31/12)
    cal = Calendar(
        timezone="Europe/Copenhagen",
        country="DK",
        opening_hours=DK_HOURS,
        holiday_categories=["public", "optional"],
    )
    # Then Thursday 24 December 2026 is closed without a closing-day entry
    deadline = due_at(local(CPH, 2026, 12, 23, 14, 0), 120, cal, clock="opening_hours")
    assert deadline == local(CPH, 2026, 12, 28, 9, 0)


# -- closing days


def test_closing_day_open_until_noon_cuts_the_day_short(dk):
    # Thursday 4 June 16:30-17:00 is 30 min, Friday 5 June 08:00-12:00 (not 13:00) is 240 min
    deadline = due_at(local(CPH, 2026, 6, 4, 16, 30), 300, dk, clock="opening_hours")
    assert deadline == local(CPH, 2026, 6, 8, 8, 30)


def test_closing_days_given_as_mapping_with_string_and_time(no):
    # Christmas Eve (Thursday) open until 12:00; 25 and 26 December are Norwegian holidays
    christmas = due_at(local(OSL, 2026, 12, 24, 11, 30), 60, no, clock="opening_hours")
    # New Year's Eve (Thursday) open until 12:00; 1 January is a holiday
    new_year = due_at(local(OSL, 2026, 12, 31, 11, 0), 90, no, clock="opening_hours")
    assert christmas == utc(2026, 12, 28, 7, 30)
    assert new_year == utc(2027, 1, 4, 7, 30)


def test_a_date_listed_twice_keeps_the_earliest_closing():
    cal = Calendar(
        timezone="Europe/Oslo",
        country="NO",
        opening_hours=NO_HOURS,
        closing_days=[ClosingDay(date(2026, 12, 24), time(12)), date(2026, 12, 24)],
    )
    assert is_open(local(OSL, 2026, 12, 24, 9, 0), cal) is False


def test_closing_day_on_a_weekend_or_closed_day_changes_nothing():
    plain = Calendar(timezone="Europe/Oslo", country="NO", opening_hours=NO_HOURS)
    with_saturday = Calendar(
        timezone="Europe/Oslo",
        country="NO",
        opening_hours=NO_HOURS,
        closing_days={date(2026, 3, 7): time(12)},
    )
    received = local(OSL, 2026, 3, 6, 15, 0)
    assert due_at(received, 60, with_saturday) == due_at(received, 60, plain)
    assert due_at(received, 60, plain) == local(OSL, 2026, 3, 9, 8, 30)


# -- several spans a day, seasonal hours


def test_lunch_break_between_two_spans_is_not_counted(se):
    deadline = due_at(local(STO, 2026, 3, 2, 11, 30), 60, se, clock="opening_hours")
    assert deadline == local(STO, 2026, 3, 2, 13, 30)


def test_item_received_during_lunch_starts_after_lunch(se):
    received = local(STO, 2026, 3, 2, 12, 15)
    assert is_open(received, se, clock="opening_hours") is False
    assert due_at(received, 15, se, clock="opening_hours") == local(STO, 2026, 3, 2, 13, 15)


def test_summer_hours_replace_the_weekly_table_inside_their_dates(dk):
    # 29 June - 7 August: 09:00-13:00 on weekdays
    inside = due_at(local(CPH, 2026, 7, 2, 12, 30), 60, dk, clock="opening_hours")
    last_day = due_at(local(CPH, 2026, 8, 7, 12, 30), 60, dk, clock="opening_hours")
    assert inside == local(CPH, 2026, 7, 3, 9, 30)
    assert last_day == local(CPH, 2026, 8, 10, 8, 30)


def test_season_naming_only_friday_keeps_the_other_weekdays():
    # Given Fridays closed in July, and Mondays from 10:00 in the first half of July
    cal = Calendar(
        timezone="Europe/Copenhagen",
        country="DK",
        opening_hours=DK_HOURS,
        seasonal_hours=[
            (date(2026, 7, 1), date(2026, 7, 31), {4: []}),
            (date(2026, 7, 1), date(2026, 7, 15), {0: [("10:00", "15:00")]}),
        ],
    )
    # When an item arrives Thursday 2 July 16:30 with 90 minutes
    deadline = due_at(local(CPH, 2026, 7, 2, 16, 30), 90, cal, clock="opening_hours")
    # Then Thursday keeps 08:00-17:00 (30 min), Friday is closed, Monday opens at 10:00
    assert deadline == local(CPH, 2026, 7, 6, 11, 0)


def test_open_ended_season_applies_from_its_first_day():
    cal = Calendar(
        timezone="Europe/Copenhagen",
        country=None,
        opening_hours={},
        seasonal_hours=[(date(2026, 3, 2), None, {2: [("08:00", "10:00")]})],
    )
    assert due_at(local(CPH, 2026, 2, 23, 9, 0), 0, cal) == local(CPH, 2026, 3, 4, 8, 0)
    assert due_at(local(CPH, 2027, 12, 29, 9, 0), 120, cal) == local(CPH, 2028, 1, 5, 9, 0)


def test_opening_hours_accept_string_keys_and_time_objects():
    from_json = Calendar(
        timezone="Europe/Copenhagen",
        country="DK",
        opening_hours={"0": [["08:00", "12:00"], ["12:00", "15:00"]]},
    )
    from_times = Calendar(timezone=CPH, country="dk", opening_hours={0: [(time(8), time(15))]})
    assert from_json == from_times
    assert hash(from_json) == hash(from_times)
    assert due_at(local(CPH, 2026, 3, 9, 11, 0), 120, from_json) == local(CPH, 2026, 3, 9, 13, 0)


# -- daylight saving


@pytest.fixture(scope="module")
def night_shift():
    # Open only on Sunday nights 01:00-04:00 local, the hours the clock changes in
    return Calendar(
        timezone="Europe/Copenhagen", country=None, opening_hours={6: [("01:00", "04:00")]}
    )


def test_span_over_spring_forward_lasts_two_real_hours(night_shift):
    # Sunday 29 March 2026: 01:00 CET (00:00 UTC) to 04:00 CEST (02:00 UTC)
    day = (utc(2026, 3, 28, 22, 0), utc(2026, 3, 29, 22, 0))
    assert open_minutes_between(*day, night_shift) == 120.0
    # 180 minutes therefore need the next Sunday: 120 now, 60 from 01:00 CEST on 5 April
    deadline = due_at(local(CPH, 2026, 3, 29, 0, 30), 180, night_shift)
    assert deadline == utc(2026, 4, 5, 0, 0)


def test_span_over_fall_back_lasts_four_real_hours(night_shift):
    # Sunday 25 October 2026: 01:00 CEST (23:00 UTC Saturday) to 04:00 CET (03:00 UTC)
    day = (utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0))
    assert open_minutes_between(*day, night_shift) == 240.0
    assert due_at(local(CPH, 2026, 10, 24, 12, 0), 200, night_shift) == utc(2026, 10, 25, 2, 20)
    # 02:30 happens twice that night; both are inside the span
    assert is_open(utc(2026, 10, 25, 0, 30), night_shift) is True
    assert is_open(utc(2026, 10, 25, 1, 30), night_shift) is True
    assert is_open(utc(2026, 10, 25, 3, 0), night_shift) is False


def test_spring_forward_weekend_in_copenhagen(dk):
    # Friday 27 March 12:00 CET + 24 h of opening hours = Tuesday 7 April 10:00 CEST (Easter)
    deadline = due_at(local(CPH, 2026, 3, 27, 12, 0), 24 * 60, dk, clock="opening_hours")
    assert deadline == utc(2026, 4, 7, 8, 0)


def test_spring_forward_weekend_in_stockholm(se):
    deadline = due_at(local(STO, 2026, 3, 27, 11, 0), 120, se, clock="opening_hours")
    assert deadline == utc(2026, 3, 30, 7, 0)


def test_spring_forward_and_fall_back_weekends_in_oslo(no):
    # Friday 15:00-15:30 uses 30 minutes; Monday opens at 08:00 in the new offset
    spring = due_at(local(OSL, 2026, 3, 27, 15, 0), 60, no, clock="opening_hours")
    autumn = due_at(local(OSL, 2026, 10, 23, 15, 0), 60, no, clock="opening_hours")
    assert spring == utc(2026, 3, 30, 6, 30)
    assert autumn == utc(2026, 10, 26, 7, 30)


def test_fall_back_weekend_in_copenhagen_and_stockholm(dk, se):
    # Friday 23 October 2026 12:30 CEST; Monday 26 October is CET (UTC+1)
    assert due_at(local(CPH, 2026, 10, 23, 12, 30), 60, dk) == utc(2026, 10, 26, 7, 30)
    assert due_at(local(STO, 2026, 10, 23, 11, 30), 60, se) == utc(2026, 10, 26, 7, 30)


# -- the calendar and weekdays clocks


def test_calendar_clock_counts_real_minutes_across_spring_forward(dk):
    # 24 real hours from Saturday 12:00 CET end at Sunday 13:00 CEST, not 12:00
    deadline = due_at(local(CPH, 2026, 3, 28, 12, 0), 24 * 60, dk, clock="calendar")
    assert deadline == local(CPH, 2026, 3, 29, 13, 0)
    assert deadline == utc(2026, 3, 29, 11, 0)


def test_calendar_clock_ignores_holidays_and_closing_days(dk):
    deadline = due_at(local(CPH, 2026, 12, 24, 10, 0), 60, dk, clock="calendar")
    assert deadline == utc(2026, 12, 24, 10, 0)


def test_weekdays_clock_skips_the_weekend(dk):
    # Friday 12:00 CET: 12 h to midnight, then 12 h of Monday (now CEST)
    deadline = due_at(local(CPH, 2026, 3, 27, 12, 0), 24 * 60, dk, clock="weekdays")
    assert deadline == local(CPH, 2026, 3, 30, 12, 0)


def test_weekdays_clock_skips_holidays(dk):
    deadline = due_at(local(CPH, 2026, 4, 1, 12, 0), 24 * 60, dk, clock="weekdays")
    assert deadline == utc(2026, 4, 7, 10, 0)


def test_weekdays_clock_counts_open_until_days_from_midnight(no):
    # Wednesday 23 December 18:00: 6 h; Thursday 24th 00:00-12:00: 12 h; then Monday 28th
    deadline = due_at(local(OSL, 2026, 12, 23, 18, 0), 24 * 60, no, clock="weekdays")
    assert deadline == local(OSL, 2026, 12, 28, 6, 0)


def test_weekdays_clock_counts_the_real_length_of_a_dst_weekday():
    # Israel moves its clocks on Friday 27 March 2026 (02:00 -> 03:00), so that Friday is 23 h
    cal = Calendar(timezone="Asia/Jerusalem", country=None, opening_hours={})
    jerusalem = ZoneInfo("Asia/Jerusalem")
    friday = (local(jerusalem, 2026, 3, 27, 0, 0), local(jerusalem, 2026, 3, 28, 0, 0))
    assert open_minutes_between(*friday, cal, clock="weekdays") == 23 * 60.0
    # Thursday 12:00: 12 h Thursday, 23 h Friday, 13 h Monday
    deadline = due_at(local(jerusalem, 2026, 3, 26, 12, 0), 48 * 60, cal, clock="weekdays")
    assert deadline == local(jerusalem, 2026, 3, 30, 13, 0)


# -- zero minutes, long targets, elapsed time


def test_zero_minutes_while_open_is_the_received_time(dk):
    received = local(CPH, 2026, 3, 9, 10, 17, 5)
    assert due_at(received, 0, dk, clock="opening_hours") == received
    assert due_at(received, 0, dk, clock="calendar") == received


def test_zero_minutes_while_closed_is_the_next_open_minute(dk):
    saturday = local(CPH, 2026, 3, 7, 22, 0)
    assert due_at(saturday, 0, dk, clock="opening_hours") == local(CPH, 2026, 3, 9, 8, 0)
    assert due_at(saturday, 0, dk, clock="weekdays") == local(CPH, 2026, 3, 9, 0, 0)


def test_long_target_of_three_forty_hour_weeks_over_dst():
    cal = Calendar(
        timezone="Europe/Copenhagen",
        country=None,
        opening_hours={weekday: [("09:00", "17:00")] for weekday in range(5)},
    )
    received = local(CPH, 2026, 3, 16, 9, 0)
    assert due_at(received, 3 * 40 * 60, cal) == local(CPH, 2026, 4, 3, 17, 0)
    assert due_at(received, 3 * 40 * 60 + 1, cal) == local(CPH, 2026, 4, 6, 9, 1)


def test_open_minutes_between_measures_running_time(dk):
    received = local(CPH, 2026, 3, 27, 12, 0)
    assert open_minutes_between(received, local(CPH, 2026, 4, 7, 10, 0), dk) == 1440.0
    assert open_minutes_between(received, local(CPH, 2026, 3, 27, 12, 0, 30), dk) == 0.5
    assert open_minutes_between(received, received - timedelta(hours=1), dk) == 0.0
    calendar = open_minutes_between(
        local(CPH, 2026, 3, 28, 12, 0), local(CPH, 2026, 3, 29, 12, 0), dk, clock="calendar"
    )
    assert calendar == 23 * 60.0


def test_is_open_per_clock(dk):
    holiday = local(CPH, 2026, 12, 25, 10, 0)
    assert is_open(holiday, dk, clock="calendar") is True
    assert is_open(holiday, dk, clock="weekdays") is False
    assert is_open(holiday, dk, clock="opening_hours") is False
    assert is_open(local(CPH, 2026, 3, 12, 16, 59), dk) is True
    assert is_open(local(CPH, 2026, 3, 12, 17, 0), dk) is False


# -- errors


def test_naive_received_at_is_rejected(dk):
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 3, 9, 10, 0), 60, dk)


def test_negative_minutes_are_rejected(dk):
    with pytest.raises(ValueError, match="zero or more"):
        due_at(utc(2026, 3, 9, 10, 0), -1, dk)


def test_unknown_clock_is_rejected(dk):
    with pytest.raises(ValueError, match="unknown clock 'office'"):
        due_at(utc(2026, 3, 9, 10, 0), 60, dk, clock="office")
    with pytest.raises(ValueError, match="unknown clock"):
        is_open(utc(2026, 3, 9, 10, 0), dk, clock="Weekdays")


def test_non_integer_minutes_are_rejected(dk):
    with pytest.raises(TypeError, match="integer"):
        due_at(utc(2026, 3, 9, 10, 0), 1.5, dk)


def test_naive_bounds_of_open_minutes_between_are_rejected(dk):
    with pytest.raises(ValueError, match="end must be timezone-aware"):
        open_minutes_between(utc(2026, 3, 9, 10, 0), datetime(2026, 3, 9, 11, 0), dk)


def test_calendar_without_any_opening_hours_cannot_reach_a_target():
    cal = Calendar(timezone="Europe/Oslo", country="NO", opening_hours={})
    with pytest.raises(ValueError, match="no opening hours"):
        due_at(utc(2026, 3, 9, 10, 0), 1, cal, clock="opening_hours")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"opening_hours": {0: [("09:00", "12:00"), ("11:00", "15:00")]}}, ValueError, "overlap"),
        ({"opening_hours": {0: [("22:00", "06:00")]}}, ValueError, "night shift"),
        ({"opening_hours": {7: [("08:00", "15:00")]}}, ValueError, "weekdays 0"),
        ({"opening_hours": {0: [("8.00", "15:00")]}}, ValueError, "HH:MM"),
        ({"opening_hours": {0: [("24:00", "24:00")]}}, ValueError, "24:00 only"),
        ({"timezone": "Europe/Atlantis"}, ValueError, "unknown time zone"),
        ({"country": "XX"}, ValueError, "no calendar for country"),
        ({"closing_days": [datetime(2026, 12, 24, 12, 0)]}, TypeError, "must be a date"),
        (
            {
                "seasonal_hours": [
                    (date(2026, 6, 1), date(2026, 7, 1), {0: [], 4: []}),
                    (date(2026, 7, 1), date(2026, 8, 1), {4: [("09:00", "12:00")]}),
                ]
            },
            ValueError,
            "seasonal hours overlap on weekday 4 between 2026-07-01 and 2026-07-01",
        ),
        ({"opening_hours": {0: [], "0": []}}, ValueError, "given twice"),
    ],
)
def test_invalid_calendars_are_rejected(kwargs, error, message):
    arguments = {"timezone": "Europe/Copenhagen", "country": "DK", "opening_hours": DK_HOURS}
    with pytest.raises(error, match=message):
        Calendar(**(arguments | kwargs))


# -- cross-check against a minute-by-minute reference

REFERENCE_CATEGORIES = {"DK": ("public",), "SE": ("public", "de_facto"), "NO": ("public",)}


def end_of_span(end):
    # "24:00" closes at midnight; every minute-aligned wall time is before time.max.
    return time.max if end == "24:00" else time.fromisoformat(end)


class Reference:
    """Decides minute by minute from the rules as written, sharing no code with moderation.sla."""

    def __init__(self, tz, country, weekly, closing=None, seasons=()):
        self.tz = tz
        self.country = country
        self.weekly = weekly
        self.closing = closing or {}
        self.seasons = seasons
        self.holidays = {}

    def _holiday(self, day):
        if day.year not in self.holidays:
            self.holidays[day.year] = set(
                holidays.country_holidays(
                    self.country, years=day.year, categories=REFERENCE_CATEGORIES[self.country]
                )
            )
        return day in self.holidays[day.year]

    def is_open(self, instant, clock):
        moment = instant.astimezone(self.tz)
        day = moment.date()
        if self._holiday(day):
            return False
        limit = time.max
        if day in self.closing:
            if self.closing[day] is None:
                return False
            limit = self.closing[day]
        wall = moment.time()
        if clock == "weekdays":
            return day.weekday() < 5 and wall < limit
        spans = self.weekly.get(day.weekday(), [])
        for first, last, weekly in self.seasons:
            if first <= day <= last and day.weekday() in weekly:
                spans = weekly[day.weekday()]
        return any(
            time.fromisoformat(start) <= wall < min(limit, end_of_span(end)) for start, end in spans
        )

    def due_at(self, received, minutes, clock):
        step = timedelta(minutes=1)
        instant = received
        if minutes == 0:
            while not self.is_open(instant, clock):
                instant += step
            return instant
        counted = 0
        while True:
            if self.is_open(instant, clock):
                counted += 1
                if counted == minutes:
                    return instant + step
            instant += step


def reference_cases():
    dk_closing = {date(2026, 12, 24): None, date(2026, 6, 5): time(12)}
    no_closing = {date(2026, 12, 24): time(12), date(2026, 12, 31): time(12)}
    seven_day_closing = {date(2026, 12, 31): time(16)}
    # Weekends change over the summer; weekdays keep their spans.
    seven_day_seasons = [(date(2026, 7, 1), date(2026, 8, 31), {5: [], 6: [("12:00", "13:00")]})]
    return [
        (
            Calendar(
                timezone="Europe/Copenhagen",
                country="DK",
                opening_hours=DK_HOURS,
                closing_days=dk_closing,
                seasonal_hours=[DK_SUMMER],
            ),
            Reference(CPH, "DK", DK_HOURS, dk_closing, [DK_SUMMER]),
        ),
        (
            Calendar(
                timezone="Europe/Copenhagen",
                country="DK",
                opening_hours=SEVEN_DAY_HOURS,
                closing_days=seven_day_closing,
                seasonal_hours=seven_day_seasons,
            ),
            Reference(CPH, "DK", SEVEN_DAY_HOURS, seven_day_closing, seven_day_seasons),
        ),
        (
            Calendar(timezone="Europe/Stockholm", country="SE", opening_hours=SE_HOURS),
            Reference(STO, "SE", SE_HOURS),
        ),
        (
            Calendar(
                timezone="Europe/Oslo",
                country="NO",
                opening_hours=NO_HOURS,
                closing_days=no_closing,
            ),
            Reference(OSL, "NO", NO_HOURS, no_closing),
        ),
    ]


# Received times are drawn around the spots where mistakes hide, plus anywhere in the year.
HOTSPOTS = [
    utc(2026, 3, 26),  # spring forward weekend
    utc(2026, 3, 31),  # Easter
    utc(2026, 5, 12),  # Ascension, Whitsun, 17 May
    utc(2026, 6, 3),  # Grundlovsdag open until noon, Midsummer
    utc(2026, 6, 25),  # start of summer hours
    utc(2026, 8, 5),  # end of summer hours
    utc(2026, 10, 22),  # fall back weekend
    utc(2026, 12, 21),  # Christmas and New Year
]


def random_received(rng):
    if rng.random() < 0.6:
        base = rng.choice(HOTSPOTS) + timedelta(days=rng.randrange(-3, 4))
        return base + timedelta(minutes=rng.randrange(24 * 60))
    return utc(2026, 1, 1) + timedelta(minutes=rng.randrange(365 * 24 * 60))


def random_minutes(rng):
    roll = rng.random()
    if roll < 0.1:
        return 0
    if roll < 0.7:
        return rng.randrange(1, 22 * 60)
    return rng.randrange(22 * 60, 5 * 35 * 60)  # up to five working weeks


@pytest.mark.parametrize("clock", ["opening_hours", "weekdays"])
def test_due_at_agrees_with_minute_by_minute_reference(clock):
    rng = random.Random(20260329)
    cases = reference_cases()
    for _ in range(60):
        cal, reference = rng.choice(cases)
        received = random_received(rng)
        minutes = random_minutes(rng) if clock == "opening_hours" else random_minutes(rng) // 3

        deadline = due_at(received, minutes, cal, clock=clock)

        assert deadline == reference.due_at(received, minutes, clock), (received, minutes, cal)
        assert open_minutes_between(received, deadline, cal, clock=clock) == minutes
        assert is_open(received, cal, clock=clock) is reference.is_open(received, clock)


def test_open_minutes_between_agrees_with_reference():
    rng = random.Random(17052024)
    cases = reference_cases()
    for _ in range(40):
        cal, reference = rng.choice(cases)
        start = random_received(rng)
        end = start + timedelta(minutes=rng.randrange(0, 21 * 24 * 60))
        expected = sum(
            reference.is_open(start + timedelta(minutes=step), "opening_hours")
            for step in range(int((end - start) / timedelta(minutes=1)))
        )
        assert open_minutes_between(start, end, cal) == float(expected), (start, end, cal)


def test_the_three_clocks_differ_for_an_item_received_on_saturday(dk):
    received = local(CPH, 2026, 3, 7, 10, 0)
    deadlines = {clock: due_at(received, 60, dk, clock=clock) for clock in CLOCKS}
    assert deadlines == {
        "calendar": local(CPH, 2026, 3, 7, 11, 0),
        "weekdays": local(CPH, 2026, 3, 9, 1, 0),
        "opening_hours": local(CPH, 2026, 3, 9, 9, 0),
    }
