"""Forms for writing policies: the version's text and rules side by side, adoption, settings."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory, modelformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import Platform

from .models import (
    AnswerTimeRule,
    CommunicationValue,
    GuidelineSettings,
    Policy,
    PolicySection,
    PolicyVersion,
    RemovalReason,
    RemovalReasonTranslation,
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
        fields = ["code", "label", "explanation", "order"]
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
