"""The organisation backbone: the municipality, its unit tree, people's roles and its calendar."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import JSONField, Q, Value
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    DENMARK = "DK", _("Denmark")
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    SWEDISH = "sv", _("Swedish")
    NORWEGIAN = "nb", _("Norwegian Bokmål")
    ENGLISH = "en", _("English")


DEFAULT_TIME_ZONES = {
    Country.DENMARK: "Europe/Copenhagen",
    Country.SWEDEN: "Europe/Stockholm",
    Country.NORWAY: "Europe/Oslo",
}


class MunicipalityQuerySet(models.QuerySet):
    def current(self):
        """The municipality this installation serves (one per installation)."""
        return self.order_by("pk").first()


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Copenhagen")
    default_language = models.CharField(
        _("default language"), max_length=5, choices=Language.choices, default=Language.DANISH
    )
    website = models.URLField(_("website"), blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name

    def clean(self):
        from zoneinfo import available_timezones

        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": _("Unknown time zone.")})


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One span of the weekly opening hours; a day may have several spans.

    A span with validity dates overrides the undated spans of its weekday inside that range
    (summer hours, for example).
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["municipality", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="opening_hours_closes_after_opens"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosingDay(models.Model):
    """A date the municipality is closed all day, or open only until a time."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="closing_days"
    )
    date = models.DateField(_("date"))
    open_until = models.TimeField(
        _("open until"),
        null=True,
        blank=True,
        help_text=_("Leave empty when closed all day."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closing day")
        verbose_name_plural = _("closing days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "date"], name="closing_day_unique_per_date"
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


class UnitKind(models.TextChoices):
    COMMUNICATIONS = "communications", _("Communications team")
    CENTRE = "centre", _("Centre")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")


class OrgUnitQuerySet(models.QuerySet):
    def open(self):
        """Units still in use; a closed unit keeps its rows (and its history) but takes no new
        channels, people or forwarded questions."""
        return self.filter(closed_at__isnull=True)


class OrgUnit(models.Model):
    """A node of the organisation tree: the central communications team, centres, departments."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    # The nearest centre at or above this unit, kept on the row so "everything in a centre" is
    # one indexed filter instead of a walk up the tree.
    centre = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("centre"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # What the department answers questions about, for suggesting where to forward an item
    # (`moderation.routing`): words and phrases in any of the languages citizens write in,
    # and optionally KLE subject numbers (the Danish municipal classification, e.g. "07.18").
    # Changed through `org_actions.set_unit_topics` only.
    # A database default too, so rows written by code that predates the columns (older
    # migrations' data steps) are valid.
    topics = models.JSONField(
        _("topics"), default=list, db_default=Value([], JSONField()), blank=True, editable=False
    )
    kle_numbers = models.JSONField(
        _("KLE numbers"),
        default=list,
        db_default=Value([], JSONField()),
        blank=True,
        editable=False,
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "parent", "name"], name="org_unit_unique_name_in_parent"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        centre = self._find_centre()
        created = self.pk is None
        if centre is self and created:
            # A new centre is its own centre: it needs its id before it can point at itself.
            self.centre = None
            super().save(*args, **kwargs)
            self.centre = self
            type(self).objects.filter(pk=self.pk).update(centre=self)
        else:
            self.centre = centre
            super().save(*args, **kwargs)
        if created:
            return
        # Children carry the centre too; re-save them when this unit moved in the tree.
        for child in self.children.all():
            if child.centre_id != child._find_centre_id():
                child.save()

    def clean(self):
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot sit under itself.")})
            node = node.parent
        if self.parent and self.parent.municipality_id != self.municipality_id:
            raise ValidationError({"parent": _("The parent belongs to another municipality.")})

    def _find_centre(self):
        node = self
        while node is not None:
            if node.kind == UnitKind.CENTRE:
                return node
            node = node.parent
        return None

    def _find_centre_id(self):
        centre = self._find_centre()
        return centre.pk if centre else None

    @property
    def is_central(self):
        return self.kind == UnitKind.COMMUNICATIONS

    @property
    def is_closed(self):
        return self.closed_at is not None


class Role(models.TextChoices):
    COMMUNICATIONS = "communications", _("Communications team")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")
    CHANNEL_EDITOR = "channel_editor", _("Channel editor")
    DEPARTMENT_EXPERT = "department_expert", _("Department expert")
    ON_DUTY_MONITOR = "on_duty_monitor", _("On-duty monitor")
    STAFF = "staff", _("Staff")
    POLITICIAN = "politician", _("Politician")


class Membership(models.Model):
    """A person's role in one unit. A person may hold several roles in several units."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_lead = models.BooleanField(
        _("lead"),
        default=False,
        help_text=_("Leads the unit, e.g. the communications lead who is told of SLA breaches."),
    )
    title = models.CharField(_("job title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_role_in_unit"
            )
        ]
        indexes = [models.Index(fields=["role", "unit"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.unit})"

    def clean(self):
        if self.role == Role.CENTRE_MANAGER and self.unit_id and self.unit.kind != UnitKind.CENTRE:
            raise ValidationError({"role": _("A centre manager belongs to a centre.")})
        if (
            self.role == Role.COMMUNICATIONS
            and self.unit_id
            and self.unit.kind != UnitKind.COMMUNICATIONS
        ):
            raise ValidationError(
                {"role": _("Communications-team members belong to the communications unit.")}
            )


class NotificationDelivery(models.TextChoices):
    """How a person hears of their notices besides the product itself (in-app always)."""

    IN_APP = "in_app", _("In the product only")
    EMAIL_NOW = "email_now", _("By e-mail at once")
    EMAIL_DIGEST = "email_digest", _("By e-mail once a day (digest)")
    EMAIL_WEEKLY = "email_weekly", _("By e-mail once a week (digest)")


class PersonPreference(models.Model):
    """What a person chose for themselves: the language of their pages, e-mails and notices
    (blank: the municipality's language), set with the language switch; how their notices
    reach them, set on their notifications page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)
    notifications = models.CharField(
        _("notifications"),
        max_length=20,
        choices=NotificationDelivery.choices,
        default=NotificationDelivery.EMAIL_NOW,
    )
    # The weekday the weekly digest comes on (the daily digest comes every day).
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest on"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    # The local day the last digest went out: the digest task claims the period (the day, or
    # the week from the chosen weekday) with a conditional update, so a person gets at most one
    # digest per period however often the task runs.
    digest_sent_on = models.DateField(_("last digest sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal preference")
        verbose_name_plural = _("personal preferences")

    def __str__(self):
        return f"{self.user} ({self.language or '-'})"
