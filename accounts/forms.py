"""Forms for the registry's pages: requesting a page, editing the record, deciding, closing."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from governance.models import OrgUnit, UnitKind

from . import limits
from .models import Channel, Platform, PlatformRole
from .people import eligible_people, not_eligible_message, people_in_centres


class _Styled:
    """Give every widget the design system's classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            widget = form_field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-radio")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-input")


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class _PersonChoice(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "Choose someone from the page's own centre or from the communications team."
        ),
    }

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def _check_people(form, unit, names):
    """Field errors for chosen people who may not be named on a page of `unit`."""
    chosen = {name: form.cleaned_data.get(name) for name in names}
    chosen = {name: person for name, person in chosen.items() if person is not None}
    if not chosen:
        return
    allowed = set(
        eligible_people(unit)
        .filter(pk__in=[person.pk for person in chosen.values()])
        .values_list("pk", flat=True)
    )
    for name, person in chosen.items():
        if person.pk not in allowed:
            form.add_error(name, not_eligible_message(person, unit))


class ChannelRequestForm(_Styled, forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(
        label=_("Name of the page"),
        max_length=limits.NAME,
        help_text=_("Name the municipality and the department, e.g. “Fjordby Kommune – Library”."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The department that will run the page; its centre manager decides."),
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_groups = forms.CharField(
        label=_("Target groups"), max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the page will tell its readers, and why social media is the place."),
    )
    responsible = _PersonChoice(label=_("Responsible person"), queryset=_people())
    deputy = _PersonChoice(label=_("Deputy"), queryset=_people())
    url = forms.URLField(
        label=_("Address of the page, if it exists"),
        required=False,
        max_length=limits.URL,
        assume_scheme="https",
    )
    handle = forms.CharField(label=_("Handle"), max_length=limits.HANDLE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Decentral pages belong to units inside a centre.
        self.fields["department"].queryset = (
            OrgUnit.objects.open()
            .filter(centre__isnull=False)
            .exclude(kind=UnitKind.COMMUNICATIONS)
        )
        self.fields["responsible"].queryset = people_in_centres()
        self.fields["deputy"].queryset = people_in_centres()

    def clean(self):
        data = super().clean()
        if data.get("responsible") and data.get("responsible") == data.get("deputy"):
            self.add_error("deputy", _("The deputy must be someone other than the responsible."))
        if data.get("department"):
            _check_people(self, data["department"], ["responsible", "deputy"])
        return data


class DecisionForm(_Styled, forms.Form):
    APPROVE, REJECT = "approve", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=limits.COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not data.get("comment", "").strip():
            self.add_error("comment", _("Say why you reject."))
        return data


class ChannelEditForm(_Styled, forms.ModelForm):
    url = forms.URLField(label=_("URL"), required=False, assume_scheme="https")
    responsible = _PersonChoice(label=_("Responsible person"), queryset=_people(), required=False)
    deputy = _PersonChoice(label=_("Deputy"), queryset=_people(), required=False)

    class Meta:
        model = Channel
        fields = [
            "name",
            "handle",
            "url",
            "external_id",
            "purpose",
            "target_groups",
            "responsible",
            "deputy",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people close to the page are offered (anyone else is an invalid choice), but
        # whoever is on the record now stays selectable, wherever they work today.
        people = eligible_people(
            self.instance.owner_unit,
            keep_ids=[self.instance.responsible_id, self.instance.deputy_id],
        )
        self.fields["responsible"].queryset = people
        self.fields["deputy"].queryset = people
        # The same limit as on the request form and in the API.
        for name in ("purpose", "target_groups"):
            field = self.fields[name]
            field.max_length = limits.TEXT
            field.validators.append(MaxLengthValidator(limits.TEXT))
            field.widget.attrs["maxlength"] = str(limits.TEXT)

    def clean(self):
        data = super().clean()
        if data.get("responsible") and data.get("responsible") == data.get("deputy"):
            self.add_error("deputy", _("The deputy must be someone other than the responsible."))
        return data


class AdminAddForm(_Styled, forms.Form):
    user = _PersonChoice(label=_("Person"), queryset=_people())
    platform_role = forms.ChoiceField(label=_("Role on the platform"), choices=PlatformRole.choices)

    def __init__(self, *args, channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.fields["user"].queryset = eligible_people(channel.owner_unit)


class CommentForm(_Styled, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=limits.COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClosingRequestForm(_Styled, forms.Form):
    reason = forms.CharField(
        label=_("Why close the page?"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notice_text = forms.CharField(
        label=_("Closing notice"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Posted on the page before it closes: where readers find the municipality now."
        ),
    )
