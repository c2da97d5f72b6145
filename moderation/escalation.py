"""The escalation sweep, in the Healthchecks style: read only open items whose indexed
`next_deadline` has passed, claim each with a conditional UPDATE (so two sweepers never both
act), act, and move the cursor to the next checkpoint. One bad row is logged and skipped; it
never stops the sweep.

At 75 % of a target the assignee is warned; at the deadline the channel's owner and the centre
manager (decentral) or the communications lead (central) are told.

The internal deadline of a forwarded question escalates the same way, from its own indexed
cursor: at 75 % of the expert's time the expert is reminded; at the internal deadline the
expert, the person who forwarded the question and the item's assignee (who must post the answer
before the item's own deadline) hear that the expert's answer is late.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit

from . import counts
from .alerts import alert
from .deadlines import forwarding_next_deadline, next_deadline, rejudge_open_items
from .models import (
    OPEN_STATUSES,
    AlertEvent,
    CrisisPeriod,
    Forwarding,
    ForwardingStatus,
    NotificationKind,
    QueueItem,
)
from .notify import breach_recipients, forwarding_experts, notify, when

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    reminded: int = 0  # experts reminded of an internal deadline
    late: int = 0  # internal deadlines missed
    skipped: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return {
            "warned": self.warned,
            "breached": self.breached,
            "reminded": self.reminded,
            "late": self.late,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def sweep(now=None, *, batch=BATCH) -> SweepResult:
    """Act on every open item and every question waiting for an expert whose next checkpoint
    is at or before `now`."""
    now = now or timezone.now()
    result = SweepResult()
    _catch_up_crises(now)
    _sweep_rows(
        QueueItem.objects.filter(status__in=OPEN_STATUSES, next_deadline__lte=now),
        _handle,
        "item",
        now,
        batch,
        result,
    )
    _sweep_rows(
        Forwarding.objects.filter(status=ForwardingStatus.OPEN, next_deadline__lte=now),
        _handle_forwarding,
        "forwarding",
        now,
        batch,
        result,
    )
    return result


# A poll judges its batch when it starts and stores it when it ends: items stored within this
# long before a crisis started may still carry the normal targets.
CRISIS_CATCH_UP = timedelta(minutes=10)


def _catch_up_crises(now):
    """While crisis mode is on, items that arrived judged by the normal targets (a poll that
    straddled the switch) are tightened like the rest; one query when no crisis is on."""
    for period in CrisisPeriod.objects.filter(ended_at__isnull=True).select_related("municipality"):
        try:
            with transaction.atomic():
                rejudged = rejudge_open_items(
                    period.municipality,
                    tighten=True,
                    now=now,
                    unmarked_since=period.started_at - CRISIS_CATCH_UP,
                )
        except Exception:
            logger.exception("crisis catch-up failed for %s", period.municipality_id)
            continue
        if rejudged.changed:
            logger.info(
                "crisis catch-up tightened %s items of %s",
                rejudged.changed,
                period.municipality_id,
            )


def _sweep_rows(due_rows, handle, what, now, batch, result):
    """Hand each due row to `handle(pk, cursor, now, result)` in cursor order, a batch at a
    time; a row that raises is logged, counted and left for the next sweep."""
    seen = set()
    while True:
        due = list(
            due_rows.exclude(pk__in=seen)
            .order_by("next_deadline", "id")
            .values_list("pk", "next_deadline")[:batch]
        )
        if not due:
            return
        for pk, cursor in due:
            seen.add(pk)
            try:
                handled = handle(pk, cursor, now, result)
            except Exception:
                logger.exception("SLA sweep failed on %s %s", what, pk)
                result.failed += 1
                continue
            if not handled:
                result.skipped += 1


def _handle(pk, cursor, now, result=None):
    """Warn or report one item; returns (warned, breached), or None when another sweeper (or a
    change of its deadlines) got there first."""
    with transaction.atomic():
        # Locked: re-judging (crisis mode) or an action on the item waits, or is waited for.
        item = (
            QueueItem.objects.select_for_update(of=("self",))
            .select_related(
                "channel__owner_unit", "channel__responsible", "channel__deputy", "assigned_to"
            )
            .get(pk=pk)
        )
        if item.next_deadline != cursor:
            return None
        counted_as = counts.key(item)
        warned = breached = 0
        for prefix, done_at in (
            ("first_response", item.first_responded_at),
            ("answer", item.answered_at),
        ):
            if done_at is not None:
                continue
            level = getattr(item, f"{prefix}_escalation")
            warn_at = getattr(item, f"{prefix}_warn_at")
            due_at = getattr(item, f"{prefix}_due")
            if level < 2 and due_at is not None and due_at <= now:
                setattr(item, f"{prefix}_escalation", 2)
                breached += 1
                _breach(item, prefix)
            elif level < 1 and warn_at is not None and warn_at <= now:
                setattr(item, f"{prefix}_escalation", 1)
                warned += 1
                _warn(item, prefix)
        new_cursor = next_deadline(item)
        # The claim: only the sweeper that still sees the cursor it read may move it.
        claimed = QueueItem.objects.filter(pk=pk, next_deadline=cursor).update(
            next_deadline=new_cursor,
            first_response_escalation=item.first_response_escalation,
            answer_escalation=item.answer_escalation,
        )
        if not claimed:
            transaction.set_rollback(True)
            return None
        # Warned: the item is now at risk; reported: overdue (the queue's counters).
        counts.apply(counts.moved(counted_as, counts.key(item)))
    if result is not None:
        result.warned += warned
        result.breached += breached
    return warned, breached


def _label(prefix):
    return _("first response") if prefix == "first_response" else _("answer")


def _warn(item, prefix):
    due = getattr(item, f"{prefix}_due")
    recipients = [item.assigned_to] if item.assigned_to else [item.channel.responsible]
    notify(
        recipients,
        NotificationKind.SLA_WARNING,
        item=item,
        message=lambda: (
            _("The %(what)s deadline is near: %(due)s.")
            % {"what": _label(prefix), "due": when(due)}
        ),
    )
    alert(AlertEvent.SLA_WARNING, items=[item], prefix=prefix)
    audit.record(
        "sla_warning",
        item=item,
        reason=prefix,
        policy_version=item.policy_version,
        due=due.isoformat(),
    )


def _breach(item, prefix):
    due = getattr(item, f"{prefix}_due")
    notify(
        [item.assigned_to, *breach_recipients(item.channel)],
        NotificationKind.SLA_BREACH,
        item=item,
        message=lambda: (
            _("The %(what)s deadline has passed: %(due)s.")
            % {"what": _label(prefix), "due": when(due)}
        ),
    )
    alert(AlertEvent.SLA_BREACH, items=[item], prefix=prefix)
    audit.record(
        "sla_breach",
        item=item,
        reason=prefix,
        policy_version=item.policy_version,
        due=due.isoformat(),
    )


# -- the internal deadline of a forwarded question


def _handle_forwarding(pk, cursor, now, result=None):
    """Remind the expert or report the late answer for one forwarding; returns (reminded,
    late), or None when another sweeper got there first or it no longer waits."""
    with transaction.atomic():
        forwarding = (
            Forwarding.objects.select_for_update(of=("self",))
            .select_related(
                "item__channel",
                "item__assigned_to",
                "item__policy_version",
                "to_user",
                "to_unit",
                "forwarded_by",
            )
            .get(pk=pk)
        )
        if forwarding.next_deadline != cursor or forwarding.status != ForwardingStatus.OPEN:
            return None
        reminded = late = 0
        if not forwarding.item.is_open:
            # The item was finished some other way: nothing left to chase (the actions
            # withdraw such questions; this guards rows from before they did).
            forwarding.escalation = 2
        elif forwarding.escalation < 2 and forwarding.due_at <= now:
            forwarding.escalation = 2
            late = 1
            _forwarding_late(forwarding)
        elif (
            forwarding.escalation < 1
            and forwarding.warn_at is not None
            and forwarding.warn_at <= now
        ):
            forwarding.escalation = 1
            reminded = 1
            _forwarding_reminder(forwarding)
        new_cursor = forwarding_next_deadline(forwarding)
        claimed = Forwarding.objects.filter(
            pk=pk, next_deadline=cursor, status=ForwardingStatus.OPEN
        ).update(next_deadline=new_cursor, escalation=forwarding.escalation)
        if not claimed:
            transaction.set_rollback(True)
            return None
    if result is not None:
        result.reminded += reminded
        result.late += late
    return reminded, late


def _forwarding_reminder(forwarding):
    item = forwarding.item
    notify(
        forwarding_experts(forwarding),
        NotificationKind.FORWARD_REMINDER,
        item=item,
        message=lambda: (
            _("A question forwarded to you waits for your answer: answer by %(due)s.")
            % {"due": when(forwarding.due_at)}
        ),
    )
    audit.record(
        "forward_reminder",
        item=item,
        policy_version=item.policy_version,
        forwarding=forwarding.pk,
        due=forwarding.due_at.isoformat(),
    )


def _forwarding_late(forwarding):
    item = forwarding.item
    experts = forwarding_experts(forwarding)
    notify(
        [*experts, forwarding.forwarded_by, item.assigned_to],
        NotificationKind.FORWARD_LATE,
        item=item,
        message=lambda: (
            _(
                "The expert's answer from %(unit)s is late: it was due %(due)s. "
                "The item's own answer deadline is %(answer_due)s."
            )
            % {
                "unit": forwarding.to_unit.name,
                "due": when(forwarding.due_at),
                "answer_due": when(item.answer_due) if item.answer_due else "–",
            }
        ),
    )
    audit.record(
        "forward_late",
        item=item,
        policy_version=item.policy_version,
        forwarding=forwarding.pk,
        due=forwarding.due_at.isoformat(),
    )
