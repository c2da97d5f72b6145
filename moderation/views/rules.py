"""The inbox rules' settings pages (/settings/rules/): the list with the labels, a rule's editor
with its dry run, enabling, moving and archiving, and a rule's versions. The communications
team reads them; the communications lead (and the system administrator) changes them. Writes
go through `rule_actions`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.permissions import can
from core.permissions.views import ActionRequiredMixin
from governance.models import Municipality

from .. import inbox_rules, rule_actions
from ..actions import ActionError
from ..models import InboxRule, Label, RuleVersion
from ..rule_forms import LabelForm, RuleForm

VIEW = "moderation.view_rules"
MANAGE = "moderation.manage_rules"


def _rules(municipality):
    return InboxRule.objects.live().filter(municipality=municipality)


def _refused(form, error):
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def describe_actions(actions, labels, reasons) -> list[str]:
    """A rule's actions in words, for the list."""
    parts = []
    if actions.get("labels"):
        names = ", ".join(labels.get(pk, "?") for pk in actions["labels"])
        parts.append(_("label %(labels)s") % {"labels": names})
    if actions.get("assign_to") or actions.get("assign_team"):
        parts.append(_("assign"))
    if actions.get("forward_to"):
        parts.append(
            _("forward automatically")
            if actions.get("forward_automatically")
            else _("suggest forwarding")
        )
    if actions.get("priority"):
        parts.append(_("priority"))
    if actions.get("close_as"):
        parts.append(_("close as spam") if actions["close_as"] == "spam" else _("close as praise"))
    if actions.get("hide_reason"):
        code = actions["hide_reason"]
        parts.append(_("hide") if code in reasons else _("suggest hiding"))
    return parts


class RulesView(ActionRequiredMixin, TemplateView):
    """The rules in the order they run, and the labels (POST makes a label)."""

    permission_action = VIEW
    template_name = "moderation/settings/rules.html"

    def get_context_data(self, **kwargs):
        municipality = Municipality.objects.current()
        labels = list(Label.objects.filter(municipality=municipality))
        names = {label.pk: label.name for label in labels}
        automatic = inbox_rules.automatic_reasons(municipality) if municipality else set()
        rules = list(_rules(municipality).select_related("updated_by"))
        for rule in rules:
            rule.described = describe_actions(rule.actions, names, automatic)
        return {
            "rules": rules,
            "labels": labels,
            "label_form": kwargs.pop("label_form", None) or LabelForm(),
            "may_manage": can(self.request.user, MANAGE),
            "may_manage_labels": can(self.request.user, "moderation.manage_labels"),
            **kwargs,
        }


class LabelCreateView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.manage_labels"
    http_method_names = ["post"]
    template_name = "moderation/settings/rules.html"

    def post(self, request):
        form = LabelForm(request.POST)
        if form.is_valid():
            try:
                rule_actions.create_label(
                    Municipality.objects.current(), acting_user=request.user, **form.cleaned_data
                )
            except ActionError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The label is saved."))
                return redirect("settings:rules")
        view = RulesView()
        view.setup(request)
        return self.render_to_response(view.get_context_data(label_form=form), status=400)


class LabelDeleteView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.manage_labels"
    http_method_names = ["post"]

    def post(self, request, pk):
        label = get_object_or_404(Label, pk=pk, municipality=Municipality.objects.current())
        try:
            rule_actions.delete_label(label, acting_user=request.user)
        except ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The label is deleted."))
        return redirect("settings:rules")


class RuleEditorMixin(ActionRequiredMixin):
    permission_action = MANAGE
    template_name = "moderation/settings/rule_edit.html"
    rule = None

    def form(self, data=None, initial=None):
        return RuleForm(
            data,
            initial=initial,
            municipality=Municipality.objects.current(),
            may_use_regex=can(self.request.user, "moderation.rule_regex"),
        )

    def get_context_data(self, **kwargs):
        return {"rule": self.rule, **kwargs}


class RuleCreateView(RuleEditorMixin, TemplateView):
    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form(initial={"enabled": True}))
        return super().get_context_data(**kwargs)

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            name, enabled, conditions, actions = form.definition()
            try:
                rule = rule_actions.create_rule(
                    Municipality.objects.current(),
                    acting_user=request.user,
                    name=name,
                    enabled=enabled,
                    conditions=conditions,
                    actions=actions,
                    may_use_regex=can(request.user, "moderation.rule_regex"),
                )
            except ActionError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("settings:rule", pk=rule.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RuleEditView(RuleEditorMixin, TemplateView):
    def get_permission_object(self):
        self.rule = get_object_or_404(_rules(Municipality.objects.current()), pk=self.kwargs["pk"])
        return self.rule

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form(initial=RuleForm.initial_for(self.rule)))
        return super().get_context_data(**kwargs)

    def post(self, request, pk):
        form = self.form(request.POST)
        if form.is_valid():
            name, enabled, conditions, actions = form.definition()
            if form.fields["regex"].disabled:
                conditions["regex"] = self.rule.conditions.get("regex", "")
            try:
                rule_actions.update_rule(
                    self.rule,
                    acting_user=request.user,
                    name=name,
                    enabled=enabled,
                    conditions={k: v for k, v in conditions.items() if v not in ("", [])},
                    actions=actions,
                    may_use_regex=can(request.user, "moderation.rule_regex"),
                )
            except ActionError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("settings:rule", pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DryRunView(RuleEditorMixin, TemplateView):
    """What the rule in the editor would have done over the last 30 days (POST, HTMX: the
    result's fragment; changes nothing). For those who may read the rules."""

    permission_action = VIEW
    http_method_names = ["post"]
    template_name = "moderation/settings/_dry_run.html"

    def post(self, request):
        form = self.form(request.POST)
        # The name is not needed to try a rule.
        form.fields["name"].required = False
        result = error = None
        if form.is_valid():
            _name, _enabled, conditions, actions = form.definition()
            municipality = Municipality.objects.current()
            try:
                stored = ""
                raw = request.POST.get("rule", "")
                if raw.isdigit():
                    rule = _rules(municipality).filter(pk=raw).first()
                    stored = rule.conditions.get("regex", "") if rule else ""
                if form.fields["regex"].disabled:
                    conditions["regex"] = stored
                conditions, actions = inbox_rules.clean_definition(
                    municipality,
                    {k: v for k, v in conditions.items() if v not in ("", [])},
                    actions,
                    may_use_regex=can(request.user, "moderation.rule_regex"),
                    stored_regex=stored,
                )
            except inbox_rules.RuleError as problem:
                error = str(problem)
            else:
                result = inbox_rules.dry_run(municipality, conditions, actions)
        else:
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return self.render_to_response({"result": result, "error": error})


class RuleStepView(ActionRequiredMixin, TemplateView):
    """Enable, disable, move up or down, or archive a rule (POST)."""

    permission_action = MANAGE
    http_method_names = ["post"]

    def get_permission_object(self):
        self.rule = get_object_or_404(_rules(Municipality.objects.current()), pk=self.kwargs["pk"])
        return self.rule

    def post(self, request, pk, step):
        user = request.user
        try:
            if step in ("enable", "disable"):
                rule_actions.set_rule_enabled(self.rule, step == "enable", acting_user=user)
                done = _("The rule is enabled.") if step == "enable" else _("The rule is disabled.")
            elif step in ("up", "down"):
                rule_actions.move_rule(self.rule, step, acting_user=user)
                done = _("The rule is moved.")
            elif step == "archive":
                rule_actions.archive_rule(self.rule, acting_user=user)
                done = _("The rule is archived: it no longer runs, and its history is kept.")
            else:
                raise ActionError(_("Unknown step."))
        except ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return redirect("settings:rules")


class RuleHistoryView(ActionRequiredMixin, TemplateView):
    permission_action = VIEW
    template_name = "moderation/settings/rule_history.html"

    def get_context_data(self, **kwargs):
        rule = get_object_or_404(
            InboxRule.objects.filter(municipality=Municipality.objects.current()),
            pk=self.kwargs["pk"],
        )
        versions = RuleVersion.objects.filter(rule=rule).select_related("changed_by")
        return {"rule": rule, "versions": versions, **kwargs}
