"""The alert settings pages (under /governance/settings/alerts/): each team's Microsoft Teams and
Slack destinations with their last delivery, a form for a new one, editing, deleting and a
test message. The communications lead manages every unit's, a centre manager their centre's;
writes go through `alert_actions`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.permissions import access_for, can
from core.permissions.views import ActionRequiredMixin
from governance.models import Municipality, OrgUnit

from .. import alert_actions
from ..actions import ActionError
from ..forms import AlertHookForm
from ..models import AlertEvent, AlertHook

RULE = alert_actions.RULE


def manageable_units(user):
    """The open units whose alerts `user` may manage (the form's choices)."""
    access = access_for(user)
    units = OrgUnit.objects.open().filter(municipality=Municipality.objects.current())
    if not access.is_comms_lead:
        units = units.filter(pk__in=access.managed_unit_ids)
    return units.order_by("name")


def _hooks(user):
    return AlertHook.objects.for_user(user).select_related("unit")


def _refused(form, error):
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


class AlertHooksView(ActionRequiredMixin, TemplateView):
    """The list and the form for a new destination (POST adds it)."""

    permission_action = RULE
    template_name = "moderation/settings/alert_hooks.html"

    def get_context_data(self, **kwargs):
        municipality = Municipality.objects.current()
        initial = {
            "events": list(AlertEvent.values),
            "language": getattr(municipality, "default_language", "da"),
            "enabled": True,
        }
        kwargs.setdefault(
            "form", AlertHookForm(units=manageable_units(self.request.user), initial=initial)
        )
        return {"hooks": _hooks(self.request.user), **kwargs}

    def post(self, request):
        form = AlertHookForm(request.POST, units=manageable_units(request.user))
        if form.is_valid():
            try:
                hook = alert_actions.create_hook(acting_user=request.user, **form.cleaned_data)
            except ActionError as error:
                _refused(form, error)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is added. Send a test message to check it.")
                    % {"name": hook.name},
                )
                return redirect("settings-alerts")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AlertHookObjectMixin(ActionRequiredMixin):
    permission_action = RULE
    model = AlertHook

    def get_permission_object(self):
        # Those who manage no alerts at all are refused before the lookup (403, not 404).
        if not can(self.request.user, RULE):
            raise PermissionDenied
        if not hasattr(self, "_hook"):
            self._hook = get_object_or_404(_hooks(self.request.user), pk=self.kwargs["pk"])
        return self._hook


class AlertHookEditView(AlertHookObjectMixin, TemplateView):
    template_name = "moderation/settings/alert_hook_edit.html"

    def get_context_data(self, **kwargs):
        hook = self.get_permission_object()
        initial = {name: getattr(hook, name) for name in alert_actions.FIELDS}
        kwargs.setdefault(
            "form",
            AlertHookForm(units=manageable_units(self.request.user), initial=initial, editing=True),
        )
        return {"hook": hook, **kwargs}

    def post(self, request, pk):
        hook = self.get_permission_object()
        form = AlertHookForm(request.POST, units=manageable_units(request.user), editing=True)
        if form.is_valid():
            try:
                alert_actions.update_hook(hook, acting_user=request.user, **form.cleaned_data)
            except ActionError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The alert destination is saved."))
                return redirect("settings-alerts")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AlertHookDeleteView(AlertHookObjectMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, pk):
        alert_actions.delete_hook(self.get_permission_object(), acting_user=request.user)
        messages.success(request, _("The alert destination is deleted."))
        return redirect("settings-alerts")


class AlertHookTestView(AlertHookObjectMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, pk):
        hook = alert_actions.send_test(self.get_permission_object(), acting_user=request.user)
        messages.success(
            request,
            _("A test message to “%(name)s” is on its way; its outcome shows here in a moment.")
            % {"name": hook.name},
        )
        return redirect("settings-alerts")
