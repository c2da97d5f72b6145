"""The audit trail: one append-only row per action taken, with who, when, why, the rule version
and the changed fields' values before and after. Rows are written by the actions (inside their
transaction, through `audit.record`) and never changed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyModel, AppendOnlyQuerySet


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def history_of(self, obj):
        """The rows about `obj` itself (a channel's steps, not its items'), newest first."""
        return self.filter(object_type=obj._meta.label_lower, object_id=obj.pk).order_by(
            "-at", "-id"
        )


class AuditEntry(AppendOnlyModel):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
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
    # The changed object, as "app_label.model" and primary key (a label, not a content type:
    # writing a row must not cost a content-type lookup).
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
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
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The web request the action ran in (empty for tasks, commands and the sweeps).
    request_id = models.UUIDField(_("request id"), null=True, blank=True, db_index=True)

    # The database refuses changes too (migration 0001, see core.append_only).
    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def changes(self):
        """The changed fields as (field, before, after), in the order the action wrote them."""
        names = list(self.after) + [name for name in self.before if name not in self.after]
        return [(name, self.before.get(name), self.after.get(name)) for name in names]
