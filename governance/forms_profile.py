"""Forms of the person's own profile page: their language and a new API token."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bounds import SupportedDateField

from .forms import DesignSystemMixin
from .models import Language, TokenScope
from .token_actions import NAME_MAX_LENGTH, local_zone

# What the form suggests; a person may pick any later day, or none.
SUGGESTED_LIFETIME = timedelta(days=90)


class LanguageForm(DesignSystemMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Your pages, e-mails and notices. Empty: the municipality's language."),
    )

    def __init__(self, *args, municipality_language_name, **kwargs):
        super().__init__(*args, **kwargs)
        default = _("The municipality's language (%(language)s)") % {
            "language": municipality_language_name
        }
        self.fields["language"].choices = [("", default), *Language.choices]


class NewTokenForm(DesignSystemMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. the script or program that uses it."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
    )
    expires_on = SupportedDateField(
        label=_("Expires after"),
        required=False,
        # A date input takes and gives ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day the token works. Empty: it does not expire."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate(timezone.now(), local_zone())
        self.fields["expires_on"].initial = today + SUGGESTED_LIFETIME
        self.fields["expires_on"].widget.attrs["min"] = today.isoformat()
