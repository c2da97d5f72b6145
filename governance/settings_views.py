"""The settings area, under /settings/: the communications lead (and the system administrator)
set the municipality up here, without the Django admin. Each page checks the
`governance.manage_settings` rule, validates a form and calls one action; a refusal is shown as
the form's error."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from . import org_actions
from .invitations import (
    accept_invitation,
    invitation_for_key,
    invite_person,
    withdraw_invitation,
)
from .models import Invitation, InvitationStatus, Membership, Municipality, OrgUnit, UnitKind
from .org_actions import SettingsError
from .settings_forms import (
    AcceptForm,
    InviteForm,
    MembershipForm,
    MunicipalityForm,
    UnitCreateForm,
    UnitEditForm,
    UnitTopicsForm,
)
from .settings_sections import collect_sections

RULE = "governance.manage_settings"


class SettingsPage(ActionRequiredMixin, TemplateView):
    permission_action = RULE

    def municipality(self):
        if not hasattr(self, "_municipality"):
            self._municipality = Municipality.objects.current()
        return self._municipality


def _refused(form, error):
    """Show an action's refusal on the field it is about (or the whole form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


class OverviewView(SettingsPage):
    template_name = "governance/settings/overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=collect_sections(self.request), **kwargs)


class MunicipalityView(SettingsPage):
    template_name = "governance/settings/municipality.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", MunicipalityForm(instance=self.municipality()))
        return super().get_context_data(**kwargs)

    def post(self, request):
        municipality = self.municipality()
        form = MunicipalityForm(request.POST, instance=municipality)
        if form.is_valid():
            try:
                org_actions.save_municipality(
                    municipality,
                    acting_user=request.user,
                    **{name: form.cleaned_data[name] for name in MunicipalityForm.Meta.fields},
                )
            except SettingsError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The municipality's details were saved."))
                return redirect("settings:municipality")
        return self.render_to_response(self.get_context_data(form=form))


def unit_tree(municipality):
    """The units as nested rows `(unit, depth)` in tree order, from one query."""
    if municipality is None:
        return []
    units = list(
        OrgUnit.objects.filter(municipality=municipality)
        .annotate(people=Count("memberships__user", distinct=True))
        .order_by("name")
    )
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            rows.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return rows


class UnitListView(SettingsPage):
    template_name = "governance/settings/units.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=unit_tree(self.municipality()), municipality=self.municipality(), **kwargs
        )


class UnitCreateView(SettingsPage):
    template_name = "governance/settings/unit_create.html"

    def get_context_data(self, **kwargs):
        initial = {"parent": self.request.GET.get("parent")}
        kwargs.setdefault("form", UnitCreateForm(municipality=self.municipality(), initial=initial))
        return super().get_context_data(municipality=self.municipality(), **kwargs)

    def post(self, request):
        municipality = self.municipality()
        if municipality is None:
            return redirect("settings:municipality")
        form = UnitCreateForm(request.POST, municipality=municipality)
        if form.is_valid():
            try:
                unit = org_actions.create_unit(
                    municipality, acting_user=request.user, **form.cleaned_data
                )
            except SettingsError as error:
                _refused(form, error)
            else:
                messages.success(request, _("“%(unit)s” was added.") % {"unit": unit.name})
                return redirect("settings:units")
        return self.render_to_response(self.get_context_data(form=form))


class UnitView(SettingsPage):
    """One unit: rename it, move it, close or reopen it, and who holds a role in it."""

    template_name = "governance/settings/unit.html"

    def get_unit(self):
        return get_object_or_404(
            OrgUnit.objects.select_related("parent", "municipality"),
            pk=self.kwargs["pk"],
            municipality=self.municipality(),
        )

    def get_context_data(self, **kwargs):
        unit = kwargs.setdefault("unit", self.get_unit())
        kwargs.setdefault("form", UnitEditForm(unit=unit))
        kwargs["memberships"] = unit.memberships.select_related("user").order_by(
            "user__first_name", "user__username"
        )
        kwargs["blockers"] = [] if unit.is_closed else org_actions.closing_blockers(unit)
        return super().get_context_data(**kwargs)

    def post(self, request, pk):
        unit = self.get_unit()
        form = UnitEditForm(request.POST, unit=unit)
        if form.is_valid():
            try:
                org_actions.rename_unit(
                    unit, acting_user=request.user, name=form.cleaned_data["name"]
                )
                org_actions.move_unit(
                    unit, acting_user=request.user, parent=form.cleaned_data["parent"]
                )
            except SettingsError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The unit was saved."))
                return redirect("settings:unit", pk=unit.pk)
        return self.render_to_response(self.get_context_data(unit=unit, form=form))


class TopicsView(SettingsPage):
    """The departments' routing topics: what each answers questions about, so the forward
    dialog can suggest where an item belongs. One form per department."""

    template_name = "governance/settings/topics.html"

    def departments(self):
        return (
            OrgUnit.objects.open()
            .filter(municipality=self.municipality(), kind=UnitKind.DEPARTMENT)
            .select_related("parent")
            .order_by("name")
        )

    def get_context_data(self, failed=None, **kwargs):
        rows = []
        for unit in self.departments():
            refused = failed is not None and failed.data.get("unit") == str(unit.pk)
            form = failed if refused else None
            initial = {"unit": unit.pk, "topics": "\n".join(unit.topics)}
            initial["kle_numbers"] = " ".join(unit.kle_numbers)
            rows.append((unit, form or UnitTopicsForm(initial=initial, auto_id=f"u{unit.pk}_%s")))
        return super().get_context_data(rows=rows, **kwargs)

    def post(self, request):
        raw_unit = request.POST.get("unit", "")
        unit = self.departments().filter(pk=raw_unit).first() if raw_unit.isdigit() else None
        if unit is None:
            messages.error(request, _("Choose one of the departments."))
            return redirect("settings:topics")
        form = UnitTopicsForm(request.POST, auto_id=f"u{unit.pk}_%s")
        if form.is_valid():
            try:
                org_actions.set_unit_topics(
                    unit, acting_user=request.user, **form.cleaned_data_topics()
                )
            except SettingsError as error:
                _refused(form, error)
            else:
                done = _("The topics of “%(unit)s” were saved.") % {"unit": unit.name}
                messages.success(request, done)
                return redirect(f"{reverse('settings:topics')}#unit-{unit.pk}")
        return self.render_to_response(self.get_context_data(failed=form), status=400)


class UnitStateView(ActionRequiredMixin, View):
    """Close or reopen a unit (`action` is the org_actions function)."""

    permission_action = RULE
    action = None
    done = ""

    def post(self, request, pk):
        unit = get_object_or_404(OrgUnit, pk=pk, municipality=Municipality.objects.current())
        try:
            type(self).action(unit, acting_user=request.user)
        except SettingsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.done % {"unit": unit.name})
        return redirect("settings:unit", pk=unit.pk)


class UnitCloseView(UnitStateView):
    action = staticmethod(org_actions.close_unit)
    done = _("“%(unit)s” is closed.")


class UnitReopenView(UnitStateView):
    action = staticmethod(org_actions.reopen_unit)
    done = _("“%(unit)s” is open again.")


def people_queryset():
    return (
        get_user_model()
        .objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
        )
        .order_by("-is_active", "first_name", "last_name", "username")
    )


class PeopleView(SettingsPage):
    template_name = "governance/settings/people.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:100]
        people = people_queryset()
        if query:
            people = people.filter(
                Q(username__icontains=query)
                | Q(email__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
        invitations = Invitation.objects.filter(
            municipality=self.municipality(), accepted_at__isnull=True, withdrawn_at__isnull=True
        ).select_related("unit", "invited_by")
        return super().get_context_data(
            people=people, query=query, invitations=invitations, **kwargs
        )


class InviteView(SettingsPage):
    template_name = "governance/settings/invite.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", InviteForm(municipality=self.municipality()))
        return super().get_context_data(municipality=self.municipality(), **kwargs)

    def post(self, request):
        municipality = self.municipality()
        if municipality is None:
            return redirect("settings:municipality")
        form = InviteForm(request.POST, municipality=municipality)
        if form.is_valid():
            try:
                invitation = invite_person(
                    municipality, acting_user=request.user, **form.cleaned_data
                )
            except SettingsError as error:
                _refused(form, error)
            else:
                messages.success(
                    request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("settings:people")
        return self.render_to_response(self.get_context_data(form=form))


class InvitationWithdrawView(ActionRequiredMixin, View):
    permission_action = RULE

    def post(self, request, pk):
        invitation = get_object_or_404(
            Invitation, pk=pk, municipality=Municipality.objects.current()
        )
        try:
            withdraw_invitation(invitation, acting_user=request.user)
        except SettingsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
            )
        return redirect("settings:people")


class PersonView(SettingsPage):
    """A person's account and roles; roles are added here and removed one by one."""

    template_name = "governance/settings/person.html"

    def get_person(self):
        return get_object_or_404(get_user_model(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        person = kwargs.setdefault("person", self.get_person())
        kwargs.setdefault("form", MembershipForm(municipality=self.municipality()))
        kwargs["memberships"] = person.memberships.select_related("unit").order_by("unit__name")
        kwargs["assignments"] = org_actions.open_assignments(person)
        return super().get_context_data(**kwargs)

    def post(self, request, pk):
        person = self.get_person()
        form = MembershipForm(request.POST, municipality=self.municipality())
        if form.is_valid():
            try:
                org_actions.add_membership(person, acting_user=request.user, **form.cleaned_data)
            except SettingsError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The role was added."))
                return redirect("settings:person", pk=person.pk)
        return self.render_to_response(self.get_context_data(person=person, form=form))


class PersonDeactivateView(PersonView):
    """Asks first, listing what the person still holds open; the POST switches the account
    off."""

    template_name = "governance/settings/person_deactivate.html"

    def post(self, request, pk):
        person = self.get_person()
        try:
            org_actions.deactivate_person(person, acting_user=request.user)
        except SettingsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(person)s can no longer sign in.")
                % {"person": org_actions.display_name(person)},
            )
        return redirect("settings:person", pk=person.pk)


class PersonReactivateView(ActionRequiredMixin, View):
    permission_action = RULE

    def post(self, request, pk):
        person = get_object_or_404(get_user_model(), pk=pk)
        org_actions.reactivate_person(person, acting_user=request.user)
        messages.success(
            request,
            _("%(person)s can sign in again.") % {"person": org_actions.display_name(person)},
        )
        return redirect("settings:person", pk=person.pk)


class MembershipRemoveView(ActionRequiredMixin, View):
    permission_action = RULE

    def post(self, request, pk):
        membership = get_object_or_404(Membership, pk=pk)
        try:
            org_actions.remove_membership(membership, acting_user=request.user)
        except SettingsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The role was removed."))
        return redirect("settings:person", pk=membership.user_id)


def sso_login_url(request):
    """Where the municipality's identity provider's login starts, or None without one."""
    from allauth.socialaccount.adapter import get_adapter

    providers = get_adapter().list_providers(request)
    return providers[0].get_login_url(request, process="login") if providers else None


class AcceptInvitationView(TemplateView):
    """The invitation link: open to anyone who holds it (the key is the proof)."""

    template_name = "governance/settings/accept.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_for_key(kwargs["key"])
        self.sso_url = sso_login_url(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        invitation = self.invitation
        problem = None
        if invitation is None:
            problem = _("This invitation link is not valid. Check that the whole link was copied.")
        elif invitation.status != InvitationStatus.WAITING:
            problem = {
                InvitationStatus.ACCEPTED: _("This invitation has already been used. Sign in."),
                InvitationStatus.WITHDRAWN: _("This invitation was withdrawn."),
                InvitationStatus.EXPIRED: _("This invitation has expired. Ask for a new one."),
            }[invitation.status]
        if problem is None:
            kwargs.setdefault("form", AcceptForm(single_sign_on=bool(self.sso_url)))
        return super().get_context_data(
            invitation=invitation, problem=problem, sso=bool(self.sso_url), **kwargs
        )

    def render_to_response(self, context, **kwargs):
        status = 404 if self.invitation is None else (410 if context["problem"] else 200)
        return super().render_to_response(context, status=status, **kwargs)

    def post(self, request, key):
        if self.invitation is None or self.invitation.status != InvitationStatus.WAITING:
            return self.get(request, key)
        form = AcceptForm(request.POST, single_sign_on=bool(self.sso_url))
        if form.is_valid():
            try:
                accept_invitation(
                    self.invitation,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=None if self.sso_url else form.cleaned_data["password1"],
                )
            except SettingsError as error:
                _refused(form, error)
            else:
                return self._accepted(request)
        return self.render_to_response(self.get_context_data(form=form))

    def _accepted(self, request):
        if self.sso_url:
            return redirect(self.sso_url)
        messages.success(request, _("Your account is ready. Sign in with your e-mail address."))
        return redirect("account_login")
