"""Forms for channel purposes, goals, themes and plan items, and the reports' filter."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel
from core.bounds import SupportedDateField

from .metrics import DIMENSIONS, INTERVALS, Period
from .models import ChannelStrategy, Goal, PlanItem, Purpose, YearTheme

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")
TEXT = {"class": "form-input"}
AREA = {"class": "form-input", "rows": 3}
SELECT = {"class": "form-select"}


class ChannelStrategyForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"),
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ChannelStrategy
        fields = ["purposes", "target_groups", "content_types", "intended_value"]
        widgets = {
            "target_groups": forms.Textarea(attrs=AREA),
            "content_types": forms.Textarea(attrs=AREA),
            "intended_value": forms.Textarea(attrs=AREA),
        }


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "metric",
            "channels",
            "target_value",
            "baseline_value",
            "start_date",
            "deadline",
        ]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "description": forms.Textarea(attrs=AREA),
            "metric": forms.Select(attrs=SELECT),
            "channels": forms.SelectMultiple(attrs=SELECT),
            "target_value": forms.NumberInput(attrs=TEXT),
            "baseline_value": forms.NumberInput(attrs=TEXT),
            "start_date": DATE_INPUT,
            "deadline": DATE_INPUT,
        }
        # A date past 2100 (9999-12-31) overflowed in progress and forecasts.
        field_classes = {"start_date": SupportedDateField, "deadline": SupportedDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.order_by("platform", "name")


class YearThemeForm(forms.ModelForm):
    class Meta:
        model = YearTheme
        fields = ["title", "description", "start_date", "end_date"]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "description": forms.Textarea(attrs=AREA),
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
        }
        field_classes = {"start_date": SupportedDateField, "end_date": SupportedDateField}


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = [
            "title",
            "kind",
            "theme",
            "channels",
            "owner",
            "start_date",
            "end_date",
            "description",
        ]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "kind": forms.Select(attrs=SELECT),
            "theme": forms.Select(attrs=SELECT),
            "channels": forms.SelectMultiple(attrs=SELECT),
            "owner": forms.Select(attrs=SELECT),
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "description": forms.Textarea(attrs=AREA),
        }
        # A date past 2100 (9999-12-31) overflowed in the calendar feed.
        field_classes = {"start_date": SupportedDateField, "end_date": SupportedDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.order_by("platform", "name")
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(is_active=True, memberships__isnull=False).distinct()
        ).order_by("username")


class ReportFilterForm(forms.Form):
    """The period (local dates) and breakdown of a report; empty fields take the defaults."""

    start = SupportedDateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = SupportedDateField(label=_("To"), required=False, widget=DATE_INPUT)
    by = forms.ChoiceField(
        label=_("Per"),
        required=False,
        choices=[
            ("channel", _("Channel")),
            ("department", _("Department")),
            ("centre", _("Centre")),
            ("platform", _("Platform")),
        ],
        widget=forms.Select(attrs=SELECT),
    )
    interval = forms.ChoiceField(
        label=_("Trend per"),
        required=False,
        choices=[("week", _("Week")), ("month", _("Month"))],
        widget=forms.Select(attrs=SELECT),
    )

    MAX_DAYS = 3 * 366

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self):
        data = super().clean()
        today = timezone.localdate(timezone=self.zone)
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=89)
        if start > end:
            raise forms.ValidationError(_("The start of the period must come before its end."))
        if (end - start).days > self.MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        data["period"] = Period(start, end, self.zone)
        data["by"] = data.get("by") if data.get("by") in DIMENSIONS else "channel"
        data["interval"] = data.get("interval") if data.get("interval") in INTERVALS else "week"
        return data


class OwnPostFilterForm(forms.Form):
    """The own posts page's filter: a channel and a month (the current month by default)."""

    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("All channels"),
        widget=forms.Select(attrs=SELECT),
    )
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": _("Enter a month as YYYY-MM.")},
        widget=forms.TextInput(attrs={"type": "month", "class": "form-input"}),
    )

    def __init__(self, *args, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = (
            channels if channels is not None else Channel.objects.none()
        )

    def clean_month(self):
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        if not 1970 <= year <= 2100:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        from datetime import date

        return date(year, month, 1)


class ShareMarkForm(forms.Form):
    good_to_share = forms.BooleanField(label=_("Good to share"), required=False)
    share_text = forms.CharField(
        label=_("Suggested text for ambassadors"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=AREA),
    )
