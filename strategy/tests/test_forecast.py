"""The goal forecast: least-squares trend and status, against numbers worked out by hand."""

from datetime import date, timedelta

import pytest

from strategy.forecast import (
    ACHIEVED,
    AT_RISK,
    MISSED,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    forecast_goal,
    linear_trend,
)

D0 = date(2026, 1, 1)


def days(*pairs):
    return [(D0 + timedelta(days=offset), value) for offset, value in pairs]


def test_trend_of_scattered_points_matches_hand_computation():
    # Given x = 0..3, y = 1, 3, 2, 5: mean x 1.5, mean y 2.75, Sxx 5, Sxy 5.5
    trend = linear_trend(days((0, 1), (1, 3), (2, 2), (3, 5)))
    # Then slope = 5.5 / 5 = 1.1 and intercept = 2.75 - 1.1 * 1.5 = 1.1
    assert trend.slope_per_day == pytest.approx(1.1)
    assert trend.intercept == pytest.approx(1.1)
    assert trend.value_at(D0 + timedelta(days=10)) == pytest.approx(12.1)


def test_trend_needs_two_distinct_days():
    assert linear_trend(days((0, 5))) is None
    assert linear_trend(days((0, 5), (0, 7))) is None


STRAIGHT = days((0, 100), (10, 120), (20, 140))  # +2 a day from 100


@pytest.mark.parametrize(
    ("target", "status", "progress"),
    [
        (200, ON_TRACK, 40.0),  # trend reaches exactly 200 on day 50; (140-100)/(200-100)
        (210, AT_RISK, 36.4),  # 200 covers 100/110 = 91 % of the way
        (300, OFF_TRACK, 20.0),  # 200 covers 100/200 = 50 % of the way
        (130, ACHIEVED, 100.0),  # the latest value 140 already meets it
    ],
)
def test_status_from_the_value_at_the_deadline(target, status, progress):
    forecast = forecast_goal(
        STRAIGHT, target=target, deadline=D0 + timedelta(days=50), today=D0 + timedelta(days=20)
    )
    assert forecast.value_at_deadline == pytest.approx(200.0)
    assert forecast.status == status
    assert forecast.progress_percent == progress
    assert forecast.latest == 140.0
    assert forecast.start_value == 100.0


def test_lower_is_better_for_answer_times():
    # Given a median answer time falling 1 minute a day from 60
    points = days((0, 60), (10, 50), (20, 40))
    forecast = forecast_goal(
        points,
        target=25,
        deadline=D0 + timedelta(days=40),
        today=D0 + timedelta(days=20),
        higher_is_better=False,
    )
    # Then it lands on 20 at the deadline, under the 25-minute target
    assert forecast.value_at_deadline == pytest.approx(20.0)
    assert forecast.status == ON_TRACK
    assert forecast.progress_percent == pytest.approx(57.1)


def test_baseline_replaces_the_first_point_as_start():
    forecast = forecast_goal(
        STRAIGHT,
        target=300,
        deadline=D0 + timedelta(days=50),
        today=D0 + timedelta(days=20),
        baseline=0,
    )
    # 200 covers 200/300 of the way from 0: still off track; latest 140 is 46.7 %
    assert forecast.status == OFF_TRACK
    assert forecast.progress_percent == 46.7


def test_a_target_met_from_the_start_is_complete():
    # Given a start value already above the target
    forecast = forecast_goal(
        days((0, 2500), (10, 2600)), target=2000, deadline=D0 + timedelta(days=50), today=D0
    )
    assert (forecast.status, forecast.progress_percent) == (ACHIEVED, 100.0)


def test_missed_after_the_deadline_and_no_data_without_points():
    missed = forecast_goal(
        STRAIGHT, target=500, deadline=D0 + timedelta(days=15), today=D0 + timedelta(days=20)
    )
    assert missed.status == MISSED
    empty = forecast_goal([], target=5, deadline=D0, today=D0)
    assert empty.status == NO_DATA
    assert empty.value_at_deadline is None
    single = forecast_goal(days((0, 1)), target=5, deadline=D0 + timedelta(days=9), today=D0)
    assert single.status == NO_DATA
    assert single.latest == 1.0
