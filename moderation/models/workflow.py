"""The answer routine around a queue item: forwarding to experts, canned answers, notices to
authors before a removal, and crisis periods with tighter answer times."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Platform
from core.permissions import Access, access_for
from governance.models import Language, Role


class ForwardingStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the expert")
    ANSWERED = "answered", _("Answer sent back")
    # The team's reply carrying the answer waits for the platform (`posted_with`); the platform's
    # outcome moves it on: posted once confirmed, "not sent" (with the platform's reason, the
    # answer ready to be sent again) when refused.
    SENDING = "sending", _("Answer being posted")
    POSTED = "posted", _("Answer posted")
    NOT_SENT = "not_sent", _("Answer not sent")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The expert's answer is ready for the team's reply: sent back, or refused by the platform and
# to be sent again.
ANSWER_READY = (ForwardingStatus.ANSWERED, ForwardingStatus.NOT_SENT)


class ForwardingQuerySet(models.QuerySet):
    def forwarded_to(self, user):
        """The forwardings `user` answers: named to them, or to a department where they are an
        expert with no expert named. The one home of "forwarded to me": the expert's page and
        API, the item rules and the queue's scoping all read it. `user` may be an `Access`."""
        access = user if isinstance(user, Access) else access_for(user)
        if access.user_id is None:
            return self.none()
        mine = models.Q(to_user_id=access.user_id)
        units = access.unit_ids(Role.DEPARTMENT_EXPERT)
        if units:
            mine |= models.Q(to_unit_id__in=units, to_user__isnull=True)
        return self.filter(mine)


class Forwarding(models.Model):
    """A question put in a department's or an expert's hands, with an internal deadline.

    The internal deadline escalates like an item's SLA (see `moderation.escalation`): at the
    reminder point (75 % of the expert's time) the expert is reminded, at the deadline the
    expert, the person who forwarded it and the item's assignee hear that the answer is late.
    """

    item = models.ForeignKey(
        "moderation.QueueItem", on_delete=models.CASCADE, related_name="forwardings"
    )
    to_unit = models.ForeignKey(
        "governance.OrgUnit",
        on_delete=models.PROTECT,
        related_name="forwarded_items",
        verbose_name=_("department"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_items",
        verbose_name=_("expert"),
    )
    note = models.TextField(_("note to the expert"), blank=True)
    due_at = models.DateTimeField(_("internal deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=ForwardingStatus.choices, default=ForwardingStatus.OPEN
    )
    # None: forwarded by an inbox rule (the audit row and the rule's hit say which).
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("forwarded"), auto_now_add=True)
    answer_text = models.TextField(_("expert's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The reminder point: 75 % of the expert's time, counted on the opening-hours clock.
    warn_at = models.DateTimeField(_("expert reminded at"), null=True, blank=True)
    # 0 nothing sent, 1 expert reminded, 2 lateness reported.
    escalation = models.PositiveSmallIntegerField(_("escalation"), default=0)
    # The team's reply that carries (or last carried) the answer to the platform.
    posted_with = models.ForeignKey(
        "moderation.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forwardings_carried",
        verbose_name=_("reply carrying the answer"),
    )
    # The escalation sweep's cursor: the next reminder or deadline still to act on while the
    # question waits for the expert; null when nothing is pending.
    next_deadline = models.DateTimeField(_("next checkpoint"), null=True, blank=True)

    objects = ForwardingQuerySet.as_manager()

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["-forwarded_at", "-id"]
        indexes = [
            models.Index(fields=["to_user", "status"], name="forwarding_expert"),
            models.Index(fields=["to_unit", "status"], name="forwarding_unit"),
            # The sweep's "what is due now" scan over questions still waiting for the expert.
            models.Index(
                fields=["next_deadline", "id"],
                name="forwarding_open_next_deadline",
                condition=models.Q(status="open"),
            ),
        ]

    def __str__(self):
        return f"{self.item_id} → {self.to_unit_id}"

    @property
    def is_open(self):
        return self.status == ForwardingStatus.OPEN

    @property
    def not_sent_reason(self):
        """Why the platform did not take the reply carrying the answer, in the reader's
        language; empty unless the answer is "not sent"."""
        if self.status != ForwardingStatus.NOT_SENT or self.posted_with is None:
            return ""
        return str(self.posted_with.failure_text)

    @property
    def masked_answer_text(self):
        """The expert's answer with personal ID numbers masked: what pages and the API show."""
        from ..personal_data import mask_personal_ids

        return mask_personal_ids(self.answer_text) if self.answer_text else ""

    def internal_state(self, now):
        """Where the internal deadline stands: "met", "late" (answered after the deadline),
        "overdue", "due_soon" (past the reminder point), "waiting", or "" once withdrawn."""
        if self.status == ForwardingStatus.WITHDRAWN:
            return ""
        if self.answered_at is not None:
            return "met" if self.answered_at <= self.due_at else "late"
        if self.due_at <= now:
            return "overdue"
        if self.warn_at is not None and self.warn_at <= now:
            return "due_soon"
        return "waiting"


class CannedAnswer(models.Model):
    """A prepared reply for a common case, picked and edited before posting. Its text may hold
    placeholders (`moderation.canned.PLACEHOLDERS`: the author's name, the channel, the
    municipality) that the reply form fills in. Blank language or platform: for any."""

    municipality = models.ForeignKey(
        "governance.Municipality", on_delete=models.CASCADE, related_name="canned_answers"
    )
    code = models.SlugField(_("code"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty for an answer in any language."),
    )
    platform = models.CharField(
        _("platform"),
        max_length=20,
        choices=Platform.choices,
        blank=True,
        help_text=_("Leave empty to offer it on every platform."),
    )
    # The answer suggested when an item exposes a personal identification number.
    for_personal_data = models.BooleanField(_("suggest for personal data"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")
        ordering = ["order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code", "language", "platform"],
                name="canned_answer_code",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        from ..canned import placeholder_errors

        problems = placeholder_errors(self.text or "")
        if problems:
            raise ValidationError({"text": problems})


class AuthorNotice(models.Model):
    """The author was told why their post is being removed: the precondition of a deletion."""

    item = models.ForeignKey(
        "moderation.QueueItem", on_delete=models.CASCADE, related_name="author_notices"
    )
    reason = models.ForeignKey(
        "governance.RemovalReason", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("message to the author"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("told"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice to the author")
        verbose_name_plural = _("notices to authors")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.item_id}: {self.reason_id}"


class CrisisPeriod(models.Model):
    """A period of crisis mode for a municipality: tighter targets, everyone on the team on duty."""

    municipality = models.ForeignKey(
        "governance.Municipality", on_delete=models.CASCADE, related_name="crisis_periods"
    )
    reason = models.TextField(_("reason"))
    target_percent = models.PositiveSmallIntegerField(
        _("answer times in per cent of normal"),
        default=25,
        help_text=_("25 means a 24-hour target becomes 6 hours."),
    )
    round_the_clock = models.BooleanField(
        _("round the clock"),
        default=True,
        help_text=_("Count every hour, not only opening hours or weekdays."),
    )
    started_at = models.DateTimeField(_("started"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How many open items were re-judged when the period started (deadlines tightened) and
    # when it ended (back on the normal answer times); the audit entries say the same.
    tightened_items = models.PositiveIntegerField(_("open items tightened"), default=0)
    restored_items = models.PositiveIntegerField(_("open items restored"), default=0)

    class Meta:
        verbose_name = _("crisis period")
        verbose_name_plural = _("crisis periods")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=models.Q(ended_at__isnull=True),
                name="crisis_one_open_period",
            ),
            models.CheckConstraint(
                condition=models.Q(target_percent__gte=1, target_percent__lte=100),
                name="crisis_target_percent_range",
            ),
        ]

    def __str__(self):
        return f"{self.municipality_id} {self.started_at:%Y-%m-%d %H:%M}"
