"""In-app notifications (SLA warnings, breaches, forwarded questions); each may also go out by
e-mail, recorded when sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    SLA_WARNING = "sla_warning", _("Deadline approaching")
    SLA_BREACH = "sla_breach", _("Deadline passed")
    FORWARDED = "forwarded", _("Question forwarded to you")
    ANSWER_RETURNED = "answer_returned", _("Expert answer ready for review")
    ASSIGNED = "assigned", _("Item assigned to you")
    CRISIS = "crisis", _("Crisis mode")
    CHANNEL_RECONNECT = "channel_reconnect", _("Channel needs reconnecting")
    FORWARD_REMINDER = "forward_reminder", _("Internal deadline approaching")
    FORWARD_LATE = "forward_late", _("Expert's answer is late")
    NOT_SENT = "not_sent", _("The platform did not take an action")
    POST_REVIEW = "post_review", _("A post waits for your approval")
    POST_DECIDED = "post_decided", _("Your post was approved or rejected")
    POST_PUBLISHED = "post_published", _("A post was published")
    ALERT_HOOK_OFF = "alert_hook_off", _("Alert destination switched off")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    item = models.ForeignKey(
        "moderation.QueueItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.user_id} {self.kind}"
