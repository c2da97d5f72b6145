"""The audit trail: one append-only row per action taken, with who, when, why and the rule
version. Rows are written by the actions (inside their transaction) and never changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.append_only import AppendOnlyError, AppendOnlyQuerySet


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty for actions the system took by itself."),
    )
    action = models.CharField(_("action"), max_length=50, db_index=True)
    item = models.ForeignKey(
        "moderation.QueueItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("queue item"),
    )
    channel = models.ForeignKey(
        "accounts.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("channel"),
    )
    reason = models.CharField(_("reason code"), max_length=50, blank=True)
    note = models.TextField(_("why"), blank=True)
    policy_version = models.ForeignKey(
        "governance.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("policy version"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    # The database refuses changes too (migration 0008, see governance.append_only).
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")
