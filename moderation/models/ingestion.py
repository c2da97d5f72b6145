"""Rows of the ingestion side: the outbox of writes waiting to reach a platform."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    HIDE = "hide", _("Hide")
    UNHIDE = "unhide", _("Unhide")
    DELETE = "delete", _("Delete")
    POST = "post", _("Post")
    # A reply telling the author why their item is removed: not the item's answer.
    NOTICE = "notice", _("Notice to the author")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # A post the platform's API cannot publish (Instagram, YouTube): a person posts it.
    MANUAL = "manual", _("To be posted by hand")


class OutboxFailure(models.TextChoices):
    """Why a write ended failed, in words for the people who act on it."""

    RECONNECT = (
        "reconnect",
        _(
            "The platform no longer accepts the channel's connection (expired or revoked access). "
            "Reconnect the channel, then try again."
        ),
    )
    NOT_ALLOWED = "not_allowed", _("The platform does not allow this for this item.")
    NOT_SUPPORTED = "not_supported", _("The platform cannot do this for this kind of item.")
    DUPLICATE = "duplicate", _("The platform refused the text as a duplicate of an earlier one.")
    GONE = (
        "gone",
        _(
            "The item can no longer be answered or changed on the platform (it may be hidden or "
            "deleted)."
        ),
    )
    WINDOW_CLOSED = (
        "window_closed",
        _("The platform's time for answering this message has run out."),
    )
    REFUSED = "refused", _("The platform refused it.")
    UNREACHABLE = "unreachable", _("The platform did not answer, even after several attempts.")
    NOT_CONNECTED = "not_connected", _("The channel is not connected to its platform account.")
    AUTHOR_NOT_TOLD = (
        "author_not_told",
        _("The message to the author could not be sent first, so this was not done."),
    )


class OutboxMessage(models.Model):
    """One write to a platform, recorded in the transaction that decided it and sent after
    commit. The idempotency key makes a repeated request (a double click, a retried task) one
    write."""

    kind = models.CharField(_("kind"), max_length=10, choices=OutboxKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    channel = models.ForeignKey(
        "accounts.Channel",
        on_delete=models.PROTECT,
        related_name="outbox_messages",
        verbose_name=_("channel"),
    )
    item = models.ForeignKey(
        "moderation.QueueItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("queue item"),
    )
    text = models.TextField(_("text"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Set when an attempt may have reached the platform although no answer came back: the
    # next attempt must look for the earlier reply before posting again.
    outcome_unknown = models.BooleanField(_("outcome unknown"), default=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    result_external_id = models.CharField(
        _("platform id of the result"), max_length=255, blank=True
    )
    # A published post's public address, where the platform returns one (Instagram's
    # `permalink`); others are derived from the id.
    result_permalink = models.CharField(_("address of the result"), max_length=500, blank=True)
    # What a post carries besides its text: `link` (a URL) and `image_url` (a public address
    # the platform fetches the picture from) with `image_name` (the stored file, for platforms
    # that take the picture's bytes).
    attachments = models.JSONField(_("attachments"), default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Why the write failed, for people (`last_error` is the platform's own words, for the log).
    failure = models.CharField(
        _("why it failed"), max_length=20, choices=OutboxFailure.choices, blank=True
    )
    # The removal reason code of a hide or delete (the removals report counts by it).
    reason = models.CharField(_("removal reason"), max_length=50, blank=True)
    # A write that must wait until another reached the platform (the author's notice before
    # the deletion); it fails if that one failed.
    waits_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waiting",
        verbose_name=_("waits for"),
    )

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.idempotency_key} ({self.status})"

    @property
    def failure_text(self):
        """Why it failed, in the reader's language (a generic sentence for older rows)."""
        if self.failure:
            return self.get_failure_display()
        return OutboxFailure.REFUSED.label


class ApiQuotaDay(models.Model):
    """What the product spent of a platform's daily API quota on one day of that quota's own
    clock (YouTube: a Pacific-time day, for the Google Cloud project all YouTube channels share).
    Kept by the poller and the outbox; the polling budget and the channel page read it."""

    platform = models.CharField(_("platform"), max_length=20)
    day = models.DateField(_("quota day"))
    units_read = models.PositiveIntegerField(_("units spent on reading"), default=0)
    units_written = models.PositiveIntegerField(
        _("units spent on replies and moderation"), default=0
    )
    polls = models.PositiveIntegerField(_("polls"), default=0)
    # Listening (the `listening` app): units its reads spent (videos.list), kept apart so the
    # polls' average cost stays the polls' own, and search.list calls, which the documentation
    # counts in a daily bucket of their own.
    units_listening = models.PositiveIntegerField(_("units spent on listening"), default=0)
    search_calls = models.PositiveIntegerField(_("search calls"), default=0)
    # When the platform answered that the day's quota is spent: nothing more until it resets.
    exhausted_at = models.DateTimeField(_("quota exhausted"), null=True, blank=True)

    class Meta:
        verbose_name = _("API quota day")
        verbose_name_plural = _("API quota days")
        constraints = [
            models.UniqueConstraint(fields=["platform", "day"], name="api_quota_day_unique")
        ]

    def __str__(self):
        return f"{self.platform} {self.day}"

    @property
    def units_used(self) -> int:
        return self.units_read + self.units_written + self.units_listening
