"""What a write to a platform does to its item once the platform has answered: the item
follows the platform's confirmed outcome. The outbox calls `write_confirmed` (answered, hidden,
removed) or `write_failed` (an answer "not sent", with a notice to the people concerned) in the
transaction that records the platform's answer. Also the item helpers the actions share: lock
an item, save it with its next deadline and its counters, withdraw open forwardings.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

import audit
from governance.models import RemovalReason
from governance.policy import version_in_force

from . import counts
from .deadlines import next_deadline
from .models import (
    OPEN_STATUSES,
    Forwarding,
    ForwardingStatus,
    ItemStatus,
    NotificationKind,
    OutboxKind,
    QueueItem,
)
from .notify import monitor_on_duty, notify


def locked(item) -> QueueItem:
    """The item, locked for the transaction, remembering which open-item counter it is in."""
    item = QueueItem.objects.select_for_update().select_related("channel").get(pk=item.pk)
    item._counted_as = counts.key(item)
    return item


def save(item, *fields):
    item.next_deadline = next_deadline(item)
    item.save(update_fields=[*fields, "next_deadline"])
    recount(item)


def recount(item):
    """Move the item between the open-item counters as its change calls for (same transaction)."""
    after = counts.key(item)
    counts.apply(counts.moved(item._counted_as, after))
    item._counted_as = after


def withdraw_open_forwardings(item):
    """The item is done: questions still waiting for an expert are withdrawn, and their
    internal deadlines stop escalating."""
    Forwarding.objects.filter(item=item, status=ForwardingStatus.OPEN).update(
        status=ForwardingStatus.WITHDRAWN, next_deadline=None
    )


def write_confirmed(message, *, at):
    """The platform confirmed `message` (a write on an item): the item follows. An answer makes
    an open item answered (at the moment of confirmation), a hide or unhide sets the flag, a
    deletion removes the item. Runs in the outbox's transaction; returns the audit's
    (before, after)."""
    item = locked(message.item)
    if message.kind in (OutboxKind.HIDE, OutboxKind.UNHIDE):
        fields = ("hidden_on_platform",)
        before = audit.snapshot(item, *fields)
        item.hidden_on_platform = message.kind == OutboxKind.HIDE
        item.save(update_fields=list(fields))
    elif message.kind == OutboxKind.REPLY:
        fields = ("status", "answered_at")
        before = audit.snapshot(item, *fields)
        item.answered_at = item.answered_at or at
        if item.status in OPEN_STATUSES:
            item.status = ItemStatus.ANSWERED
            withdraw_open_forwardings(item)
        save(item, *fields)
        # The expert's answer this reply carried is on the platform now.
        Forwarding.objects.filter(posted_with=message, status=ForwardingStatus.SENDING).update(
            status=ForwardingStatus.POSTED
        )
    elif message.kind == OutboxKind.DELETE:
        fields = ("status", "closed_at", "closed_reason")
        before = audit.snapshot(item, *fields)
        item.status = ItemStatus.REMOVED
        item.closed_at = at
        item.closed_reason = _reason_label(item, message.reason)
        save(item, *fields)
        withdraw_open_forwardings(item)
    else:
        return {}, {}
    return before, audit.snapshot(item, *fields)


def _reason_label(item, code):
    version = version_in_force(item.channel.owner_unit.municipality)
    reason = RemovalReason.objects.filter(version=version, code=code).first() if version else None
    return reason.label if reason is not None else code


WRITE_NOT_SENT = {
    OutboxKind.REPLY: gettext_lazy("The answer was not sent: %(why)s"),
    OutboxKind.NOTICE: gettext_lazy("The message to the author was not sent: %(why)s"),
    OutboxKind.HIDE: gettext_lazy("The item was not hidden: %(why)s"),
    OutboxKind.UNHIDE: gettext_lazy("The item was not unhidden: %(why)s"),
    OutboxKind.DELETE: gettext_lazy("The item was not deleted: %(why)s"),
}


def write_failed(message):
    """The platform did not take `message` (a write on an item): an answer leaves the item "not
    sent" (still open, its deadline running) and the expert's answer it carried "not sent"
    (ready to go again), and the person who asked for the write, the monitor on duty and the
    expert whose answer it carried are told why. Runs in the outbox's transaction; returns the
    audit's (before, after)."""
    item = locked(message.item)
    before = after = {}
    if message.kind == OutboxKind.REPLY and item.status == ItemStatus.SENDING:
        before = audit.snapshot(item, "status")
        item.status = ItemStatus.NOT_SENT
        save(item, "status")
        after = audit.snapshot(item, "status")
    experts = []
    if message.kind == OutboxKind.REPLY:
        # The expert's answer the reply carried is not on the platform: it is ready to go again
        # (the reply box offers it, or the failed write is sent again), and the expert hears why
        # with the team. The outbox's audit row of this write records the change.
        carried = Forwarding.objects.filter(posted_with=message, status=ForwardingStatus.SENDING)
        experts = [f.answered_by for f in carried.select_related("answered_by")]
        carried.update(status=ForwardingStatus.NOT_SENT)
    text = WRITE_NOT_SENT.get(message.kind)
    if text is not None:
        # Written for each person in their own language (notify activates it).
        notify(
            [message.requested_by, monitor_on_duty(item.channel), *experts],
            NotificationKind.NOT_SENT,
            item=item,
            message=lambda: text % {"why": message.failure_text},
        )
    return before, after
