"""Posts the municipality publishes on its own channels: composed once with a variant per
platform, approved by the right person, scheduled and published through the outbox.

A `Post` holds the common text, link and picture and walks the approval states; each of its
channels is a `PostTarget`, which carries the platform's variant of the text and, once the
platform confirmed it, the post's id and address there (what the figures are later read by).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel
from core.permissions import access_for

from .plan import PlanItem, YearTheme


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class TargetStatus(models.TextChoices):
    WAITING = "waiting", _("Not sent yet")
    SENDING = "sending", _("Sending")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    BY_HAND = "by_hand", _("To be posted by hand")


class PostQuerySet(models.QuerySet):
    def for_user(self, user):
        """Posts the user may see: the team all; others the posts on channels they see and
        their own."""
        access = access_for(user)
        if access.sees_everything:
            return self
        if not access.is_member:
            return self.none()
        channels = Channel.objects.for_user(user).values("pk")
        return self.filter(
            Q(author_id=access.user_id) | Q(targets__channel__in=channels)
        ).distinct()


def picture_path(post, filename):
    # An unguessable folder: the picture is served publicly (Instagram fetches it by URL).
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"posts/{post.picture_key}/picture.{suffix}"


class Post(models.Model):
    """One message for one or more channels."""

    title = models.CharField(
        _("working title"), max_length=200, help_text=_("Only shown inside the product.")
    )
    text = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    picture = models.ImageField(_("picture"), upload_to=picture_path, blank=True)
    picture_alt = models.CharField(_("picture description"), max_length=500, blank=True)
    picture_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("plan item"),
    )
    theme = models.ForeignKey(
        YearTheme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("theme"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="strategy_posts",
        verbose_name=_("author"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    crisis_publish = models.BooleanField(_("published at once in crisis mode"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The beat task's question: scheduled posts whose minute has come.
            models.Index(
                fields=["scheduled_at"],
                name="post_scheduled_due",
                condition=Q(status="scheduled"),
            ),
            models.Index(fields=["status", "-created_at"], name="post_status_created"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("strategy:post-detail", args=[self.pk])

    @property
    def editable(self):
        return self.status == PostStatus.DRAFT


class PostTarget(models.Model):
    """The post on one channel: the platform's variant of the text and the outcome there."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="targets", verbose_name=_("post")
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="post_targets", verbose_name=_("channel")
    )
    text = models.TextField(
        _("text for this platform"),
        blank=True,
        help_text=_("Leave empty to use the common text."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TargetStatus.choices, default=TargetStatus.WAITING
    )
    outbox_message = models.OneToOneField(
        "moderation.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="post_target",
        verbose_name=_("outbox message"),
    )
    external_id = models.CharField(_("id on the platform"), max_length=200, blank=True)
    permalink = models.URLField(_("address on the platform"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The outbox's reason code (`moderation.models.OutboxFailure`); `failure_text` says it.
    failure = models.CharField(_("why it failed"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("channel of a post")
        verbose_name_plural = _("channels of posts")
        ordering = ["channel__platform", "channel__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="post_target_once"),
        ]
        indexes = [models.Index(fields=["channel", "external_id"], name="post_target_external")]

    def __str__(self):
        return f"{self.post_id} → {self.channel_id}"

    @property
    def platform(self):
        return self.channel.platform

    @property
    def final_text(self):
        return self.text.strip() or self.post.text

    def failure_text(self):
        """Why the platform did not take the post, in the reader's language."""
        if not self.failure:
            return ""
        from moderation.models import OutboxFailure

        own = {
            OutboxFailure.RECONNECT: _("The channel must be connected again (its token expired)."),
            OutboxFailure.NOT_CONNECTED: _("The channel is not connected to its platform."),
            OutboxFailure.UNREACHABLE: _("The platform could not be reached; try again later."),
        }
        if self.failure in own:
            return own[self.failure]
        label = dict(OutboxFailure.choices).get(self.failure)
        return label or _("The platform did not take the post.")


class PostComment(models.Model):
    """A remark on a post while it is prepared and approved (not published)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", verbose_name=_("post")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a post")
        verbose_name_plural = _("comments on posts")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.post_id}: {self.author_id}"
