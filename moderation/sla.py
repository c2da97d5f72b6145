"""The SLA clock: computes answer deadlines and elapsed business time for a municipality's
calendar, in pure Python so the ingest pipeline, the API preview and the escalation sweep share it.

Wall-clock rules (opening hours, public holidays, closing days) are evaluated in the
municipality's time zone with ``zoneinfo``; all arithmetic is done on integer UTC microseconds, so
daylight-saving changes and sub-second received times come out exact.

Usage::

    cal = Calendar(timezone="Europe/Copenhagen", country="DK",
                   opening_hours={0: [("08:00", "15:00")], 3: [("08:00", "17:00")]},
                   closing_days=[date(2026, 12, 24), ClosingDay(date(2026, 6, 5), time(12))])
    due_at(received_at, 240, cal, clock="opening_hours")      # aware datetime in UTC
    open_minutes_between(received_at, now, cal, clock="opening_hours")
    is_open(now, cal, clock="weekdays")

Semantics, decided once here so every caller agrees:

* Clocks. ``"calendar"`` counts every real minute. ``"weekdays"`` runs all day Monday to Friday
  except public holidays and closing days; a weekday counts its real length, so the local days
  on which daylight saving starts or ends count 23 and 25 hours. ``"opening_hours"`` runs during
  the weekly opening hours (several spans per day allowed; seasonal hours may replace a
  weekday's spans for a date range) except public holidays and closing days.
* A span such as ``("08:00", "15:00")`` is open at every instant whose local wall-clock time lies
  in ``[08:00, 15:00)`` on that weekday. On a daylight-saving day a span over the changed hour is
  therefore shorter or longer in real time (01:00-04:00 lasts 2 h in spring and 4 h in autumn).
  Spans end at ``"24:00"`` at the latest; a night shift is two spans on two days.
* Public holidays come from the ``holidays`` package: DK and NO the "public" category, SE
  "public" and "de_facto" (Midsummer Eve, Christmas Eve, New Year's Eve). Any other country the
  package knows works with its "public" category; ``holiday_categories`` overrides the choice.
* Closing days are the municipality's own dates. ``closing_days`` accepts a mapping
  ``{date: None | time | "HH:MM"}`` or an iterable of ``date`` and ``ClosingDay`` items; ``None``
  closes the whole day, a time keeps the day open only until then (24 December open until 12:00).
  On the weekdays clock "open until 12:00" means the day counts from 00:00 to 12:00. A date given
  twice keeps the earliest closing time.
* ``due_at`` adds the target to the received time counting only running time. Received while the
  clock is stopped, counting starts at the next open instant. With zero minutes the deadline is
  the received time itself when the clock is running and the next open instant otherwise (what
  ``due_at(t, 0, ...)`` returns is therefore "when the clock starts for an item received at t").
  Open spans are half-open: received exactly at closing time counts as received while closed,
  and a target used up exactly at closing time is due at closing time, not the next morning.

A ``Calendar`` caches, per local date, its open intervals as UTC microsecond pairs and, per ISO
week, their total, so a deadline costs a few dictionary look-ups and integer comparisons. Reuse
one ``Calendar`` per municipality calendar (it is immutable, hashable and safe to share between
threads: the caches only ever gain identical entries).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "CALENDAR",
    "CLOCKS",
    "OPENING_HOURS",
    "WEEKDAYS",
    "Calendar",
    "ClosingDay",
    "due_at",
    "is_open",
    "open_minutes_between",
]

CALENDAR = "calendar"
WEEKDAYS = "weekdays"
OPENING_HOURS = "opening_hours"
CLOCKS = (CALENDAR, WEEKDAYS, OPENING_HOURS)

_US_PER_S = 1_000_000
_US_PER_MIN = 60 * _US_PER_S
_DAY_S = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Keep a day of margin at both ends so neighbouring-day look-ups never leave date's range.
_MIN_ORDINAL = date.min.toordinal() + 1
_MAX_ORDINAL = date.max.toordinal() - 1
# date.fromordinal(1) is a Monday, so Mondays are the ordinals with remainder 1 modulo 7.
_MONDAY_REMAINDER = 1
# UTC offsets in use lie within -12 h and +14 h; a window this wide around a local date's naive
# midnight contains every instant whose local date is that date.
_WINDOW_BEFORE_S = 15 * 3600
_WINDOW_AFTER_S = _DAY_S + 13 * 3600
# Zones change offset at most once within this step, so sampling at it finds every transition.
_SAMPLE_STEP_S = 3 * 3600

_DEFAULT_HOLIDAY_CATEGORIES = {"SE": ("public", "de_facto")}
_CLOSED = 0
_OPEN_ALL_DAY = _DAY_S


@dataclass(frozen=True, slots=True)
class ClosingDay:
    """One of the municipality's own closing days: closed all day, or open only until a time."""

    date: date
    open_until: time | None = None

    def __post_init__(self):
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise TypeError(f"ClosingDay.date must be a date, not {self.date!r}")
        if self.open_until is not None and not isinstance(self.open_until, time):
            raise TypeError(
                f"ClosingDay.open_until must be a time or None, not {self.open_until!r}"
            )


class Calendar:
    """A municipality's business calendar: time zone, holidays, closing days and opening hours.

    ``opening_hours`` maps a weekday (Monday = 0; ints or digit strings, as JSON stores them) to
    a list of ``(start, end)`` spans given as ``"HH:MM"``, ``"HH:MM:SS"`` or ``datetime.time``;
    ``"24:00"`` is allowed as an end. Missing weekdays are closed.

    ``seasonal_hours`` (summer hours, for example) is a list of ``(valid_from, valid_to,
    weekly_hours)``; both dates are inclusive and ``None`` leaves that end open. Inside the range
    each weekday named in ``weekly_hours`` uses those spans instead of the base ones (an empty
    list closes it); weekdays not named keep the base spans. Two seasons may overlap in dates
    only if they name different weekdays. This mirrors ``governance.OpeningHours`` rows, where
    dated spans override the undated spans of their weekday.
    """

    __slots__ = (
        "_closing",
        "_days",
        "_holiday_categories",
        "_horizon",
        "_key",
        "_seasonal",
        "_segments",
        "_tz",
        "_weekly",
        "_weeks",
        "_country",
    )

    def __init__(
        self,
        timezone: str | tzinfo,
        country: str | None,
        opening_hours: Mapping,
        closing_days: Mapping | Iterable = (),
        *,
        seasonal_hours: Iterable = (),
        holiday_categories: Iterable[str] | None = None,
    ):
        self._tz = _parse_timezone(timezone)
        self._country, self._holiday_categories = _parse_country(country, holiday_categories)
        self._weekly = _parse_weekly_hours(opening_hours)
        self._closing = _parse_closing_days(closing_days)
        self._seasonal = _parse_seasonal_hours(seasonal_hours)
        self._horizon = self._opening_hours_horizon()
        self._key = (
            getattr(self._tz, "key", None) or repr(self._tz),
            self._country,
            self._holiday_categories,
            self._weekly,
            tuple(sorted(self._closing.items())),
            self._seasonal,
        )
        self._days = {WEEKDAYS: {}, OPENING_HOURS: {}}
        self._weeks = {WEEKDAYS: {}, OPENING_HOURS: {}}
        self._segments = {}

    @property
    def timezone(self) -> tzinfo:
        return self._tz

    @property
    def country(self) -> str | None:
        """ISO 3166 code whose public holidays close the clock, or None for no holidays."""
        return self._country

    def __eq__(self, other):
        if not isinstance(other, Calendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self):
        return hash(self._key)

    def __repr__(self):
        return f"<Calendar {self._key[0]} {self.country or 'no holidays'}>"

    # -- per-day data

    def _opening_hours_horizon(self) -> int:
        """The last local date that can have opening hours; unbounded when the base table has any.

        Without it a calendar whose only opening hours are seasonal would search for ever once
        the last season is over.
        """
        if any(self._weekly):
            return _MAX_ORDINAL
        open_seasons = [
            last for _first, last, weekly in self._seasonal if any(filter(None, weekly))
        ]
        return max(open_seasons, default=_MIN_ORDINAL - 1)

    def _closing_limit(self, ordinal: int, day: date) -> int:
        """Seconds after local midnight at which the day closes: 0 closed, 86,400 not limited."""
        if self._country is not None and ordinal in _holiday_ordinals(
            self._country, self._holiday_categories, day.year
        ):
            return _CLOSED
        return self._closing.get(ordinal, _OPEN_ALL_DAY)

    def _spans_for(self, ordinal: int, weekday: int) -> tuple:
        for first, last, weekly in self._seasonal:
            if first <= ordinal <= last and weekly[weekday] is not None:
                return weekly[weekday]
        return self._weekly[weekday]

    def _day(self, kind: str, ordinal: int) -> tuple:
        """Compute and cache ``(open microseconds, (start, end, start, end, ...))`` for a date."""
        if not _MIN_ORDINAL <= ordinal <= _MAX_ORDINAL:
            raise OverflowError("the deadline lies outside the supported date range")
        day = date.fromordinal(ordinal)
        limit = self._closing_limit(ordinal, day)
        if kind == WEEKDAYS:
            spans = ((0, _DAY_S),) if day.weekday() < 5 else ()
        else:
            spans = self._spans_for(ordinal, day.weekday())
        clipped = [(start, min(end, limit)) for start, end in spans if start < limit]
        flat = []
        total = 0
        for start_us, end_us in self._instants(ordinal, clipped):
            flat += (start_us, end_us)
            total += end_us - start_us
        record = (total, tuple(flat))
        self._days[kind][ordinal] = record
        return record

    def _week_total(self, kind: str, monday: int) -> int:
        days = self._days[kind]
        total = 0
        for ordinal in range(monday, monday + 7):
            record = days.get(ordinal)
            if record is None:
                record = self._day(kind, ordinal)
            total += record[0]
        self._weeks[kind][monday] = total
        return total

    def _utc_segments(self, ordinal: int) -> list:
        """UTC stretches of constant offset, ``(start_s, end_s, offset_s)``, around a local date."""
        segments = self._segments.get(ordinal)
        if segments is not None:
            return segments
        tz = self._tz

        def offset(instant_s: int) -> int:
            return int(datetime.fromtimestamp(instant_s, tz).utcoffset().total_seconds())

        naive_midnight = (ordinal - _EPOCH_ORDINAL) * _DAY_S
        low = naive_midnight - _WINDOW_BEFORE_S
        high = naive_midnight + _WINDOW_AFTER_S
        segments = []
        segment_start = previous = low
        current = offset(low)
        samples = [*range(low + _SAMPLE_STEP_S, high, _SAMPLE_STEP_S), high]
        for sample in samples:
            sampled = offset(sample)
            # Bisect on whole seconds (transitions are at whole seconds) for each change of
            # offset between the previous sample and this one.
            while sampled != current:
                unchanged, changed = previous, sample
                while changed - unchanged > 1:
                    middle = (unchanged + changed) // 2
                    if offset(middle) == current:
                        unchanged = middle
                    else:
                        changed = middle
                segments.append((segment_start, changed, current))
                segment_start = previous = changed
                current = offset(changed)
            previous = sample
        segments.append((segment_start, high, current))
        self._segments[ordinal] = segments
        return segments

    def _instants(self, ordinal: int, spans: list) -> list:
        """Map local wall-clock spans of a date to merged UTC microsecond intervals.

        Each span becomes the set of instants whose local time falls inside it, which is what
        makes a span over a daylight-saving change shorter or longer in real time.
        """
        if not spans:
            return []
        naive_midnight = (ordinal - _EPOCH_ORDINAL) * _DAY_S
        pieces = []
        for segment_start, segment_end, offset in self._utc_segments(ordinal):
            for start, end in spans:
                low = max(segment_start, naive_midnight + start - offset)
                high = min(segment_end, naive_midnight + end - offset)
                if low < high:
                    pieces.append((low, high))
        pieces.sort()
        merged = []
        for low, high in pieces:
            if merged and low <= merged[-1][1]:
                if high > merged[-1][1]:
                    merged[-1][1] = high
            else:
                merged.append([low, high])
        return [(low * _US_PER_S, high * _US_PER_S) for low, high in merged]

    def _local_ordinal(self, moment: datetime) -> int:
        return moment.astimezone(self._tz).toordinal()

    # -- the clock

    def _advance(self, kind: str, start_us: int, ordinal: int, remaining: int) -> int:
        """Instant (UTC microseconds) at which ``remaining`` running microseconds have elapsed.

        Walks the starting day's intervals, then whole ISO weeks and whole days by their cached
        totals, and only opens the intervals of the day the deadline falls on.
        """
        days = self._days[kind]
        weeks = self._weeks[kind]
        fill_day = self._day
        horizon = self._horizon if kind == OPENING_HOURS else _MAX_ORDINAL

        record = days.get(ordinal)
        if record is None:
            record = fill_day(kind, ordinal)
        intervals = record[1]
        for index in range(0, len(intervals), 2):
            end = intervals[index + 1]
            if end > start_us:
                begin = intervals[index]
                if begin < start_us:
                    begin = start_us
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin

        ordinal += 1
        while True:
            if ordinal > horizon:
                raise ValueError("the calendar has no opening hours left to count the target in")
            if ordinal % 7 == _MONDAY_REMAINDER:
                week = weeks.get(ordinal)
                if week is None:
                    week = self._week_total(kind, ordinal)
                if remaining > week:
                    remaining -= week
                    ordinal += 7
                    continue
            record = days.get(ordinal)
            if record is None:
                record = fill_day(kind, ordinal)
            # A closed day is skipped even when nothing remains: a zero-minute target received
            # while closed is due at the next open instant.
            if remaining > record[0] or not record[0]:
                remaining -= record[0]
                ordinal += 1
                continue
            intervals = record[1]
            for index in range(0, len(intervals), 2):
                length = intervals[index + 1] - intervals[index]
                if remaining <= length:
                    return intervals[index] + remaining
                remaining -= length
            raise AssertionError("a day's total disagrees with its intervals")  # pragma: no cover

    def _open_between(self, kind: str, start_us: int, first: int, end_us: int, last: int) -> int:
        """Running microseconds in ``[start_us, end_us)``; ``first``/``last`` are local dates."""
        days = self._days[kind]
        weeks = self._weeks[kind]
        total = 0
        ordinal = first
        while ordinal <= last:
            if first < ordinal and ordinal + 6 < last and ordinal % 7 == _MONDAY_REMAINDER:
                week = weeks.get(ordinal)
                total += week if week is not None else self._week_total(kind, ordinal)
                ordinal += 7
                continue
            record = days.get(ordinal)
            if record is None:
                record = self._day(kind, ordinal)
            if first < ordinal < last:
                total += record[0]
            else:
                intervals = record[1]
                for index in range(0, len(intervals), 2):
                    low = max(intervals[index], start_us)
                    high = min(intervals[index + 1], end_us)
                    if low < high:
                        total += high - low
            ordinal += 1
        return total

    def _is_open(self, kind: str, at_us: int, ordinal: int) -> bool:
        record = self._days[kind].get(ordinal)
        if record is None:
            record = self._day(kind, ordinal)
        intervals = record[1]
        return any(
            intervals[index] <= at_us < intervals[index + 1]
            for index in range(0, len(intervals), 2)
        )


# -- public functions


def due_at(received_at: datetime, minutes: int, cal: Calendar, clock: str = OPENING_HOURS):
    """The deadline for an item received at ``received_at`` with a target of ``minutes``.

    Returns an aware datetime in UTC. Raises ``ValueError`` for a naive ``received_at``, negative
    ``minutes`` or an unknown ``clock``, and ``TypeError`` for arguments of the wrong type.
    """
    start_us = _utc_microseconds(received_at, "received_at")
    remaining = _minutes_us(minutes)
    _check_calendar(cal)
    if _clock_kind(clock) == CALENDAR:
        return _from_utc_microseconds(start_us + remaining)
    ordinal = cal._local_ordinal(received_at)
    return _from_utc_microseconds(cal._advance(clock, start_us, ordinal, remaining))


def open_minutes_between(start: datetime, end: datetime, cal: Calendar, clock: str = OPENING_HOURS):
    """Minutes (a float, exact to the microsecond) the clock ran from ``start`` to ``end``.

    ``open_minutes_between(t, due_at(t, m, cal, clock), cal, clock) == m``. An ``end`` at or
    before ``start`` gives 0.0, so a platform timestamp slightly ahead of our clock does no harm.
    """
    start_us = _utc_microseconds(start, "start")
    end_us = _utc_microseconds(end, "end")
    _check_calendar(cal)
    kind = _clock_kind(clock)
    if end_us <= start_us:
        return 0.0
    if kind == CALENDAR:
        elapsed = end_us - start_us
    else:
        elapsed = cal._open_between(
            kind, start_us, cal._local_ordinal(start), end_us, cal._local_ordinal(end)
        )
    return elapsed / _US_PER_MIN


def is_open(at: datetime, cal: Calendar, clock: str = OPENING_HOURS) -> bool:
    """Whether the clock runs at the instant ``at`` (the calendar clock always does)."""
    at_us = _utc_microseconds(at, "at")
    _check_calendar(cal)
    kind = _clock_kind(clock)
    if kind == CALENDAR:
        return True
    return cal._is_open(kind, at_us, cal._local_ordinal(at))


# -- helpers


def _utc_microseconds(moment, name: str) -> int:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return (moment - _EPOCH) // _ONE_US


def _from_utc_microseconds(instant_us: int) -> datetime:
    seconds, microseconds = divmod(instant_us, _US_PER_S)
    return _EPOCH + timedelta(0, seconds, microseconds)


def _minutes_us(minutes) -> int:
    if isinstance(minutes, bool):
        raise TypeError("minutes must be an integer, not a bool")
    try:
        whole = operator.index(minutes)
    except TypeError:
        raise TypeError(f"minutes must be an integer, not {type(minutes).__name__}") from None
    if whole < 0:
        raise ValueError(f"minutes must be zero or more, got {whole}")
    return whole * _US_PER_MIN


def _clock_kind(clock) -> str:
    if clock not in CLOCKS:
        raise ValueError(f"unknown clock {clock!r}; expected one of {', '.join(CLOCKS)}")
    return clock


def _check_calendar(cal) -> None:
    if not isinstance(cal, Calendar):
        raise TypeError(f"cal must be a Calendar, not {type(cal).__name__}")


@lru_cache(maxsize=1024)
def _holiday_ordinals(country: str, categories: tuple, year: int) -> frozenset:
    found = holidays.country_holidays(country, years=year, categories=categories)
    return frozenset(day.toordinal() for day in found)


def _parse_timezone(value) -> tzinfo:
    if isinstance(value, tzinfo):
        return value
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ValueError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"unknown time zone {value!r}") from error
    raise TypeError(f"timezone must be a zone name or a tzinfo, not {type(value).__name__}")


def _parse_country(country, categories) -> tuple:
    if country is None or country == "":
        return None, ()
    if not isinstance(country, str):
        raise TypeError(f"country must be an ISO 3166 code, not {type(country).__name__}")
    code = country.upper()
    if categories is None:
        chosen = _DEFAULT_HOLIDAY_CATEGORIES.get(code, ("public",))
    else:
        chosen = tuple(sorted(set(categories)))
    try:
        # Building an empty holiday set validates the country and categories up front, so a bad
        # calendar fails where it is configured rather than at the first deadline.
        holidays.country_holidays(code, years=(), categories=chosen)
    except NotImplementedError as error:
        raise ValueError(f"the holidays package has no calendar for country {country!r}") from error
    return code, chosen


def _clock_seconds(value, *, what: str, allow_end_of_day: bool) -> int:
    """Seconds after midnight for ``"HH:MM"``, ``"HH:MM:SS"`` or a naive ``time``."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError(f"{what} must be a local wall-clock time without a time zone")
        if value.microsecond:
            raise ValueError(f"{what} must be whole seconds, got {value.isoformat()}")
        return value.hour * 3600 + value.minute * 60 + value.second
    if not isinstance(value, str):
        raise TypeError(f"{what} must be 'HH:MM' or a time, not {type(value).__name__}")
    parts = value.strip().split(":")
    if len(parts) not in (2, 3) or not all(part.isdigit() and len(part) == 2 for part in parts):
        raise ValueError(f"{what} must look like 'HH:MM', got {value!r}")
    hours, minutes, seconds = (int(part) for part in [*parts, "00"][:3])
    if minutes > 59 or seconds > 59 or hours > 24 or (hours == 24 and (minutes or seconds)):
        raise ValueError(f"{what} is not a time of day: {value!r}")
    if hours == 24 and not allow_end_of_day:
        raise ValueError(f"{what} may be 24:00 only as the end of a span")
    return hours * 3600 + minutes * 60 + seconds


def _parse_weekly_hours(opening_hours, *, missing=()) -> tuple:
    """Normalise ``{weekday: [(start, end), ...]}`` into 7 tuples of sorted, merged spans.

    Weekdays not in the mapping become ``missing``: closed in the base table, ``None`` ("not
    overridden") in a season.
    """
    if not isinstance(opening_hours, Mapping):
        raise TypeError("opening_hours must be a mapping of weekday to a list of spans")
    week = [None] * 7
    for key, spans in opening_hours.items():
        weekday = int(key) if isinstance(key, str) and key.isdigit() else key
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"opening_hours keys are weekdays 0 (Monday) to 6, got {key!r}")
        if week[weekday] is not None:
            raise ValueError(f"weekday {weekday} is given twice in opening_hours")
        week[weekday] = []
        for span in spans or ():
            try:
                start, end = span
            except (TypeError, ValueError):
                raise ValueError(f"an opening span is a (start, end) pair, got {span!r}") from None
            start_s = _clock_seconds(start, what="span start", allow_end_of_day=False)
            end_s = _clock_seconds(end, what="span end", allow_end_of_day=True)
            if end_s <= start_s:
                raise ValueError(
                    f"span {start}-{end} on weekday {weekday} must end after it starts; "
                    "split a night shift into two spans on two days"
                )
            week[weekday].append((start_s, end_s))
    normalised = []
    for weekday, spans in enumerate(week):
        if spans is None:
            normalised.append(missing)
            continue
        spans.sort()
        merged = []
        for start_s, end_s in spans:
            if merged and start_s < merged[-1][1]:
                raise ValueError(f"opening spans overlap on weekday {weekday}")
            if merged and start_s == merged[-1][1]:
                merged[-1] = (merged[-1][0], end_s)
            else:
                merged.append((start_s, end_s))
        normalised.append(tuple(merged))
    return tuple(normalised)


def _parse_closing_days(closing_days) -> dict:
    """Normalise closing days to ``{ordinal: seconds after midnight the day closes}``."""
    if isinstance(closing_days, Mapping):
        items = [ClosingDay(day, _optional_time(until)) for day, until in closing_days.items()]
    elif isinstance(closing_days, Iterable) and not isinstance(closing_days, str | bytes):
        items = [
            item if isinstance(item, ClosingDay) else ClosingDay(item) for item in closing_days
        ]
    else:
        raise TypeError("closing_days must be a mapping or an iterable of dates and ClosingDay")
    limits = {}
    for item in items:
        if item.open_until is None:
            limit = _CLOSED
        else:
            limit = _clock_seconds(item.open_until, what="open_until", allow_end_of_day=False)
        ordinal = item.date.toordinal()
        limits[ordinal] = min(limit, limits.get(ordinal, _OPEN_ALL_DAY))
    return limits


def _optional_time(value) -> time | None:
    if value is None or isinstance(value, time):
        return value
    seconds = _clock_seconds(value, what="open_until", allow_end_of_day=False)
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def _parse_seasonal_hours(seasonal_hours) -> tuple:
    """Normalise seasons to ``(first ordinal, last ordinal, 7 x spans-or-None)``, sorted."""
    seasons = []
    for entry in seasonal_hours:
        try:
            first, last, weekly = entry
        except (TypeError, ValueError):
            raise ValueError(
                f"a seasonal entry is (valid_from, valid_to, weekly_hours), got {entry!r}"
            ) from None
        for bound in (first, last):
            if bound is not None and (isinstance(bound, datetime) or not isinstance(bound, date)):
                raise TypeError(f"seasonal validity bounds must be dates or None, got {bound!r}")
        first_ordinal = _MIN_ORDINAL if first is None else first.toordinal()
        last_ordinal = _MAX_ORDINAL if last is None else last.toordinal()
        if last_ordinal < first_ordinal:
            raise ValueError(f"seasonal hours end ({last}) before they start ({first})")
        seasons.append((first_ordinal, last_ordinal, _parse_weekly_hours(weekly, missing=None)))
    seasons.sort()
    # Which season applies to a weekday on a date must never depend on their order.
    for index, (first, last, weekly) in enumerate(seasons):
        for other_first, other_last, other_weekly in seasons[index + 1 :]:
            if other_first > last:
                break
            shared = [
                day for day in range(7) if weekly[day] is not None and other_weekly[day] is not None
            ]
            if shared:
                raise ValueError(
                    f"seasonal hours overlap on weekday {shared[0]} between "
                    f"{date.fromordinal(max(first, other_first))} and "
                    f"{date.fromordinal(min(last, other_last))}"
                )
    return tuple(seasons)
