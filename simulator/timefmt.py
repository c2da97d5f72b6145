"""Time parsing and the timestamp formats each simulated platform writes (Graph's "+0000", X's
milliseconds, YouTube's RFC 3339, LinkedIn's epoch milliseconds)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_UNIX = re.compile(r"^-?\d+(\.\d+)?$")


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_time(value: object) -> datetime:
    """Read a datetime, a unix timestamp (seconds) or an ISO 8601 date/time; naive means UTC.

    Raises ValueError for anything else, so callers can answer with the platform's error.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a time: {value!r}")
    text = value.strip()
    if _UNIX.match(text):
        return datetime.fromtimestamp(float(text), UTC)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Graph writes offsets without a colon ("+0000"); fromisoformat wants "+00:00".
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def graph_time(moment: datetime) -> str:
    """Graph API style: 2026-11-21T12:00:00+0000."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def x_time(moment: datetime) -> str:
    """X API v2 style: 2026-11-21T12:00:00.000Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def rfc3339(moment: datetime) -> str:
    """YouTube style: 2026-11-21T12:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def epoch_s(moment: datetime) -> int:
    return int(moment.timestamp())
