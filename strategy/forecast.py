"""Where a goal lands at its deadline: a least-squares linear trend over the measured points.

Pure Python, no database: the goal views, the reports and the API all call `forecast_goal`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
MISSED = "missed"
NO_DATA = "no_data"

# A forecast that covers at least this share of the way from the start value to the target is
# "at risk" rather than "off track": close enough that an extra effort can still close the gap.
AT_RISK_SHARE = 0.8


@dataclass(frozen=True)
class Trend:
    """value = intercept + slope * (days since `origin`)."""

    origin: date
    intercept: float
    slope_per_day: float

    def value_at(self, day: date) -> float:
        return self.intercept + self.slope_per_day * (day - self.origin).days


@dataclass(frozen=True)
class Forecast:
    status: str
    latest: float | None
    start_value: float | None
    value_at_deadline: float | None
    trend: Trend | None
    # Share of the way from the start value to the target covered by the latest value (0–100).
    progress_percent: float | None


def linear_trend(points: Sequence[tuple[date, float]]) -> Trend | None:
    """Ordinary least squares over (day, value); None with fewer than two distinct days."""
    if len({day for day, _ in points}) < 2:
        return None
    origin = min(day for day, _ in points)
    xs = [(day - origin).days for day, _ in points]
    ys = [float(value) for _, value in points]
    n = len(xs)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return Trend(origin=origin, intercept=mean_y - slope * mean_x, slope_per_day=slope)


def forecast_goal(
    points: Sequence[tuple[date, float]],
    *,
    target: float,
    deadline: date,
    today: date,
    higher_is_better: bool = True,
    baseline: float | None = None,
) -> Forecast:
    """Forecast a goal from its measured points (any order) and classify where it stands.

    Statuses: `achieved` (the latest value meets the target), `missed` (the deadline has passed
    and it does not), `on_track` (the trend meets the target by the deadline), `at_risk` (the
    trend covers at least 80 % of the way from the start value to the target), `off_track`
    (less), `no_data` (nothing measured yet).
    """
    ordered = sorted(points)
    if not ordered:
        return Forecast(NO_DATA, None, baseline, None, None, None)
    latest = float(ordered[-1][1])
    start_value = float(baseline) if baseline is not None else float(ordered[0][1])

    def meets(value):
        return value >= target if higher_is_better else value <= target

    def share_of_way(value):
        span = target - start_value
        if span == 0:
            return 1.0 if meets(value) else 0.0
        return (value - start_value) / span

    # A met target is 100 % even when the start already lay beyond it.
    progress = 100.0 if meets(latest) else round(min(max(share_of_way(latest), 0.0), 1.0) * 100, 1)
    trend = linear_trend(ordered)
    at_deadline = trend.value_at(deadline) if trend else None
    if meets(latest):
        status = ACHIEVED
    elif today > deadline:
        status = MISSED
    elif trend is None:
        status = NO_DATA
    elif meets(at_deadline):
        status = ON_TRACK
    elif share_of_way(at_deadline) >= AT_RISK_SHARE:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return Forecast(status, latest, start_value, at_deadline, trend, progress)
