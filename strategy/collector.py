"""Collecting own posts' figures from the platforms, per channel, on a schedule within the
platforms' budgets.

Beat runs `fan_out` every 15 minutes: each connected channel whose `FiguresCollection` is due
gets one `collect` task. A run reads the posts of the last 28 days with their figures in a few
calls (`fetch_own_posts`), plus, in one batch, the figures of older posts whose weekly refresh
has come (`fetch_post_figures`, at most OLD_BATCH). Errors are classified as polling classifies
them: throttling waits for the platform's reset time, a refused token marks the connection
"needs reconnect", other failures back off. YouTube's units are added to the project's quota
day as reads (`moderation.polling.quota.record_spent`), and a run is left for the next quota
day when the day's reading budget (what the write reserve leaves) is nearly spent.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import health
from accounts.models import ChannelConnection, ChannelStatus, TokenStatus
from moderation.polling.poller import backoff
from platforms.errors import (
    NeedsReconnectError,
    NotSupportedError,
    PlatformError,
    ThrottledError,
)

from .figures import KEEP_REFRESHING_DAYS, RECENT_DAYS, municipality_zone, store_fetched
from .models import CollectionStatus, FiguresCollection, OwnPost

logger = logging.getLogger(__name__)

# How often a channel's figures are collected, and how far back its first run looks.
INTERVAL = timedelta(hours=6)
FIRST_RUN_DAYS = 90
# Older posts refreshed per run, and the YouTube units a run must be able to spend.
OLD_BATCH = 50
YOUTUBE_UNITS_NEEDED = 10
# How long a claimed run holds the channel, so a crashed worker does not hold it for ever.
LEASE = timedelta(minutes=30)
# After a failed run: 15 minutes, doubling, at most a day (the poller's back-off shape).
FIRST_BACKOFF = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)


@dataclass(frozen=True)
class Outcome:
    status: str
    posts: int = 0


def _collectable():
    return ChannelConnection.objects.filter(
        token_status__in=(TokenStatus.VALID, TokenStatus.UNTESTED),
        channel__status=ChannelStatus.ACTIVE,
    )


def due_connections(now=None) -> list[int]:
    """Ids of the connections whose channel's collection is due (or never ran)."""
    now = now or timezone.now()
    return list(
        _collectable()
        .filter(
            Q(channel__figures_collection__isnull=True)
            | Q(channel__figures_collection__next_run_at__lte=now)
        )
        .order_by("channel_id")
        .values_list("pk", flat=True)
    )


def _claim(channel, now) -> FiguresCollection | None:
    """Take the channel's run for this worker: a conditional update, so two workers never
    collect one channel at once. None when it is not due or another worker has it."""
    state, _ = FiguresCollection.objects.get_or_create(
        channel=channel, defaults={"next_run_at": now}
    )
    if state.next_run_at > now:
        return None
    taken = FiguresCollection.objects.filter(pk=state.pk, next_run_at=state.next_run_at).update(
        next_run_at=now + LEASE
    )
    if not taken:
        return None
    state.next_run_at = now + LEASE
    return state


def _finish(state, status, *, now, next_run_at, error="", failures=0) -> None:
    state.status = status
    state.last_run_at = now
    state.next_run_at = next_run_at
    state.last_error = error[:2000]
    state.failures = failures
    state.save(update_fields=["status", "last_run_at", "next_run_at", "last_error", "failures"])


def collect(connection_id, *, now=None, adapter_factory=None) -> Outcome:
    """One run for one channel; see the module's docstring."""
    from moderation.polling import quota
    from moderation.polling.connections import adapter_for

    now = now or timezone.now()
    connection = (
        _collectable().select_related("channel__owner_unit").filter(pk=connection_id).first()
    )
    if connection is None:
        return Outcome("skipped")
    channel = connection.channel
    state = _claim(channel, now)
    if state is None:
        return Outcome("busy")
    platform = channel.platform
    if platform == quota.YOUTUBE:
        budget = quota.youtube_budget(now)
        if budget.spent or budget.read_units_left < YOUTUBE_UNITS_NEEDED:
            _finish(state, CollectionStatus.QUOTA, now=now, next_run_at=budget.resets_at)
            return Outcome(CollectionStatus.QUOTA)
    first_run = state.last_run_at is None
    since = now - timedelta(days=FIRST_RUN_DAYS if first_run else RECENT_DAYS)
    old_due = list(
        OwnPost.objects.filter(
            channel=channel,
            published_at__lt=now - timedelta(days=RECENT_DAYS),
            published_at__gte=now - timedelta(days=KEEP_REFRESHING_DAYS),
            next_fetch_at__lte=now,
        )
        .order_by("next_fetch_at")
        .values_list("external_id", flat=True)[:OLD_BATCH]
    )
    factory = adapter_factory or adapter_for
    adapter = None
    try:
        with factory(connection) as adapter:
            fetched = adapter.fetch_own_posts(since)
            seen = {item.external_id for item in fetched}
            missing = [external_id for external_id in old_due if external_id not in seen]
            if missing:
                fetched += adapter.fetch_post_figures(missing)
    except ThrottledError as exc:
        _spent(quota, platform, adapter, exc, now)
        _finish(
            state,
            CollectionStatus.THROTTLED,
            now=now,
            next_run_at=max(exc.resume_at, now) + timedelta(seconds=random.uniform(0, 30)),
            error=str(exc),
            failures=state.failures,
        )
        return Outcome(CollectionStatus.THROTTLED)
    except NeedsReconnectError as exc:
        _spent(quota, platform, adapter, exc, now)
        logger.warning("post figures of channel %s: token refused (%s)", channel.pk, exc)
        if health.mark_needs_reconnect(connection, error=exc, source=health.FIGURES, now=now):
            health.tell_people(channel)
        _finish(
            state,
            CollectionStatus.NEEDS_RECONNECT,
            now=now,
            next_run_at=now + timedelta(days=1),
            error=str(exc),
        )
        return Outcome(CollectionStatus.NEEDS_RECONNECT)
    except NotSupportedError as exc:
        _finish(
            state,
            CollectionStatus.NOT_SUPPORTED,
            now=now,
            next_run_at=now + timedelta(days=7),
            error=str(exc),
        )
        return Outcome(CollectionStatus.NOT_SUPPORTED)
    except PlatformError as exc:
        # Transient failures and unusable answers alike: nothing stored, try again later.
        _spent(quota, platform, adapter, exc, now)
        logger.warning("post figures of channel %s not fetched: %s", channel.pk, exc)
        failures = state.failures + 1
        _finish(
            state,
            CollectionStatus.FAILED,
            now=now,
            next_run_at=now + backoff(failures, first=FIRST_BACKOFF, cap=MAX_BACKOFF),
            error=str(exc),
            failures=failures,
        )
        return Outcome(CollectionStatus.FAILED)
    _spent(quota, platform, adapter, None, now)
    health.mark_healthy(connection, now=now)
    with transaction.atomic():
        posts = store_fetched(channel, fetched, now=now, zone=municipality_zone())
        _finish(state, CollectionStatus.OK, now=now, next_run_at=now + INTERVAL)
    return Outcome(CollectionStatus.OK, posts=len(posts))


def _spent(quota, platform, adapter, error, now) -> None:
    """YouTube's units of this run, filed as reads: the write reserve is never touched."""
    if adapter is not None:
        quota.record_spent(platform, adapter, error=error, now=now)


def collect_all(*, now=None, adapter_factory=None) -> dict[str, int]:
    """One synchronous round over every due channel (the demo and `--once`)."""
    outcomes: dict[str, int] = {}
    for connection_id in due_connections(now):
        outcome = collect(connection_id, now=now, adapter_factory=adapter_factory)
        outcomes[outcome.status] = outcomes.get(outcome.status, 0) + 1
    return outcomes
