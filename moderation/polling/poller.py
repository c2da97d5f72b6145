"""Poll one channel: claim its connection row, fetch everything since the saved cursor, store the
batch and move the cursor in one transaction, and turn platform errors into channel state.

Throttling pauses the channel until the platform's resume time (plus jitter); a dead token marks
it "needs reconnect" (through `accounts.health`, like every other call), stops its polling and
tells its people; a successful poll marks the token valid; transient failures back off with
jitter up to a cap. A crash anywhere rolls the transaction back: nothing stored, cursor unmoved.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import health
from accounts.models import ChannelConnection
from platforms.errors import NeedsReconnectError, PlatformError, ThrottledError

from ..intake import on_new_items
from . import availability, quota
from .connections import adapter_for
from .ingest import store_batch
from .pollable import POLLABLE_TOKENS, POLLED_STATUSES, interval, pollable

logger = logging.getLogger(__name__)

STORED = "stored"
SKIPPED = "skipped"
BUSY = "busy"
THROTTLED = "throttled"
TRANSIENT = "transient"
RECONNECT = "needs_reconnect"

MAX_BACKOFF = timedelta(minutes=30)


@dataclass(frozen=True)
class PollOutcome:
    status: str
    created: int = 0
    calls: int = 0
    created_ids: tuple = ()


def first_import_days() -> int:
    return getattr(settings, "FIRST_IMPORT_DAYS", 14)


def not_paused(now):
    return Q(paused_until__isnull=True) | Q(paused_until__lte=now)


def claim_due_connections(now=None, *, lookahead=None) -> list[tuple[int, object]]:
    """(id, when) of channels due now or within `lookahead` (the fan-out's own period, so a
    channel is polled on time rather than at the next fan-out), each moved one interval on so
    the next fan-out does not queue it again while its poll waits for a worker."""
    now = now or timezone.now()
    horizon = now + (lookahead or timedelta(0))
    due_by = Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=horizon)
    due = list(
        pollable()
        .filter(not_paused(horizon))
        .filter(due_by)
        .order_by("next_poll_at", "pk")
        .values_list("pk", "next_poll_at")
    )
    claimed = []
    for pk, next_poll_at in due:
        when = max(next_poll_at or now, now)
        # Conditional update: when two fan-outs overlap, only one queues each channel.
        won = (
            ChannelConnection.objects.filter(pk=pk, next_poll_at=next_poll_at)
            .filter(due_by)
            .update(next_poll_at=when + interval())
        )
        if won:
            claimed.append((pk, when))
    return claimed


def backoff(failures: int, *, first: timedelta | None = None, cap=MAX_BACKOFF) -> timedelta:
    """The wait after `failures` transient failures in a row: doubling from `first` (one poll
    interval unless given), at most `cap`, with jitter so channels of one platform do not come
    back in step."""
    first = interval() if first is None else first
    base = min(first * 2 ** min(max(failures - 1, 0), 16), cap)
    return base * random.uniform(0.8, 1.2)


def retry_countdown(retry: int) -> float:
    """Seconds before an in-task retry: short, growing, jittered."""
    return min(5.0 * 2**retry, 60.0) * random.uniform(0.5, 1.0)


def pause_jitter(wait: timedelta) -> timedelta:
    """A little extra on top of the platform's resume time, at most 30 s."""
    return timedelta(seconds=random.uniform(0, min(30.0, max(wait.total_seconds(), 0) * 0.1)))


def poll_connection(connection_id, *, adapter_factory=None, now=None) -> PollOutcome:
    """One poll of one channel. Returns BUSY when another worker holds it, SKIPPED when it is
    not to be polled now."""
    adapter_factory = adapter_factory or adapter_for
    notify_reconnect = False
    with transaction.atomic():
        connection = (
            ChannelConnection.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel__owner_unit__municipality")
            .filter(pk=connection_id)
            .first()
        )
        if connection is None:
            return PollOutcome(BUSY)
        now = now or timezone.now()
        if (
            not connection.polling_enabled
            or connection.token_status not in POLLABLE_TOKENS
            or connection.channel.status not in POLLED_STATUSES
            or (connection.paused_until is not None and connection.paused_until > now)
        ):
            return PollOutcome(SKIPPED)
        platform = connection.channel.platform
        if platform == quota.YOUTUBE:
            budget = quota.youtube_budget(now)
            if budget.spent:
                return _pause_for_quota(connection, budget, now)
        since = now - timedelta(days=first_import_days())
        asks_messages = availability.try_messages(connection, now)
        if availability.wants_messages(connection) and not asks_messages:
            # Only for this poll's adapter; `extra` is not saved.
            connection.extra = {**connection.extra, "messaging": False}
        adapter = adapter_factory(connection)
        try:
            with adapter:
                try:
                    result = adapter.fetch_new(connection.cursor or None, since)
                except PlatformError as exc:
                    quota.record_spent(platform, adapter, polls=1, error=exc, now=now)
                    raise
                quota.record_spent(platform, adapter, polls=1, now=now)
        except ThrottledError as exc:
            wait = exc.resume_at - now
            connection.paused_until = exc.resume_at + pause_jitter(wait)
            connection.next_poll_at = connection.paused_until
            connection.last_error = str(exc)[:2000]
            connection.save(update_fields=["paused_until", "next_poll_at", "last_error"])
            logger.info("channel %s throttled until %s", connection.pk, connection.paused_until)
            return PollOutcome(THROTTLED, calls=adapter.calls_made)
        except NeedsReconnectError as exc:
            connection.consecutive_failures += 1
            connection.save(update_fields=["consecutive_failures"])
            notify_reconnect = health.mark_needs_reconnect(
                connection, error=exc, source=health.POLL, now=now
            )
            outcome = PollOutcome(RECONNECT, calls=adapter.calls_made)
        except PlatformError as exc:
            # Transient errors and whole responses that could not be read: try later.
            connection.consecutive_failures += 1
            connection.next_poll_at = now + backoff(connection.consecutive_failures)
            connection.last_error = str(exc)[:2000]
            connection.save(update_fields=["consecutive_failures", "next_poll_at", "last_error"])
            logger.warning("poll of channel %s failed: %s", connection.pk, exc)
            return PollOutcome(TRANSIENT, calls=adapter.calls_made)
        else:
            stored = store_batch(connection.channel, result.items, received_at=now)
            for skipped in result.skipped:
                logger.warning(
                    "channel %s: a record was skipped (%s)", connection.pk, skipped.reason
                )
            connection.cursor = result.new_cursor
            connection.last_polled_at = now
            connection.next_poll_at = now + quota.poll_interval(platform, now)
            connection.paused_until = None
            connection.consecutive_failures = 0
            connection.last_error = ""
            fields = [
                "cursor",
                "last_polled_at",
                "next_poll_at",
                "paused_until",
                "consecutive_failures",
                "last_error",
            ]
            if asks_messages:
                fields += availability.record_outcome(connection, result.messaging_unavailable, now)
            # A successful poll proves the token as well as a test would.
            fields += health.mark_healthy(connection, now=now, save=False)
            connection.save(update_fields=fields)
            if stored.created_ids:
                ids = list(stored.created_ids)
                transaction.on_commit(lambda: _after_new_items(ids))
            outcome = PollOutcome(
                STORED,
                created=stored.created,
                calls=result.calls_made,
                created_ids=tuple(stored.created_ids),
            )
    if notify_reconnect:
        health.tell_people(connection.channel)
    return outcome


def _pause_for_quota(connection, budget, now) -> PollOutcome:
    """The project's YouTube quota is spent for today: wait for the reset, without a call."""
    connection.paused_until = budget.resets_at + pause_jitter(budget.resets_at - now)
    connection.next_poll_at = connection.paused_until
    connection.last_error = (
        "the YouTube Data API quota of the Google Cloud project is spent for today "
        f"({budget.used} of {budget.quota} units); polling resumes after midnight Pacific time"
    )
    connection.save(update_fields=["paused_until", "next_poll_at", "last_error"])
    logger.info("channel %s waits for the YouTube quota reset", connection.pk)
    return PollOutcome(THROTTLED)


def _after_new_items(item_ids):
    """Hand fresh items to the moderation part (personal data, assignment). A failure there
    must not undo or repeat the stored batch (intake is idempotent and can be run again)."""
    try:
        on_new_items(item_ids)
    except Exception:
        logger.exception("intake failed for %d new items", len(item_ids))


def run_cycle(*, now=None, adapter_factory=None) -> dict[str, int]:
    """Poll every pollable, unpaused channel once, synchronously (`poll_channels --once`)."""
    now = now or timezone.now()
    totals: dict[str, int] = {"channels": 0, "created": 0, "calls": 0}
    for pk in pollable().filter(not_paused(now)).order_by("pk").values_list("pk", flat=True):
        outcome = poll_connection(pk, adapter_factory=adapter_factory)
        totals["channels"] += 1
        totals["created"] += outcome.created
        totals["calls"] += outcome.calls
        totals[outcome.status] = totals.get(outcome.status, 0) + 1
    return totals
