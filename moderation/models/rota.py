"""The on-duty rota: per team, members take turns as the main monitor; an absent member's
deputy (or the next member present) takes over."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyRota(models.Model):
    team = models.OneToOneField(
        "governance.OrgUnit", on_delete=models.CASCADE, related_name="duty_rota"
    )
    starts_on = models.DateField(_("first turn starts"))
    turn_days = models.PositiveSmallIntegerField(_("days per turn"), default=7)

    class Meta:
        verbose_name = _("on-duty rota")
        verbose_name_plural = _("on-duty rotas")
        constraints = [
            models.CheckConstraint(condition=models.Q(turn_days__gte=1), name="rota_turn_days")
        ]

    def __str__(self):
        return str(self.team)

    def on_duty(self, local_day, members=None, absences=None):
        """The user on duty on `local_day` (a date in the municipality's time zone), or None
        when nobody on the rota is present.

        `members` (RotaMember rows in order, with users) and `absences` ({user_id: [(from, to)]})
        may be passed in by callers that resolve many items at once.
        """
        if members is None:
            members = list(self.members.select_related("user", "deputy"))
        if not members:
            return None
        if absences is None:
            absences = absences_by_user([m.user_id for m in members], local_day)
        turn = max(0, (local_day - self.starts_on).days) // self.turn_days
        primary = members[turn % len(members)]
        if not _absent(primary.user_id, local_day, absences):
            return primary.user
        if primary.deputy_id is not None and not _absent(primary.deputy_id, local_day, absences):
            return primary.deputy
        for offset in range(1, len(members)):
            member = members[(turn + offset) % len(members)]
            if not _absent(member.user_id, local_day, absences):
                return member.user
        return None


class RotaMember(models.Model):
    rota = models.ForeignKey(DutyRota, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deputy during absence"),
    )

    class Meta:
        verbose_name = _("rota member")
        verbose_name_plural = _("rota members")
        ordering = ["rota", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rota", "user"], name="rota_member_once"),
        ]

    def __str__(self):
        return f"{self.rota}: {self.user}"


class Absence(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_absences"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_dates"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.starts_on}–{self.ends_on}"


def absences_by_user(user_ids, day: date):
    """{user_id: [(starts_on, ends_on)]} of the absences covering `day`."""
    found = {}
    for user_id, start, end in Absence.objects.filter(
        user_id__in=set(user_ids), starts_on__lte=day, ends_on__gte=day
    ).values_list("user_id", "starts_on", "ends_on"):
        found.setdefault(user_id, []).append((start, end))
    return found


def _absent(user_id, day: date, absences) -> bool:
    return any(start <= day <= end for start, end in absences.get(user_id, ()))


def team_for(unit_id, units: dict, rotas: dict):
    """The rota responsible for a channel owned by `unit_id`: the unit's own, the nearest above
    it, else the municipality's communications team's."""
    node = units.get(unit_id)
    while node is not None:
        if node["id"] in rotas:
            return rotas[node["id"]]
        node = units.get(node["parent_id"])
    for unit in units.values():
        if unit["kind"] == "communications" and unit["id"] in rotas:
            return rotas[unit["id"]]
    return None
