"""The team's forms for guides and courses."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import SupportedDateTimeField

from .models import Course, Guide

TEXT = {"class": "form-input"}
AREA = {"class": "form-input", "rows": 10}
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "form-input"}, format="%Y-%m-%dT%H:%M"
)


class GuideForm(forms.ModelForm):
    position = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=0,
        help_text=_("Guides are listed by this number, then by title."),
        widget=forms.NumberInput(attrs=TEXT),
    )

    class Meta:
        model = Guide
        fields = ["title", "summary", "body", "position", "published"]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "summary": forms.TextInput(attrs=TEXT),
            "body": forms.Textarea(attrs=AREA),
        }
        help_texts = {"body": _("Markdown: headings, lists, links and emphasis.")}

    def clean_position(self):
        return self.cleaned_data.get("position") or 0


class CourseForm(forms.ModelForm):
    starts_at = SupportedDateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = SupportedDateTimeField(label=_("Ends"), widget=DATETIME)

    class Meta:
        model = Course
        fields = [
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "seats",
            "published",
        ]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "description": forms.Textarea(attrs={"class": "form-input", "rows": 5}),
            "place": forms.TextInput(attrs=TEXT),
            "online_link": forms.URLInput(attrs=TEXT),
            "seats": forms.NumberInput(attrs={**TEXT, "min": 1}),
        }
