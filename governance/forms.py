"""Forms for writing policies: the version's text and rules side by side, adoption, settings."""

import re
from datetime import time
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory, modelformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import Platform

from .calendar_actions import span_errors
from .models import (
    AnswerTimeRule,
    CommunicationValue,
    GuidelineSettings,
    NotificationDelivery,
    Policy,
    PolicySection,
    PolicyVersion,
    RemovalReason,
    RemovalReasonTranslation,
    Weekday,
)


class DesignSystemMixin:
    """Give every widget the design system's classes, so the templates stay simple."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-input"
            widget.attrs.setdefault("class", css)


class PolicyForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["title", "parent", "governs_social_media"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Policy.objects.filter(municipality=municipality)


class VersionForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["change_note", "inactivity_limit_days"]
        widgets = {"change_note": forms.Textarea(attrs={"rows": 3})}


class SectionForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = PolicySection
        fields = ["heading", "key", "audience", "house_rule_part", "language", "order", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["key"].help_text = _(
            "Pairs the section across versions and languages; made from the heading if empty."
        )

    def clean_key(self):
        return self.cleaned_data.get("key") or slugify(self.data.get(self.add_prefix("heading")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("house_rule_part") and cleaned.get("audience") not in (
            "citizens",
            "everyone",
        ):
            self.add_error(
                "house_rule_part",
                _("Only sections for citizens or everyone can go on the house rules."),
            )
        return cleaned


class AnswerTimeForm(DesignSystemMixin, forms.ModelForm):
    # An empty first choice keeps the blank extra row blank, so saving ignores it.
    platform = forms.ChoiceField(
        label=_("platform"), choices=[("", "---------"), *Platform.choices]
    )

    class Meta:
        model = AnswerTimeRule
        fields = [
            "platform",
            "item_kind",
            "first_response_minutes",
            "first_response_clock",
            "answer_minutes",
            "answer_clock",
        ]

    # The rule's checks (a first response never due after the answer) are the model's
    # `clean`, which the form runs and the admin and adoption share.


class RemovalReasonForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = RemovalReason
        fields = ["code", "label", "explanation", "order", "automatic_allowed"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}


class ReasonTranslationForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = RemovalReasonTranslation
        fields = ["reason", "language", "label", "explanation"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}


class CommunicationValueForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = CommunicationValue
        fields = ["name", "description", "language", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


SectionFormSet = inlineformset_factory(
    PolicyVersion, PolicySection, form=SectionForm, extra=1, can_delete=True
)
AnswerTimeFormSet = inlineformset_factory(
    PolicyVersion, AnswerTimeRule, form=AnswerTimeForm, extra=1, can_delete=True
)
RemovalReasonFormSet = inlineformset_factory(
    PolicyVersion, RemovalReason, form=RemovalReasonForm, extra=1, can_delete=True
)
CommunicationValueFormSet = inlineformset_factory(
    PolicyVersion, CommunicationValue, form=CommunicationValueForm, extra=1, can_delete=True
)
BaseReasonTranslationFormSet = modelformset_factory(
    RemovalReasonTranslation, form=ReasonTranslationForm, extra=1, can_delete=True
)


def reason_translation_formset(version, data=None):
    """The translations of a draft's removal reasons, choosing only among its own reasons."""
    formset = BaseReasonTranslationFormSet(
        data,
        queryset=RemovalReasonTranslation.objects.filter(reason__version=version).select_related(
            "reason"
        ),
        prefix="translations",
    )
    reasons = RemovalReason.objects.filter(version=version)
    for form in formset.forms:
        form.fields["reason"].queryset = reasons
    formset.empty_form.fields["reason"].queryset = reasons
    return formset


class AdoptForm(DesignSystemMixin, forms.Form):
    adopted_by = forms.CharField(
        label=_("Adopting body"), max_length=200, help_text=_("E.g. the municipal council.")
    )
    adopted_on = forms.DateField(
        label=_("Adoption date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("E.g. a council decision number."),
    )


def _check_origin(value):
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValidationError(
            _("%(origin)s is not an origin like https://intranet.example.dk") % {"origin": value}
        )
    return f"{parts.scheme}://{parts.netloc}"


class GuidelineSettingsForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = GuidelineSettings
        fields = ["guidelines_public", "frame_origins"]
        widgets = {"frame_origins": forms.Textarea(attrs={"rows": 3})}

    def clean_frame_origins(self):
        lines = [line.strip() for line in self.cleaned_data["frame_origins"].splitlines()]
        origins = []
        errors = []
        for line in filter(None, lines):
            try:
                origins.append(_check_origin(line))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return "\n".join(dict.fromkeys(origins))


# --- The settings area: opening hours, closing days, the deadline preview, notifications

_SPAN_SPLIT = re.compile(r"\s*[,;]\s*")
_SPAN = re.compile(r"^(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})$")


def parse_spans(text: str) -> list[tuple[time, time]]:
    """ "08:00–12:00, 13:00–15:30" as [(opens, closes)]; ValidationError on anything else."""
    spans = []
    for part in _SPAN_SPLIT.split(text.strip()):
        if not part:
            continue
        match = _SPAN.match(part)
        try:
            h1, m1, h2, m2 = (int(g) for g in match.groups()) if match else (None,) * 4
            spans.append((time(h1, m1), time(h2, m2)))
        except (TypeError, ValueError):
            raise ValidationError(
                _("Write each span as 08:00–15:00, several separated by commas: %(part)s")
                % {"part": part}
            ) from None
    return spans


def format_spans(spans) -> str:
    return ", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in spans)


class WeekForm(DesignSystemMixin, forms.Form):
    """The spans of each weekday in one text field: "08:00–12:00, 13:00–15:30"; empty: closed
    (or, in a season, the normal hours)."""

    def __init__(self, *args, spans=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_day = {}
        for weekday, opens, closes in spans:
            by_day.setdefault(weekday, []).append((opens, closes))
        for weekday, label in Weekday.choices:
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                initial=format_spans(by_day.get(weekday, [])),
            )

    def clean(self):
        cleaned = super().clean()
        for weekday in Weekday.values:
            name = f"day_{weekday}"
            if name not in cleaned:
                continue
            try:
                spans = parse_spans(cleaned[name])
            except ValidationError as error:
                self.add_error(name, error)
                continue
            for problem in span_errors(spans):
                self.add_error(name, problem)
            cleaned[name] = spans
        return cleaned

    def spans(self) -> list[tuple]:
        return [
            (weekday, opens, closes)
            for weekday in Weekday.values
            for opens, closes in self.cleaned_data.get(f"day_{weekday}", [])
        ]


class SeasonForm(WeekForm):
    """A season's dates and its weekly spans; `replacing` carries the dates of the season being
    rewritten."""

    valid_from = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_to = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    replacing_from = forms.DateField(required=False, widget=forms.HiddenInput)
    replacing_to = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Dates first, then the weekdays.
        self.order_fields(["valid_from", "valid_to"])

    def replacing(self):
        data = self.cleaned_data
        if data.get("replacing_from") and data.get("replacing_to"):
            return (data["replacing_from"], data["replacing_to"])
        return None


class ClosingDayForm(DesignSystemMixin, forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    open_until = forms.TimeField(
        label=_("Open until"),
        required=False,
        help_text=_("Leave empty when closed all day, e.g. 12:00 on Christmas Eve."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class PreviewForm(DesignSystemMixin, forms.Form):
    """A channel, an item kind and a local time (empty: now) to preview deadlines for."""

    channel = forms.ModelChoiceField(label=_("Channel"), queryset=None)
    kind = forms.ChoiceField(
        label=_("Kind of item"),
        choices=[
            ("comment", _("Comment")),
            ("reply", _("Reply")),
            ("mention", _("Mention")),
            ("message", _("Message")),
        ],
        initial="comment",
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("Local time; leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels
        self.fields["channel"].label_from_instance = lambda c: (
            f"{c.name} ({c.get_platform_display()})"
        )


class NotificationDeliveryForm(forms.Form):
    notifications = forms.ChoiceField(
        label=_("How your notices reach you"),
        choices=NotificationDelivery.choices,
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        help_text=_("Your notices are always shown in the product."),
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("The weekly digest comes on"),
        choices=Weekday.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
