"""Every change to a queue item goes through one of these functions.

Each runs in one transaction, takes the acting user keyword-only, writes its audit row (who,
when, why and the policy version the item is judged by) and queues platform writes through the
outbox, whose sends start on commit. Callers check permissions before calling; a step that is
not possible in the item's state raises `ActionError` with a message for the user, and one the
item's platform does not offer raises `NotOfferedByPlatform` before anything is queued.

An item's state follows the platform's confirmed outcome: a reply makes it "sending", and the
outbox calls `outcome.write_confirmed` (answered, hidden, removed) or `outcome.write_failed`
(not sent, with a notice to the people concerned) when the platform has answered. `retry` sends
a failed write again.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

import audit
from accounts.models import Channel
from governance.models import Membership, OrgUnit, RemovalReason, Role, UnitKind
from governance.policy import version_in_force
from platforms import capabilities

from . import outbox
from .alerts import alert
from .deadlines import (
    calendar_for,
    escalation_reached,
    forwarding_next_deadline,
    forwarding_warn_at,
    municipality_of,
    rejudge_open_items,
)
from .models import (
    ANSWER_READY,
    OPEN_STATUSES,
    AlertEvent,
    AuthorNotice,
    CrisisPeriod,
    Forwarding,
    ForwardingStatus,
    ItemStatus,
    NotificationKind,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    QueueItem,
    Record,
)
from .notify import forwarding_experts, notify, when
from .outcome import locked as _locked
from .outcome import recount as _recount
from .outcome import save as _save
from .outcome import withdraw_open_forwardings as _withdraw_open_forwardings
from .personal_data import contains_personal_id


class ActionError(Exception):
    """The step is not possible in the item's current state; the message says why. `field`
    names the input the refusal is about, when it is one, so forms and the API point at it."""

    conflict = False

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


class StateConflict(ActionError):
    """The step is not possible in the object's current state (the API answers 409)."""

    conflict = True


# Who may be assigned an item, and who may receive a forwarded question. The item page's choice
# lists and POST, the API's input and the admin all ask these functions, and `assign()` and
# `forward()` check them again, so the rule has one home. The refusals are shared too: a form
# or serializer refusing a choice says the same as the action would.
NOT_ASSIGNABLE = gettext_lazy(
    "This person may not answer this item, so it cannot be assigned to them."
)
NOT_A_FORWARDING_UNIT = gettext_lazy(
    "Questions can only be forwarded to a department of the municipality with department experts."
)
NOT_A_FORWARDING_RECIPIENT = gettext_lazy(
    "Only a department expert of that department can receive the question."
)


def assignable_users(item):
    """The people `item` may be assigned to: those whose role lets them answer it as the
    municipality (`moderation.rules`): the communications team, the channel's editors and
    on-duty monitors of the channel's unit, and the central team's on-duty monitors (the rota
    of the communications team covers every channel without a rota of its own, see
    `intake.team_for`). Never staff, politicians, experts or centre managers, who may look at
    items but not answer them; nor a system administrator without a role in the team. Active
    accounts only."""
    unit = item.channel.owner_unit
    return _answering([unit.pk], [unit.municipality_id])


def assignable_to_any(channel_ids):
    """The people who may answer an item of at least one of these channels (the rule of
    `assignable_users`): the choice the queue's bulk assignment offers for the rows on the page.
    `assign` still checks each item, and skips the items the person may not answer."""
    units = Channel.objects.filter(pk__in=channel_ids).values("owner_unit_id")
    return _answering(units, OrgUnit.objects.filter(pk__in=units).values("municipality_id"))


def _answering(unit_ids, municipality_ids):
    """Active people whose role lets them answer items of channels owned by `unit_ids`, in a
    municipality of `municipality_ids` (lists, or subqueries: one query either way)."""
    memberships = Membership.objects.filter(user=OuterRef("pk")).filter(
        Q(unit__municipality_id__in=municipality_ids, role=Role.COMMUNICATIONS)
        | Q(unit_id__in=unit_ids, role__in=[Role.CHANNEL_EDITOR, Role.ON_DUTY_MONITOR])
        | Q(
            unit__municipality_id__in=municipality_ids,
            unit__kind=UnitKind.COMMUNICATIONS,
            role=Role.ON_DUTY_MONITOR,
        )
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(memberships))
        .order_by("first_name", "last_name", "username")
    )


def forwarding_units(item):
    """The departments a question on `item` may be forwarded to: open units of the item's
    municipality, other than the communications team itself, with at least one active
    department expert (otherwise nobody would be told of the question, and nobody but the
    team could open it)."""
    experts = Membership.objects.filter(
        unit=OuterRef("pk"), role=Role.DEPARTMENT_EXPERT, user__is_active=True
    )
    return (
        OrgUnit.objects.open()
        .filter(municipality_id=item.channel.owner_unit.municipality_id)
        .exclude(kind=UnitKind.COMMUNICATIONS)
        .filter(Exists(experts))
        .order_by("name")
    )


def forwarding_recipients(item, unit=None):
    """The people a question on `item` may be forwarded to by name: the active department
    experts of `unit`, or of any unit it may go to when no unit is given. They are the ones
    who may open forwarded questions (`moderation.answer_forwarded`)."""
    units = forwarding_units(item)
    if unit is not None:
        units = units.filter(pk=unit.pk)
    memberships = Membership.objects.filter(
        user=OuterRef("pk"), role=Role.DEPARTMENT_EXPERT, unit__in=units
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(memberships))
        .order_by("first_name", "last_name", "username")
    )


def check_assignee(item, to_user):
    """Refuse (ActionError) an assignee who may not answer `item`; None (nobody) is fine."""
    if to_user is not None and not assignable_users(item).filter(pk=to_user.pk).exists():
        raise ActionError(str(NOT_ASSIGNABLE), field="to_user")


def check_forwarding(item, to_unit, to_user=None):
    """Refuse (ActionError) a department or a named person who may not receive a question
    on `item`."""
    if not forwarding_units(item).filter(pk=to_unit.pk).exists():
        raise ActionError(str(NOT_A_FORWARDING_UNIT), field="to_unit")
    if (
        to_user is not None
        and not forwarding_recipients(item, to_unit).filter(pk=to_user.pk).exists()
    ):
        raise ActionError(str(NOT_A_FORWARDING_RECIPIENT), field="to_user")


class PersonalIdInText(ActionError):
    """Text meant for the platform (or for a public answer) holds a personal identification
    number."""

    def __init__(self, message, *, field="text"):
        super().__init__(message, field=field)


def refuse_personal_ids(text, *, field="text"):
    """Refuse outgoing text that exposes a personal identification number, before anything is
    stored or queued for the platform (M7: the municipality never publishes one)."""
    if text and contains_personal_id(text):
        raise PersonalIdInText(personal_id_message(), field=field)


def personal_id_message():
    return _(
        "The text contains a personal identification number (CPR, personnummer or "
        "fødselsnummer). Remove it: it would be published. Nothing was sent."
    )


class NotOfferedByPlatform(ActionError):
    """The item's platform has no such action for an item of this kind (or not in its present
    state): the API answers with the code `not_supported`."""

    code = "not_supported"


def platform_refusal(item, operation) -> str | None:
    """Why the item's platform does not take `operation` (reply, hide, unhide, delete) on the
    item, in the user's language; None when it does. The pages hide what is refused and the
    actions refuse it, from this one table (`platforms.capabilities`)."""
    refused = capabilities.refusal(
        item.platform, item.kind, operation, hidden=item.hidden_on_platform
    )
    if refused is None:
        return None
    platform = item.get_platform_display()
    messages = {
        "x_delete_others": _(
            "X lets an account delete only its own posts, not other people's. Hide the post "
            "instead, where X allows it."
        ),
        "no_hide": _(
            "LinkedIn has no way to hide a comment. Delete it instead if the policy calls for it."
        ),
        "top_level_only": _(
            "Instagram takes answers to top-level comments only. Answer the comment this reply "
            "was written under."
        ),
        "hidden": _(
            "%(platform)s takes no replies to a hidden comment. Unhide it first, or tell the "
            "author before hiding."
        ),
        "message": _("%(platform)s does not let private messages be hidden or deleted."),
    }
    message = messages.get(
        refused.code,
        _("%(platform)s does not offer this for items of this kind (%(kind)s)."),
    )
    return message % {"platform": platform, "kind": item.get_kind_display().lower()}


def platform_refusals(item) -> dict:
    """{operation: why not, or None} for every platform write on the item (for the pages)."""
    return {op: platform_refusal(item, op) for op in capabilities.OPERATIONS}


def _require_platform(item, operation):
    refused = platform_refusal(item, operation)
    if refused:
        raise NotOfferedByPlatform(refused)


class IdempotencyConflict(ActionError):
    """The idempotency key was given before with another request (another item or text)."""

    conflict = True


def _require_open(item):
    if item.status not in OPEN_STATUSES:
        raise StateConflict(_("The item is no longer open."))


def _require_not_sending(item):
    """While an answer is on its way, the item is neither forwarded, closed nor answered again:
    the platform's answer decides what it becomes."""
    if item.status == ItemStatus.SENDING:
        raise StateConflict(
            _("An answer is on its way to the platform. Wait for the platform to confirm it.")
        )


def _removal_reason(item, code) -> RemovalReason:
    version = version_in_force(item.channel.owner_unit.municipality)
    reason = RemovalReason.objects.filter(version=version, code=code).first() if version else None
    if reason is None:
        raise ActionError(_("Choose a reason from the policy's list."))
    return reason


def acknowledge(item, *, acting_user, note=""):
    """The first response: the team has seen the item and will answer."""
    with transaction.atomic():
        item = _locked(item)
        _require_open(item)
        before = audit.snapshot(item, "status", "first_responded_at")
        if item.status == ItemStatus.NEW:
            item.status = ItemStatus.ACKNOWLEDGED
        if item.first_responded_at is None:
            item.first_responded_at = timezone.now()
        _save(item, "status", "first_responded_at")
        audit.record(
            "acknowledge",
            actor=acting_user,
            item=item,
            note=note,
            policy_version=item.policy_version,
            before=before,
            after=audit.snapshot(item, "status", "first_responded_at"),
        )
    return item


class AnsweredMeanwhile(StateConflict):
    """Someone answered the item after the person started writing (the API answers 409 with
    the code "answered_meanwhile"); sent again with `send_anyway`, the answer goes too."""

    code = "answered_meanwhile"

    def __init__(self, newer):
        who = newer.requested_by
        name = (who.get_full_name() or who.get_username()) if who else _("Someone")
        at = formats.time_format(timezone.localtime(newer.created_at), "H:i")
        super().__init__(
            _(
                "%(name)s answered this item at %(time)s while you were writing; read it, "
                "then send yours if it still adds something."
            )
            % {"name": name, "time": at}
        )
        self.newer = newer


def answered_since(item, seen_write):
    """The newest answer to `item` asked for after the write `seen_write` (the newest write
    on the item when the person opened it; 0: none), unless the platform refused it."""
    return (
        OutboxMessage.objects.filter(item=item, kind=OutboxKind.REPLY, pk__gt=seen_write)
        .exclude(status=OutboxStatus.FAILED)
        .select_related("requested_by")
        .order_by("-pk")
        .first()
    )


def reply(
    item,
    text,
    *,
    acting_user,
    idempotency_key,
    canned="",
    forwarding=None,
    seen_write=None,
    send_anyway=False,
):
    """Post `text` as the channel (never a person's profile) through the outbox. The item is
    "sending" until the platform confirms the answer (then answered, see `write_confirmed`);
    its answer deadline keeps running meanwhile. `canned` names the canned answer it started
    from.

    `seen_write` is the newest write on the item the person had seen when they started
    writing: an answer asked for since then is refused (`AnsweredMeanwhile`) unless
    `send_anyway`, and then goes as a further answer, the item staying as that answer left it
    (sending or answered)."""
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write the answer first."))
    refuse_personal_ids(text)
    with transaction.atomic():
        item = _locked(item)
        earlier = outbox.message_for_key(idempotency_key)
        if earlier is not None:
            retried = (earlier.kind, earlier.item_id, earlier.text)
            if retried == (OutboxKind.REPLY, item.pk, text):
                return item  # a retry of a reply already taken: the same outcome again
            raise IdempotencyConflict(_reused_key_message())
        newer = answered_since(item, seen_write) if seen_write is not None else None
        if newer is not None and not send_anyway:
            raise AnsweredMeanwhile(newer)
        further = newer is not None and item.status in (ItemStatus.SENDING, ItemStatus.ANSWERED)
        if not further:
            _require_open(item)
            _require_not_sending(item)
        _require_platform(item, capabilities.REPLY)
        try:
            message = outbox.enqueue_reply(
                item, text, acting_user=acting_user, idempotency_key=idempotency_key
            )
        except outbox.KeyReused:  # taken for another item at the same moment
            raise IdempotencyConflict(_reused_key_message()) from None
        now = timezone.now()
        # Answering is responding: the first response is the team's, confirmed or not (as an
        # acknowledgement is). The answer itself counts only once the platform confirms it.
        fields = ("status", "first_responded_at")
        before = audit.snapshot(item, *fields)
        if not further:
            item.status = ItemStatus.SENDING
            item.first_responded_at = item.first_responded_at or now
            _save(item, *fields)
        # The expert's answers this reply carries wait with it for the platform's outcome
        # (`outcome.write_confirmed` / `write_failed`); one the platform refused goes again.
        carried = Forwarding.objects.filter(item=item, status__in=ANSWER_READY)
        if forwarding is not None:
            carried = carried.filter(pk=forwarding.pk)
        forwardings = list(carried.values_list("pk", flat=True))
        carried.update(status=ForwardingStatus.SENDING, posted_with=message)
        # The team answered without waiting: the expert is no longer asked (nor reminded).
        _withdraw_open_forwardings(item)
        details = {"after_answer": newer.pk} if further else {}
        audit.record(
            "reply",
            actor=acting_user,
            item=item,
            policy_version=item.policy_version,
            before=before,
            after=audit.snapshot(item, *fields),
            text=text,
            canned=canned,
            outbox_message=message.pk,
            forwardings=forwardings,
            **details,
        )
    return item


def _reused_key_message():
    return _(
        "This idempotency key was already used for another request (another item or another "
        "text). Use a new key for a new answer."
    )


def forward(item, *, to_unit, due_at, acting_user, to_user=None, note=""):
    """Put the question in a department's or an expert's hands, with an internal deadline
    that falls inside the item's answer deadline."""
    now = timezone.now()
    if due_at <= now:
        raise ActionError(_("The internal deadline must be in the future."))
    with transaction.atomic():
        item = _locked(item)
        _require_open(item)
        _require_not_sending(item)
        if item.answer_due is not None and due_at > item.answer_due:
            raise ActionError(_("The internal deadline must fall before the answer deadline."))
        check_forwarding(item, to_unit, to_user)
        municipality = municipality_of(item.channel)
        crisis = CrisisPeriod.objects.filter(
            municipality=municipality, ended_at__isnull=True
        ).first()
        warn_at = forwarding_warn_at(
            now,
            due_at,
            calendar_for(municipality),
            round_the_clock=crisis is not None and crisis.round_the_clock,
        )
        forwarding = Forwarding.objects.create(
            item=item,
            to_unit=to_unit,
            to_user=to_user,
            due_at=due_at,
            note=note,
            forwarded_by=acting_user,
            warn_at=warn_at,
            next_deadline=warn_at,
        )
        before = audit.snapshot(item, "status", "first_responded_at")
        item.status = ItemStatus.FORWARDED
        item.first_responded_at = item.first_responded_at or now
        _save(item, "status", "first_responded_at")
        audit.record(
            "forward",
            actor=acting_user,
            item=item,
            note=note,
            policy_version=item.policy_version,
            before=before,
            after=audit.snapshot(item, "status", "first_responded_at"),
            forwarding=forwarding.pk,
            to_unit=to_unit.pk,
            to_user=getattr(to_user, "pk", None),
            due_at=due_at.isoformat(),
            warn_at=warn_at.isoformat(),
        )
        notify(
            forwarding_experts(forwarding),
            NotificationKind.FORWARDED,
            item=item,
            message=lambda: (
                _("A question was forwarded to you: answer by %(due)s.") % {"due": when(due_at)}
            ),
        )
    return forwarding


def send_back(forwarding, answer_text, *, acting_user):
    """The expert's short informative answer goes back to the team for review."""
    answer_text = (answer_text or "").strip()
    if not answer_text:
        raise ActionError(_("Write the answer first."))
    # The answer is meant to be posted: it is held to the rule of what is posted.
    refuse_personal_ids(answer_text, field="answer")
    with transaction.atomic():
        forwarding = (
            Forwarding.objects.select_for_update().select_related("item").get(pk=forwarding.pk)
        )
        if forwarding.status != ForwardingStatus.OPEN:
            raise StateConflict(_("This question has already been answered."))
        before = audit.snapshot(forwarding, "status")
        forwarding.answer_text = answer_text
        forwarding.answered_by = acting_user
        forwarding.answered_at = timezone.now()
        forwarding.status = ForwardingStatus.ANSWERED
        forwarding.next_deadline = forwarding_next_deadline(forwarding)
        forwarding.save(
            update_fields=["answer_text", "answered_by", "answered_at", "status", "next_deadline"]
        )
        item = forwarding.item
        audit.record(
            "send_back",
            actor=acting_user,
            obj=forwarding,
            item=item,
            policy_version=item.policy_version,
            before=before,
            after=audit.snapshot(forwarding, "status"),
            forwarding=forwarding.pk,
            text=answer_text,
        )
        notify(
            [item.assigned_to, forwarding.forwarded_by],
            NotificationKind.ANSWER_RETURNED,
            item=item,
            message=gettext_lazy("The expert's answer is ready for review."),
        )
    return forwarding


def close(item, reason, *, acting_user, note=""):
    """Close without an answer (praise, an emoji, a like), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give a reason for closing."))
    with transaction.atomic():
        item = _locked(item)
        _close(item, reason, acting_user=acting_user, note=note)
    return item


# The policy's removal reason a spam closing is filed under (the demo policy and the house rules
# call it "Advertising and spam").
SPAM_REASON = "spam"


def mark_spam(item, *, acting_user):
    """Close the item as spam: without an answer, for the policy's spam reason (its label is
    the closing reason, as a deletion's is), nothing sent to the platform. Hiding or deleting it
    there stays a decision of its own (the author is told first, `hide`, `delete`)."""
    with transaction.atomic():
        item = _locked(item)
        version = version_in_force(item.channel.owner_unit.municipality)
        spam = version.removal_reasons.filter(code=SPAM_REASON).first() if version else None
        if spam is None:
            raise ActionError(
                _(
                    "The policy in force has no reason for spam among its removal reasons. "
                    "Close the item with a reason instead."
                )
            )
        _close(item, spam.label, acting_user=acting_user, spam=spam)
    return item


def _close(item, text, *, acting_user, note="", spam=None):
    """Close the locked `item` with the closing reason `text`; audited under the policy's spam
    reason when it is `spam`, else as closed."""
    reason_code = "closed" if spam is None else spam.code
    _require_open(item)
    _require_not_sending(item)
    fields = ("status", "closed_reason", "closed_at")
    before = audit.snapshot(item, *fields)
    item.status = ItemStatus.CLOSED
    item.closed_reason = text
    item.closed_at = timezone.now()
    _save(item, *fields)
    _withdraw_open_forwardings(item)
    audit.record(
        "close",
        actor=acting_user,
        item=item,
        reason=reason_code,
        note=text,
        policy_version=item.policy_version,
        before=before,
        after=audit.snapshot(item, *fields),
        comment=note,
    )


def assign(item, to_user, *, acting_user, note=""):
    """Assign or reassign the item (None leaves it unassigned) to someone who may answer it
    (`assignable_users`)."""
    with transaction.atomic():
        item = _locked(item)
        before = item.assigned_to_id
        if before == getattr(to_user, "pk", None):
            return item
        check_assignee(item, to_user)
        item.assigned_to = to_user
        item.save(update_fields=["assigned_to"])
        _recount(item)
        audit.record(
            "reassign" if before else "assign",
            actor=acting_user,
            item=item,
            note=note,
            policy_version=item.policy_version,
            before={"assigned_to": before},
            after={"assigned_to": item.assigned_to_id},
            to=getattr(to_user, "pk", None),
            was=before,
        )
        if to_user is not None and to_user != acting_user:
            notify(
                [to_user],
                NotificationKind.ASSIGNED,
                item=item,
                message=gettext_lazy("An item was assigned to you."),
            )
    return item


def _notice_to_wait_for(item, operation):
    """The author's notice a hide or deletion must wait for on this platform (see
    `capabilities.tell_author_first`): the latest one not yet confirmed, or None. A notice that
    failed must be sent again first: the author is told before their item goes."""
    if not capabilities.tell_author_first(item.platform, operation):
        return None
    latest = (
        OutboxMessage.objects.filter(item=item, kind=OutboxKind.NOTICE)
        .exclude(status=OutboxStatus.SENT)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is not None and latest.status == OutboxStatus.FAILED:
        raise StateConflict(
            _(
                "The message to the author was not sent, and the author must be told first. "
                "Send it again, then try once more."
            )
        )
    return latest


def _require_no_pending(item, kind):
    if OutboxMessage.objects.filter(item=item, kind=kind, status=OutboxStatus.PENDING).exists():
        raise StateConflict(_("This is already on its way to the platform."))


def hide(item, reason_code, *, acting_user, note=""):
    """Hide the item on the platform, for a reason from the policy's list; hidden once the
    platform confirms it. Where a hidden item takes no reply, an author's notice still on its
    way goes first."""
    with transaction.atomic():
        item = _locked(item)
        _require_platform(item, capabilities.HIDE)
        reason = _removal_reason(item, reason_code)
        _require_no_pending(item, OutboxKind.HIDE)
        message = outbox.enqueue_hide(
            item,
            acting_user=acting_user,
            reason=reason.code,
            waits_for=_notice_to_wait_for(item, capabilities.HIDE),
        )
        audit.record(
            "hide",
            actor=acting_user,
            item=item,
            reason=reason.code,
            note=note,
            policy_version=reason.version,
            outbox_message=message.pk,
        )
    return item


def unhide(item, *, acting_user, note=""):
    with transaction.atomic():
        item = _locked(item)
        _require_platform(item, capabilities.UNHIDE)
        _require_no_pending(item, OutboxKind.UNHIDE)
        message = outbox.enqueue_unhide(item, acting_user=acting_user)
        audit.record(
            "unhide",
            actor=acting_user,
            item=item,
            note=note,
            policy_version=item.policy_version,
            outbox_message=message.pk,
        )
    return item


def tell_author(item, reason_code, text, *, acting_user):
    """Tell the author why their post is being removed (a reply on the platform), recorded.
    The notice goes before any hide or deletion that waits for it (`hide`, `delete`)."""
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write the message to the author first."))
    refuse_personal_ids(text)
    with transaction.atomic():
        item = _locked(item)
        _require_platform(item, capabilities.REPLY)
        reason = _removal_reason(item, reason_code)
        notice = AuthorNotice.objects.create(
            item=item, reason=reason, text=text, sent_by=acting_user
        )
        message = outbox.enqueue_notice(
            item, text, acting_user=acting_user, idempotency_key=f"author-notice:{notice.pk}"
        )
        audit.record(
            "tell_author",
            actor=acting_user,
            item=item,
            reason=reason.code,
            policy_version=reason.version,
            text=text,
            outbox_message=message.pk,
        )
    return notice


def delete(item, reason_code, *, acting_user, note=""):
    """Delete the item on the platform: only for a reason from the policy, after the author was
    told why and after the item was captured for the records. The notice reaches the platform
    first; the item is removed when the platform confirms the deletion (`write_confirmed`)."""
    with transaction.atomic():
        item = _locked(item)
        _require_platform(item, capabilities.DELETE)
        reason = _removal_reason(item, reason_code)
        if item.status == ItemStatus.REMOVED:
            raise StateConflict(_("The item is already removed."))
        if not AuthorNotice.objects.filter(item=item, reason=reason).exists():
            raise StateConflict(_("Tell the author why before deleting."))
        if not Record.objects.filter(item=item).exists():
            raise StateConflict(_("Capture the item as a record before deleting."))
        _require_no_pending(item, OutboxKind.DELETE)
        message = outbox.enqueue_delete(
            item,
            acting_user=acting_user,
            reason=reason.code,
            waits_for=_notice_to_wait_for(item, capabilities.DELETE),
        )
        audit.record(
            "delete",
            actor=acting_user,
            item=item,
            reason=reason.code,
            note=note,
            policy_version=reason.version,
            outbox_message=message.pk,
        )
    return item


def retry(item, *, acting_user, message=None):
    """Send a write on `item` that the platform did not take again (`message`, else the latest
    such write): same text, same key (a reply that may have landed is looked for first). An
    answer makes the item "sending" again. Audited."""
    with transaction.atomic():
        item = _locked(item)
        failed = OutboxMessage.objects.select_for_update().filter(
            item=item, status=OutboxStatus.FAILED
        )
        if message is not None:
            failed = failed.filter(pk=message.pk)
        message = failed.order_by("-created_at", "-id").first()
        if message is None:
            raise StateConflict(_("There is nothing to send again: no write on it failed."))
        operation = outbox.OPERATION.get(message.kind)
        if operation is not None:
            _require_platform(item, operation)
        fields = ("status",)
        before = audit.snapshot(item, *fields)
        if message.kind == OutboxKind.REPLY:
            _require_open(item)
            _require_not_sending(item)
            item.status = ItemStatus.SENDING
            _save(item, *fields)
            # The expert's answer it carried waits for the platform again.
            Forwarding.objects.filter(posted_with=message, status=ForwardingStatus.NOT_SENT).update(
                status=ForwardingStatus.SENDING
            )
        if message.waits_for_id is not None:
            message.waits_for = _notice_to_wait_for(item, operation)
            message.save(update_fields=["waits_for"])
        outbox.send_again(message)
        audit.record(
            "retry",
            actor=acting_user,
            item=item,
            policy_version=item.policy_version,
            before=before,
            after=audit.snapshot(item, *fields),
            outbox_message=message.pk,
            kind=message.kind,
            failure=message.failure,
        )
    return message


RECORD_METADATA = (
    "subject",
    "case_number",
    "classification",
    "sender",
    "recipient",
    "confidentiality",
    "extra",
)


def _person_name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def capture_record(item, *, acting_user, **metadata):
    """Capture the item for the records: its text, author, times, permalink, platform id, the
    comment it answers and our replies are frozen; `metadata` fills the archive fields."""
    unknown = set(metadata) - set(RECORD_METADATA)
    if unknown:
        raise ActionError(_("Unknown record fields: %(names)s") % {"names": ", ".join(unknown)})
    with transaction.atomic():
        item = _locked(item)
        if Record.objects.filter(item=item).exists():
            raise StateConflict(_("The item is already a record."))
        # The comment the inquiry answers, not the whole thread: the other citizens' comments
        # under the post are no part of this inquiry's record.
        thread = []
        parent = item.parent
        if parent is None and item.parent_external_id:
            parent = QueueItem.objects.filter(
                platform=item.platform, external_id=item.parent_external_id
            ).first()
        if parent is not None:
            thread.append(
                {
                    "platform_id": parent.external_id,
                    "author": parent.author_name,
                    "text": parent.masked_text,
                    "created_at": parent.created_at.isoformat(),
                }
            )
        replies = [
            {
                "text": m.text,
                "status": m.status,
                "at": m.created_at.isoformat(),
                "by": _person_name(m.requested_by),
            }
            for m in item.outbox_messages.filter(kind="reply")
            .select_related("requested_by")
            .order_by("created_at", "id")
        ]
        record = Record.objects.create(
            item=item,
            platform=item.platform,
            external_id=item.external_id,
            channel_name=item.channel.name,
            author_name=item.author_name,
            author_external_id=item.author_external_id,
            text=item.masked_text,
            text_unmasked=item.text,
            permalink=item.permalink,
            created_at=item.created_at,
            received_at=item.received_at,
            thread=thread,
            replies=replies,
            captured_at=timezone.now(),
            captured_by=acting_user,
            **metadata,
        )
        audit.record(
            "capture_record",
            actor=acting_user,
            obj=record,
            item=item,
            policy_version=item.policy_version,
            record=record.pk,
        )
    return record


def read_record_as_written(record, *, acting_user, purpose):
    """The restricted copy of a record: its text and our replies as written, personal ID numbers
    unmasked, for the records duty. Every reading is audited with the reader's stated purpose;
    returns the record (its `text_unmasked` and `replies` are the copy)."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise ActionError(
            _("Say why you need the text as written: the reading is logged."), field="purpose"
        )
    with transaction.atomic():
        record = Record.objects.select_related("item__channel", "item__policy_version").get(
            pk=record.pk
        )
        audit.record(
            "read_record_as_written",
            actor=acting_user,
            obj=record,
            item=record.item,
            note=purpose,
            policy_version=record.item.policy_version,
            record=record.pk,
        )
    return record


def update_record(record, *, acting_user, **metadata):
    """Complete or correct the archive metadata of a record (the capture stays as it was)."""
    unknown = set(metadata) - set(RECORD_METADATA)
    if unknown:
        raise ActionError(_("Unknown record fields: %(names)s") % {"names": ", ".join(unknown)})
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        changes = {k: v for k, v in metadata.items() if getattr(record, k) != v}
        before = audit.snapshot(record, *changes)
        for key, value in changes.items():
            setattr(record, key, value)
        if changes:
            record.save(update_fields=list(changes))
            audit.record(
                "update_record",
                actor=acting_user,
                obj=record,
                item=record.item,
                before=before,
                after=audit.snapshot(record, *changes),
                record=record.pk,
                changed=sorted(changes),
            )
    return record


def start_crisis(municipality, *, acting_user, reason, target_percent=25, round_the_clock=True):
    """Crisis mode on: tighter targets for new items and for every item already waiting, and
    everyone on the team monitoring.

    The open, unanswered items are re-judged by the crisis targets from their received time in
    the same transaction as the period row (`deadlines.rejudge_open_items` says how): no
    deadline moves later, a target already met keeps its deadline, and an item whose tightened
    deadline has already passed is reported as missed by the next escalation sweep. The audit
    entry and the period row say how many items were re-judged.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say why crisis mode is switched on."))
    with transaction.atomic():
        if (
            CrisisPeriod.objects.select_for_update()
            .filter(municipality=municipality, ended_at__isnull=True)
            .exists()
        ):
            raise StateConflict(_("Crisis mode is already on."))
        now = timezone.now()
        period = CrisisPeriod.objects.create(
            municipality=municipality,
            reason=reason,
            target_percent=target_percent,
            round_the_clock=round_the_clock,
            started_at=now,
            started_by=acting_user,
        )
        rejudged = rejudge_open_items(municipality, tighten=True, now=now)
        period.tightened_items = rejudged.changed
        period.save(update_fields=["tightened_items"])
        moved = _keep_internal_deadlines_inside(municipality, period, now)
        audit.record(
            "crisis_on",
            actor=acting_user,
            obj=period,
            note=reason,
            crisis=period.pk,
            target_percent=target_percent,
            round_the_clock=round_the_clock,
            policy_version=version_in_force(municipality),
            open_items=rejudged.open_items,
            rejudged=rejudged.changed,
            past_due=rejudged.past_due,
            internal_deadlines_moved=moved,
        )
        from governance.models import Membership, Role

        team = Membership.objects.filter(
            unit__municipality=municipality,
            role__in=[Role.COMMUNICATIONS, Role.ON_DUTY_MONITOR],
        ).select_related("user")

        def message():
            text = _("Crisis mode is on: everyone on the team monitors the queue. %(why)s") % {
                "why": reason
            }
            if rejudged.changed:
                text += " " + ngettext(
                    "%(count)d open item now has a tighter deadline.",
                    "%(count)d open items now have tighter deadlines.",
                    rejudged.changed,
                ) % {"count": rejudged.changed}
            return text

        notify([m.user for m in team], NotificationKind.CRISIS, message=message)
        alert(AlertEvent.CRISIS, municipality=municipality, on=True, reason=reason)
    return period


def _keep_internal_deadlines_inside(municipality, period, now) -> int:
    """An expert's internal deadline must fall inside the item's answer deadline (M4). Where the
    tightened answer deadline now comes first, the internal deadline moves to it, its reminder
    point with it, and the experts are told. (Ending the crisis leaves them where they are: an
    earlier answer harms nobody, and the expert was told.) Returns how many moved."""
    from django.db.models import F

    rows = list(
        Forwarding.objects.filter(
            status=ForwardingStatus.OPEN,
            item__channel__owner_unit__municipality=municipality,
            item__answer_due__lt=F("due_at"),
        )
        .select_related("item", "to_user")
        .select_for_update(of=("self",))
    )
    if not rows:
        return 0
    calendar = calendar_for(municipality)
    for forwarding in rows:
        forwarding.due_at = forwarding.item.answer_due
        forwarding.warn_at = forwarding_warn_at(
            forwarding.forwarded_at,
            forwarding.due_at,
            calendar,
            round_the_clock=period.round_the_clock,
        )
        # Levels never go up here; the sweep sends what the new points call for.
        forwarding.escalation = min(
            forwarding.escalation, escalation_reached(now, forwarding.warn_at, forwarding.due_at)
        )
        forwarding.next_deadline = forwarding_next_deadline(forwarding)
    Forwarding.objects.bulk_update(rows, ["due_at", "warn_at", "escalation", "next_deadline"])
    for forwarding in rows:
        notify(
            forwarding_experts(forwarding),
            NotificationKind.CRISIS,
            item=forwarding.item,
            message=lambda forwarding=forwarding: (
                _(
                    "Crisis mode is on: the question forwarded to you must now be answered by "
                    "%(due)s."
                )
                % {"due": when(forwarding.due_at)}
            ),
        )
    return len(rows)


def end_crisis(municipality, *, acting_user, note=""):
    """Crisis mode off. The open, unanswered items on crisis targets go back to the normal
    answer times of the policy version in force, recomputed from their received time in the
    same transaction; items the crisis did not touch keep their deadlines. An item the crisis
    had reported as late but whose normal deadline lies ahead is warned and reported again
    against that deadline. Audited with the number of items re-judged."""
    with transaction.atomic():
        period = (
            CrisisPeriod.objects.select_for_update()
            .filter(municipality=municipality, ended_at__isnull=True)
            .first()
        )
        if period is None:
            raise StateConflict(_("Crisis mode is not on."))
        now = timezone.now()
        period.ended_at = now
        period.ended_by = acting_user
        period.save(update_fields=["ended_at", "ended_by"])
        rejudged = rejudge_open_items(municipality, tighten=False, now=now)
        period.restored_items = rejudged.changed
        period.save(update_fields=["restored_items"])
        audit.record(
            "crisis_off",
            actor=acting_user,
            obj=period,
            note=note,
            crisis=period.pk,
            policy_version=version_in_force(municipality),
            open_items=rejudged.open_items,
            rejudged=rejudged.changed,
            past_due=rejudged.past_due,
        )
        team = Membership.objects.filter(
            unit__municipality=municipality,
            role__in=[Role.COMMUNICATIONS, Role.ON_DUTY_MONITOR],
        ).select_related("user")
        notify(
            [m.user for m in team],
            NotificationKind.CRISIS,
            message=gettext_lazy("Crisis mode is off: the normal answer times apply again."),
        )
        alert(AlertEvent.CRISIS, municipality=municipality, on=False)
    return period


def export_record(record, *, acting_user, exporter=""):
    """Send the record (PDF + JSON metadata) through a configured exporter; audited."""
    from . import exporters, record_content

    available = {e.code: e for e in exporters.configured()}
    chosen = available.get(exporter)
    if chosen is None:
        raise ActionError(_("Choose a configured exporter."))
    with transaction.atomic():
        record = (
            Record.objects.select_for_update(of=("self",))
            .select_related("item__channel__owner_unit__municipality")
            .get(pk=record.pk)
        )
        metadata = record_content.metadata(record)
        try:
            where = chosen.export(record, exporters.render_pdf(record), metadata)
        except OSError as error:
            raise ActionError(_("The export failed: %(error)s") % {"error": error}) from None
        Record.objects.filter(pk=record.pk).update(exported_at=timezone.now())
        audit.record(
            "export_record",
            actor=acting_user,
            obj=record,
            item=record.item,
            record=record.pk,
            exporter=chosen.code,
            where=where,
        )
    return where


def record_absence(user, *, acting_user, starts_on, ends_on, note=""):
    """Record that `user` is away from `starts_on` to `ends_on` (inclusive); while away, the
    rota hands their turns to their deputy. Audited."""
    from .models import Absence

    if ends_on < starts_on:
        raise ActionError(_("The absence must end on or after the day it starts."))
    with transaction.atomic():
        absence = Absence.objects.create(user=user, starts_on=starts_on, ends_on=ends_on, note=note)
        audit.record(
            "rota_absence_add",
            actor=acting_user,
            obj=absence,
            note=note,
            absence=absence.pk,
            user=user.pk,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )
    return absence


def remove_absence(absence, *, acting_user, today):
    """Delete an absence that has not begun yet (`today` is the municipality's local date);
    one already under way is part of who was on duty and stays. Audited."""
    from .models import Absence

    with transaction.atomic():
        absence = Absence.objects.select_for_update().get(pk=absence.pk)
        if absence.starts_on <= today:
            raise StateConflict(_("Only an absence that has not begun yet can be deleted."))
        audit.record(
            "rota_absence_remove",
            actor=acting_user,
            obj=absence,
            absence=absence.pk,
            user=absence.user_id,
            starts_on=absence.starts_on.isoformat(),
            ends_on=absence.ends_on.isoformat(),
        )
        absence.delete()


def move_rota_member(member, *, acting_user, direction):
    """Move a member one place up or down in their rota's order (`direction` "up" or "down");
    the positions are renumbered 0..n-1 so gaps and ties left by the admin disappear. Audited."""
    from .models import DutyRota, RotaMember

    if direction not in ("up", "down"):
        raise ActionError(_("Choose up or down."))
    with transaction.atomic():
        # Locking the rota row serialises concurrent moves in the same rota.
        DutyRota.objects.select_for_update().get(pk=member.rota_id)
        members = list(RotaMember.objects.filter(rota_id=member.rota_id).order_by("position", "id"))
        index = next(i for i, m in enumerate(members) if m.pk == member.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(members):
            raise ActionError(
                _("This member is already first.")
                if direction == "up"
                else _("This member is already last.")
            )
        members[index], members[other] = members[other], members[index]
        changed = []
        for position, row in enumerate(members):
            if row.position != position:
                row.position = position
                changed.append(row)
        RotaMember.objects.bulk_update(changed, ["position"])
        audit.record(
            "rota_member_move",
            actor=acting_user,
            rota=member.rota_id,
            member=member.pk,
            user=member.user_id,
            direction=direction,
            order=[row.user_id for row in members],
        )
    return members


# -- setting up the on-duty rota: a team's rota, its members and their deputies


def rota_candidates(municipality):
    """Who may be put on a rota: the active people of the municipality's organisation."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(unit__municipality=municipality).values("user_id"),
        )
        .order_by("first_name", "last_name", "username")
    )


# The longest turn the rota's forms and the API take.
ROTA_TURN_DAYS_MAX = 365


def create_rota(team, *, acting_user, starts_on, turn_days=7):
    """Give `team` an on-duty rota whose first turn starts on `starts_on`, each turn lasting
    `turn_days` days. Audited."""
    from .models import DutyRota

    if turn_days < 1:
        raise ActionError(_("A turn lasts at least one day."), field="turn_days")
    with transaction.atomic():
        OrgUnit.objects.select_for_update().get(pk=team.pk)
        if DutyRota.objects.filter(team=team).exists():
            raise StateConflict(_("This team already has an on-duty rota."))
        rota = DutyRota.objects.create(team=team, starts_on=starts_on, turn_days=turn_days)
        audit.record(
            "rota_create",
            actor=acting_user,
            obj=rota,
            after=audit.snapshot(rota, "team", "starts_on", "turn_days"),
        )
    return rota


def change_rota(rota, *, acting_user, starts_on, turn_days):
    """Change when `rota`'s turns start and how many days each lasts: the order of its members
    and their deputies stay, the turns are counted afresh from `starts_on`. Audited; a change
    that changes nothing writes nothing."""
    from .models import DutyRota

    if not 1 <= turn_days <= ROTA_TURN_DAYS_MAX:
        raise ActionError(
            _("A turn lasts from 1 to %(most)s days.") % {"most": ROTA_TURN_DAYS_MAX},
            field="turn_days",
        )
    with transaction.atomic():
        rota = DutyRota.objects.select_for_update().select_related("team").get(pk=rota.pk)
        fields = ("starts_on", "turn_days")
        before = audit.snapshot(rota, *fields)
        rota.starts_on, rota.turn_days = starts_on, turn_days
        after = audit.snapshot(rota, *fields)
        if after == before:
            return rota
        rota.save(update_fields=list(fields))
        audit.record("rota_change", actor=acting_user, obj=rota, before=before, after=after)
    return rota


def _lock_rota(rota_id):
    from .models import DutyRota, RotaMember

    rota = DutyRota.objects.select_for_update().select_related("team").get(pk=rota_id)
    return rota, list(RotaMember.objects.filter(rota_id=rota_id).order_by("position", "id"))


def _check_deputy(members, user_id, deputy):
    if deputy is None:
        return
    if deputy.pk == user_id:
        raise ActionError(_("A member cannot be their own deputy."), field="deputy")
    if deputy.pk not in {m.user_id for m in members}:
        raise ActionError(_("The deputy must be a member of the same rota."), field="deputy")


def add_rota_member(rota, user, *, acting_user, deputy=None):
    """Put `user` last in `rota`'s order, with a deputy from the rota's members. Audited."""
    from .models import RotaMember

    with transaction.atomic():
        rota, members = _lock_rota(rota.pk)
        if user.pk in {m.user_id for m in members}:
            raise StateConflict(_("This person is already on the rota."))
        if not rota_candidates(rota.team.municipality).filter(pk=user.pk).exists():
            raise ActionError(_("Only active people of the organisation can be on a rota."))
        _check_deputy(members, user.pk, deputy)
        member = RotaMember.objects.create(
            rota=rota, user=user, position=len(members), deputy=deputy
        )
        audit.record(
            "rota_member_add",
            actor=acting_user,
            obj=member,
            rota=rota.pk,
            after=audit.snapshot(member, "user", "deputy", "position"),
        )
    return member


def remove_rota_member(member, *, acting_user):
    """Take a member off their rota; the others close up, and members who had them as deputy
    are left without one (listed in the audit row). Audited."""
    from .models import RotaMember

    with transaction.atomic():
        rota, members = _lock_rota(member.rota_id)
        member = next((m for m in members if m.pk == member.pk), None)
        if member is None:
            raise StateConflict(_("This person is no longer on the rota."))
        deputy_of = [m for m in members if m.deputy_id == member.user_id]
        for other in deputy_of:
            other.deputy = None
            other.save(update_fields=["deputy"])
        rest = [m for m in members if m.pk != member.pk]
        for position, row in enumerate(rest):
            row.position = position
        RotaMember.objects.bulk_update(rest, ["position"])
        audit.record(
            "rota_member_remove",
            actor=acting_user,
            obj=member,
            rota=rota.pk,
            before=audit.snapshot(member, "user", "deputy", "position"),
            deputy_cleared_for=[m.user_id for m in deputy_of],
        )
        member.delete()


def set_rota_deputy(member, deputy, *, acting_user):
    """Who takes `member`'s turns while they are away: another member of the rota, or nobody
    (`deputy` None: the next member present). Audited."""
    with transaction.atomic():
        rota, members = _lock_rota(member.rota_id)
        member = next((m for m in members if m.pk == member.pk), None)
        if member is None:
            raise StateConflict(_("This person is no longer on the rota."))
        _check_deputy(members, member.user_id, deputy)
        before = audit.snapshot(member, "deputy")
        member.deputy = deputy
        member.save(update_fields=["deputy"])
        audit.record(
            "rota_deputy_set",
            actor=acting_user,
            obj=member,
            rota=rota.pk,
            user=member.user_id,
            before=before,
            after=audit.snapshot(member, "deputy"),
        )
    return member


# -- canned answers


CANNED_FIELDS = ("code", "title", "text", "language", "platform", "for_personal_data", "order")


def _check_canned(municipality, values, *, exclude=None):
    from .canned import placeholder_errors
    from .models import CannedAnswer

    problems = placeholder_errors(values.get("text", ""))
    if problems:
        raise ActionError(" ".join(problems), field="text")
    clash = CannedAnswer.objects.filter(
        municipality=municipality,
        code=values["code"],
        language=values.get("language", ""),
        platform=values.get("platform", ""),
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ActionError(
            _("Another canned answer for this language and platform already has this code."),
            field="code",
        )


def create_canned_answer(municipality, *, acting_user, **values):
    """A new canned answer (its placeholders checked). Audited."""
    from .models import CannedAnswer

    with transaction.atomic():
        _check_canned(municipality, values)
        answer = CannedAnswer.objects.create(municipality=municipality, **values)
        audit.record(
            "canned_answer_create",
            actor=acting_user,
            obj=answer,
            after=audit.snapshot(answer, *CANNED_FIELDS),
        )
    return answer


def update_canned_answer(answer, *, acting_user, **values):
    """Change a canned answer (its placeholders checked). Audited with before and after."""
    from .models import CannedAnswer

    with transaction.atomic():
        answer = CannedAnswer.objects.select_for_update().get(pk=answer.pk)
        merged = {name: values.get(name, getattr(answer, name)) for name in CANNED_FIELDS}
        _check_canned(answer.municipality_id, merged, exclude=answer)
        before = audit.snapshot(answer, *CANNED_FIELDS)
        changed = [name for name in CANNED_FIELDS if getattr(answer, name) != merged[name]]
        if not changed:
            return answer
        for name in changed:
            setattr(answer, name, merged[name])
        answer.save(update_fields=changed)
        audit.record(
            "canned_answer_update",
            actor=acting_user,
            obj=answer,
            before=before,
            after=audit.snapshot(answer, *CANNED_FIELDS),
        )
    return answer


def delete_canned_answer(answer, *, acting_user):
    """Delete a canned answer; replies that used it keep its code in their history. Audited."""
    from .models import CannedAnswer

    with transaction.atomic():
        answer = CannedAnswer.objects.select_for_update().get(pk=answer.pk)
        audit.record(
            "canned_answer_delete",
            actor=acting_user,
            obj=answer,
            before=audit.snapshot(answer, *CANNED_FIELDS),
        )
        answer.delete()
