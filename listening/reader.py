"""Read one listening stream: claim its row, check the budgets, read through the channel's
adapter, store the hits and move the cursor in one transaction.

Errors are classified like polling's (`moderation/polling/poller.py`): throttling pauses the
stream until the platform's reset time, a dead token marks the channel "needs reconnect"
through `accounts.health` (the stream shows it), other failures back off with jitter. A spent
budget stops the stream until the budget allows again, without a call. Reading twice stores
nothing twice: hits are unique per stream and platform id, and a hit found again only has its
engagement numbers brought up to date.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import health
from accounts.models import ChannelConnection
from moderation.models.items import masked
from moderation.polling import quota
from moderation.polling.connections import adapter_for
from moderation.polling.pollable import POLLABLE_TOKENS
from moderation.polling.poller import backoff, pause_jitter
from platforms import listening as reading
from platforms.errors import NeedsReconnectError, PlatformError, ThrottledError

from . import budget
from .models import ListeningHit, ListeningStream, StreamKind, StreamState

logger = logging.getLogger(__name__)

STORED = "stored"
SKIPPED = "skipped"
BUSY = "busy"
THROTTLED = "throttled"
BUDGET = "budget"
REFUSED = "refused"
RECONNECT = "needs_reconnect"
TRANSIENT = "transient"

_LIMITS = {"author_name": 255, "author_external_id": 255, "url": 1000}


@dataclass(frozen=True)
class ReadOutcome:
    status: str
    found: int = 0
    created: int = 0
    calls: int = 0


def interval() -> timedelta:
    return timedelta(seconds=getattr(settings, "LISTENING_INTERVAL_SECONDS", 900))


def due_streams(now):
    return ListeningStream.objects.filter(enabled=True).filter(
        Q(next_read_at__isnull=True) | Q(next_read_at__lte=now),
        Q(paused_until__isnull=True) | Q(paused_until__lte=now),
    )


def claim_due_streams(now=None) -> list[int]:
    """Ids of enabled streams due now, each moved one interval on (a conditional update, so two
    overlapping fan-outs never both queue a stream)."""
    now = now or timezone.now()
    claimed = []
    for pk, next_read_at in (
        due_streams(now).order_by("next_read_at", "pk").values_list("pk", "next_read_at")
    ):
        won = ListeningStream.objects.filter(pk=pk, next_read_at=next_read_at).update(
            next_read_at=now + interval()
        )
        if won:
            claimed.append(pk)
    return claimed


def youtube_interval(now) -> timedelta:
    """The wait between reads of a YouTube stream: the day's search calls listening may still
    make, spread over the enabled YouTube streams until the quota's reset."""
    allowance = budget.youtube_allowance(now)
    streams = max(
        1, ListeningStream.objects.filter(enabled=True, channel__platform="youtube").count()
    )
    calls_left = min(
        allowance.budget.search_calls_left,
        allowance.listening_calls_allowed - allowance.budget.search_calls,
    )
    seconds_left = max((allowance.budget.resets_at - now).total_seconds(), 1.0)
    if calls_left <= 0:
        return max(interval(), allowance.budget.resets_at - now)
    needed = math.ceil(seconds_left * streams / calls_left)
    return max(interval(), timedelta(seconds=needed))


def read_stream(stream_id, *, adapter_factory=None, now=None) -> ReadOutcome:
    adapter_factory = adapter_factory or adapter_for
    notify_reconnect = None
    with transaction.atomic():
        stream = (
            ListeningStream.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel")
            .filter(pk=stream_id)
            .first()
        )
        if stream is None:
            return ReadOutcome(BUSY)
        now = now or timezone.now()
        if not stream.enabled or (stream.paused_until and stream.paused_until > now):
            return ReadOutcome(SKIPPED)
        channel = stream.channel
        platform = channel.platform
        connection = (
            ChannelConnection.objects.select_related("channel").filter(channel=channel).first()
        )
        if connection is None or connection.token_status not in POLLABLE_TOKENS:
            _stop(
                stream,
                StreamState.RECONNECT,
                _("%(channel)s has no valid API token: reconnect the channel.")
                % {"channel": channel.name},
                now + interval(),
            )
            return ReadOutcome(RECONNECT)

        # Budgets, checked before any call.
        max_posts = None
        may_search: set[str] = set()
        hashtags: list[str] = []
        if platform == "x":
            x_budget = budget.x_budget(now)
            if x_budget.stopped:
                _stop(
                    stream,
                    StreamState.BUDGET,
                    _(
                        "Stopped: this month's X reads are estimated at %(spent)s USD of the "
                        "%(cap)s USD cap; reading starts again next month."
                    )
                    % {"spent": f"{x_budget.spent:.2f}", "cap": f"{x_budget.cap:.2f}"},
                    now + interval(),
                )
                return ReadOutcome(BUDGET)
            max_posts = x_budget.posts_left
        elif platform == "youtube":
            allowance = budget.youtube_allowance(now)
            if allowance.refusal:
                _stop(
                    stream,
                    StreamState.BUDGET,
                    allowance.refusal,
                    max(now + interval(), allowance.budget.resets_at),
                )
                return ReadOutcome(BUDGET)
        elif platform == "instagram" and stream.kind == StreamKind.SEARCH:
            hashtags = reading.hashtags_in(stream.query)
            known = set((stream.cursor or {}).get("hashtag_ids", {}))
            try:
                may_search = budget.check_hashtags(
                    channel, [tag for tag in hashtags if tag not in known], now
                )
            except budget.HashtagLimitError as exc:
                _stop(stream, StreamState.REFUSED, str(exc), now + interval())
                return ReadOutcome(REFUSED)
            # Hashtags whose 7 days ran out since their search are searched again only when
            # they fit; known ids need no search at all.

        adapter = adapter_factory(connection)
        searched: list[tuple[str, str]] = []
        since = now - timedelta(days=7)
        try:
            with adapter:
                try:
                    result = _read(
                        stream, adapter, platform, since, max_posts, hashtags, may_search, searched
                    )
                except PlatformError as exc:
                    _record_spend(platform, adapter, None, now, error=exc)
                    raise
                finally:
                    if searched:
                        budget.record_hashtag_searches(channel, searched, now)
                _record_spend(platform, adapter, result, now)
        except ThrottledError as exc:
            stream.paused_until = exc.resume_at + pause_jitter(exc.resume_at - now)
            stream.next_read_at = stream.paused_until
            stream.state = StreamState.THROTTLED
            stream.last_error = str(exc)[:2000]
            stream.save(update_fields=["paused_until", "next_read_at", "state", "last_error"])
            return ReadOutcome(THROTTLED, calls=adapter.calls_made)
        except NeedsReconnectError as exc:
            notify_reconnect = health.mark_needs_reconnect(
                connection, error=exc, source=health.POLL, now=now
            )
            _stop(
                stream,
                StreamState.RECONNECT,
                _("%(channel)s has no valid API token: reconnect the channel.")
                % {"channel": channel.name},
                now + interval(),
            )
            outcome = ReadOutcome(RECONNECT, calls=adapter.calls_made)
        except PlatformError as exc:
            stream.consecutive_failures += 1
            stream.next_read_at = now + backoff(stream.consecutive_failures)
            stream.state = StreamState.FAILED
            stream.last_error = str(exc)[:2000]
            stream.save(
                update_fields=["consecutive_failures", "next_read_at", "state", "last_error"]
            )
            logger.warning("listening stream %s failed: %s", stream.pk, exc)
            return ReadOutcome(TRANSIENT, calls=adapter.calls_made)
        else:
            own = str(connection.account_id)
            posts = [post for post in result.posts if post.author_id != own]
            created = store_hits(stream, posts, now)
            stream.cursor = result.cursor
            stream.last_read_at = now
            stream.next_read_at = now + (
                youtube_interval(now) if platform == "youtube" else interval()
            )
            stream.paused_until = None
            stream.state = StreamState.OK
            stream.last_error = ""
            stream.consecutive_failures = 0
            stream.save(
                update_fields=[
                    "cursor",
                    "last_read_at",
                    "next_read_at",
                    "paused_until",
                    "state",
                    "last_error",
                    "consecutive_failures",
                ]
            )
            health.mark_healthy(connection, now=now)
            outcome = ReadOutcome(STORED, found=len(posts), created=created, calls=result.calls)
    if notify_reconnect:
        health.tell_people(connection.channel)
    return outcome


def _read(stream, adapter, platform, since, max_posts, hashtags, may_search, searched):
    cursor = stream.cursor or {}
    if platform == "x":
        return reading.search_x(adapter, stream.query, cursor, max_posts=max_posts)
    if platform == "youtube":
        return reading.search_youtube(adapter, stream.query, cursor, since=since)
    if platform == "instagram" and stream.kind == StreamKind.MENTIONS:
        return reading.instagram_tags(adapter, cursor, since=since)
    if platform == "instagram":
        return reading.search_instagram(
            adapter, hashtags, cursor, may_search=may_search, searched=searched
        )
    raise ValueError(f"no listening for {platform}")


def _record_spend(platform, adapter, result, now, *, error=None) -> None:
    if platform == "x":
        posts = result.posts_read if result is not None else 0
        budget.record_x_reads(posts, adapter.calls_made, now=now)
    elif platform == "youtube":
        quota.record_listening(
            int(getattr(adapter, "quota_units", 0)),
            int(getattr(adapter, "search_calls", 0)),
            error=error,
            now=now,
        )


def _stop(stream, state, message, next_read_at) -> None:
    stream.state = state
    stream.last_error = message
    stream.next_read_at = next_read_at
    stream.save(update_fields=["state", "last_error", "next_read_at"])


def store_hits(stream, posts, now) -> int:
    """Insert new hits and bring known ones' engagement up to date; returns how many were new."""
    if not posts:
        return 0
    unique = {}
    for post in posts:
        unique.setdefault(post.external_id, post)
    existing = set(
        ListeningHit.objects.filter(stream=stream, external_id__in=list(unique)).values_list(
            "external_id", flat=True
        )
    )
    rows = [
        ListeningHit(
            stream=stream,
            platform=stream.channel.platform,
            external_id=post.external_id[:255],
            author_name=(post.author_name or "")[: _LIMITS["author_name"]],
            author_external_id=(post.author_id or "")[: _LIMITS["author_external_id"]],
            text=masked(post.text),
            url=(post.url or "")[: _LIMITS["url"]],
            published_at=post.published_at,
            found_at=now,
            likes=post.likes,
            comments=post.comments,
            shares=post.shares,
            views=post.views,
            engagement=post.likes + post.comments + post.shares,
        )
        for post in unique.values()
    ]
    ListeningHit.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["stream", "external_id"],
        update_fields=["likes", "comments", "shares", "views", "engagement"],
    )
    return len(set(unique) - existing)


def run_cycle(*, now=None, adapter_factory=None) -> dict[str, int]:
    """Read every due stream once, synchronously (`read_listening --once`, the demo)."""
    now = now or timezone.now()
    totals: dict[str, int] = {"streams": 0, "created": 0}
    for pk in due_streams(now).order_by("pk").values_list("pk", flat=True):
        outcome = read_stream(pk, adapter_factory=adapter_factory, now=now)
        totals["streams"] += 1
        totals["created"] += outcome.created
        totals[outcome.status] = totals.get(outcome.status, 0) + 1
    return totals
