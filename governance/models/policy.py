"""Policies with versions, and the structured rules of a version that the system enforces.

The numbers a policy states (answer times per platform and item kind, removal reasons, the
inactivity limit) live here as data of the adopted version; the SLA engine and moderation read
them through `governance.policy`, and each queue item keeps the version it was judged by.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .organisation import Language, Municipality


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


class Clock(models.TextChoices):
    CALENDAR = "calendar", _("Calendar time")
    WEEKDAYS = "weekdays", _("Weekdays")
    OPENING_HOURS = "opening_hours", _("Opening hours")


class ItemKindChoice(models.TextChoices):
    """Kinds of queue item an answer-time rule can target ("any" matches all)."""

    ANY = "any", _("Any kind")
    COMMENT = "comment", _("Comment")
    REPLY = "reply", _("Reply")
    MENTION = "mention", _("Mention")
    MESSAGE = "message", _("Message")


class Policy(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="policies"
    )
    title = models.CharField(_("title"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sub_policies",
        verbose_name=_("parent policy"),
    )
    governs_social_media = models.BooleanField(
        _("governs social media"),
        default=False,
        help_text=_("Its version in force supplies the answer times and removal reasons."),
    )

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["title"]

    def __str__(self):
        return self.title


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    adopted_by = models.CharField(_("adopting body"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adoption date"), null=True, blank=True)
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("E.g. a council decision number.")
    )
    in_force_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    inactivity_limit_days = models.PositiveIntegerField(
        _("inactivity limit (days)"),
        default=90,
        help_text=_("A page with no own post for this long is flagged dormant."),
    )
    change_note = models.TextField(
        _("what changed"), blank=True, help_text=_("A short note to readers on this version.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique"),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status="adopted"),
                name="policy_one_adopted_version",
            ),
        ]

    def __str__(self):
        return f"{self.policy} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_changed_rules(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def is_draft(self):
        return self.status == PolicyStatus.DRAFT

    def require_draft(self):
        """Only a draft's rules may change: items judged by an adopted or superseded version
        keep the answer times and removal reasons they name. Raises ValidationError."""
        if not self.is_draft:
            raise _not_a_draft(self.number, self.status)

    def _refuse_changed_rules(self, update_fields):
        # Adoption moves versions on (draft, adopted, superseded); a version that has left the
        # draft state keeps its inactivity limit and never becomes a draft again.
        fields = {"status", "inactivity_limit_days"}
        if update_fields is not None and not fields & set(update_fields):
            return
        stored = type(self).objects.filter(pk=self.pk).values(*fields).first()
        if stored is None or stored["status"] == PolicyStatus.DRAFT:
            return
        if (
            self.status == PolicyStatus.DRAFT
            or self.inactivity_limit_days != stored["inactivity_limit_days"]
        ):
            raise _not_a_draft(self.number, stored["status"])


def _not_a_draft(number, status):
    return ValidationError(
        gettext("Version %(number)s is %(status)s; only drafts can be changed.")
        % {"number": number, "status": PolicyStatus(status).label.lower()},
        code="conflict",
    )


class VersionRuleQuerySet(models.QuerySet):
    """Rules and text of a policy version: only a draft's may be updated or deleted (also in
    bulk).

    Creating rules is left open: a version is set up with its rules in one go (the demo, data
    imports); the admin and the editing pages add rules to drafts only.
    """

    def update(self, **kwargs):
        self._require_drafts()
        return super().update(**kwargs)

    def delete(self):
        self._require_drafts()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def _require_drafts(self):
        frozen = (
            PolicyVersion.objects.filter(pk__in=self.values("version_id"))
            .exclude(status=PolicyStatus.DRAFT)
            .first()
        )
        if frozen is not None:
            frozen.require_draft()


class VersionRule(models.Model):
    """A part of one policy version (a structured rule, a section of its text, a value) that
    is frozen with it once it is adopted."""

    objects = VersionRuleQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._require_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._require_draft()
        return super().delete(*args, **kwargs)

    def _require_draft(self):
        # The stored row's version and the one it would move to must both be drafts.
        stored = type(self).objects.filter(pk=self.pk).values("version_id")
        versions = PolicyVersion.objects.filter(Q(pk=self.version_id) | Q(pk__in=stored))
        frozen = versions.exclude(status=PolicyStatus.DRAFT).first()
        if frozen is not None:
            frozen.require_draft()


class AnswerTimeRule(VersionRule):
    """How fast items of one platform and kind must get a first response and an answer."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="answer_time_rules"
    )
    platform = models.CharField(_("platform"), max_length=20)
    item_kind = models.CharField(
        _("item kind"), max_length=20, choices=ItemKindChoice.choices, default=ItemKindChoice.ANY
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), null=True, blank=True
    )
    first_response_clock = models.CharField(
        _("first response clock"), max_length=20, choices=Clock.choices, default=Clock.CALENDAR
    )
    answer_minutes = models.PositiveIntegerField(_("answer within (minutes)"))
    answer_clock = models.CharField(
        _("answer clock"), max_length=20, choices=Clock.choices, default=Clock.CALENDAR
    )

    class Meta(VersionRule.Meta):
        verbose_name = _("answer-time rule")
        verbose_name_plural = _("answer-time rules")
        ordering = ["platform", "item_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "platform", "item_kind"], name="answer_time_rule_unique"
            )
        ]

    def __str__(self):
        return f"{self.platform}/{self.item_kind}: {self.answer_minutes} min ({self.answer_clock})"

    def clean(self):
        errors = answer_time_errors(
            self.first_response_minutes,
            self.first_response_clock,
            self.answer_minutes,
            self.answer_clock,
        )
        if errors:
            raise ValidationError(errors)


# How much of the week each clock runs: the calendar clock always, the weekdays clock on open
# weekdays, the opening-hours clock only in opening hours (a subset of the weekdays clock for a
# calendar without weekend opening hours).
_CLOCK_RUNS = {Clock.CALENDAR: 2, Clock.WEEKDAYS: 1, Clock.OPENING_HOURS: 0}


def answer_time_errors(first_minutes, first_clock, answer_minutes, answer_clock) -> dict:
    """What is wrong with an answer-time rule, by field; empty when nothing is.

    The one home of the rule that a first response is never due after the answer, whatever the
    received time: the rule's form page and the admin reach it through `AnswerTimeRule.clean`,
    adoption (page and API) checks every rule of the version with it. It holds when the first
    response takes no more minutes than the answer, counted on a clock that runs at least
    whenever the answer's clock runs. A first response in opening hours against an answer in
    calendar time fails: received on a Friday evening, the answer would be due on Saturday and
    the first response on Monday.
    """
    errors = {}
    if answer_minutes == 0:
        errors["answer_minutes"] = gettext("An answer time must be more than 0 minutes.")
    if first_minutes is None or answer_minutes is None:
        return errors
    if first_minutes > answer_minutes:
        errors["first_response_minutes"] = gettext(
            "The first response cannot come later than the answer."
        )
    elif _CLOCK_RUNS.get(first_clock, 0) < _CLOCK_RUNS.get(answer_clock, 0):
        errors["first_response_clock"] = gettext(
            "Counted in %(first_clock)s, the first response can fall due after an answer "
            "counted in %(answer_clock)s, for an item received on a Friday evening say. Count "
            "the first response in the same time as the answer, or in calendar time."
        ) % {
            "first_clock": Clock(first_clock).label.lower(),
            "answer_clock": Clock(answer_clock).label.lower(),
        }
    return errors


class RemovalReason(VersionRule):
    """A reason the policy allows for hiding or deleting a citizen's post."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="removal_reasons"
    )
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=200)
    explanation = models.TextField(
        _("explanation for citizens"), help_text=_("Plain language, shown in the house rules.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Whether an inbox rule may hide an item for this reason without a person deciding; frozen
    # with the version like the rest of its rules.
    automatic_allowed = models.BooleanField(
        _("inbox rules may hide for this reason"),
        default=False,
        help_text=_(
            "An inbox rule hides an item for this reason by itself. Otherwise a rule only "
            "suggests hiding, and a person decides."
        ),
    )

    class Meta(VersionRule.Meta):
        verbose_name = _("removal reason")
        verbose_name_plural = _("removal reasons")
        ordering = ["order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="removal_reason_unique_code")
        ]

    def __str__(self):
        return self.label


class Audience(models.TextChoices):
    """Who a section of the guidelines speaks to."""

    EVERYONE = "everyone", _("Everyone")
    CITIZENS = "citizens", _("Citizens")
    POLITICIANS = "politicians", _("Politicians")
    EMPLOYEES = "employees", _("Employees")


class HouseRulePart(models.TextChoices):
    """Where a citizens' section appears on the public house-rules page."""

    NONE = "", _("Not on the house rules")
    TONE = "tone", _("Good tone")
    NOT_HANDLED = "not_handled", _("What we do not handle here")


class PolicySection(VersionRule):
    """A section of a version's text, written in Markdown for one audience."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="sections")
    # Stable across versions (copied into each new draft) so "what changed" can pair sections.
    key = models.SlugField(_("key"), max_length=80)
    heading = models.CharField(_("heading"), max_length=200)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    house_rule_part = models.CharField(
        _("on the house rules as"),
        max_length=20,
        choices=HouseRulePart.choices,
        default=HouseRulePart.NONE,
        blank=True,
        help_text=_("Citizens' sections can be shown on the public house-rules page."),
    )
    body = models.TextField(_("text (Markdown)"), blank=True)
    # The same section in another language shares the key; each language reads its own text.
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.DANISH
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta(VersionRule.Meta):
        verbose_name = _("policy section")
        verbose_name_plural = _("policy sections")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key", "language"], name="policy_section_unique_key"
            )
        ]

    def __str__(self):
        return self.heading


class CommunicationValue(VersionRule):
    """A value the municipality's content must live up to (e.g. clear, respectful)."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="communication_values"
    )
    name = models.CharField(_("value"), max_length=100)
    description = models.TextField(_("what it means"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.DANISH
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta(VersionRule.Meta):
        verbose_name = _("communication value")
        verbose_name_plural = _("communication values")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class RemovalReasonTranslation(models.Model):
    """A removal reason's label and explanation in another language, for the house rules."""

    reason = models.ForeignKey(RemovalReason, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    label = models.CharField(_("label"), max_length=200)
    explanation = models.TextField(_("explanation for citizens"))

    class Meta:
        verbose_name = _("removal reason translation")
        verbose_name_plural = _("removal reason translations")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["reason", "language"], name="removal_reason_translation_unique"
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.language})"


class ReadConfirmation(models.Model):
    """A person's confirmation that they have read one version of the guidelines."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="read_confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_confirmations"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        ordering = ["-confirmed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="read_confirmation_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.version}"


class GuidelineSettings(models.Model):
    """How the municipality publishes its guidelines: openly or to staff, and who may frame them."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="guideline_settings"
    )
    guidelines_public = models.BooleanField(
        _("guidelines are public"),
        default=False,
        help_text=_("Anyone, also without signing in, may read the staff guidelines."),
    )
    frame_origins = models.TextField(
        _("intranet origins allowed to embed the guidelines"),
        blank=True,
        help_text=_("One origin per line, e.g. https://intranet.example.dk"),
    )

    class Meta:
        verbose_name = _("guideline settings")
        verbose_name_plural = _("guideline settings")

    def __str__(self):
        return str(self.municipality)

    @property
    def origins(self):
        return [line.strip() for line in self.frame_origins.splitlines() if line.strip()]
