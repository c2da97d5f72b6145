"""Parsing the platforms' many timestamp formats into aware UTC datetimes, and the reset times
their quotas follow (midnight UTC for LinkedIn, midnight Pacific for YouTube)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_time(value: object) -> datetime:
    """Return an aware UTC datetime for an ISO 8601 string ("2024-05-01T12:00:00+0000",
    "…Z", "….000Z") or an epoch number in milliseconds (LinkedIn). Raise ValueError otherwise,
    so a record with a broken time is skipped rather than stored with a made-up one."""
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC)
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a timestamp: {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {value!r}")
    return parsed.astimezone(UTC)


def optional_time(value: object) -> datetime | None:
    """`parse_time`, or None for anything unreadable (the caller decides what that means)."""
    try:
        return parse_time(value)
    except ValueError:
        return None


def parse_iso_or_unix(value: object) -> datetime:
    """Like `parse_time`, but a number, or a string of digits, is a unix time in seconds: the
    Conversations API documents a conversation's `updated_time` as "UNIX-TIMESTAMP" while the
    Graph API otherwise speaks ISO 8601. A number too large for seconds is taken as
    milliseconds (seconds would put it past the year 5000)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"not a timestamp: {value!r}") from exc
    return parse_time(value)


def optional_iso_or_unix(value: object) -> datetime | None:
    """`parse_iso_or_unix`, or None for anything unreadable."""
    try:
        return parse_iso_or_unix(value)
    except ValueError:
        return None


def format_iso(moment: datetime) -> str:
    """The ISO form stored in cursors: UTC, microseconds kept so ordering is exact."""
    return moment.astimezone(UTC).isoformat()


def format_rfc3339(moment: datetime) -> str:
    """The form X's start_time/end_time accept: UTC, whole seconds, trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def next_midnight(now: datetime, zone: ZoneInfo | None = None) -> datetime:
    """The next midnight after `now` on the wall clock of `zone` (UTC if None), in UTC.

    Built from the local date rather than by adding 24 hours, so it stays right across DST
    changes in the Pacific zone."""
    tz = zone or UTC
    local = now.astimezone(tz)
    tomorrow = local.date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=tz).astimezone(UTC)
