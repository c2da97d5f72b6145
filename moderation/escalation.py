"""The escalation sweep, in the Healthchecks style: read only open items whose indexed
`next_deadline` has passed, claim each with a conditional UPDATE (so two sweepers never both
act), act, and move the cursor to the next checkpoint. One bad row is logged and skipped; it
never stops the sweep.

At 75 % of a target the assignee is warned; at the deadline the channel's owner and the centre
manager (decentral) or the communications lead (central) are told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .actions import next_deadline
from .models import OPEN_STATUSES, NotificationKind, QueueItem
from .notify import breach_recipients, notify

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    skipped: int = 0
    failed: int = 0


def sweep(now=None, *, batch=BATCH) -> SweepResult:
    """Act on every open item whose next checkpoint is at or before `now`."""
    now = now or timezone.now()
    result = SweepResult()
    seen = set()
    while True:
        due = list(
            QueueItem.objects.filter(status__in=OPEN_STATUSES, next_deadline__lte=now)
            .exclude(pk__in=seen)
            .order_by("next_deadline", "id")
            .values_list("pk", "next_deadline")[:batch]
        )
        if not due:
            return result
        for pk, cursor in due:
            seen.add(pk)
            try:
                handled = _handle(pk, cursor, now)
            except Exception:
                logger.exception("SLA sweep failed on item %s", pk)
                result.failed += 1
                continue
            if handled is None:
                result.skipped += 1
            else:
                result.warned += handled[0]
                result.breached += handled[1]


def _handle(pk, cursor, now):
    with transaction.atomic():
        item = QueueItem.objects.select_related(
            "channel__owner_unit", "channel__responsible", "channel__deputy", "assigned_to"
        ).get(pk=pk)
        if item.next_deadline != cursor:
            return None
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
        message=_("The %(what)s deadline is near: %(due)s.")
        % {"what": _label(prefix), "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
    )
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
        message=_("The %(what)s deadline has passed: %(due)s.")
        % {"what": _label(prefix), "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
    )
    audit.record(
        "sla_breach",
        item=item,
        reason=prefix,
        policy_version=item.policy_version,
        due=due.isoformat(),
    )
