"""Inbox rules: labels, the rules that label, assign, route, prioritise, close or hide new items
by their content, every version of each rule, and what each rule did to each item.

A rule's definition (`conditions`, `actions`) is JSON checked by `moderation.inbox_rules`
(`clean_definition`); every change writes a `RuleVersion` with the whole definition, so a
`RuleHit` names the exact version that acted. Rules are never deleted, only archived: their
hits and versions stay readable.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyModel


class LabelColour(models.TextChoices):
    BLUE = "blue", _("Blue")
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    PURPLE = "purple", _("Purple")
    GREY = "grey", _("Grey")


class Label(models.Model):
    """A word the team puts on items ("Parking", "Praise") to find and count them."""

    municipality = models.ForeignKey(
        "governance.Municipality", on_delete=models.CASCADE, related_name="labels"
    )
    name = models.CharField(_("name"), max_length=60)
    colour = models.CharField(
        _("colour"), max_length=10, choices=LabelColour.choices, default=LabelColour.BLUE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    items = models.ManyToManyField(
        "moderation.QueueItem",
        through="moderation.ItemLabel",
        related_name="labels",
        verbose_name=_("items"),
    )

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="label_unique_name")
        ]

    def __str__(self):
        return self.name


class ItemLabel(models.Model):
    """A label on an item: put there by a rule (`rule`) or by a person (`added_by`)."""

    item = models.ForeignKey(
        "moderation.QueueItem", on_delete=models.CASCADE, related_name="item_labels"
    )
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="item_labels")
    rule = models.ForeignKey(
        "moderation.InboxRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("item label")
        verbose_name_plural = _("item labels")
        constraints = [models.UniqueConstraint(fields=["item", "label"], name="item_label_unique")]
        indexes = [models.Index(fields=["label", "added_at"], name="item_label_month")]

    def __str__(self):
        return f"{self.label_id} on {self.item_id}"


class InboxRuleQuerySet(models.QuerySet):
    def live(self):
        """The rules not archived, in the order they run."""
        return self.filter(archived_at__isnull=True).order_by("order", "pk")


class InboxRule(models.Model):
    """Conditions on a new item and what to do when all of them hold."""

    municipality = models.ForeignKey(
        "governance.Municipality", on_delete=models.CASCADE, related_name="inbox_rules"
    )
    name = models.CharField(_("name"), max_length=120)
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=dict, blank=True)
    # The newest version's number and row: a hit names the version that acted.
    version = models.PositiveIntegerField(_("version"), default=0)
    current_version = models.ForeignKey(
        "moderation.RuleVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = InboxRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbox rule")
        verbose_name_plural = _("inbox rules")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class RuleChange(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    ENABLED = "enabled", _("Enabled")
    DISABLED = "disabled", _("Disabled")
    MOVED = "moved", _("Moved")
    ARCHIVED = "archived", _("Archived")


class RuleVersion(AppendOnlyModel):
    """One saved state of a rule, written at every change and never changed afterwards."""

    rule = models.ForeignKey(InboxRule, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=20, choices=RuleChange.choices)
    name = models.CharField(_("name"), max_length=120)
    enabled = models.BooleanField(_("enabled"))
    order = models.PositiveIntegerField(_("order"))
    conditions = models.JSONField(_("conditions"), default=dict)
    actions = models.JSONField(_("actions"), default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["rule", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="rule_version_unique")
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"


class RuleAction(models.TextChoices):
    LABEL = "label", _("Add labels")
    ASSIGN = "assign", _("Assign")
    SUGGEST_FORWARD = "suggest_forward", _("Suggest forwarding")
    FORWARD = "forward", _("Forward")
    PRIORITY = "priority", _("Set the priority")
    CLOSE = "close", _("Close")
    HIDE = "hide", _("Hide")
    SUGGEST_HIDE = "suggest_hide", _("Suggest hiding")


class HitOutcome(models.TextChoices):
    DONE = "done", _("Done")
    SUGGESTED = "suggested", _("Suggested")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class RuleHit(models.Model):
    """What one rule (in one version) did to one item, or why it could not."""

    item = models.ForeignKey(
        "moderation.QueueItem", on_delete=models.CASCADE, related_name="rule_hits"
    )
    rule = models.ForeignKey(InboxRule, on_delete=models.PROTECT, related_name="hits")
    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="hits")
    action = models.CharField(_("action"), max_length=20, choices=RuleAction.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=HitOutcome.choices)
    # What exactly: label ids, the person, the department, the reason code; or the refusal.
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    message = models.CharField(_("why not"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("rule hit")
        verbose_name_plural = _("rule hits")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "rule", "action"], name="rule_hit_unique")
        ]

    def __str__(self):
        return f"{self.rule_id}:{self.action} on {self.item_id}"
