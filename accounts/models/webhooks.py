"""Whether Meta sends a channel's webhooks: the app's subscription on the channel's Facebook Page
(for Instagram, the Page the account is linked to), what it covers, why it failed, and when the
last delivery for the channel arrived."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .connection import ChannelConnection

# The webhook fields in words (the platforms' own names stay in brackets for whoever sets up the
# app).
FIELD_LABELS = {
    "feed": _("comments and posts (feed)"),
    "messages": _("messages (messages)"),
    "comments": _("comments (comments)"),
    "mentions": _("mentions (mentions)"),
}


def field_labels(fields) -> list[str]:
    return [str(FIELD_LABELS.get(name, name)) for name in fields or ()]


class WebhookStatus(models.TextChoices):
    OFF = "off", _("Not subscribed")
    PENDING = "pending", _("Being switched on")
    ACTIVE = "active", _("Subscribed")
    FAILED = "failed", _("Subscription failed")


class WebhookProblem(models.TextChoices):
    """Why the subscription failed or covers less than asked: what the people can do about it."""

    NONE = "", _("No problem")
    PERMISSION = "permission", _("The token lacks a permission the subscription needs")
    MESSAGING_PERMISSION = (
        "messaging_permission",
        _(
            "The token lacks the messaging permission: comments come by webhook, messages "
            "by polling"
        ),
    )
    TOKEN = "token", _("The platform no longer accepts the token")
    THROTTLED = "throttled", _("The platform is limiting calls for now")
    UNAVAILABLE = "unavailable", _("The platform could not be reached")
    REFUSED = "refused", _("The platform refused the subscription")
    NOT_CONNECTED = "not_connected", _("The channel has no stored token")


class WebhookSubscription(models.Model):
    """One channel connection's webhook subscription on its Page."""

    connection = models.OneToOneField(
        ChannelConnection,
        on_delete=models.CASCADE,
        related_name="webhook_subscription",
        verbose_name=_("channel connection"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=WebhookStatus.choices, default=WebhookStatus.OFF
    )
    # The Page fields subscribed, and what the platform delivers for the channel through them
    # (for Instagram, the app's Instagram fields).
    fields = models.JSONField(_("subscribed fields"), default=list, blank=True)
    delivered_fields = models.JSONField(_("delivered fields"), default=list, blank=True)
    # Fields asked for but left out (the messaging permission is missing).
    missing_fields = models.JSONField(_("fields left out"), default=list, blank=True)
    problem = models.CharField(
        _("problem"), max_length=30, choices=WebhookProblem.choices, default="", blank=True
    )
    detail = models.TextField(_("the platform's message"), blank=True)
    subscribed_at = models.DateTimeField(_("subscribed since"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_delivery_at = models.DateTimeField(_("last webhook delivery"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return f"{self.connection} ({self.status})"

    def field_labels(self):
        return field_labels(self.fields)

    def delivered_labels(self):
        return field_labels(self.delivered_fields)

    def missing_labels(self):
        return field_labels(self.missing_fields)
