"""The yearly plan: themes for the year and the actions and campaigns planned on the channels."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Channel


class YearTheme(models.Model):
    """A content theme the municipality communicates about for a period of the year."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))

    class Meta:
        verbose_name = _("theme of the year")
        verbose_name_plural = _("themes of the year")
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="year_theme_end_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot come before the start.")})


class PlanItemKind(models.TextChoices):
    # "Action" alone is ambiguous in translation (an admin action, a user action).
    ACTION = "action", pgettext_lazy("plan item kind", "Action")
    CAMPAIGN = "campaign", pgettext_lazy("plan item kind", "Campaign")


class PlanItem(models.Model):
    """A planned action or campaign, on chosen channels (none chosen: across all channels)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PlanItemKind.choices, default=PlanItemKind.ACTION
    )
    theme = models.ForeignKey(
        YearTheme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("theme"),
    )
    channels = models.ManyToManyField(
        Channel,
        blank=True,
        related_name="plan_items",
        verbose_name=_("channels"),
        help_text=_("Leave empty for an activity across all channels."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategy_plan_items",
        verbose_name=_("owner"),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    # Stable identity for calendar subscribers: an edited activity updates the same event.
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["start_date", "end_date", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="plan_item_end_after_start"
            )
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot come before the start.")})
