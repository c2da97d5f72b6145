"""The ambassador programme in the guidelines area: guides and courses the communications team
writes, employees' voluntary membership, their course sign-ups, and the weekly e-mails sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Guide(models.Model):
    """A page of advice for ambassadors (Markdown)."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"))
    published = models.BooleanField(_("published"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
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
        verbose_name = _("ambassador guide")
        verbose_name_plural = _("ambassador guides")
        ordering = ["position", "title", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ambassadors:guide", args=[self.pk])


class Course(models.Model):
    """A course for ambassadors: when, where (a place or an online link) and how many seats."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description (Markdown)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    seats = models.PositiveIntegerField(_("seats"))
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("ambassador course")
        verbose_name_plural = _("ambassador courses")
        ordering = ["starts_at", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="course_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_link=""), name="course_place_or_link"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="course_has_seats"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="course_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ambassadors:course", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The course must end after it starts.")
        if not (self.place or "").strip() and not (self.online_link or "").strip():
            errors["place"] = _("Give a place or an online link.")
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """One employee's membership of the programme; leaving keeps the row (inactive)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ambassador",
        verbose_name=_("person"),
    )
    active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        ordering = ["-joined_at", "id"]
        indexes = [
            models.Index(fields=["user"], name="ambassador_active", condition=Q(active=True))
        ]

    def __str__(self):
        return str(self.user)


class CourseSignup(models.Model):
    """A person's seat on a course; cancelling keeps the row, so a seat count reads only the
    rows not cancelled."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="signups", verbose_name=_("course")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_signups",
        verbose_name=_("person"),
    )
    signed_up_at = models.DateTimeField(_("signed up"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("course sign-up")
        verbose_name_plural = _("course sign-ups")
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(cancelled_at__isnull=True),
                name="course_signup_one_seat",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.course}"


class WeeklyMail(models.Model):
    """The weekly e-mail of one week to one ambassador: the row is the claim that makes the
    sending idempotent per person and week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ambassador_mails",
        verbose_name=_("person"),
    )
    week = models.DateField(_("week (Monday)"))
    posts = models.PositiveIntegerField(_("posts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly ambassador e-mail")
        verbose_name_plural = _("weekly ambassador e-mails")
        ordering = ["-week", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="ambassador_mail_once_a_week")
        ]

    def __str__(self):
        return f"{self.user} {self.week}"
