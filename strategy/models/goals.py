"""What each channel is for, and the measurable goals the municipality sets for its channels."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel


class Purpose(models.TextChoices):
    BRANDING = "branding", _("Branding")
    SERVICE = "service", _("Service")
    INFORMATION = "information", _("Information")
    DIALOGUE = "dialogue", _("Dialogue")
    RECRUITMENT = "recruitment", _("Recruitment")
    CRISIS = "crisis", _("Crisis communication")
    INVOLVEMENT = "involvement", _("Citizen involvement")


class ChannelStrategy(models.Model):
    """The purposes, audiences, content and intended value of one channel."""

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, related_name="strategy", verbose_name=_("channel")
    )
    # A list of Purpose codes: a channel usually serves several purposes at once.
    purposes = models.JSONField(_("purposes"), default=list, blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    content_types = models.TextField(_("content types"), blank=True)
    intended_value = models.TextField(_("value the channel is meant to create"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("channel strategy")
        verbose_name_plural = _("channel strategies")
        ordering = ["channel__platform", "channel__name"]

    def __str__(self):
        return str(self.channel)

    def clean(self):
        known = set(Purpose.values)
        if not isinstance(self.purposes, list) or not set(self.purposes) <= known:
            raise ValidationError({"purposes": _("Choose purposes from the list.")})

    def purpose_labels(self):
        labels = dict(Purpose.choices)
        return [labels[code] for code in self.purposes if code in labels]


class GoalMetric(models.TextChoices):
    FOLLOWERS = "followers", _("Followers")
    OWN_POSTS_PER_MONTH = "own_posts_per_month", _("Own posts per month")
    MEDIAN_ANSWER_MINUTES = "median_answer_minutes", _("Median answer time (minutes)")
    SLA_COMPLIANCE = "sla_compliance", _("SLA compliance (%)")
    ANSWERED_SHARE = "answered_share", _("Share of inquiries answered (%)")
    INTERACTIONS_PER_POST = "interactions_per_post", _("Interactions per own post")
    ENGAGEMENT_RATE = "engagement_rate", _("Interactions per person reached (%)")


# Metrics where a smaller number is the better one.
LOWER_IS_BETTER = frozenset({GoalMetric.MEDIAN_ANSWER_MINUTES})


class Goal(models.Model):
    """A target for one metric by a deadline, on chosen channels (none chosen: all channels)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    metric = models.CharField(_("metric"), max_length=40, choices=GoalMetric.choices)
    channels = models.ManyToManyField(
        Channel,
        blank=True,
        related_name="strategy_goals",
        verbose_name=_("channels"),
        help_text=_("Leave empty for a goal across all channels."),
    )
    target_value = models.FloatField(_("target"))
    baseline_value = models.FloatField(
        _("baseline"),
        null=True,
        blank=True,
        help_text=_("The value when the goal was set; empty: the first measured value."),
    )
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["deadline", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=F("start_date")), name="goal_deadline_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("strategy:goal-detail", args=[self.pk])

    def clean(self):
        if self.start_date and self.deadline and self.deadline <= self.start_date:
            raise ValidationError({"deadline": _("The deadline must come after the start.")})

    @property
    def higher_is_better(self):
        return self.metric not in LOWER_IS_BETTER
