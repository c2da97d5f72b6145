"""Where a team hears of its work in the chat it already uses: a Microsoft Teams channel (through
a Workflows webhook or a classic incoming webhook) or a Slack channel (incoming webhook).

The URL is a secret (whoever holds it can post in the channel): it is stored encrypted with the
tokens' key (`accounts.crypto`) and shown masked. Deliveries run in Celery tasks
(`moderation.alerts`); the row keeps the last outcome so the settings page can show it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.permissions import access_for
from governance.models import Language


class AlertKind(models.TextChoices):
    TEAMS_WORKFLOW = "teams_workflow", _("Microsoft Teams (Workflows webhook)")
    TEAMS_INCOMING_WEBHOOK = "teams_incoming_webhook", _("Microsoft Teams (incoming webhook)")
    SLACK = "slack", _("Slack (incoming webhook)")


class AlertEvent(models.TextChoices):
    NEW_ITEM = "new_item", _("New items for the monitor on duty")
    SLA_WARNING = "sla_warning", _("Deadline approaching")
    SLA_BREACH = "sla_breach", _("Deadline passed")
    CRISIS = "crisis", _("Crisis mode on and off")


class DeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    RETRYING = "retrying", _("Trying again")
    FAILED = "failed", _("Not delivered")
    DISABLED = "disabled", _("Switched off after a permanent error")


class AlertHookQuerySet(models.QuerySet):
    def for_user(self, user):
        """The destinations `user` manages: every one for the communications lead and the
        system administrator, those of the units in their centres for a centre manager."""
        access = access_for(user)
        if access.is_comms_lead:
            return self
        if access.managed_unit_ids:
            return self.filter(unit_id__in=access.managed_unit_ids)
        return self.none()


class AlertHook(models.Model):
    unit = models.ForeignKey(
        "governance.OrgUnit",
        on_delete=models.CASCADE,
        related_name="alert_hooks",
        verbose_name=_("team"),
    )
    name = models.CharField(
        _("name"), max_length=120, help_text=_("Where the messages go, e.g. the channel's name.")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    # Changed through `alert_actions` only: encrypted at rest, never shown again in full.
    url_encrypted = models.TextField(_("webhook URL (encrypted)"), editable=False)
    url_hint = models.CharField(_("webhook URL"), max_length=200, editable=False)
    events = models.JSONField(_("events"), default=list)
    language = models.CharField(
        _("language of the messages"), max_length=5, choices=Language.choices
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    last_status = models.CharField(
        _("last delivery"), max_length=20, choices=DeliveryStatus.choices, blank=True
    )
    last_status_at = models.DateTimeField(_("last delivery at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AlertHookQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert destination")
        verbose_name_plural = _("alert destinations")
        ordering = ["unit__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="alert_hook_unique_name_in_unit")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.name}"

    def get_events_display(self):
        labels = dict(AlertEvent.choices)
        return [labels[event] for event in AlertEvent.values if event in self.events]
