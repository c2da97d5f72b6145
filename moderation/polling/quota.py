"""The YouTube Data API's daily quota as a budget for polling.

The quota belongs to the Google Cloud project behind the product's OAuth client, not to a
channel: by default 10,000 units a day, shared by every YouTube channel the product reads, reset
at midnight Pacific time (https://developers.google.com/youtube/v3/determine_quota_cost). Every
request costs at least one unit; a reply (comments.insert) or a moderation action
(comments.setModerationStatus) costs 50. So the units of the day are kept in one row per quota
day (`ApiQuotaDay`), and the polling interval of all YouTube channels stretches until the polls
planned for the rest of the day, plus the units reserved for replies and moderation, fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from platforms.classify import YOUTUBE_QUOTA_REASONS
from platforms.timeutil import PACIFIC, next_midnight

from ..models import ApiQuotaDay
from .pollable import interval as base_interval
from .pollable import pollable

YOUTUBE = "youtube"


def daily_quota() -> int:
    return getattr(settings, "YOUTUBE_DAILY_QUOTA_UNITS", 10_000)


def reserve() -> int:
    return getattr(settings, "YOUTUBE_QUOTA_RESERVE_UNITS", 2_000)


def daily_search_calls() -> int:
    """search.list's own daily bucket: 100 calls by default
    (https://developers.google.com/youtube/v3/determine_quota_cost)."""
    return getattr(settings, "YOUTUBE_DAILY_SEARCH_CALLS", 100)


def quota_day(now: datetime) -> date:
    """The day of the quota's own clock (Pacific time) that `now` falls on."""
    return now.astimezone(PACIFIC).date()


@dataclass(frozen=True)
class QuotaBudget:
    """Where the project's quota day stands and the polling interval that keeps it in bounds.

    `channels` are the YouTube channels polled; `cost_per_poll` the units an average poll spent
    today (at least 1); `planned` what the day comes to if polling goes on at `interval`: the
    units used, the polls still to come and the part of the reserve not spent yet.
    """

    day: date
    quota: int
    reserve: int
    units_read: int
    units_written: int
    polls: int
    channels: int
    cost_per_poll: float
    interval: timedelta
    planned: int
    resets_at: datetime
    exhausted: bool
    # Listening's reads (the `listening` app) and the day's search.list calls.
    units_listening: int = 0
    search_calls: int = 0

    @property
    def used(self) -> int:
        return self.units_read + self.units_written + self.units_listening

    @property
    def read_units_left(self) -> int:
        """Units polling may still spend today: what the reserve does not keep, less what was
        read, less what replies and moderation spent beyond the reserve."""
        overspent = max(0, self.units_written - self.reserve)
        return self.quota - self.reserve - self.units_read - self.units_listening - overspent

    @property
    def search_calls_left(self) -> int:
        """search.list calls left today in its own bucket."""
        return max(0, daily_search_calls() - self.search_calls)

    @property
    def spent(self) -> bool:
        """Nothing more may be read before the reset."""
        return self.exhausted or self.read_units_left <= 0


def youtube_budget(now: datetime | None = None, *, channels: int | None = None) -> QuotaBudget:
    """The budget for the quota day `now` falls on. `channels` defaults to the YouTube
    channels that are polled (two queries in all)."""
    now = now or timezone.now()
    day = quota_day(now)
    resets_at = next_midnight(now, PACIFIC)
    row = ApiQuotaDay.objects.filter(platform=YOUTUBE, day=day).first()
    units_read = row.units_read if row else 0
    units_written = row.units_written if row else 0
    polls = row.polls if row else 0
    if channels is None:
        channels = pollable().filter(channel__platform=YOUTUBE).count()
    cost = max(1.0, units_read / polls) if polls else 1.0
    quota, kept = daily_quota(), reserve()
    budget = QuotaBudget(
        day=day,
        quota=quota,
        reserve=kept,
        units_read=units_read,
        units_written=units_written,
        polls=polls,
        channels=channels,
        cost_per_poll=cost,
        interval=base_interval(),
        planned=0,
        resets_at=resets_at,
        exhausted=bool(row and row.exhausted_at),
        units_listening=row.units_listening if row else 0,
        search_calls=row.search_calls if row else 0,
    )
    seconds_left = max((resets_at - now).total_seconds(), 1.0)
    if budget.spent:
        interval = max(base_interval(), resets_at - now)
    else:
        # Each channel polls once per interval until the reset, each poll costing `cost`.
        needed = channels * cost * seconds_left / budget.read_units_left
        interval = max(base_interval(), timedelta(seconds=math.ceil(needed)))
    polls_to_come = math.floor(seconds_left / interval.total_seconds()) * channels
    planned = budget.used + math.ceil(polls_to_come * cost) + max(0, kept - units_written)
    return QuotaBudget(**{**budget.__dict__, "interval": interval, "planned": planned})


def poll_interval(platform: str, now: datetime | None = None) -> timedelta:
    """How long a channel of `platform` waits until its next poll."""
    if platform == YOUTUBE:
        return youtube_budget(now).interval
    return base_interval()


def record_spent(
    platform: str,
    adapter,
    *,
    polls: int = 0,
    written: bool = False,
    error: Exception | None = None,
    now: datetime | None = None,
) -> None:
    """Add what `adapter` spent of its quota (`quota_units`) to the day's row; `written` files
    the units under replies and moderation. A quotaExceeded answer marks the day spent.
    Platforms without a daily quota are ignored."""
    if platform != YOUTUBE:
        return
    units = int(getattr(adapter, "quota_units", 0) or 0)
    searches = int(getattr(adapter, "search_calls", 0) or 0)
    exhausted = getattr(error, "code", None) in YOUTUBE_QUOTA_REASONS
    if not units and not polls and not exhausted and not searches:
        return
    now = now or timezone.now()
    row, _ = ApiQuotaDay.objects.get_or_create(platform=YOUTUBE, day=quota_day(now))
    changes = {"polls": F("polls") + polls, "search_calls": F("search_calls") + searches}
    changes["units_written" if written else "units_read"] = (
        F("units_written" if written else "units_read") + units
    )
    if exhausted:
        changes["exhausted_at"] = now
    ApiQuotaDay.objects.filter(pk=row.pk).update(**changes)


def record_listening(
    units: int, search_calls: int, *, error: Exception | None = None, now: datetime | None = None
) -> None:
    """Add what a listening read spent (the `listening` app): `units` of the project's day
    (videos.list) and `search_calls` of search.list's bucket. A quotaExceeded answer marks the
    day spent, as for polls."""
    exhausted = getattr(error, "code", None) in YOUTUBE_QUOTA_REASONS
    if not units and not search_calls and not exhausted:
        return
    now = now or timezone.now()
    row, _ = ApiQuotaDay.objects.get_or_create(platform=YOUTUBE, day=quota_day(now))
    changes = {
        "units_listening": F("units_listening") + units,
        "search_calls": F("search_calls") + search_calls,
    }
    if exhausted:
        changes["exhausted_at"] = now
    ApiQuotaDay.objects.filter(pk=row.pk).update(**changes)
