"""Every change to the registry goes through one of these functions.

Each runs in one transaction, takes the acting user keyword-only, writes the step as one audit
row (the channel's history is its "channel.*" rows, with the status before and after), and
sends its e-mail on commit. Views,
the API, commands and tasks call them; they check permissions themselves before calling.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import plain, record, snapshot
from audit.models import AuditEntry
from platforms.registry import adapter_class

from . import health, notifications, people, webhook_actions
from .models import (
    Channel,
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelConnection,
    ChannelFlag,
    ChannelRequest,
    ChannelScope,
    ChannelStatus,
    Decision,
    FlagKind,
    NoticeStatus,
)

logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """The step is not possible; the message says why, for the user."""

    conflict = False
    # The input the refusal is about, when it is one input (forms and the API point at it).
    field = None


class WorkflowConflict(WorkflowError):
    """The step is not possible in the object's current state (the API answers 409)."""

    conflict = True


class PersonalIdInNotice(WorkflowError):
    """A notice to be posted on the page holds a personal identification number."""

    field = "notice_text"


def _refuse_personal_ids(notice_text):
    """A closing notice is published on the page: one exposing a personal identification
    number is refused before it is stored or handed to the platform (M7)."""
    from moderation.actions import personal_id_message
    from moderation.personal_data import contains_personal_id

    if notice_text and contains_personal_id(notice_text):
        raise PersonalIdInNotice(personal_id_message())


def dormant_after():
    """The inactivity limit of the policy version in force (G5), else the installation's."""
    from governance.models import Municipality
    from governance.policy import version_in_force

    version = version_in_force(Municipality.objects.current())
    if version is not None and version.inactivity_limit_days:
        return timedelta(days=version.inactivity_limit_days)
    return timedelta(days=getattr(settings, "CHANNEL_DORMANT_AFTER_DAYS", 90))


def review_interval():
    return timedelta(days=getattr(settings, "CHANNEL_REVIEW_INTERVAL_DAYS", 365))


def _status_change(previous, channel):
    """`before` and `after` of a status step, for the audit row."""
    return {"before": {"status": previous}, "after": {"status": channel.status}}


def _set_status(channel, status, *, fields=()):
    previous = channel.status
    channel.status = status
    channel.save(update_fields=["status", "updated_at", *fields])
    return previous


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


# --- New pages ---------------------------------------------------------------------------------


@transaction.atomic
def request_channel(
    *,
    acting_user,
    platform,
    name,
    department,
    purpose,
    target_groups,
    message,
    responsible,
    deputy,
    url="",
    handle="",
):
    """A staff member asks for a new decentral page; its centre's manager decides."""
    if department.centre_id is None:
        raise WorkflowError(_("A decentral page belongs to a department inside a centre."))
    if responsible is None or deputy is None or responsible.pk == deputy.pk:
        raise WorkflowError(_("Name two different people: a responsible person and a deputy."))
    _check_eligible([responsible, deputy], department)
    channel = Channel.objects.create(
        platform=platform,
        name=name,
        url=url,
        handle=handle,
        scope=ChannelScope.DECENTRAL,
        owner_unit=department,
        responsible=responsible,
        deputy=deputy,
        purpose=purpose,
        target_groups=target_groups,
        status=ChannelStatus.REQUESTED,
    )
    channel_request = ChannelRequest.objects.create(
        channel=channel, requester=acting_user, department=department, message=message
    )
    record(
        "channel.requested",
        actor=acting_user,
        channel=channel,
        note=message,
        after={"status": channel.status},
        request=channel_request.pk,
    )
    notifications.notify(
        "request_submitted",
        channel,
        [
            *notifications.centre_managers(department),
            *notifications.communications_team(),
            acting_user,
        ],
        channel_request=channel_request,
    )
    return channel_request


def _locked_undecided(model, pk, *, acting_user, already_decided):
    """The request, locked, once it is known that `acting_user` may decide it: still pending
    (else a conflict saying `already_decided`) and not their own."""
    request = _locked(model, pk)
    if not request.is_pending:
        raise WorkflowConflict(already_decided)
    if request.is_requested_by(acting_user):
        raise WorkflowError(_("Nobody decides their own request."))
    return request


def _decide_request(channel_request, *, acting_user, approve, comment):
    channel_request = _locked_undecided(
        ChannelRequest,
        channel_request.pk,
        acting_user=acting_user,
        already_decided=_("This request has already been decided."),
    )
    now = timezone.now()
    channel_request.record_decision(
        acting_user=acting_user, approve=approve, comment=comment, at=now
    )
    channel = _locked(Channel, channel_request.channel_id)
    if approve:
        channel.approved_at = now
        channel.approved_by = acting_user
        previous = _set_status(
            channel, ChannelStatus.APPROVED, fields=["approved_at", "approved_by"]
        )
        action = "channel.request_approved"
    else:
        # A rejected page never went live; it is archived so the request's history stays.
        channel.closed_at = now
        previous = _set_status(channel, ChannelStatus.CLOSED, fields=["closed_at"])
        action = "channel.request_rejected"
    record(
        action,
        actor=acting_user,
        channel=channel,
        note=comment,
        at=now,
        **_status_change(previous, channel),
        request=channel_request.pk,
    )
    notifications.notify(
        "request_approved" if approve else "request_rejected",
        channel,
        [
            channel_request.requester,
            *notifications.channel_people(channel),
            *notifications.communications_team(),
        ],
        channel_request=channel_request,
        comment=comment,
    )
    return channel_request


@transaction.atomic
def approve_request(channel_request, *, acting_user, comment=""):
    """Approve a page request: the channel may now be connected for polling."""
    return _decide_request(channel_request, acting_user=acting_user, approve=True, comment=comment)


@transaction.atomic
def reject_request(channel_request, *, acting_user, comment):
    """Reject a page request; a rejection always says why."""
    if not comment.strip():
        raise WorkflowError(_("Say why the request is rejected."))
    return _decide_request(channel_request, acting_user=acting_user, approve=False, comment=comment)


@transaction.atomic
def activate_channel(channel, *, acting_user, comment=""):
    """An approved page is live: it goes into the public register."""
    channel = _locked(Channel, channel.pk)
    if channel.status != ChannelStatus.APPROVED:
        raise WorkflowConflict(_("Only an approved page can be activated."))
    previous = _set_status(channel, ChannelStatus.ACTIVE)
    record(
        "channel.activated",
        actor=acting_user,
        channel=channel,
        note=comment,
        **_status_change(previous, channel),
    )
    sweep_channel(channel.pk, resolve_only=True)
    return channel


# --- The record ----------------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "name",
    "handle",
    "url",
    "external_id",
    "purpose",
    "target_groups",
    "responsible",
    "deputy",
)


@transaction.atomic
def update_channel(channel, *, acting_user, **changes):
    """Change the record's descriptive fields; the history names every changed field."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    channel = _locked(Channel, channel.pk)
    changed = {}
    for name, value in changes.items():
        old = getattr(channel, name)
        if old != value:
            changed[name] = [plain(old), plain(value)]
            setattr(channel, name, value)
    if (
        channel.responsible_id
        and channel.responsible_id == channel.deputy_id
        and ({"responsible", "deputy"} & set(changed))
    ):
        raise WorkflowError(_("The responsible person and the deputy must be two people."))
    if not changed:
        return channel
    _check_eligible(
        [getattr(channel, name) for name in ("responsible", "deputy") if name in changed],
        channel.owner_unit,
    )
    channel.save(update_fields=[*changed, "updated_at"])
    record(
        "channel.edited",
        actor=acting_user,
        channel=channel,
        before={name: old for name, (old, new) in changed.items()},
        after={name: new for name, (old, new) in changed.items()},
    )
    sweep_channel(channel.pk, resolve_only=True)
    return channel


def _check_eligible(chosen, unit):
    """Refuse naming anybody who is not close to the page (see `accounts.people`)."""
    for user in chosen:
        if user is not None and not people.is_eligible(user, unit):
            raise WorkflowError(people.not_eligible_message(user, unit))


@transaction.atomic
def add_admin(channel, *, acting_user, user, platform_role):
    """Record that `user` holds admin access to the page on the platform."""
    if ChannelAdmin.objects.filter(channel=channel, user=user).exists():
        raise WorkflowConflict(_("This person already holds access to the page."))
    _check_eligible([user], channel.owner_unit)
    admin = ChannelAdmin.objects.create(channel=channel, user=user, platform_role=platform_role)
    name = user.get_full_name() or user.username
    record("channel.admin_added", actor=acting_user, channel=channel, note=name, user=user.pk)
    sweep_channel(channel.pk, resolve_only=True)
    return admin


@transaction.atomic
def remove_admin(channel_admin, *, acting_user):
    channel = channel_admin.channel
    user = channel_admin.user
    channel_admin.delete()
    record(
        "channel.admin_removed",
        actor=acting_user,
        channel=channel,
        note=user.get_full_name() or user.username,
        user=user.pk,
    )


@transaction.atomic
def verify_branding(channel, *, acting_user, comment=""):
    """Someone checked the page names the municipality as sender and shows the department."""
    channel = _locked(Channel, channel.pk)
    fields = ("branding_verified_at", "branding_verified_by")
    before = snapshot(channel, *fields)
    channel.branding_verified_at = timezone.now()
    channel.branding_verified_by = acting_user
    channel.save(update_fields=[*fields, "updated_at"])
    record(
        "channel.branding_verified",
        actor=acting_user,
        channel=channel,
        note=comment,
        before=before,
        after=snapshot(channel, *fields),
    )
    _resolve(channel, {FlagKind.BRANDING})
    return channel


@transaction.atomic
def confirm_review(channel, *, acting_user, comment=""):
    """The owner confirmed the record is right: the annual review is done for a year."""
    channel = _locked(Channel, channel.pk)
    if channel.status in (ChannelStatus.REQUESTED, ChannelStatus.CLOSED):
        raise WorkflowConflict(_("Only a page in use is reviewed."))
    before = snapshot(channel, "last_review_at")
    channel.last_review_at = timezone.now()
    channel.save(update_fields=["last_review_at", "updated_at"])
    record(
        "channel.review_confirmed",
        actor=acting_user,
        channel=channel,
        note=comment,
        before=before,
        after=snapshot(channel, "last_review_at"),
    )
    _resolve(channel, {FlagKind.REVIEW_OVERDUE})
    return channel


# --- Closing --------------------------------------------------------------------------------------

CLOSABLE_STATUSES = (ChannelStatus.APPROVED, ChannelStatus.ACTIVE, ChannelStatus.DORMANT)


@transaction.atomic
def request_closing(channel, *, acting_user, reason, notice_text):
    """Ask to close a page; the centre manager (or the team) decides."""
    channel = _locked(Channel, channel.pk)
    if channel.status not in CLOSABLE_STATUSES:
        raise WorkflowConflict(_("This page cannot be closed in its current state."))
    if channel.closing_requests.filter(decision=Decision.PENDING).exists():
        raise WorkflowConflict(_("A closing request for this page is already waiting."))
    if not reason.strip() or not notice_text.strip():
        raise WorkflowError(_("Give a reason and the notice to post on the page."))
    _refuse_personal_ids(notice_text)
    capabilities = adapter_class(channel.platform).capabilities
    if capabilities.post_too_long(notice_text):
        raise WorkflowError(
            _(
                "The closing notice is too long for %(platform)s: at most %(limit)s characters, "
                "this one counts %(length)s."
            )
            % {
                "platform": channel.get_platform_display(),
                "limit": capabilities.post_max_length,
                "length": capabilities.post_length(notice_text),
            }
        )
    closing = ChannelClosingRequest.objects.create(
        channel=channel, requested_by=acting_user, reason=reason, notice_text=notice_text
    )
    record(
        "channel.closing_requested",
        actor=acting_user,
        channel=channel,
        note=reason,
        closing_request=closing.pk,
    )
    notifications.notify(
        "closing_requested",
        channel,
        [
            *notifications.centre_managers(channel.owner_unit),
            *notifications.communications_team(),
            *notifications.channel_people(channel),
        ],
        closing=closing,
    )
    return closing


def _decide_closing(closing, *, acting_user, approve, comment):
    closing = _locked_undecided(
        ChannelClosingRequest,
        closing.pk,
        acting_user=acting_user,
        already_decided=_("This closing request has already been decided."),
    )
    if approve:
        # A notice stored before this check existed is still never posted.
        _refuse_personal_ids(closing.notice_text)
    now = timezone.now()
    closing.record_decision(acting_user=acting_user, approve=approve, comment=comment, at=now)
    channel = _locked(Channel, closing.channel_id)
    if approve:
        previous = _set_status(channel, ChannelStatus.CLOSING)
        record(
            "channel.closing_approved",
            actor=acting_user,
            channel=channel,
            note=comment,
            at=now,
            **_status_change(previous, channel),
            closing_request=closing.pk,
        )
        _post_closing_notice(closing, channel, acting_user=acting_user)
    else:
        record(
            "channel.closing_rejected",
            actor=acting_user,
            channel=channel,
            note=comment,
            at=now,
            closing_request=closing.pk,
        )
    notifications.notify(
        "closing_approved" if approve else "closing_rejected",
        channel,
        [
            closing.requested_by,
            *notifications.channel_people(channel),
            *notifications.communications_team(),
        ],
        closing=closing,
        comment=comment,
        notice_by_hand=approve and not notice_by_api(channel),
    )
    return closing


def notice_by_api(channel):
    """Whether the platform's API can publish the channel's closing notice (Instagram and
    YouTube cannot publish a text post: a person posts it by hand)."""
    from moderation.outbox import can_publish

    return can_publish(channel.platform)


@transaction.atomic
def approve_closing(closing, *, acting_user, comment=""):
    """Approve closing: the page goes to "closing" and its closing notice is posted."""
    return _decide_closing(closing, acting_user=acting_user, approve=True, comment=comment)


@transaction.atomic
def reject_closing(closing, *, acting_user, comment):
    if not comment.strip():
        raise WorkflowError(_("Say why the closing is rejected."))
    return _decide_closing(closing, acting_user=acting_user, approve=False, comment=comment)


def _outbox_enqueue():
    """The moderation outbox's `enqueue_post`, or None while it does not exist."""
    try:
        from moderation.outbox import enqueue_post
    except ImportError:
        return None
    return enqueue_post


CLOSING_NOTICE_KEY = "channel-closing-notice-"


def closing_notice_key(closing):
    """The outbox idempotency key of a closing request's notice: one post per request."""
    return f"{CLOSING_NOTICE_KEY}{closing.pk}"


def _post_closing_notice(closing, channel, *, acting_user):
    """Hand the notice to the platform outbox; without one it waits and is retried by the sweep."""
    enqueue_post = _outbox_enqueue()
    if enqueue_post is None:
        if closing.notice_status != NoticeStatus.PENDING:
            previous = closing.notice_status
            closing.notice_status = NoticeStatus.PENDING
            closing.save(update_fields=["notice_status"])
            record(
                "channel.closing_notice_pending",
                actor=acting_user,
                channel=channel,
                before={"notice_status": previous},
                after={"notice_status": closing.notice_status},
                closing_request=closing.pk,
            )
        return False
    enqueue_post(
        channel,
        closing.notice_text,
        acting_user=acting_user,
        idempotency_key=closing_notice_key(closing),
    )
    previous = closing.notice_status
    closing.notice_status = NoticeStatus.QUEUED
    closing.save(update_fields=["notice_status"])
    record(
        "channel.closing_notice_queued",
        actor=acting_user,
        channel=channel,
        note=closing.notice_text,
        before={"notice_status": previous},
        after={"notice_status": closing.notice_status},
        closing_request=closing.pk,
    )
    return True


NOTICE_OUTCOMES = {
    # outbox status: (notice status, audit action)
    "sent": (NoticeStatus.SENT, "channel.closing_notice_sent"),
    "failed": (NoticeStatus.FAILED, "channel.closing_notice_failed"),
    "manual": (NoticeStatus.MANUAL, "channel.closing_notice_by_hand"),
}


@transaction.atomic
def record_notice_outcome(idempotency_key, *, channel_id, outcome, platform_id=""):
    """Follow a closing notice's outbox message to its end (called for every outbox message
    that ends; others are ignored). The notice is then posted, failed, or to be posted by hand
    because the platform's API cannot publish it; when it failed, the people looking after the
    page are told to post it by hand. Returns the closing request, or None."""
    if not idempotency_key.startswith(CLOSING_NOTICE_KEY) or outcome not in NOTICE_OUTCOMES:
        return None
    closing_id = idempotency_key.removeprefix(CLOSING_NOTICE_KEY)
    if not closing_id.isdigit():
        return None
    closing = (
        ChannelClosingRequest.objects.select_for_update()
        .filter(pk=int(closing_id), channel_id=channel_id)
        .first()
    )
    if closing is None:
        logger.warning(
            "an outbox message names a closing request that does not exist",
            extra={"idempotency_key": idempotency_key},
        )
        return None
    status, action = NOTICE_OUTCOMES[outcome]
    if closing.notice_status == status:
        return closing
    previous = closing.notice_status
    closing.notice_status = status
    closing.save(update_fields=["notice_status"])
    channel = closing.channel
    record(
        action,
        channel=channel,
        note=platform_id,
        before={"notice_status": previous},
        after={"notice_status": status},
        closing_request=closing.pk,
        platform_id=platform_id,
    )
    if status == NoticeStatus.FAILED:
        # (A notice the platform cannot publish was announced as manual work with the approval.)
        notifications.notify(
            "closing_notice_failed",
            channel,
            [closing.requested_by, *notifications.channel_people(channel)],
            closing=closing,
        )
    return closing


@transaction.atomic
def retry_closing_notice(closing, *, acting_user=None):
    """Try again to queue a waiting closing notice (the outbox may exist by now)."""
    closing = _locked(ChannelClosingRequest, closing.pk)
    if closing.notice_status != NoticeStatus.PENDING:
        return False
    return _post_closing_notice(closing, closing.channel, acting_user=acting_user)


@transaction.atomic
def close_channel(channel, *, acting_user, comment=""):
    """Archive a page whose closing was approved: polling stops, the record and history stay."""
    channel = _locked(Channel, channel.pk)
    if channel.status != ChannelStatus.CLOSING:
        raise WorkflowError(_("Only a page whose closing was approved can be archived."))
    now = timezone.now()
    channel.closed_at = now
    previous = _set_status(channel, ChannelStatus.CLOSED, fields=["closed_at"])
    # The connection row belongs to polling; closing only switches its polling off.
    ChannelConnection.objects.filter(channel=channel).update(polling_enabled=False)
    webhook_actions.after_close(channel)
    ChannelFlag.objects.open().filter(channel=channel).update(resolved_at=now)
    record(
        "channel.closed",
        actor=acting_user,
        channel=channel,
        note=comment,
        at=now,
        **_status_change(previous, channel),
    )
    notifications.notify(
        "channel_closed",
        channel,
        [
            *notifications.channel_people(channel),
            *notifications.centre_managers(channel.owner_unit),
            *notifications.communications_team(),
        ],
        comment=comment,
    )
    return channel


# --- Neglect ------------------------------------------------------------------------------------

SWEPT_STATUSES = (ChannelStatus.APPROVED, ChannelStatus.ACTIVE, ChannelStatus.DORMANT)
# The steps that change who looks after a page (the "no admin change for long" check).
PEOPLE_CHANGING_ACTIONS = ("channel.admin_removed", "channel.edited", "channel.requested")


def find_issues(channel, *, now, admin_count, people_changed_at=None):
    """What `channel` is missing, and since when: {FlagKind: datetime}. Pure, no queries.

    `admin_count` and `people_changed_at` (the last change of responsible, deputy or admins)
    come from the caller's annotated queryset; `channel.connection` must be loaded or absent.
    """
    issues = {}
    people_since = max(filter(None, [channel.created_at, people_changed_at]))
    if channel.responsible_id is None:
        issues[FlagKind.NO_RESPONSIBLE] = people_since
    if channel.deputy_id is None:
        issues[FlagKind.NO_DEPUTY] = people_since
    if admin_count < 2:
        issues[FlagKind.SINGLE_ADMIN] = people_since
    if channel.scope == ChannelScope.DECENTRAL and channel.approved_at is None:
        issues[FlagKind.NOT_APPROVED] = channel.created_at
    if channel.branding_verified_at is None:
        issues[FlagKind.BRANDING] = channel.approved_at or channel.created_at
    started = channel.approved_at or channel.created_at
    review_due = (channel.last_review_at or started) + review_interval()
    if review_due <= now:
        issues[FlagKind.REVIEW_OVERDUE] = review_due
    connection = getattr(channel, "connection", None)
    # The token's rule is the connection health's; the calls keep this flag current between
    # sweeps (accounts.health).
    token_since = health.token_issue(connection, now=now, started=started)
    if token_since is not None:
        issues[FlagKind.TOKEN] = token_since
    if channel.status in (ChannelStatus.ACTIVE, ChannelStatus.DORMANT) and activity_known(channel):
        quiet_since = connection.last_own_post_at or started
        limit = dormant_after()
        if quiet_since + limit <= now:
            issues[FlagKind.DORMANT] = quiet_since + limit
    return issues


def activity_known(channel):
    """Whether polling has looked at the page, so its last own post is known (C5)."""
    connection = getattr(channel, "connection", None)
    return connection is not None and connection.last_polled_at is not None


def _resolve(channel, kinds, *, now=None):
    return (
        ChannelFlag.objects.open()
        .filter(channel=channel, kind__in=kinds)
        .update(resolved_at=now or timezone.now())
    )


@dataclass
class SweepResult:
    checked: int = 0
    flags_raised: int = 0
    flags_resolved: int = 0
    marked_dormant: list = field(default_factory=list)
    reactivated: list = field(default_factory=list)
    notices_queued: int = 0


@transaction.atomic
def sweep_channel(channel_id, *, now=None, result=None, resolve_only=False):
    """Bring one channel's flags and dormancy up to date; notify about what is new.

    With `resolve_only`, only flags that no longer apply are closed: the registry's own steps
    use it so the overview is current at once, while raising (and telling people) stays with
    the daily sweep.
    """
    now = now or timezone.now()
    result = result if result is not None else SweepResult()
    channel = (
        Channel.objects.select_for_update(of=("self",))
        .select_related(
            "owner_unit", "owner_unit__municipality", "responsible", "deputy", "connection"
        )
        .filter(pk=channel_id, status__in=SWEPT_STATUSES)
        .first()
    )
    if channel is None:
        return result
    # The latest step that changed who looks after the page (a subquery: joining the channel's
    # whole audit trail to its admins would multiply the rows).
    last_people_change = (
        AuditEntry.objects.filter(channel_id=OuterRef("pk"), action__in=PEOPLE_CHANGING_ACTIONS)
        .order_by("-at")
        .values("at")[:1]
    )
    stats = (
        Channel.objects.filter(pk=channel_id)
        .annotate(admin_count=Count("admins", distinct=True))
        .annotate(people_changed=Subquery(last_people_change))
        .values("admin_count", "people_changed")
        .get()
    )
    issues = find_issues(
        channel,
        now=now,
        admin_count=stats["admin_count"],
        people_changed_at=stats["people_changed"],
    )
    result.checked += 1
    open_flags = {flag.kind: flag for flag in channel.flags.open()}
    new_kinds = [] if resolve_only else [kind for kind in issues if kind not in open_flags]
    for kind in new_kinds:
        ChannelFlag.objects.create(channel=channel, kind=kind, since=issues[kind], raised_at=now)
    # Without polling data the dormancy verdict stands until polling can say otherwise.
    keep = set() if activity_known(channel) else {FlagKind.DORMANT}
    cleared = [kind for kind in open_flags if kind not in issues and kind not in keep]
    if cleared:
        result.flags_resolved += _resolve(channel, cleared, now=now)
    result.flags_raised += len(new_kinds)
    if new_kinds:
        labels = [str(FlagKind(kind).label) for kind in new_kinds]
        record(
            "channel.flagged",
            channel=channel,
            note="; ".join(labels),
            at=now,
            flags=sorted(new_kinds),
        )

    if resolve_only:
        return result
    if FlagKind.DORMANT in issues and channel.status == ChannelStatus.ACTIVE:
        mark_dormant(channel, acting_user=None, since=issues[FlagKind.DORMANT], now=now)
        result.marked_dormant.append(channel.pk)
    elif (
        FlagKind.DORMANT not in issues
        and channel.status == ChannelStatus.DORMANT
        and activity_known(channel)
    ):
        previous = _set_status(channel, ChannelStatus.ACTIVE)
        record("channel.reactivated", channel=channel, at=now, **_status_change(previous, channel))
        result.reactivated.append(channel.pk)

    other_new = [kind for kind in new_kinds if kind != FlagKind.DORMANT]
    if other_new:
        owners = [
            *notifications.channel_people(channel),
            *notifications.centre_managers(channel.owner_unit),
        ]
        notifications.notify(
            "channel_flagged",
            channel,
            owners,
            flags=[FlagKind(kind).label for kind in other_new],
        )
        if FlagKind.REVIEW_OVERDUE in other_new:
            notifications.notify("review_overdue", channel, notifications.communications_team())
    return result


@transaction.atomic
def mark_dormant(channel, *, acting_user=None, since, now=None):
    """No own post for the configured period: flag the page dormant and suggest closing it."""
    previous = _set_status(channel, ChannelStatus.DORMANT)
    ChannelFlag.objects.get_or_create(
        channel=channel,
        kind=FlagKind.DORMANT,
        resolved_at=None,
        defaults={"since": since, "raised_at": now or timezone.now()},
    )
    record(
        "channel.marked_dormant",
        actor=acting_user,
        channel=channel,
        at=now,
        **_status_change(previous, channel),
        since=since.isoformat(),
    )
    notifications.notify(
        "channel_dormant",
        channel,
        [
            *notifications.channel_people(channel),
            *notifications.centre_managers(channel.owner_unit),
        ],
        days=dormant_after().days,
    )
    return channel


def sweep_neglect(*, now=None):
    """Check every channel in use; one channel's failure never stops the others."""
    result = SweepResult()
    ids = list(
        Channel.objects.filter(status__in=SWEPT_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for channel_id in ids:
        try:
            sweep_channel(channel_id, now=now, result=result)
        except Exception:
            logger.exception("Neglect sweep failed for channel %s", channel_id)
    for closing in ChannelClosingRequest.objects.filter(notice_status=NoticeStatus.PENDING):
        try:
            if retry_closing_notice(closing):
                result.notices_queued += 1
        except Exception:
            logger.exception("Could not queue the closing notice %s", closing.pk)
    return result
