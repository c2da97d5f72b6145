"""The staff reading view of the guidelines in force, its change view and read confirmations,
the frame-friendly intranet view, and the citizens' public house rules."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from core import csp
from core.markdown import plain_text, render_markdown
from core.permissions import can
from core.permissions.views import ActionRequiredMixin

from . import actions
from .models import (
    Audience,
    HouseRulePart,
    Language,
    Membership,
    Municipality,
    OrgUnit,
    PolicyVersion,
    ReadConfirmation,
    RemovalReason,
)
from .policy import (
    describe_time,
    guideline_settings,
    previous_adopted,
    reasons_for,
    rule_changes,
    rule_platform_label,
    section_changes,
    sections_for,
    values_for,
    version_in_force,
)


def current_municipality():
    municipality = Municipality.objects.current()
    if municipality is None:
        raise Http404
    return municipality


def load_version(version):
    """The version with everything the reading page shows, fetched in a fixed few queries."""
    if version is None:
        return None
    return (
        PolicyVersion.objects.select_related("policy", "policy__parent")
        .prefetch_related(
            "sections",
            "answer_time_rules",
            "communication_values",
            Prefetch(
                "removal_reasons",
                queryset=RemovalReason.objects.prefetch_related("translations"),
            ),
        )
        .get(pk=version.pk)
    )


def reading_language(municipality):
    return (get_language() or municipality.default_language).split("-")[0]


class GuidelineReaderMixin:
    """Members of the organisation read the guidelines; everyone when the municipality says so."""

    def dispatch(self, request, *args, **kwargs):
        self.municipality = current_municipality()
        self.settings = guideline_settings(self.municipality)
        if not self.settings.guidelines_public and not can(
            request.user, "governance.read_guidelines"
        ):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        self.version = load_version(version_in_force(self.municipality))
        self.language = reading_language(self.municipality)
        return super().dispatch(request, *args, **kwargs)

    def reading_context(self):
        version, language = self.version, self.language
        fallback = self.municipality.default_language
        query = self.request.GET.get("q", "").strip()
        sections = sections_for(version, language, fallback)
        if query:
            needle = query.casefold()
            sections = [
                s
                for s in sections
                if needle in s.heading.casefold() or needle in plain_text(s.body).casefold()
            ]
        for section in sections:
            section.html = render_markdown(section.body)
        by_audience = [
            (label, [s for s in sections if s.audience == value])
            for value, label in Audience.choices
        ]
        user = self.request.user
        confirmation = None
        if version is not None and user.is_authenticated:
            confirmation = ReadConfirmation.objects.filter(version=version, user=user).first()
        return {
            "municipality": self.municipality,
            "version": version,
            "query": query,
            "sections": sections,
            "by_audience": [(label, items) for label, items in by_audience if items],
            "values": values_for(version, language, fallback),
            "reasons": reasons_for(version, language),
            "answer_rules": described_rules(version),
            "confirmation": confirmation,
            "can_confirm": version is not None and can(user, "governance.confirm_reading"),
            "can_follow_up": can(user, "governance.view_read_status"),
            "can_manage": can(user, "governance.manage_policy"),
            "previous": previous_adopted(version),
        }


def described_rules(version):
    """The version's answer-time rules with their numbers in words, as the SLA engine uses them."""
    if version is None:
        return []
    rules = list(version.answer_time_rules.all())
    for rule in rules:
        rule.platform_label = rule_platform_label(rule.platform)
        rule.first_response_text = describe_time(
            rule.first_response_minutes, rule.get_first_response_clock_display()
        )
        rule.answer_text = describe_time(rule.answer_minutes, rule.get_answer_clock_display())
    return rules


class GuidelinesView(GuidelineReaderMixin, TemplateView):
    template_name = "governance/guidelines.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.reading_context()}


@method_decorator(xframe_options_exempt, name="dispatch")
class GuidelinesEmbedView(GuidelineReaderMixin, TemplateView):
    """The reading view without the product's shell, for an iframe on the intranet.

    Only origins the municipality lists may frame it; with none listed nobody may.
    """

    template_name = "governance/guidelines_embed.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.reading_context()}

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        origins = self.settings.origins
        # The site's policy, except for who may frame the page.
        if origins:
            response[csp.HEADER] = csp.build(frame_ancestors=" ".join(origins))
        else:
            response[csp.HEADER] = csp.build()
            response["X-Frame-Options"] = "DENY"
        return response


class GuidelineChangesView(GuidelineReaderMixin, TemplateView):
    """What changed in the version in force since the version adopted before it."""

    template_name = "governance/guidelines_changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.version
        previous = load_version(previous_adopted(version))
        fallback = self.municipality.default_language
        context.update(
            {
                "municipality": self.municipality,
                "version": version,
                "previous": previous,
                "sections": section_changes(previous, version, self.language, fallback)
                if version and previous
                else [],
                "rules": rule_changes(previous, version) if version and previous else [],
            }
        )
        return context


class ConfirmReadingView(ActionRequiredMixin, View):
    permission_action = "governance.confirm_reading"

    def post(self, request):
        version = version_in_force(current_municipality())
        if version is None or str(version.pk) != request.POST.get("version"):
            # The page was read before a newer version came into force: confirm nothing.
            messages.warning(
                request, _("A newer version has come into force. Please read it before confirming.")
            )
            return redirect("governance:guidelines")
        try:
            actions.confirm_reading(version, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Thank you. You have confirmed that you have read version %(number)s.")
                % {"number": version.number},
            )
        return redirect("governance:guidelines")


class ReadStatusView(ActionRequiredMixin, TemplateView):
    """Per unit: who has and who has not confirmed the version in force."""

    template_name = "governance/guidelines_readers.html"
    permission_action = "governance.view_read_status"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = current_municipality()
        version = version_in_force(municipality)
        confirmed = (
            dict(
                ReadConfirmation.objects.filter(version=version).values_list(
                    "user_id", "confirmed_at"
                )
            )
            if version
            else {}
        )
        units = {}
        memberships = (
            Membership.objects.filter(unit__municipality=municipality, user__is_active=True)
            .select_related("unit", "user")
            .order_by("unit__name", "user__username")
        )
        for membership in memberships:
            unit = units.setdefault(membership.unit_id, {"unit": membership.unit, "people": {}})
            user = membership.user
            unit["people"][user.pk] = {"user": user, "confirmed_at": confirmed.get(user.pk)}
        rows = []
        for entry in units.values():
            people = sorted(entry["people"].values(), key=lambda p: p["user"].get_username())
            missing = [p for p in people if p["confirmed_at"] is None]
            rows.append(
                {
                    "unit": entry["unit"],
                    "confirmed": [p for p in people if p["confirmed_at"] is not None],
                    "missing": missing,
                    "total": len(people),
                }
            )
        context.update({"version": version, "rows": rows})
        return context


class RemindReadersView(ActionRequiredMixin, View):
    permission_action = "governance.remind_readers"

    def post(self, request, unit_id):
        municipality = current_municipality()
        unit = get_object_or_404(OrgUnit, pk=unit_id, municipality=municipality)
        version = version_in_force(municipality)
        if version is None:
            messages.error(request, _("No version is in force, so there is nothing to confirm."))
            return redirect("governance:guidelines-readers")
        sent = actions.remind_readers(
            unit,
            version,
            acting_user=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        if sent:
            messages.success(
                request,
                ngettext(
                    "Reminder sent to %(count)s person in %(unit)s.",
                    "Reminder sent to %(count)s people in %(unit)s.",
                    sent,
                )
                % {"count": sent, "unit": unit.name},
            )
        else:
            messages.info(
                request,
                _("Everyone in %(unit)s with an e-mail address has confirmed already.")
                % {"unit": unit.name},
            )
        return redirect("governance:guidelines-readers")


class HouseRulesView(TemplateView):
    """The citizens' house rules, public, in one language, from the policy in force."""

    template_name = "governance/house_rules.html"

    def dispatch(self, request, *args, **kwargs):
        self.language = kwargs.get("language")
        if self.language not in Language.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = current_municipality()
        version = load_version(version_in_force(municipality))
        sections = sections_for(version, self.language, municipality.default_language)
        citizens = [s for s in sections if s.house_rule_part]
        for section in citizens:
            section.html = render_markdown(section.body)
        context.update(
            {
                "municipality": municipality,
                "version": version,
                "house_language": self.language,
                "tone": [s for s in citizens if s.house_rule_part == HouseRulePart.TONE],
                "not_handled": [
                    s for s in citizens if s.house_rule_part == HouseRulePart.NOT_HANDLED
                ],
                "reasons": reasons_for(version, self.language),
                "languages": [
                    (code, get_language_info(code)["name_local"])
                    for code in Language.values
                    if code != self.language
                ],
            }
        )
        return context

    def render_to_response(self, context, **kwargs):
        from django.utils import translation

        # The page's own words follow the page's language, whatever the visitor's session says.
        with translation.override(self.language):
            response = super().render_to_response(context, **kwargs)
            response.render()
        response["Content-Language"] = self.language
        return response


def house_rules_default(request):
    """The house rules in the municipality's own language."""
    return redirect("governance:house-rules", language=current_municipality().default_language)
