"""Benchmark of the SLA clock: ``moderation.sla.due_at`` against the ``businesstimedelta`` package.

Both compute opening-hours deadlines for the same received times and targets on a Danish
municipality's calendar, timed side by side in one run (interleaved repeats, median), because
absolute times on shared machines are noisy. Run from the project root::

    python benchmarks/sla_clock.py [--items 20000] [--compare 2000] [--repeats 5]

No Django and no database are needed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import businesstimedelta  # noqa: E402
import holidays  # noqa: E402
import pytz  # noqa: E402

from moderation.sla import Calendar, due_at  # noqa: E402

TIMEZONE = "Europe/Copenhagen"
YEARS = range(2025, 2029)
# Typical Danish municipal contact-centre hours (Monday = 0).
OPENING_HOURS = {
    0: [("08:00", "15:00")],
    1: [("08:00", "15:00")],
    2: [("08:00", "15:00")],
    3: [("08:00", "17:00")],
    4: [("08:00", "13:00")],
}
CLOSING_DAYS = [date(year, 12, month_day) for year in YEARS for month_day in (24, 31)]
# One hour up to three working days (3 x 7 h).
TARGET_MINUTES = (60, 21 * 60)
TARGETS = {"calls_per_second": 100_000, "ratio": 10.0}


def build_calendar() -> Calendar:
    return Calendar(
        timezone=TIMEZONE, country="DK", opening_hours=OPENING_HOURS, closing_days=CLOSING_DAYS
    )


def build_businesstimedelta_rule():
    """The same calendar as a businesstimedelta rule set: one WorkDayRule per distinct span."""
    tz = pytz.timezone(TIMEZONE)
    spans = {}
    for weekday, day_spans in OPENING_HOURS.items():
        for start, end in day_spans:
            spans.setdefault((start, end), []).append(weekday)
    rules = [
        businesstimedelta.WorkDayRule(
            start_time=clock_time.fromisoformat(start),
            end_time=clock_time.fromisoformat(end),
            working_days=weekdays,
            tz=tz,
        )
        for (start, end), weekdays in spans.items()
    ]
    # A plain set of dates is the fastest holiday container businesstimedelta accepts.
    closed = set(CLOSING_DAYS)
    for year in YEARS:
        closed |= set(holidays.country_holidays("DK", years=year))
    rules.append(businesstimedelta.HolidayRule(closed, tz=tz))
    return businesstimedelta.Rules(rules)


def build_inputs(count: int, seed: int) -> list[tuple[datetime, int]]:
    """Received times spread over 2026 (nights, weekends, holidays, both DST changes included)."""
    rng = random.Random(seed)
    year_start = datetime(2026, 1, 1, tzinfo=UTC)
    year_seconds = 365 * 86_400
    inputs = []
    for _ in range(count):
        received = year_start + timedelta(seconds=rng.randrange(year_seconds))
        inputs.append((received, rng.randint(*TARGET_MINUTES)))
    return inputs


def run_ours(cal: Calendar, inputs) -> list[datetime]:
    return [due_at(received, minutes, cal, clock="opening_hours") for received, minutes in inputs]


def run_businesstimedelta(rule, inputs) -> list[datetime]:
    delta = businesstimedelta.BusinessTimeDelta
    return [received + delta(rule, seconds=minutes * 60) for received, minutes in inputs]


def timed(function, *args) -> tuple[float, list]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def verdict(value: float, target: float) -> str:
    return "PASS" if value >= target else "MISS"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000, help="deadlines timed for ours")
    parser.add_argument(
        "--compare",
        type=int,
        default=2_000,
        help="deadlines timed for both (businesstimedelta is slow), a prefix of the items",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)

    inputs = build_inputs(args.items, args.seed)
    compared = inputs[: min(args.compare, args.items)]
    rule = build_businesstimedelta_rule()

    # Cold: a fresh Calendar fills its per-day caches during the first pass.
    cold_seconds, _ = timed(run_ours, build_calendar(), inputs)
    cal = build_calendar()
    run_ours(cal, inputs)

    ours_full, ours_sample, theirs_sample = [], [], []
    for _ in range(args.repeats):
        ours_full.append(timed(run_ours, cal, inputs)[0])
        ours_sample.append(timed(run_ours, cal, compared)[0])
        seconds, theirs = timed(run_businesstimedelta, rule, compared)
        theirs_sample.append(seconds)

    ours = run_ours(cal, compared)
    disagreements = [
        (received, minutes, mine, other)
        for (received, minutes), mine, other in zip(compared, ours, theirs, strict=True)
        if mine != other
    ]

    ours_rate = len(inputs) / statistics.median(ours_full)
    ours_sample_rate = len(compared) / statistics.median(ours_sample)
    theirs_rate = len(compared) / statistics.median(theirs_sample)
    ratio = ours_sample_rate / theirs_rate

    print(f"SLA clock benchmark: {TIMEZONE}, DK holidays, opening-hours clock")
    print(
        f"  inputs: {len(inputs):,} received times over 2026, targets "
        f"{TARGET_MINUTES[0]}-{TARGET_MINUTES[1]} min; {len(compared):,} also run through "
        f"businesstimedelta; {args.repeats} interleaved repeats, median"
    )
    print(f"  ours, warm calendar:        {ours_rate:>12,.0f} due_at/s ({len(inputs):,} inputs)")
    print(f"  ours, fresh calendar:       {len(inputs) / cold_seconds:>12,.0f} due_at/s (1 pass)")
    print(f"  ours, compared inputs:      {ours_sample_rate:>12,.0f} due_at/s")
    print(f"  businesstimedelta, same:    {theirs_rate:>12,.0f} deadlines/s")
    print(f"  ratio ours / businesstimedelta: {ratio:,.1f}x")
    print(f"  disagreements: {len(disagreements)} of {len(compared):,}")
    for received, minutes, mine, other in disagreements[:5]:
        print(f"    {received.isoformat()} + {minutes} min: ours {mine}, businesstimedelta {other}")
    print(
        f"target >= {TARGETS['calls_per_second']:,} due_at/s: "
        f"{verdict(ours_rate, TARGETS['calls_per_second'])}"
    )
    print(
        f"target >= {TARGETS['ratio']:.0f}x businesstimedelta: {verdict(ratio, TARGETS['ratio'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
