"""The stream form: the same checks as the actions and the API (`actions.stream_problems`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, ChannelStatus

from .actions import SEARCH_PLATFORMS, stream_problems
from .models import ListeningStream


def stream_channels():
    """Channels a stream can read through: connected X, Instagram and YouTube channels."""
    return Channel.objects.filter(
        platform__in=SEARCH_PLATFORMS,
        connection__isnull=False,
        status__in=[ChannelStatus.ACTIVE, ChannelStatus.DORMANT],
    ).order_by("platform", "name")


class StreamForm(forms.ModelForm):
    class Meta:
        model = ListeningStream
        fields = ["name", "channel", "kind", "query", "enabled"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-input"}),
            "channel": forms.Select(attrs={"class": "form-select"}),
            "kind": forms.Select(attrs={"class": "form-select"}),
            "query": forms.TextInput(attrs={"class": "form-input input-width-xl"}),
        }
        help_texts = {
            "query": _(
                "X: words, #hashtags and X's search operators, e.g. #roadworks OR cycle path "
                "-is:retweet. Instagram: hashtags only, at most 30 different ones per account in "
                "7 days. YouTube: words to search video titles and descriptions."
            ),
            "kind": _(
                "Posts that tag our account: Instagram only. Mentions on X come into the queue "
                "by themselves."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = stream_channels()

    def clean(self):
        cleaned = super().clean()
        problems = stream_problems(
            name=cleaned.get("name"),
            channel=cleaned.get("channel"),
            kind=cleaned.get("kind"),
            query=cleaned.get("query"),
        )
        for field, message in problems.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned
