"""Posts on the municipality's own channels: composing, approval, scheduling and publishing.

Every write is one function here, in a transaction, with its audit row. A post walks
draft → submitted → approved → scheduled → publishing → published (or failed); a rejection sends
it back to draft with the reason. Publishing queues one outbox message per channel
(`moderation.outbox.enqueue_publish`, keyed by the channel's row, so a retry never publishes
twice); the outbox's `finished` signal brings the platform's confirmation back here
(`outbox_finished`), which stores the post's id and address and calls `on_published`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from accounts.models import Channel, ChannelScope, ChannelStatus
from core.permissions import access_for
from governance.models import Membership, Role
from moderation import outbox
from moderation.models import OutboxFailure, OutboxStatus
from moderation.models.notifications import NotificationKind
from moderation.notify import notify
from moderation.personal_data import contains_personal_id
from platforms import post_rules

from .models import Post, PostComment, PostStatus, PostTarget, TargetStatus

logger = logging.getLogger(__name__)

ACTIVE_CHANNEL = (ChannelStatus.ACTIVE, ChannelStatus.APPROVED, ChannelStatus.DORMANT)
# How many due posts one beat run starts; the next run takes the rest.
DUE_BATCH = 100


class PostError(Exception):
    """The step is not possible; the message says why. `field` names the input it is about."""

    conflict = False

    def __init__(self, message, *, field=None, errors=None):
        super().__init__(message)
        self.field = field
        # Every problem found, by field (forms show them all at once).
        self.errors = errors or ({field: [message]} if field else {})


class PostConflict(PostError):
    """The post's current state does not allow the step (the API answers 409)."""

    conflict = True


# --- who composes and approves ---------------------------------------------------------


def composable_channels(user):
    """The channels `user` may write posts for: the team every channel; editors and centre
    managers their units' channels; a channel's responsible person and deputy that channel.
    Only platforms whose API publishes posts, and channels in use."""
    access = access_for(user)
    channels = Channel.objects.filter(
        platform__in=list(post_rules.RULES), status__in=ACTIVE_CHANNEL
    ).order_by("platform", "name", "pk")
    if access.sees_everything:
        return channels
    if not access.is_member:
        return channels.none()
    units = access.unit_ids(Role.CHANNEL_EDITOR) | access.managed_unit_ids
    return channels.filter(
        Q(owner_unit_id__in=units) | Q(responsible_id=access.user_id) | Q(deputy_id=access.user_id)
    )


def approvers(post):
    """The people who may approve `post`: for each channel its tier (the communications team
    for central pages; the responsible person, deputy and centre manager for a department's
    page). The author is never their own approver."""
    from django.contrib.auth import get_user_model

    user_ids = set()
    comms_needed = False
    centre_ids = set()
    for target in post.targets.select_related("channel__owner_unit"):
        channel = target.channel
        if channel.scope == ChannelScope.CENTRAL:
            comms_needed = True
            continue
        user_ids.update(uid for uid in (channel.responsible_id, channel.deputy_id) if uid)
        centre = channel.owner_unit.centre_id or channel.owner_unit_id
        centre_ids.add(centre)
    roles = Q(pk__in=[])
    if comms_needed:
        roles |= Q(role=Role.COMMUNICATIONS)
    if centre_ids:
        roles |= Q(role=Role.CENTRE_MANAGER, unit_id__in=centre_ids)
    user_ids.update(Membership.objects.filter(roles).values_list("user_id", flat=True))
    user_ids.discard(post.author_id)
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def crisis_on(post=None):
    """Whether crisis mode is on (for the municipality of the post's channels)."""
    from moderation.models import CrisisPeriod

    open_periods = CrisisPeriod.objects.filter(ended_at__isnull=True)
    if post is not None and post.pk:
        municipalities = post.targets.values("channel__owner_unit__municipality_id")
        open_periods = open_periods.filter(municipality_id__in=municipalities)
    return open_periods.exists()


# --- checking the text ------------------------------------------------------------------


def problem_message(platform, problem):
    label = str(dict(Channel._meta.get_field("platform").choices).get(platform, platform))
    if problem.code == "too_long":
        return _(
            "Too long for %(platform)s: %(value)s characters, at most %(limit)s "
            "(links count as the platform counts them)."
        ) % {"platform": label, "value": problem.value, "limit": problem.limit}
    if problem.code == "too_many_hashtags":
        return _("%(platform)s takes at most %(limit)s hashtags; this text has %(value)s.") % {
            "platform": label,
            "limit": problem.limit,
            "value": problem.value,
        }
    if problem.code == "picture_required":
        return _("%(platform)s publishes only posts with a picture: add one.") % {"platform": label}
    if problem.code == "picture_not_offered":
        return _(
            "Pictures are not published on %(platform)s: the picture goes to the other channels "
            "only."
        ) % {"platform": label}
    if problem.code == "empty":
        return _("The text for %(platform)s is empty.") % {"platform": label}
    return _("%(platform)s cannot publish posts through its API.") % {"platform": label}


def check_post(*, text, link, picture, targets):
    """Every reason the post cannot be saved, by field: `targets` are (channel, variant text)
    pairs. Personal ID numbers are refused in every text; each channel's text must fit its
    platform."""
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not (text or "").strip():
        add("text", _("Write the text of the post."))
    id_message = _(
        "The text contains a personal identification number (CPR, personnummer or "
        "fødselsnummer). Remove it: it would be published."
    )
    if text and contains_personal_id(text):
        add("text", id_message)
    if link and contains_personal_id(link):
        add("link", id_message)
    if not targets:
        add("channels", _("Choose at least one channel."))
    for channel, variant in targets:
        field = f"text_{channel.pk}"
        if variant and contains_personal_id(variant):
            add(field, id_message)
        used = (variant or "").strip() or text or ""
        for problem in post_rules.problems(
            channel.platform, used, link=link or "", picture=bool(picture)
        ):
            if problem.code == "picture_not_offered":
                continue  # a note on the preview, not an error: the others get the picture
            add(
                field if (variant or "").strip() else "text",
                problem_message(channel.platform, problem),
            )
    return errors


def _refuse(errors):
    if errors:
        field, messages = next(iter(errors.items()))
        raise PostError(messages[0], field=field, errors=errors)


# --- composing ------------------------------------------------------------------------


def _locked(post):
    return Post.objects.select_for_update().get(pk=post.pk)


def _snapshot(post):
    return audit.snapshot(post, "title", "text", "link", "status", "scheduled_at")


@transaction.atomic
def save_draft(
    post,
    *,
    acting_user,
    title,
    text,
    link="",
    channels,
    variants=None,
    picture=None,
    clear_picture=False,
    picture_alt="",
    plan_item=None,
    theme=None,
):
    """Create a draft (`post` None) or change one. `channels`: the chosen channels;
    `variants`: {channel id: the text for that channel's platform}; `picture`: an uploaded
    file (None keeps the current one, `clear_picture` removes it)."""
    variants = {int(key): value or "" for key, value in (variants or {}).items()}
    allowed = {channel.pk for channel in composable_channels(acting_user)}
    channels = list(channels)
    refused = [channel for channel in channels if channel.pk not in allowed]
    if refused:
        raise PostError(
            _("You cannot write posts for %(channel)s.") % {"channel": refused[0].name},
            field="channels",
        )
    created = post is None
    if not created:
        post = _locked(post)
        if post.status != PostStatus.DRAFT:
            raise PostConflict(_("Only a draft can be changed."))
    has_picture = bool(picture) or (not created and bool(post.picture) and not clear_picture)
    _refuse(
        check_post(
            text=text,
            link=link,
            picture=has_picture,
            targets=[(channel, variants.get(channel.pk, "")) for channel in channels],
        )
    )
    before = {} if created else _snapshot(post)
    if created:
        post = Post(author=acting_user)
    post.title = title.strip() or text.strip()[:80]
    post.text = text
    post.link = link or ""
    post.picture_alt = picture_alt or ""
    post.plan_item = plan_item
    post.theme = theme or (plan_item.theme if plan_item else None)
    if clear_picture and post.picture:
        post.picture.delete(save=False)
        post.picture = ""
    if picture:
        post.picture = picture
    post.save()
    chosen = {channel.pk for channel in channels}
    post.targets.exclude(channel_id__in=chosen).delete()
    existing = {target.channel_id: target for target in post.targets.all()}
    for channel in channels:
        target = existing.get(channel.pk) or PostTarget(post=post, channel=channel)
        target.text = variants.get(channel.pk, "").strip()
        target.save()
    audit.record(
        "posts.created" if created else "posts.changed",
        actor=acting_user,
        obj=post,
        before=before,
        after=_snapshot(post),
        post_id=post.pk,
        channels=sorted(chosen),
    )
    return post


@transaction.atomic
def delete_draft(post, *, acting_user):
    post = _locked(post)
    if post.status != PostStatus.DRAFT:
        raise PostConflict(_("Only a draft can be deleted."))
    audit.record(
        "posts.deleted", actor=acting_user, obj=post, before=_snapshot(post), post_id=post.pk
    )
    if post.picture:
        post.picture.delete(save=False)
    post.delete()


@transaction.atomic
def add_comment(post, text, *, acting_user):
    text = (text or "").strip()
    if not text:
        raise PostError(_("Write a comment."), field="text")
    comment = PostComment.objects.create(post=post, author=acting_user, text=text)
    audit.record("posts.commented", actor=acting_user, obj=post, post_id=post.pk)
    others = {post.author_id} | set(post.comments.values_list("author_id", flat=True))
    others.discard(acting_user.pk)
    from django.contrib.auth import get_user_model

    notify(
        get_user_model().objects.filter(pk__in=others),
        NotificationKind.POST_REVIEW,
        lambda: _("New comment on the post “%(title)s”.") % {"title": post.title},
    )
    return comment


# --- approval -----------------------------------------------------------------------------


def _move(post, status, *, acting_user, action, reason="", note="", **fields):
    before = _snapshot(post)
    post.status = status
    for name, value in fields.items():
        setattr(post, name, value)
    post.save(update_fields=["status", *fields, "updated_at"])
    audit.record(
        action,
        actor=acting_user,
        obj=post,
        before=before,
        after=_snapshot(post),
        reason=reason,
        note=note,
        post_id=post.pk,
    )
    return post


@transaction.atomic
def submit(post, *, acting_user):
    """Send a draft for approval; its approvers are told."""
    post = _locked(post)
    if post.status != PostStatus.DRAFT:
        raise PostConflict(_("Only a draft can be sent for approval."))
    targets = [(t.channel, t.text) for t in post.targets.select_related("channel")]
    _refuse(check_post(text=post.text, link=post.link, picture=bool(post.picture), targets=targets))
    _move(
        post,
        PostStatus.SUBMITTED,
        acting_user=acting_user,
        action="posts.submitted",
        rejection_reason="",
    )
    notify(
        approvers(post),
        NotificationKind.POST_REVIEW,
        lambda: _("The post “%(title)s” waits for your approval.") % {"title": post.title},
    )
    return post


def _check_scheduled_at(when):
    if when is not None and when < timezone.now():
        raise PostError(_("Choose a time in the future."), field="scheduled_at")


@transaction.atomic
def approve(post, *, acting_user, scheduled_at=None):
    """Approve a submitted post; with `scheduled_at` it is scheduled at once."""
    from core.permissions import can

    post = _locked(post)
    if post.status != PostStatus.SUBMITTED:
        raise PostConflict(_("Only a post waiting for approval can be approved."))
    if not can(acting_user, "posts.approve", post):
        raise PostError(_("You cannot approve this post."))
    _check_scheduled_at(scheduled_at)
    now = timezone.now()
    _move(
        post,
        PostStatus.APPROVED,
        acting_user=acting_user,
        action="posts.approved",
        decided_by=acting_user,
        decided_at=now,
    )
    notify(
        [post.author],
        NotificationKind.POST_DECIDED,
        lambda: _("Your post “%(title)s” was approved.") % {"title": post.title},
    )
    if scheduled_at is not None:
        _move(
            post,
            PostStatus.SCHEDULED,
            acting_user=acting_user,
            action="posts.scheduled",
            scheduled_at=scheduled_at,
        )
    return post


@transaction.atomic
def reject(post, *, acting_user, reason):
    """Send a submitted post back to its author as a draft, with the reason."""
    from core.permissions import can

    reason = (reason or "").strip()
    if not reason:
        raise PostError(_("Say why the post is rejected."), field="reason")
    post = _locked(post)
    if post.status != PostStatus.SUBMITTED:
        raise PostConflict(_("Only a post waiting for approval can be rejected."))
    if not can(acting_user, "posts.reject", post):
        raise PostError(_("You cannot reject this post."))
    _move(
        post,
        PostStatus.DRAFT,
        acting_user=acting_user,
        action="posts.rejected",
        note=reason,
        rejection_reason=reason,
        decided_by=acting_user,
        decided_at=timezone.now(),
    )
    notify(
        [post.author],
        NotificationKind.POST_DECIDED,
        lambda: (
            _("Your post “%(title)s” was sent back: %(reason)s")
            % {"title": post.title, "reason": reason}
        ),
    )
    return post


@transaction.atomic
def schedule(post, scheduled_at, *, acting_user):
    """Set (or move) the minute an approved post is published."""
    if scheduled_at is None:
        raise PostError(_("Choose when the post is published."), field="scheduled_at")
    post = _locked(post)
    if post.status not in (PostStatus.APPROVED, PostStatus.SCHEDULED):
        raise PostConflict(_("Only an approved post can be scheduled."))
    _check_scheduled_at(scheduled_at)
    return _move(
        post,
        PostStatus.SCHEDULED,
        acting_user=acting_user,
        action="posts.scheduled",
        scheduled_at=scheduled_at.replace(second=0, microsecond=0),
    )


@transaction.atomic
def publish_now(post, *, acting_user):
    """Crisis mode: the communications lead publishes at once, without the approval round."""
    post = _locked(post)
    if post.status in (PostStatus.PUBLISHING, PostStatus.PUBLISHED, PostStatus.FAILED):
        raise PostConflict(_("This post is already being published."))
    if not access_for(acting_user).is_comms_lead:
        raise PostError(_("Only the communications lead publishes at once."))
    if not crisis_on(post):
        raise PostConflict(_("Publishing at once is possible only in crisis mode."))
    targets = [(t.channel, t.text) for t in post.targets.select_related("channel")]
    _refuse(check_post(text=post.text, link=post.link, picture=bool(post.picture), targets=targets))
    post.crisis_publish = True
    post.decided_by, post.decided_at = acting_user, timezone.now()
    post.save(update_fields=["crisis_publish", "decided_by", "decided_at", "updated_at"])
    audit.record(
        "posts.published_in_crisis",
        actor=acting_user,
        obj=post,
        before={"status": post.status},
        after={"status": PostStatus.PUBLISHING},
        post_id=post.pk,
    )
    return _start(post, acting_user=acting_user)


# --- publishing -----------------------------------------------------------------------------


def picture_url(post):
    """The picture's public address, which Instagram and Facebook fetch it from
    (`SITE_URL` + the picture route)."""
    if not post.picture:
        return ""
    path = reverse("strategy:post-picture", args=[post.picture_key])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _start(post, *, acting_user):
    """Queue one outbox message per channel (in the caller's transaction)."""
    before = _snapshot(post)
    post.status = PostStatus.PUBLISHING
    post.save(update_fields=["status", "updated_at"])
    image_url = picture_url(post)
    for target in post.targets.select_related("channel").select_for_update():
        if target.status in (TargetStatus.PUBLISHED, TargetStatus.BY_HAND):
            continue
        rules = post_rules.RULES[target.channel.platform]
        attachments = {}
        if post.link and rules.link_in == "parameter":
            attachments["link"] = post.link
        if image_url and rules.picture != post_rules.NOT_OFFERED:
            attachments["image_url"] = image_url
            attachments["image_name"] = post.picture.name
            attachments["image_alt"] = post.picture_alt
        message = outbox.enqueue_publish(
            target.channel,
            post_rules.full_text(target.channel.platform, target.final_text, post.link),
            attachments=attachments,
            acting_user=acting_user,
            # One key per channel of the post: repeating the step never queues a second post.
            idempotency_key=f"post-target:{target.pk}",
        )
        target.outbox_message = message
        target.status = TargetStatus.SENDING
        target.failure = ""
        target.save(update_fields=["outbox_message", "status", "failure"])
    audit.record(
        "posts.publishing",
        actor=acting_user,
        obj=post,
        before=before,
        after=_snapshot(post),
        post_id=post.pk,
    )
    return post


def start_publishing(post_id):
    """Publish a scheduled post whose minute has come (the beat task; idempotent)."""
    with transaction.atomic():
        post = (
            Post.objects.select_for_update(skip_locked=True)
            .filter(pk=post_id, status=PostStatus.SCHEDULED, scheduled_at__lte=timezone.now())
            .first()
        )
        if post is None:
            return None
        return _start(post, acting_user=None)


def due_post_ids(now=None, limit=DUE_BATCH):
    now = now or timezone.now()
    return list(
        Post.objects.filter(status=PostStatus.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def retry(post, *, acting_user):
    """Send the channels that failed again: the same outbox messages with their keys, so what
    did land is looked for first and never published twice."""
    post = _locked(post)
    if post.status != PostStatus.FAILED:
        raise PostConflict(_("Only a post that failed can be sent again."))
    before = _snapshot(post)
    failed = list(post.targets.filter(status=TargetStatus.FAILED).select_related("outbox_message"))
    for target in failed:
        if (
            target.outbox_message is not None
            and target.outbox_message.status == OutboxStatus.FAILED
        ):
            outbox.send_again(target.outbox_message)
        target.status = TargetStatus.SENDING
        target.failure = ""
        target.save(update_fields=["status", "failure"])
    post.status = PostStatus.PUBLISHING
    post.save(update_fields=["status", "updated_at"])
    audit.record(
        "posts.retried",
        actor=acting_user,
        obj=post,
        before=before,
        after=_snapshot(post),
        post_id=post.pk,
        channels=[target.channel_id for target in failed],
    )
    return post


def permalink_for(platform, external_id, stored=""):
    """The published post's public address: what the platform returned, else built from the
    id as the platform's post pages are addressed."""
    if stored or not external_id:
        return stored
    if platform == "facebook":
        return f"https://www.facebook.com/{external_id}"
    if platform == "linkedin":
        return f"https://www.linkedin.com/feed/update/{external_id}/"
    if platform == "x":
        return f"https://x.com/i/web/status/{external_id}"
    return ""


def on_published(post_target):
    """The platform confirmed the post on one channel: `post_target` carries the channel,
    `external_id`, `permalink` and `published_at`. This is the hook for what follows a
    confirmed post (collecting the post's figures keyed by channel and external id); it runs
    in the transaction that records the confirmation: the post joins the channel's own posts,
    whose figures the collector reads from now on."""
    from .figures import record_own_post

    record_own_post(
        post_target.channel,
        post_target.external_id,
        published_at=post_target.published_at,
        text=post_target.final_text,
        permalink=post_target.permalink,
        post_target=post_target,
    )
    audit.record(
        "posts.published_on_channel",
        obj=post_target.post,
        channel=post_target.channel,
        post_id=post_target.post_id,
        external_id=post_target.external_id,
        permalink=post_target.permalink,
    )


@receiver(outbox.finished, dispatch_uid="strategy-post-outcome")
def outbox_finished(sender, message, status, result_external_id="", **kwargs):
    """The outbox ended a message: if it carries a post, the post follows the outcome."""
    target = (
        PostTarget.objects.select_related("post__author", "channel")
        .filter(outbox_message_id=message.pk)
        .first()
    )
    if target is None:
        return
    now = timezone.now()
    with transaction.atomic():
        if status == OutboxStatus.SENT:
            target.status = TargetStatus.PUBLISHED
            target.external_id = result_external_id or ""
            target.permalink = permalink_for(
                target.channel.platform,
                target.external_id,
                kwargs.get("result_permalink") or "",
            )
            target.published_at = now
            target.failure = ""
            target.save(
                update_fields=["status", "external_id", "permalink", "published_at", "failure"]
            )
            on_published(target)
        elif status == OutboxStatus.MANUAL:
            target.status = TargetStatus.BY_HAND
            target.save(update_fields=["status"])
        else:
            target.status = TargetStatus.FAILED
            # The reason's code: the page says it in the reader's language.
            target.failure = message.failure or OutboxFailure.REFUSED
            target.save(update_fields=["status", "failure"])
        _settle(target.post, now)


def _settle(post, now):
    """The post's state from its channels' once none is sending any more."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    states = set(post.targets.values_list("status", flat=True))
    if TargetStatus.SENDING in states or TargetStatus.WAITING in states:
        return
    before = _snapshot(post)
    if TargetStatus.FAILED in states:
        post.status = PostStatus.FAILED
        post.save(update_fields=["status", "updated_at"])
        audit.record(
            "posts.failed", obj=post, before=before, after=_snapshot(post), post_id=post.pk
        )
        people = [post.author, *([post.decided_by] if post.decided_by_id else [])]
        notify(
            people,
            NotificationKind.NOT_SENT,
            lambda: (
                _(
                    "The post “%(title)s” was not published on every channel. Open it to send "
                    "it again."
                )
                % {"title": post.title}
            ),
        )
        return
    post.status = PostStatus.PUBLISHED
    post.published_at = now
    post.save(update_fields=["status", "published_at", "updated_at"])
    audit.record("posts.published", obj=post, before=before, after=_snapshot(post), post_id=post.pk)
    notify(
        [post.author],
        NotificationKind.POST_PUBLISHED,
        lambda: _("Your post “%(title)s” is published.") % {"title": post.title},
    )
