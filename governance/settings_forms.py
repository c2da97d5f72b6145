"""Forms of the settings area: the municipality, units, invitations, roles, and the invitee's
acceptance. The rules themselves live in the actions (`org_actions`, `invitations`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DesignSystemMixin
from .models import Municipality, OrgUnit, Role, UnitKind


class MunicipalityForm(DesignSystemMixin, forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["name", "country", "time_zone", "default_language", "website"]
        help_texts = {
            "time_zone": _("A name from the time-zone database, such as Europe/Copenhagen."),
            "default_language": _(
                "The language of the pages and e-mails for people who have not chosen one."
            ),
        }


def _units(municipality):
    return (
        OrgUnit.objects.open().filter(municipality=municipality).order_by("name")
        if municipality is not None
        else OrgUnit.objects.none()
    )


class UnitCreateForm(DesignSystemMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, initial=UnitKind.CENTRE)
    parent = forms.ModelChoiceField(
        label=_("Under"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("(top of the tree)"),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _units(municipality)


class UnitEditForm(DesignSystemMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Under"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("(top of the tree)"),
    )

    def __init__(self, *args, unit, **kwargs):
        kwargs.setdefault("initial", {"name": unit.name, "parent": unit.parent_id})
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _units(unit.municipality)


class RoleFields(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)
    is_lead = forms.BooleanField(
        label=_("Leads the unit"),
        required=False,
        help_text=_("The communications lead, or a centre's manager."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(municipality)


class MembershipForm(DesignSystemMixin, RoleFields):
    pass


class InviteForm(DesignSystemMixin, RoleFields):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    field_order = ["email", "unit", "role", "is_lead"]


class AcceptForm(DesignSystemMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("The password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, single_sign_on=False, **kwargs):
        super().__init__(*args, **kwargs)
        if single_sign_on:
            # The identity provider checks who the person is: no password of our own.
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


def _lines(value):
    return [line for line in value.splitlines() if line.strip()]


class UnitTopicsForm(DesignSystemMixin, forms.Form):
    """A department's routing topics, one word or phrase a line, and its KLE numbers."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One word or phrase a line, in any language citizens write in. Inflected forms "
            "and compounds match too: “affald” also finds “affaldet” and “madaffald”."
        ),
    )
    kle_numbers = forms.CharField(
        label=_("KLE numbers"),
        required=False,
        max_length=2000,
        help_text=_("Optional subject numbers of the KLE classification, e.g. 07.18 05.01."),
    )

    def clean_topics(self):
        return _lines(self.cleaned_data["topics"])

    def clean_kle_numbers(self):
        return self.cleaned_data["kle_numbers"].replace(",", " ").split()

    def cleaned_data_topics(self):
        return {name: self.cleaned_data[name] for name in ("topics", "kle_numbers")}
