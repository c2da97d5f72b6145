"""Writes to the platforms (replies, hides, unhides, deletes, posts) through an outbox.

The moderation actions call `enqueue_*` inside their transaction; the row commits with the
decision, and the send task is queued on commit. `deliver` sends one message: it claims the row
with a conditional update (one sender at a time), marks a reply or post "outcome unknown" before
the call so that a crash or timeout makes the next attempt look for our own reply or post first,
and ends in sent or failed after a capped number of attempts. A post for a platform that cannot
publish text posts through its API (Instagram, YouTube) ends "to be posted by hand" without a
call. A write that `waits_for` another (a deletion waiting for the author's notice) is not tried
before that one reached the platform, and fails if it failed.

The item follows the platform's confirmed outcome: when a message ends, `outcome.write_confirmed`
or `outcome.write_failed` changes the item (answered, removed, hidden; not sent, with a notice to
the people concerned) in the transaction that records the end. Each end is then announced by the
`finished` signal (the channel registry follows its closing notices with it).
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

import audit
from accounts import health
from platforms import capabilities
from platforms.base import PostImage
from platforms.errors import (
    ActionNotAllowedError,
    NeedsReconnectError,
    NotSupportedError,
    PlatformError,
    ThrottledError,
    WriteRejectedError,
)
from platforms.registry import adapter_class

from . import outcome
from .models.ingestion import OutboxFailure, OutboxKind, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# While an attempt runs, the message is leased for this long; a sender that died is replaced
# after it expires (the sweep picks the message up again).
LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 30 * 60
# Kinds whose second send would publish twice: they look before they resend.
NOT_IDEMPOTENT = (OutboxKind.REPLY, OutboxKind.NOTICE, OutboxKind.POST)
# A message waiting for another one is looked at again after this long (and at once when the
# other one ends).
WAIT_RECHECK = timedelta(seconds=30)
# The capability each write on an item needs (platforms.capabilities).
OPERATION = {
    OutboxKind.REPLY: capabilities.REPLY,
    OutboxKind.NOTICE: capabilities.REPLY,
    OutboxKind.HIDE: capabilities.HIDE,
    OutboxKind.UNHIDE: capabilities.UNHIDE,
    OutboxKind.DELETE: capabilities.DELETE,
}
# Why the platform refused a write (WriteRejectedError.reason), for people.
REJECTED = {
    "duplicate": OutboxFailure.DUPLICATE,
    "invalid_target": OutboxFailure.GONE,
    "forbidden": OutboxFailure.NOT_ALLOWED,
    "outside_window": OutboxFailure.WINDOW_CLOSED,
}
# After a lost answer, our post is looked for from this long before the message was recorded:
# the platform's clock may run a little behind ours.
POST_LOOKBACK = timedelta(minutes=5)

# Sent inside the transaction that ends a message: `message` (the OutboxMessage as claimed),
# `status` (sent, failed or manual), `result_external_id` (the platform's id, or "") and
# `result_permalink` (a published post's address where the platform returned one, or "").
# Listeners run their changes in their own transaction (a savepoint); their errors are logged.
finished = Signal()


class KeyReused(ValueError):
    """An idempotency key already names a different write (another kind or item)."""


def message_for_key(idempotency_key) -> OutboxMessage | None:
    """The outbox message queued under `idempotency_key`, if any."""
    if not idempotency_key:
        return None
    return OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()


def enqueue_reply(item, text, *, acting_user, idempotency_key):
    """Queue the municipality's reply `text` to `item`; returns the outbox message. A second
    call with the same key returns the first message and sends nothing more."""
    if not text or not text.strip():
        raise ValueError("A reply needs text.")
    if not idempotency_key:
        raise ValueError("A reply needs an idempotency key.")
    return _enqueue(
        OutboxKind.REPLY,
        channel=item.channel,
        item=item,
        text=text,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
    )


def enqueue_notice(item, text, *, acting_user, idempotency_key):
    """Queue the reply that tells the author why their item is removed (not the item's answer:
    it leaves the item's status alone)."""
    if not text or not text.strip():
        raise ValueError("A notice needs text.")
    return _enqueue(
        OutboxKind.NOTICE,
        channel=item.channel,
        item=item,
        text=text,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
    )


def enqueue_hide(item, *, acting_user, idempotency_key=None, reason="", waits_for=None):
    return _enqueue(
        OutboxKind.HIDE,
        channel=item.channel,
        item=item,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
        reason=reason,
        waits_for=waits_for,
    )


def enqueue_hides(items, *, acting_user, key_prefix, reason=""):
    """Queue hides of many items in a few queries (the intake's personal-data hides of a big
    batch); each item's key is `key_prefix:item id`, so repeating the call queues nothing new.
    """
    keyed = {f"{key_prefix}:{item.pk}": item for item in items}
    if not keyed:
        return []
    user = audit.person(acting_user)
    with transaction.atomic():
        OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(
                    idempotency_key=key,
                    kind=OutboxKind.HIDE,
                    channel=item.channel,
                    item=item,
                    requested_by=user,
                    reason=reason,
                )
                for key, item in keyed.items()
            ],
            ignore_conflicts=True,
        )
        pending = list(
            OutboxMessage.objects.filter(
                idempotency_key__in=list(keyed), status=OutboxStatus.PENDING
            ).values_list("pk", flat=True)
        )
        # Scheduling a message twice is harmless: a send first claims it conditionally.
        transaction.on_commit(lambda: [_schedule(pk) for pk in pending])
    return pending


def enqueue_unhide(item, *, acting_user, idempotency_key=None):
    return _enqueue(
        OutboxKind.UNHIDE,
        channel=item.channel,
        item=item,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
    )


def enqueue_delete(item, *, acting_user, idempotency_key=None, reason="", waits_for=None):
    return _enqueue(
        OutboxKind.DELETE,
        channel=item.channel,
        item=item,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
        reason=reason,
        waits_for=waits_for,
    )


def enqueue_post(channel, text, *, acting_user, idempotency_key, attachments=None):
    """Queue a new post by the channel's account itself (e.g. a closing notice). On a platform
    whose API cannot publish text posts, the message ends "to be posted by hand" when the send
    task runs (see `can_publish`)."""
    if not text or not text.strip():
        raise ValueError("A post needs text.")
    if not idempotency_key:
        raise ValueError("A post needs an idempotency key.")
    return _enqueue(
        OutboxKind.POST,
        channel=channel,
        item=None,
        text=text,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
        attachments=attachments,
    )


def enqueue_publish(channel, text, *, attachments, acting_user, idempotency_key):
    """Queue one of the municipality's own posts on `channel`: `text` as published there, and
    `attachments` (`link`, `image_url`, `image_name`, `image_alt`). The key names the post's
    channel, so the same post is queued once however often the step is repeated."""
    return enqueue_post(
        channel,
        text,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
        attachments=attachments,
    )


def _enqueue(
    kind,
    *,
    channel,
    item,
    acting_user,
    idempotency_key,
    text="",
    reason="",
    waits_for=None,
    attachments=None,
):
    key = idempotency_key or f"{kind}:{uuid.uuid4()}"
    user = audit.person(acting_user)
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "kind": kind,
                "channel": channel,
                "item": item,
                "text": text,
                "requested_by": user,
                "reason": reason,
                "waits_for": waits_for,
                "attachments": attachments or {},
            },
        )
        if not created:
            if message.kind != kind or message.item_id != getattr(item, "pk", None):
                raise KeyReused(f"Idempotency key {key!r} was used for a different write.")
            return message
        transaction.on_commit(lambda: _schedule(message.pk))
    return message


def _schedule(message_id):
    send_outbox_message.delay(message_id)


def send_again(message):
    """Put a failed message back in line for a fresh series of attempts, keeping its key (and its
    doubt: a reply that may have landed is looked for first). Inside the caller's transaction;
    the send starts on commit. Messages that failed because they waited for it go back in line
    too. Returns the ids put back."""
    ids = [message.pk]
    ids += list(
        OutboxMessage.objects.filter(
            waits_for=message, status=OutboxStatus.FAILED, failure=OutboxFailure.AUTHOR_NOT_TOLD
        ).values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=None,
        failure="",
        last_error="",
    )
    transaction.on_commit(lambda: [_schedule(pk) for pk in ids])
    return ids


# --- sending ------------------------------------------------------------------------------


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with full jitter, capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def claim(message_id) -> OutboxMessage | None:
    """Lease a pending, due message for one attempt, or None if somebody else holds it or it
    is done. The conditional UPDATE is the lock: two senders never both win."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    won = OutboxMessage.objects.filter(due, pk=message_id, status=OutboxStatus.PENDING).update(
        attempts=F("attempts") + 1, next_attempt_at=now + LEASE
    )
    if not won:
        return None
    return OutboxMessage.objects.select_related("channel__connection", "item").get(pk=message_id)


def deliver(message_id, *, adapter_factory=None) -> str | None:
    """Make one attempt at sending the message; return its status afterwards, or None when
    there was nothing to do. `adapter_factory(connection)` builds the platform adapter (the
    default reads the channel's connection)."""
    message = claim(message_id)
    if message is None:
        return None
    if message.kind == OutboxKind.POST and not can_publish(
        message.channel.platform, with_image=bool((message.attachments or {}).get("image_url"))
    ):
        return _by_hand(message, publish_means(message.channel.platform))
    if message.waits_for_id is not None:
        waited = _waiting_on(message)
        if waited is not None:
            return waited
    if getattr(message.channel, "connection", None) is None:
        return _fail(
            message,
            PlatformError(
                "the channel is not connected to its platform account",
                platform=message.channel.platform,
            ),
            OutboxFailure.NOT_CONNECTED,
        )
    refused = _refusal(message)
    if refused is not None:
        # The platform has no such write for this item: it is not called at all.
        return _fail(
            message,
            NotSupportedError(refused.detail, platform=message.channel.platform),
            OutboxFailure.NOT_SUPPORTED,
        )
    look_first = message.kind in NOT_IDEMPOTENT and message.outcome_unknown
    if message.kind in NOT_IDEMPOTENT and not look_first:
        # Persist the doubt before the call: if this process dies after the platform published
        # the reply, the next attempt finds it instead of publishing it twice.
        OutboxMessage.objects.filter(pk=message.pk).update(outcome_unknown=True)
    factory = adapter_factory or _adapter_for
    try:
        with factory(message.channel.connection) as adapter:
            # A platform with a daily quota (YouTube) counts every attempt, failed or not.
            try:
                result_id = _send(adapter, message, look_first=look_first)
            except PlatformError as exc:
                _record_quota(message.channel.platform, adapter, exc)
                raise
            _record_quota(message.channel.platform, adapter, None)
    except ThrottledError as exc:
        return _retry_later(message, exc, at=exc.resume_at, doubt=look_first)
    except NeedsReconnectError as exc:
        # The token is refused for every call, not only this one: the channel needs reconnecting.
        status = _fail(message, exc, failure_for(exc))
        connection = message.channel.connection
        if health.mark_needs_reconnect(connection, error=exc, source=health.OUTBOX):
            health.tell_people(message.channel)
        return status
    except (
        WriteRejectedError,
        NotSupportedError,
        ActionNotAllowedError,
    ) as exc:
        # Permanent for this one write; the platform's policy refusal (ActionNotAllowedError)
        # says nothing about the channel, which stays connected.
        return _fail(message, exc, failure_for(exc))
    except PlatformError as exc:
        # Transient failures and garbled answers: the write may have happened (the adapter says
        # so in `outcome_unknown`), and a doubt from an earlier attempt is not resolved either.
        return _retry_later(message, exc, doubt=look_first or exc.outcome_unknown)
    # The platform took the write: the token works.
    health.mark_healthy(message.channel.connection)
    return _mark_sent(message, result_id)


def failure_for(exc) -> str:
    """Why a write failed, as people are told it, for the platform's error `exc`."""
    if isinstance(exc, NeedsReconnectError):
        return OutboxFailure.RECONNECT
    if isinstance(exc, ActionNotAllowedError):
        return OutboxFailure.NOT_ALLOWED
    if isinstance(exc, NotSupportedError):
        return OutboxFailure.NOT_SUPPORTED
    if isinstance(exc, WriteRejectedError):
        return REJECTED.get(exc.reason, OutboxFailure.REFUSED)
    return OutboxFailure.UNREACHABLE


def _refusal(message):
    """Why the platform cannot make this write on the message's item, or None."""
    operation = OPERATION.get(message.kind)
    if operation is None or message.item is None:
        return None
    item = message.item
    return capabilities.refusal(
        message.channel.platform, item.kind, operation, hidden=item.hidden_on_platform
    )


def _waiting_on(message):
    """Hold back a message whose prerequisite has not reached the platform yet (without using
    up an attempt), or fail it when the prerequisite failed. None: go ahead."""
    waited = OutboxMessage.objects.filter(pk=message.waits_for_id)
    status = waited.values_list("status", flat=True).first()
    if status == OutboxStatus.PENDING:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=F("attempts") - 1, next_attempt_at=timezone.now() + WAIT_RECHECK
        )
        return OutboxStatus.PENDING
    if status == OutboxStatus.FAILED:
        return _fail(
            message,
            PlatformError(
                "the message to the author was not sent, so this write was not made",
                platform=message.channel.platform,
            ),
            OutboxFailure.AUTHOR_NOT_TOLD,
        )
    return None


def _send(adapter, message, *, look_first):
    item = message.item
    if message.kind in (OutboxKind.REPLY, OutboxKind.NOTICE):
        if look_first:
            found = adapter.find_own_reply(
                item.external_id,
                message.text,
                kind=item.kind,
                thread_external_id=item.thread_external_id or None,
            )
            if found is not None:
                return found.external_id or ""
        result = adapter.reply(
            item.external_id,
            message.text,
            idempotency_key=message.idempotency_key,
            kind=item.kind,
            thread_external_id=item.thread_external_id or None,
            author_id=item.author_external_id or None,
        )
        return result.external_id or ""
    if message.kind == OutboxKind.POST:
        return _publish(adapter, message, look_first=look_first)
    operation = {
        OutboxKind.HIDE: adapter.hide,
        OutboxKind.UNHIDE: adapter.unhide,
        OutboxKind.DELETE: adapter.delete,
    }[message.kind]
    return operation(item.external_id).external_id or ""


def _publish(adapter, message, *, look_first):
    if look_first:
        found = adapter.find_own_post(message.text, since=message.created_at - POST_LOOKBACK)
        if found is not None:
            message.result_permalink = found.permalink or ""
            return found.external_id or ""
    attachments = message.attachments or {}
    image = None
    if attachments.get("image_url"):
        image = PostImage(
            url=attachments["image_url"],
            alt=attachments.get("image_alt", ""),
            read=_image_reader(attachments.get("image_name", "")),
        )
    try:
        result = adapter.publish(
            message.text,
            idempotency_key=message.idempotency_key,
            link=attachments.get("link", ""),
            image=image,
        )
    except WriteRejectedError as exc:
        if look_first and exc.reason == "duplicate":
            # The platform refuses the same text again so soon: the earlier attempt did land,
            # it is only not readable yet. Publishing is done; its id stays unknown.
            logger.warning(
                "an earlier attempt published the post; it is not readable yet",
                extra={"outbox_id": message.pk, "error": str(exc)},
            )
            return ""
        raise
    message.result_permalink = result.permalink or ""
    return result.external_id or ""


def _image_reader(name):
    """A function returning the stored picture's bytes (for platforms that take the upload
    itself, such as LinkedIn's Images API), read only when the adapter asks."""

    def read():
        from django.core.files.storage import default_storage

        with default_storage.open(name, "rb") as handle:
            return handle.read()

    return read


def can_publish(platform, *, with_image=False):
    """Whether the platform's API can publish a post on the channel's own page: a text post,
    or (`with_image`) a post with a picture (Instagram publishes only those)."""
    capabilities = adapter_class(platform).capabilities
    return capabilities.publish or (with_image and capabilities.publish_image)


def publish_means(platform):
    """Where a published post appears, or why the platform cannot publish one (in English)."""
    return adapter_class(platform).capabilities.publish_means


def _record_quota(platform, adapter, error):
    from .polling.quota import record_spent

    record_spent(platform, adapter, written=True, error=error)


def _adapter_for(connection):
    from .polling.connections import adapter_for

    return adapter_for(connection)


def _mark_sent(message, result_id):
    with transaction.atomic():
        now = timezone.now()
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENT,
            sent_at=now,
            result_external_id=result_id or "",
            result_permalink=getattr(message, "result_permalink", "") or "",
            outcome_unknown=False,
            next_attempt_at=None,
            last_error="",
            failure="",
        )
        before, after = {}, {}
        if message.item_id:
            # The platform confirmed it: the item follows what citizens now see.
            before, after = outcome.write_confirmed(message, at=now)
        audit.record(
            "outbox.sent",
            obj=message,
            item=message.item,
            channel=message.channel,
            before=before,
            after=after,
            kind=message.kind,
            outbox_id=message.pk,
            external_id=result_id or "",
            attempts=message.attempts,
        )
        _announce(
            message,
            OutboxStatus.SENT,
            result_id or "",
            permalink=getattr(message, "result_permalink", "") or "",
        )
        _wake_waiting(message)
    return OutboxStatus.SENT


def _wake_waiting(message):
    """Messages held back for this one go now (after commit) instead of at their next look."""
    waiting = list(
        OutboxMessage.objects.filter(waits_for=message, status=OutboxStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    if waiting:
        OutboxMessage.objects.filter(pk__in=waiting).update(next_attempt_at=None)
        transaction.on_commit(lambda: [_schedule(pk) for pk in waiting])


def _retry_later(message, exc, *, at=None, doubt=False):
    if message.attempts >= MAX_ATTEMPTS:
        return _fail(message, exc, OutboxFailure.UNREACHABLE)
    when = at or timezone.now() + backoff(message.attempts)
    retry_after = getattr(exc, "retry_after", None)
    if at is None and retry_after:
        when = max(when, timezone.now() + timedelta(seconds=float(retry_after)))
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=when,
        last_error=str(exc)[:2000],
        outcome_unknown=message.kind in NOT_IDEMPOTENT and doubt,
    )
    logger.warning(
        "outbox write will be retried",
        extra={"outbox_id": message.pk, "attempts": message.attempts, "error": str(exc)},
    )
    return OutboxStatus.PENDING


def _fail(message, exc, failure=OutboxFailure.REFUSED):
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.FAILED,
            next_attempt_at=None,
            last_error=str(exc)[:2000],
            failure=failure,
        )
        message.status, message.failure = OutboxStatus.FAILED, failure
        before, after = {}, {}
        if message.item_id:
            before, after = outcome.write_failed(message)
        audit.record(
            "outbox.failed",
            obj=message,
            item=message.item,
            channel=message.channel,
            reason=failure,
            before=before,
            after=after,
            kind=message.kind,
            outbox_id=message.pk,
            error=str(exc)[:500],
            attempts=message.attempts,
        )
        _announce(message, OutboxStatus.FAILED)
        # What waited for it fails too, now rather than at its next look.
        _wake_waiting(message)
    logger.error("outbox write failed", extra={"outbox_id": message.pk, "error": str(exc)})
    return OutboxStatus.FAILED


def _by_hand(message, reason):
    """End a post the platform's API cannot publish: nobody is called, a person posts it."""
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.MANUAL,
            next_attempt_at=None,
            outcome_unknown=False,
            last_error=f"{message.channel.platform} cannot publish posts: {reason}"[:2000],
        )
        audit.record(
            "outbox.by_hand",
            obj=message,
            item=message.item,
            channel=message.channel,
            kind=message.kind,
            outbox_id=message.pk,
            note=reason,
        )
        _announce(message, OutboxStatus.MANUAL)
    logger.info(
        "outbox post left to be posted by hand",
        extra={"outbox_id": message.pk, "platform": message.channel.platform},
    )
    return OutboxStatus.MANUAL


def _announce(message, status, result_id="", permalink=""):
    # A listener's failure must not undo the record of what the platform did: it is logged,
    # and the listener's own changes roll back on their own (each runs in its transaction).
    answers = finished.send_robust(
        sender=OutboxMessage,
        message=message,
        status=status,
        result_external_id=result_id,
        result_permalink=permalink,
    )
    for listener, answer in answers:
        if isinstance(answer, Exception):
            logger.error(
                "a listener of finished outbox messages failed",
                exc_info=answer,
                extra={"outbox_id": message.pk, "listener": getattr(listener, "__name__", "")},
            )


def due_message_ids(limit=500):
    """Pending messages whose retry time has come or whose sender's lease ran out."""
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


# --- tasks ---------------------------------------------------------------------------------


@shared_task(name="moderation.polling.send_outbox_message", ignore_result=True)
def send_outbox_message(message_id):
    """One attempt at sending an outbox message; later attempts come from the sweep."""
    return deliver(message_id)


@shared_task(name="moderation.polling.sweep_outbox", ignore_result=True)
def sweep_outbox():
    """Queue the pending messages whose retry time came or whose sender died."""
    ids = due_message_ids()
    for message_id in ids:
        send_outbox_message.delay(message_id)
    return len(ids)
