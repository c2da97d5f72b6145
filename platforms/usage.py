"""Rate-limit usage readings taken from response headers, so the poller can slow a channel down
before the platform throttles it. A missing or unreadable header means "unknown", never "zero"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .timeutil import format_iso

# The percentage above which callers should stretch their polling interval.
HIGH_USAGE_PERCENT = 75.0

GRAPH_USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-business-use-case-usage")
X_RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")
_GRAPH_PERCENT_KEYS = ("call_count", "total_time", "total_cputime", "call_volume", "cpu_time")


@dataclass(frozen=True)
class UsageReading:
    """What the last response said about the caller's remaining budget.

    `percent` is the highest used share (0–100+) any header reported; `remaining`/`limit`/
    `reset_at` come from X's per-endpoint window; `regain_at` is when Facebook says a throttled
    business use case regains access. Every field is None when the platform did not say.
    """

    percent: float | None = None
    remaining: int | None = None
    limit: int | None = None
    reset_at: datetime | None = None
    regain_at: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return self.percent is not None or self.remaining is not None

    def is_high(self, threshold: float = HIGH_USAGE_PERCENT) -> bool:
        """True when a known reading is at or above `threshold` percent. Unknown is not high:
        the caller keeps its normal pace but must not treat the budget as untouched."""
        return self.percent is not None and self.percent >= threshold

    def to_dict(self) -> dict:
        """A JSON-able copy for logs and the channel's health record."""
        return {
            "percent": self.percent,
            "remaining": self.remaining,
            "limit": self.limit,
            "reset_at": format_iso(self.reset_at) if self.reset_at else None,
            "regain_at": format_iso(self.regain_at) if self.regain_at else None,
            "headers": dict(self.headers),
        }


def _lower(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers or {}).items()}


def _percentages(entry: object) -> list[float]:
    if not isinstance(entry, Mapping):
        return []
    values = []
    for key in _GRAPH_PERCENT_KEYS:
        value = entry.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values.append(float(value))
    return values


def graph_usage(headers: Mapping[str, str] | None, now: datetime) -> UsageReading:
    """Read Facebook/Instagram `X-App-Usage`, `X-Page-Usage` and `X-Business-Use-Case-Usage`.

    The business header maps an object id to a list of entries, each with percentages and
    `estimated_time_to_regain_access` in minutes; the latest regain time wins.
    """
    lowered = _lower(headers)
    kept = {name: lowered[name] for name in GRAPH_USAGE_HEADERS if name in lowered}
    percents: list[float] = []
    regain_minutes: list[float] = []
    for name in ("x-app-usage", "x-page-usage"):
        if name in kept:
            try:
                percents += _percentages(json.loads(kept[name]))
            except ValueError:
                continue
    if "x-business-use-case-usage" in kept:
        try:
            business = json.loads(kept["x-business-use-case-usage"])
        except ValueError:
            business = None
        if isinstance(business, Mapping):
            for entries in business.values():
                for entry in entries if isinstance(entries, list) else [entries]:
                    percents += _percentages(entry)
                    if isinstance(entry, Mapping):
                        regain = entry.get("estimated_time_to_regain_access")
                        if isinstance(regain, int | float) and not isinstance(regain, bool):
                            regain_minutes.append(float(regain))
    regain_at = None
    if regain_minutes and max(regain_minutes) > 0:
        regain_at = now + timedelta(minutes=max(regain_minutes))
    return UsageReading(
        percent=max(percents) if percents else None,
        regain_at=regain_at,
        headers=kept,
    )


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, ValueError):
        return None


def x_usage(headers: Mapping[str, str] | None) -> UsageReading:
    """Read X's `x-rate-limit-limit/remaining/reset` (reset in epoch seconds)."""
    lowered = _lower(headers)
    kept = {name: lowered[name] for name in X_RATE_HEADERS if name in lowered}
    limit = _int_header(kept, "x-rate-limit-limit")
    remaining = _int_header(kept, "x-rate-limit-remaining")
    reset = _int_header(kept, "x-rate-limit-reset")
    percent = None
    if limit and remaining is not None:
        percent = round(100.0 * (limit - remaining) / limit, 1)
    return UsageReading(
        percent=percent,
        remaining=remaining,
        limit=limit,
        reset_at=datetime.fromtimestamp(reset, UTC) if reset is not None else None,
        headers=kept,
    )
