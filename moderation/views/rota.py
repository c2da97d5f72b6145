"""The on-duty rota page: per team, who monitors today and in the coming turns, the order of
the members with their deputies, and the absences ahead; the team records and deletes absences
and reorders members here. Writes go through `actions`."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from governance.permissions.views import ActionRequiredMixin

from .. import actions
from ..forms import AbsenceForm, RotaMoveForm
from ..models import Absence, DutyRota, RotaMember
from ..queries import municipality_of

# How many turns after the current one the page looks ahead, at most.
TURNS_AHEAD = 6


def _today(municipality):
    zone = ZoneInfo(municipality.time_zone) if municipality is not None else None
    return timezone.localtime(timezone.now(), zone).date()


def _rota_people(municipality):
    """Users on a rota of the municipality, as member or deputy."""
    members = RotaMember.objects.filter(rota__team__municipality=municipality)
    return (
        get_user_model()
        .objects.filter(Q(pk__in=members.values("user_id")) | Q(pk__in=members.values("deputy_id")))
        .order_by("first_name", "last_name", "username")
    )


def _turns(rota, members, absences, today):
    """The current turn (from today) and the next ones: first and last day, who the order
    schedules and who is on duty on the first day (the deputy or the next present member when
    the scheduled one is away)."""
    if not members:
        return []
    current = max(0, (today - rota.starts_on).days) // rota.turn_days
    turns = []
    for turn in range(current, current + min(len(members), TURNS_AHEAD) + 1):
        start = rota.starts_on + timedelta(days=turn * rota.turn_days)
        first = max(start, today)
        scheduled = members[turn % len(members)].user
        on_duty = rota.on_duty(first, members, absences)
        turns.append(
            {
                "first": first,
                "last": start + timedelta(days=rota.turn_days - 1),
                "scheduled": scheduled,
                "on_duty": on_duty,
                "covered": on_duty is not None and on_duty.pk != scheduled.pk,
            }
        )
    return turns


class RotaView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.manage_rota"
    template_name = "moderation/rota.html"

    def get_context_data(self, **kwargs):
        municipality = municipality_of(self.request.user)
        today = _today(municipality)
        rotas = list(
            DutyRota.objects.filter(team__municipality=municipality)
            .select_related("team")
            .prefetch_related("members__user", "members__deputy")
            .order_by("team__name")
        )
        user_ids = {
            user_id
            for rota in rotas
            for member in rota.members.all()
            for user_id in (member.user_id, member.deputy_id)
            if user_id
        }
        # Every absence not over yet, in one query: enough for today and every turn ahead.
        upcoming = list(
            Absence.objects.filter(user_id__in=user_ids, ends_on__gte=today)
            .select_related("user")
            .order_by("starts_on", "user__username", "pk")
        )
        absences = {}
        for absence in upcoming:
            absences.setdefault(absence.user_id, []).append((absence.starts_on, absence.ends_on))
        teams = []
        for rota in rotas:
            members = list(rota.members.all())
            on_rota = {m.user_id for m in members} | {m.deputy_id for m in members}
            turns = _turns(rota, members, absences, today)
            teams.append(
                {
                    "rota": rota,
                    "today": turns[0] if turns else None,
                    "turns": turns[1:],
                    "members": [
                        {
                            "member": m,
                            "away": any(s <= today <= e for s, e in absences.get(m.user_id, ())),
                        }
                        for m in members
                    ],
                    "absences": [a for a in upcoming if a.user_id in on_rota],
                }
            )
        return {
            "today": today,
            "teams": teams,
            "absences": upcoming,
            "form": kwargs.pop("form", None) or AbsenceForm(people=_rota_people(municipality)),
            **kwargs,
        }


class AbsenceAddView(RotaView):
    http_method_names = ["post"]

    def post(self, request):
        municipality = municipality_of(request.user)
        form = AbsenceForm(request.POST, people=_rota_people(municipality))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            actions.record_absence(
                data["user"],
                acting_user=request.user,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except actions.ActionError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("The absence is recorded."))
        return redirect("moderation:rota")


class AbsenceRemoveView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.manage_rota"
    http_method_names = ["post"]

    def get_permission_object(self):
        municipality = municipality_of(self.request.user)
        return get_object_or_404(
            Absence.objects.filter(user__in=_rota_people(municipality)), pk=self.kwargs["pk"]
        )

    def post(self, request, pk):
        absence = self.get_permission_object()
        try:
            actions.remove_absence(
                absence, acting_user=request.user, today=_today(municipality_of(request.user))
            )
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The absence is deleted."))
        return redirect("moderation:rota")


class MemberMoveView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.manage_rota"
    http_method_names = ["post"]

    def get_permission_object(self):
        return get_object_or_404(
            RotaMember.objects.filter(rota__team__municipality=municipality_of(self.request.user)),
            pk=self.kwargs["pk"],
        )

    def post(self, request, pk):
        member = self.get_permission_object()
        form = RotaMoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose up or down."))
            return redirect("moderation:rota")
        try:
            actions.move_rota_member(
                member, acting_user=request.user, direction=form.cleaned_data["direction"]
            )
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The order is changed."))
        return redirect("moderation:rota")
