"""Forms for composing a post (common text, a variant per channel, link, picture, plan links)
and for the approval steps. The checks themselves live in `publishing.check_post`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from platforms import post_rules

from . import publishing
from .models import PlanItem, Post, YearTheme

TEXT = {"class": "form-input"}
SELECT = {"class": "form-select"}
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class ChannelChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, channel):
        return f"{channel.name} ({channel.get_platform_display()})"


class PostForm(forms.ModelForm):
    channels = ChannelChoices(
        label=_("Channels"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "post-channel"}),
    )
    clear_picture = forms.BooleanField(label=_("Remove the picture"), required=False)
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={**TEXT, "class": "form-input post-link"}),
    )

    class Meta:
        model = Post
        fields = ["title", "text", "link", "picture", "picture_alt", "plan_item", "theme"]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "text": forms.Textarea(attrs={"class": "form-input post-text", "rows": 6}),
            "picture": forms.ClearableFileInput(
                attrs={"class": "post-picture", "accept": "image/jpeg,image/png"}
            ),
            "picture_alt": forms.TextInput(attrs=TEXT),
            "plan_item": forms.Select(attrs=SELECT),
            "theme": forms.Select(attrs=SELECT),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["title"].required = False
        self.fields["picture"].widget = forms.FileInput(
            attrs={"class": "post-picture", "accept": "image/jpeg,image/png"}
        )
        channels = publishing.composable_channels(user).select_related(None)
        self.channel_list = list(channels)
        self.fields["channels"].queryset = channels
        self.fields["plan_item"].queryset = PlanItem.objects.order_by("-start_date", "title")
        self.fields["theme"].queryset = YearTheme.objects.order_by("-start_date", "title")
        current = {}
        if self.instance.pk:
            targets = list(self.instance.targets.all())
            current = {target.channel_id: target.text for target in targets}
            self.initial.setdefault("channels", [target.channel_id for target in targets])
        for channel in self.channel_list:
            self.fields[f"text_{channel.pk}"] = forms.CharField(
                label=_("Text for %(channel)s") % {"channel": channel.name},
                required=False,
                initial=current.get(channel.pk, ""),
                help_text=_("Leave empty to use the common text."),
                widget=forms.Textarea(
                    attrs={
                        "class": "form-input post-variant",
                        "rows": 3,
                        "data-channel": channel.pk,
                        "data-platform": channel.platform,
                    }
                ),
            )

    def variant_fields(self):
        """(channel, its variant field) pairs, in the channels' order."""
        return [(channel, self[f"text_{channel.pk}"]) for channel in self.channel_list]

    def limits_json(self):
        return {platform: rules.as_dict() for platform, rules in post_rules.RULES.items()}

    def variants(self):
        return {
            channel.pk: self.cleaned_data.get(f"text_{channel.pk}", "")
            for channel in self.cleaned_data.get("channels") or []
        }

    def clean(self):
        cleaned = super().clean()
        channels = list(cleaned.get("channels") or [])
        picture = cleaned.get("picture") or (
            self.instance.picture if not cleaned.get("clear_picture") else None
        )
        errors = publishing.check_post(
            text=cleaned.get("text") or "",
            link=cleaned.get("link") or "",
            picture=bool(picture),
            targets=[(channel, cleaned.get(f"text_{channel.pk}", "")) for channel in channels],
        )
        for field, messages in errors.items():
            for message in messages:
                if field in self.fields and field not in self._errors:
                    self.add_error(field, message)
                elif field not in self.fields:
                    self.add_error(None, message)
        return cleaned


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        input_formats=[LOCAL_MINUTE],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-input"}, format=LOCAL_MINUTE
        ),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the post sent back?"),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"class": "form-input", "rows": 3})
    )
