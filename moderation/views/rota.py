"""The on-duty rota page: per team, who monitors today and in the coming turns, the order of
the members with their deputies, and the absences ahead; the team sets up a team's rota, adds
and removes members, sets deputies, records and deletes absences and reorders members here.
Writes go through `actions`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from .. import actions
from ..forms import (
    AbsenceForm,
    RotaCreateForm,
    RotaDeputyForm,
    RotaMemberForm,
    RotaMoveForm,
    RotaTurnsForm,
)
from ..models import Absence, DutyRota, RotaMember
from ..queries import municipality_of
from ..rota_page import rota_page_data, rota_setup_data


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


class RotaView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.manage_rota"
    template_name = "moderation/rota.html"

    def get_context_data(self, **kwargs):
        municipality = municipality_of(self.request.user)
        return {
            **rota_page_data(municipality, _today(municipality)),
            **rota_setup_data(municipality),
            "form": kwargs.pop("form", None) or AbsenceForm(people=_rota_people(municipality)),
            **kwargs,
        }

    def refused(self, form):
        """The page again with the refused set-up form's errors at the top."""
        context = self.get_context_data(refused_forms=[form])
        return self.render_to_response(context, status=400)


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


def _teams_without_rota(municipality):
    return municipality.units.filter(duty_rota__isnull=True).order_by("name")


def _rota_member(request, pk):
    return get_object_or_404(
        RotaMember.objects.filter(rota__team__municipality=municipality_of(request.user)), pk=pk
    )


class RotaCreateView(RotaView):
    http_method_names = ["post"]

    def post(self, request):
        municipality = municipality_of(request.user)
        form = RotaCreateForm(request.POST, teams=_teams_without_rota(municipality))
        if not form.is_valid():
            return self.refused(form)
        data = form.cleaned_data
        try:
            actions.create_rota(
                data["team"],
                acting_user=request.user,
                starts_on=data["starts_on"],
                turn_days=data["turn_days"],
            )
        except actions.ActionError as error:
            form.add_error(error.field, str(error))
            return self.refused(form)
        messages.success(request, _("The rota is set up. Add its members."))
        return redirect("moderation:rota")


class RotaTurnsView(RotaView):
    """Change when a rota's turns start and how long each lasts."""

    http_method_names = ["post"]
    model = DutyRota

    def post(self, request, pk):
        municipality = municipality_of(request.user)
        rota = get_object_or_404(DutyRota.objects.filter(team__municipality=municipality), pk=pk)
        form = RotaTurnsForm(request.POST)
        if not form.is_valid():
            return self.refused(form)
        try:
            actions.change_rota(
                rota,
                acting_user=request.user,
                starts_on=form.cleaned_data["starts_on"],
                turn_days=form.cleaned_data["turn_days"],
            )
        except actions.ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return self.refused(form)
        messages.success(request, _("The rota's turns are saved."))
        return redirect("moderation:rota")


class RotaMemberAddView(RotaView):
    http_method_names = ["post"]
    model = DutyRota

    def post(self, request, pk):
        municipality = municipality_of(request.user)
        rota = get_object_or_404(DutyRota.objects.filter(team__municipality=municipality), pk=pk)
        members = get_user_model().objects.filter(pk__in=rota.members.values("user_id"))
        form = RotaMemberForm(
            request.POST, people=actions.rota_candidates(municipality), members=members
        )
        if not form.is_valid():
            return self.refused(form)
        try:
            actions.add_rota_member(
                rota,
                form.cleaned_data["user"],
                acting_user=request.user,
                deputy=form.cleaned_data["deputy"],
            )
        except actions.ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return self.refused(form)
        messages.success(request, _("The member is added at the end of the order."))
        return redirect("moderation:rota")


class RotaMemberRemoveView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.manage_rota"
    http_method_names = ["post"]
    model = RotaMember

    def post(self, request, pk):
        try:
            actions.remove_rota_member(_rota_member(request, pk), acting_user=request.user)
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The member is taken off the rota."))
        return redirect("moderation:rota")


class RotaDeputyView(RotaView):
    http_method_names = ["post"]
    model = RotaMember

    def post(self, request, pk):
        member = _rota_member(request, pk)
        others = get_user_model().objects.filter(
            pk__in=RotaMember.objects.filter(rota_id=member.rota_id).values("user_id")
        )
        form = RotaDeputyForm(request.POST, members=others)
        if not form.is_valid():
            return self.refused(form)
        try:
            actions.set_rota_deputy(member, form.cleaned_data["deputy"], acting_user=request.user)
        except actions.ActionError as error:
            form.add_error("deputy", str(error))
            return self.refused(form)
        messages.success(request, _("The deputy is saved."))
        return redirect("moderation:rota")
