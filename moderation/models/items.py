"""Citizens' comments, replies, mentions and messages waiting for the municipality's answer."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Platform
from governance.models import Role
from governance.permissions import access_for


class ItemKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    REPLY = "reply", _("Reply")
    MENTION = "mention", _("Mention")
    MESSAGE = "message", _("Message")


class ItemStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FORWARDED = "forwarded", _("Forwarded")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed without answer")
    REMOVED = "removed", _("Removed")


OPEN_STATUSES = (ItemStatus.NEW, ItemStatus.ACKNOWLEDGED, ItemStatus.FORWARDED)


class QueueItemQuerySet(models.QuerySet):
    def for_user(self, user):
        """The items `user` may see: the team all; managers their centre; editors and monitors
        their units' channels; experts what was put in their hands."""
        access = access_for(user)
        if access.sees_everything:
            return self
        if not access.is_member:
            return self.none()
        units = access.unit_ids(Role.CHANNEL_EDITOR, Role.ON_DUTY_MONITOR) | set(
            access.managed_unit_ids
        )
        visible = models.Q(assigned_to_id=access.user_id)
        if units:
            visible |= models.Q(channel__owner_unit_id__in=units)
        return self.filter(visible)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class QueueItem(models.Model):
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="items", verbose_name=_("channel")
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    external_id = models.CharField(_("platform id"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    parent_external_id = models.CharField(_("parent platform id"), max_length=255, blank=True)
    # The post (or video, or conversation) the item belongs to on the platform: its thread.
    thread_external_id = models.CharField(_("thread platform id"), max_length=255, blank=True)
    author_name = models.CharField(_("author"), max_length=255, blank=True)
    author_external_id = models.CharField(_("author platform id"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    permalink = models.URLField(_("permalink"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created on the platform"))
    received_at = models.DateTimeField(_("received"), db_index=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    answer_due = models.DateTimeField(_("answer due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.NEW
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_items",
        verbose_name=_("assigned to"),
    )
    hidden_on_platform = models.BooleanField(_("hidden on the platform"), default=False)
    policy_version = models.ForeignKey(
        "governance.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("judged by policy version"),
    )
    raw = models.JSONField(_("raw payload"), default=dict, blank=True)

    objects = QueueItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("queue item")
        verbose_name_plural = _("queue items")
        ordering = ["answer_due", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="queue_item_unique_platform_id"
            )
        ]
        indexes = [models.Index(fields=["status", "answer_due"])]

    def __str__(self):
        return f"{self.get_platform_display()} {self.external_id}"

    def get_absolute_url(self):
        return reverse("moderation:item-detail", args=[self.pk])
