"""Citizens' comments, replies, mentions and messages waiting for the municipality's answer."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Platform
from core.permissions import access_for
from core.permissions.querysets import RestrictQuerySetMixin
from governance.models import Role

from ..personal_data import mask_personal_ids
from .workflow import Forwarding


def masked(text: str) -> str:
    """`text` with personal identification numbers masked (see `QueueItem.masked_text`)."""
    return mask_personal_ids(text) if text else ""


class ItemKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    REPLY = "reply", _("Reply")
    MENTION = "mention", _("Mention")
    MESSAGE = "message", _("Message")


class ItemStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FORWARDED = "forwarded", _("Forwarded")
    # An answer is on its way to the platform: answered only when the platform confirms it.
    SENDING = "sending", _("Sending")
    # The platform did not take the answer: still to be answered, the deadline still running.
    NOT_SENT = "not_sent", _("Not sent")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed without answer")
    REMOVED = "removed", _("Removed")


class Priority(models.IntegerChoices):
    NORMAL = 0, _("Normal")
    HIGH = 1, _("High")
    URGENT = 2, _("Urgent")


OPEN_STATUSES = (
    ItemStatus.NEW,
    ItemStatus.ACKNOWLEDGED,
    ItemStatus.FORWARDED,
    ItemStatus.SENDING,
    ItemStatus.NOT_SENT,
)
# The open statuses as the partial indexes' conditions spell them (the queries must match).
_OPEN_VALUES = [str(status) for status in OPEN_STATUSES]


class QueueItemQuerySet(RestrictQuerySetMixin, models.QuerySet):
    # Seeing an item is the queue's scope; the item rules in rules.py agree with it.
    scoped_actions = {"moderation.view_item": "for_user"}

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
        # Experts see what was forwarded to them or to their department, nothing else.
        forwarded = Forwarding.objects.forwarded_to(access).filter(item=models.OuterRef("pk"))
        visible |= models.Exists(forwarded)
        if units:
            visible |= models.Q(channel__owner_unit_id__in=units)
        return self.filter(visible)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    # The masked copy of the text follows the text on every write path that skips `save()`.
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.masked_text = masked(obj.text)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "text" in fields:
            objs = list(objs)
            for obj in objs:
                obj.masked_text = masked(obj.text)
            fields = [*fields, "masked_text"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if "text" in kwargs:
            if not isinstance(kwargs["text"], str):
                raise TypeError("QueueItem.text can only be updated to a plain string")
            kwargs["masked_text"] = masked(kwargs["text"])
        return super().update(**kwargs)


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
    # The text with personal identification numbers masked, kept with the row whenever the text
    # is written: what every page, export and search reads. Searching `text` instead would let
    # a reader probe a masked number digit by digit.
    masked_text = models.TextField(
        _("text (personal ID numbers masked)"), blank=True, default="", editable=False
    )
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
    # Set by an inbox rule (or a person): shown in the queue and on the item's page.
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    has_personal_data = models.BooleanField(
        _("contains personal data"),
        default=False,
        help_text=_("A personal identification number was found in the text."),
    )
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    # Warning points at 75 % of each target, in the target's own clock.
    first_response_warn_at = models.DateTimeField(
        _("first response warning"), null=True, blank=True
    )
    answer_warn_at = models.DateTimeField(_("answer warning"), null=True, blank=True)
    # The escalation sweep's cursor: the next moment something must happen to this open item
    # (a warning or a breach). Null when nothing is pending.
    next_deadline = models.DateTimeField(_("next deadline"), null=True, blank=True)
    # Per deadline: 0 nothing sent, 1 assignee warned (75 %), 2 breach reported.
    first_response_escalation = models.PositiveSmallIntegerField(
        _("first response escalation"), default=0
    )
    answer_escalation = models.PositiveSmallIntegerField(_("answer escalation"), default=0)
    policy_version = models.ForeignKey(
        "governance.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("judged by policy version"),
    )
    # Set while the deadlines are the crisis period's tightened ones (from intake during the
    # period, or from re-judging the open items when it started); cleared when it ends.
    crisis = models.ForeignKey(
        "moderation.CrisisPeriod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("judged by crisis targets"),
        db_index=False,
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
        indexes = [
            models.Index(fields=["status", "answer_due"]),
            # The queue's keyset order, and the sweep's "what is due now" scan.
            models.Index(
                fields=["next_deadline", "id"],
                name="queue_item_open_next_deadline",
                condition=models.Q(status__in=_OPEN_VALUES),
            ),
            models.Index(fields=["answer_due", "received_at", "id"], name="queue_item_queue_order"),
            # The queue page's keyset order over the open items: a page, first or deep, reads
            # its 51 rows from the cursor on.
            models.Index(
                fields=["answer_due", "id"],
                name="queue_item_open_answer_due",
                condition=models.Q(status__in=_OPEN_VALUES),
            ),
            models.Index(fields=["author_external_id"], name="queue_item_author"),
            models.Index(fields=["thread_external_id"], name="queue_item_thread"),
            # Replies still waiting for their parent to be stored: a new batch links them
            # without scanning the table (only such orphans are in the index).
            models.Index(
                fields=["platform", "parent_external_id"],
                name="queue_item_orphan_reply",
                condition=models.Q(parent__isnull=True) & ~models.Q(parent_external_id=""),
            ),
            # Nearly every row has no crisis: a partial index costs the intake nothing.
            models.Index(
                fields=["crisis"],
                name="queue_item_crisis",
                condition=models.Q(crisis__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} {self.external_id}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # A row loaded without its text is not changing it: nothing to mask again.
        if (update_fields is None and "text" not in self.get_deferred_fields()) or (
            update_fields is not None and "text" in update_fields
        ):
            self.masked_text = masked(self.text)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "masked_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("moderation:item-detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES
