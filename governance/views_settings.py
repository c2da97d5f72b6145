"""Settings pages for running the municipality from the product: the opening hours (the normal
week and seasons), closing days and a live preview of the deadlines they give; and each
person's choice of how their notices reach them. Writes go through `calendar_actions` and
`actions`; the communications lead (and the system administrator) manages the calendar.

`settings_sections(request)` lists these pages (with the rota and the canned answers) for the
settings overview."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts.models import Channel
from core.permissions import can
from core.permissions.views import ActionRequiredMixin, MemberRequiredMixin
from moderation.deadlines import preview

from . import actions, calendar_actions
from .forms import (
    ClosingDayForm,
    NotificationDeliveryForm,
    PreviewForm,
    SeasonForm,
    WeekForm,
)
from .models import ClosingDay, Municipality, NotificationDelivery, OpeningHours, PersonPreference

MANAGE = "governance.manage_settings"

_SECTIONS = (
    (
        MANAGE,
        "settings-hours",
        gettext_lazy("Opening hours and closing days"),
        gettext_lazy(
            "The weekly opening hours, seasonal hours and closing days the answer deadlines "
            "count in, with a preview of the deadlines they give."
        ),
    ),
    (
        "moderation.manage_rota",
        "moderation:rota",
        gettext_lazy("On-duty rota"),
        gettext_lazy("Who monitors new items in turn, their deputies and their absences."),
    ),
    (
        MANAGE,
        "settings-canned-answers",
        gettext_lazy("Canned answers"),
        gettext_lazy(
            "Prepared replies per language and platform, with placeholders such as the "
            "author's name."
        ),
    ),
    (
        "moderation.manage_alert_hooks",
        "settings-alerts",
        gettext_lazy("Alerts in Teams and Slack"),
        gettext_lazy(
            "Where each team hears of new items on duty, approaching and missed deadlines and "
            "crisis mode: a Microsoft Teams or Slack channel, with a test message."
        ),
    ),
    (
        None,
        "me-notifications",
        gettext_lazy("My notifications"),
        gettext_lazy(
            "Whether your notices also reach you by e-mail: at once, once a day or once a week."
        ),
    ),
)


def settings_sections(request) -> list[dict]:
    """The sections of these pages the user may open: title, description and url."""
    return [
        {"title": title, "description": description, "url": reverse(route)}
        for action, route, title, description in _SECTIONS
        if (can(request.user, action) if action else can(request.user, "governance.view_dashboard"))
    ]


def _week_spans(municipality, valid_from=None, valid_to=None):
    rows = OpeningHours.objects.filter(
        municipality=municipality, valid_from=valid_from, valid_to=valid_to
    ).order_by("weekday", "opens")
    return [(row.weekday, row.opens, row.closes) for row in rows]


def _seasons(municipality):
    """Each season with its form (prefixed by its dates) for editing in place."""
    seasons = []
    for first, last in calendar_actions.seasons_of(municipality):
        spans = _week_spans(municipality, first, last)
        initial = {"valid_from": first, "valid_to": last}
        initial |= {"replacing_from": first, "replacing_to": last}
        form = SeasonForm(spans=spans, initial=initial, prefix=f"s{first:%Y%m%d}")
        seasons.append({"first": first, "last": last, "spans": spans, "form": form})
    return seasons


def _local_now(municipality):
    return timezone.localtime(timezone.now(), ZoneInfo(municipality.time_zone))


class HoursView(ActionRequiredMixin, TemplateView):
    """The calendar page; its POST views render it again with their invalid form."""

    permission_action = MANAGE
    template_name = "governance/settings/hours.html"

    def get_context_data(self, **kwargs):
        municipality = Municipality.objects.current()
        channels = Channel.objects.for_user(self.request.user).order_by("name")
        return {
            "municipality": municipality,
            "week_form": WeekForm(spans=_week_spans(municipality)),
            "seasons": _seasons(municipality),
            "season_form": SeasonForm(prefix="new"),
            "closing_days": ClosingDay.objects.filter(municipality=municipality),
            "closing_form": ClosingDayForm(),
            "preview_form": PreviewForm(
                channels=channels, initial={"channel": channels.first()}, auto_id="preview_%s"
            ),
            "today": _local_now(municipality).date(),
            **kwargs,
        }

    def refused(self, status=400, **forms):
        return self.render_to_response(self.get_context_data(**forms), status=status)


class WeekSaveView(HoursView):
    http_method_names = ["post"]

    def post(self, request):
        form = WeekForm(request.POST)
        if not form.is_valid():
            return self.refused(week_form=form)
        try:
            calendar_actions.set_week(
                Municipality.objects.current(), form.spans(), acting_user=request.user
            )
        except calendar_actions.SettingsError as error:
            form.add_error(None, str(error))
            return self.refused(week_form=form)
        messages.success(request, _("The opening hours are saved."))
        return redirect("settings-hours")


class SeasonSaveView(HoursView):
    """Add a season (prefix "new") or rewrite one (prefixed by its first day)."""

    http_method_names = ["post"]

    def post(self, request):
        prefix = request.POST.get("prefix", "new")
        form = SeasonForm(request.POST, prefix=prefix if prefix.isalnum() else "new")
        if not form.is_valid():
            return self.refused(season_form=form)
        data = form.cleaned_data
        try:
            calendar_actions.set_week(
                Municipality.objects.current(),
                form.spans(),
                acting_user=request.user,
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                replacing=form.replacing(),
            )
        except calendar_actions.SettingsError as error:
            form.add_error(None, str(error))
            return self.refused(season_form=form)
        messages.success(request, _("The seasonal hours are saved."))
        return redirect("settings-hours")


class ClosingDayAddView(HoursView):
    http_method_names = ["post"]

    def post(self, request):
        form = ClosingDayForm(request.POST)
        if not form.is_valid():
            return self.refused(closing_form=form)
        data = form.cleaned_data
        try:
            calendar_actions.add_closing_day(
                Municipality.objects.current(),
                acting_user=request.user,
                day=data["date"],
                open_until=data["open_until"],
                reason=data["reason"],
            )
        except calendar_actions.SettingsError as error:
            form.add_error(error.field, str(error))
            return self.refused(closing_form=form)
        messages.success(request, _("The closing day is added."))
        return redirect("settings-hours")


class ClosingDayEditView(ActionRequiredMixin, TemplateView):
    """One closing day's form: move it to another date, change its closing time or reason."""

    permission_action = MANAGE
    template_name = "governance/settings/closing_day_edit.html"
    model = ClosingDay

    def get_object(self):
        municipality = Municipality.objects.current()
        return get_object_or_404(
            ClosingDay.objects.filter(municipality=municipality), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        closing = self.get_object()
        initial = {"date": closing.date, "open_until": closing.open_until, "reason": closing.reason}
        return {"closing": closing, "form": ClosingDayForm(initial=initial), **kwargs}

    def post(self, request, pk):
        closing = self.get_object()
        form = ClosingDayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                calendar_actions.change_closing_day(
                    closing,
                    acting_user=request.user,
                    day=data["date"],
                    open_until=data["open_until"],
                    reason=data["reason"],
                )
            except calendar_actions.SettingsError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("The closing day is saved."))
                return redirect("settings-hours")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ClosingDayRemoveView(ActionRequiredMixin, TemplateView):
    permission_action = MANAGE
    http_method_names = ["post"]
    model = ClosingDay

    def post(self, request, pk):
        closing = get_object_or_404(
            ClosingDay.objects.filter(municipality=Municipality.objects.current()), pk=pk
        )
        calendar_actions.remove_closing_day(closing, acting_user=request.user)
        messages.success(request, _("The closing day is removed."))
        return redirect("settings-hours")


class PreviewView(ActionRequiredMixin, TemplateView):
    """The deadlines an item on the chosen channel would get (the page asks it with HTMX as the
    form changes; without JavaScript the form's button opens it as its own page)."""

    permission_action = MANAGE
    template_name = "governance/settings/preview.html"

    def get_context_data(self, **kwargs):
        municipality = Municipality.objects.current()
        channels = Channel.objects.for_user(self.request.user).select_related(
            "owner_unit__municipality"
        )
        form = PreviewForm(self.request.GET, channels=channels, auto_id="preview_%s")
        context = {"form": form, "fragment": self.request.headers.get("HX-Request") == "true"}
        if not form.is_valid():
            return context
        zone = ZoneInfo(municipality.time_zone)
        received = form.cleaned_data["received_at"]
        # The form read the wall-clock time in the active time zone; it means the municipality's.
        received = (
            timezone.make_aware(received.replace(tzinfo=None), zone)
            if received
            else _local_now(municipality).replace(second=0, microsecond=0)
        )
        found = preview(form.cleaned_data["channel"], form.cleaned_data["kind"], received)
        return {**context, "received_at": received, "found": found, "zone": zone}


class NotificationsPreferenceView(MemberRequiredMixin, TemplateView):
    """Each person chooses for themselves how their notices reach them."""

    template_name = "governance/me/notifications.html"

    def get_context_data(self, **kwargs):
        row = PersonPreference.objects.filter(user=self.request.user).values(
            "notifications", "digest_weekday"
        ).first() or {"notifications": NotificationDelivery.EMAIL_NOW, "digest_weekday": 0}
        chosen = row["notifications"]
        form = kwargs.pop("form", None) or NotificationDeliveryForm(initial=row)
        return {"form": form, "chosen": chosen, **kwargs}

    def post(self, request):
        form = NotificationDeliveryForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            actions.set_notification_delivery(
                request.user,
                form.cleaned_data["notifications"],
                acting_user=request.user,
                weekday=form.cleaned_data.get("digest_weekday"),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Your choice is saved."))
        return redirect("me-notifications")
