"""The communications team's pages for writing policies: drafts, their rules, adoption."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from . import actions
from .forms import (
    AdoptForm,
    AnswerTimeFormSet,
    CommunicationValueFormSet,
    GuidelineSettingsForm,
    PolicyForm,
    RemovalReasonFormSet,
    SectionFormSet,
    VersionForm,
    reason_translation_formset,
)
from .models import Policy, PolicyStatus, PolicyVersion
from .policy import guideline_settings
from .views_guidelines import current_municipality, load_version


class PolicyListView(ActionRequiredMixin, TemplateView):
    template_name = "governance/policy_list.html"
    permission_action = "governance.manage_policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policies = (
            Policy.objects.filter(municipality=current_municipality())
            .select_related("parent")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=PolicyVersion.objects.order_by("-number"),
                    to_attr="ordered_versions",
                )
            )
            .order_by("title")
        )
        context["policies"] = policies
        return context


class PolicyCreateView(ActionRequiredMixin, TemplateView):
    template_name = "governance/policy_form.html"
    permission_action = "governance.manage_policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", PolicyForm(municipality=current_municipality()))
        return context

    def post(self, request):
        municipality = current_municipality()
        form = PolicyForm(request.POST, municipality=municipality)
        if form.is_valid():
            try:
                policy = actions.create_policy(
                    acting_user=request.user, municipality=municipality, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The policy was created with a first draft."))
                return redirect("governance:version-edit", pk=policy.versions.get().pk)
        return self.render_to_response(self.get_context_data(form=form))


class PolicyDetailView(ActionRequiredMixin, TemplateView):
    template_name = "governance/policy_detail.html"
    permission_action = "governance.manage_policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = get_object_or_404(
            Policy.objects.select_related("parent"),
            pk=self.kwargs["pk"],
            municipality=current_municipality(),
        )
        context.update(
            {
                "policy": policy,
                "versions": policy.versions.order_by("-number"),
                "sub_policies": policy.sub_policies.all(),
                "has_draft": policy.versions.filter(status=PolicyStatus.DRAFT).exists(),
            }
        )
        return context


class StartDraftView(ActionRequiredMixin, View):
    permission_action = "governance.manage_policy"

    def post(self, request, pk):
        policy = get_object_or_404(Policy, pk=pk, municipality=current_municipality())
        draft = actions.start_draft(policy, acting_user=request.user)
        return redirect("governance:version-edit", pk=draft.pk)


def _version_or_404(pk):
    return get_object_or_404(
        PolicyVersion.objects.select_related("policy"),
        pk=pk,
        policy__municipality=current_municipality(),
    )


class VersionEditView(ActionRequiredMixin, TemplateView):
    """A draft's text and rules, side by side; an adopted version is shown read-only."""

    template_name = "governance/version_edit.html"
    permission_action = "governance.manage_policy"

    def forms(self, version, data=None):
        return {
            "version_form": VersionForm(data, instance=version, prefix="version"),
            "sections": SectionFormSet(data, instance=version, prefix="sections"),
            "answer_times": AnswerTimeFormSet(data, instance=version, prefix="answer_times"),
            "reasons": RemovalReasonFormSet(data, instance=version, prefix="reasons"),
            "translations": reason_translation_formset(version, data),
            "values": CommunicationValueFormSet(data, instance=version, prefix="values"),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = kwargs.get("version") or _version_or_404(self.kwargs["pk"])
        context["version"] = version
        if version.is_draft:
            context.update(kwargs.get("forms") or self.forms(version))
        else:
            context["loaded"] = load_version(version)
        return context

    def post(self, request, pk):
        version = _version_or_404(pk)
        if not version.is_draft:
            messages.error(request, _("An adopted version cannot be changed; start a new draft."))
            return redirect("governance:version-edit", pk=version.pk)
        forms = self.forms(version, request.POST)
        if all(form.is_valid() for form in forms.values()):

            def save():
                for form in forms.values():
                    form.save()

            try:
                actions.edit_draft(version, acting_user=request.user, part="all", save=save)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("governance:version-edit", pk=version.pk)
        else:
            messages.error(request, _("The draft was not saved. Please correct the errors below."))
        return self.render_to_response(self.get_context_data(version=version, forms=forms))


class AdoptVersionView(ActionRequiredMixin, TemplateView):
    template_name = "governance/version_adopt.html"
    permission_action = "governance.manage_policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = _version_or_404(self.kwargs["pk"])
        context["version"] = version
        context.setdefault("form", kwargs.get("form") or AdoptForm())
        return context

    def post(self, request, pk):
        version = _version_or_404(pk)
        form = AdoptForm(request.POST)
        if form.is_valid():
            try:
                actions.adopt_version(version, acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Version %(number)s is adopted and in force from now on.")
                    % {"number": version.number},
                )
                return redirect("governance:policy-detail", pk=version.policy_id)
        return self.render_to_response(self.get_context_data(form=form))


class GuidelineSettingsView(ActionRequiredMixin, TemplateView):
    template_name = "governance/guideline_settings.html"
    permission_action = "governance.manage_policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form", GuidelineSettingsForm(instance=guideline_settings(current_municipality()))
        )
        context["embed_url"] = self.request.build_absolute_uri(
            reverse("governance:guidelines-embed")
        )
        return context

    def post(self, request):
        municipality = current_municipality()
        form = GuidelineSettingsForm(request.POST, instance=guideline_settings(municipality))
        if form.is_valid():
            actions.update_guideline_settings(
                municipality, acting_user=request.user, **form.cleaned_data
            )
            messages.success(request, _("The settings were saved."))
            return redirect("governance:guideline-settings")
        return self.render_to_response(self.get_context_data(form=form))
