"""Forms of the moderation pages."""

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Platform
from governance.compiled import values_rows
from governance.memo import Memo, memoized
from governance.models import OrgUnit, UnitKind
from governance.permissions import access_for
from governance.widgets import FastCheckbox, FastSelect, filter_fields_html

from . import limits
from .models import Confidentiality, ItemStatus


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("open", _("Open")),
        *ItemStatus.choices,
        ("all", _("All")),
    ]
    # The queue page is open all day: its filter bar renders without per-option templates.
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, widget=FastSelect
    )
    platform = forms.ChoiceField(
        label=_("Platform"),
        choices=[("", _("All"))] + Platform.choices,
        required=False,
        widget=FastSelect,
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"), coerce=int, required=False, widget=FastSelect
    )
    centre = forms.TypedChoiceField(
        label=_("Centre"), coerce=int, required=False, widget=FastSelect
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False, widget=FastCheckbox)
    at_risk = forms.BooleanField(label=_("At risk"), required=False, widget=FastCheckbox)
    overdue = forms.BooleanField(label=_("Overdue"), required=False, widget=FastCheckbox)
    personal = forms.BooleanField(label=_("Personal data"), required=False, widget=FastCheckbox)

    def __init__(self, *args, channels=None, centres=None, **kwargs):
        """`channels` and `centres`: (id, name) rows to offer; without them (the live
        refresh, which only reads the filters) any id is taken, and the queryset's scoping
        keeps an id the user may not see from showing anything."""
        super().__init__(*args, **kwargs)
        if channels is not None:
            self.fields["channel"].choices = [("", _("All")), *channels]
            self.fields["centre"].choices = [("", _("All")), *centres]
        else:
            for name in ("channel", "centre"):
                self.fields[name] = forms.IntegerField(required=False, min_value=1)
        for name in ("status", "platform", "channel", "centre"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("mine", "at_risk", "overdue", "personal"):
            self.fields[name].widget.attrs["class"] = "form-checkbox"


def _submitted(data) -> tuple:
    """The filter values in a request's GET, hashable, in a fixed order."""
    return tuple(
        (name, tuple(data.getlist(name)))
        for name in sorted(data)
        if name in QueueFilterForm.base_fields
    )


def _as_query(submitted) -> QueryDict | None:
    data = QueryDict(mutable=True)
    for name, values in submitted:
        data.setlist(name, list(values))
    return data or None


def queue_filters(user, data, *, with_bar=True) -> tuple[dict, str]:
    """The queue's cleaned filters for `user` and the request's GET `data`, and the filter
    bar's fields drawn for the page ("" with `with_bar=False`, the live refresh).

    The result depends on the submitted values, the language and the channel and centre
    lists alone (asked afresh every time), so it is worked out once for each such set: the
    queue page and its live refresh ask the same again and again all day.
    """
    submitted = _submitted(data)
    if not with_bar:
        return dict(_live_filters(submitted)), ""
    access = access_for(user)
    channels = values_rows(
        ("queue-filter-channels", access.key),
        lambda: Channel.objects.for_user(user).order_by("name").values_list("pk", "name"),
    )
    centres = values_rows(
        ("queue-filter-centres",),
        lambda: (
            OrgUnit.objects.filter(kind=UnitKind.CENTRE).order_by("name").values_list("pk", "name")
        ),
    )
    key = (get_language(), submitted, tuple(channels), tuple(centres))
    found = _BARS.get(key)
    if found is None:
        form = QueueFilterForm(_as_query(submitted), channels=channels, centres=centres)
        cleaned = tuple(form.cleaned_data.items()) if form.is_valid() else ()
        found = _BARS.keep(key, (cleaned, filter_fields_html(form)))
    return dict(found[0]), found[1]


@memoized(maxsize=256)
def _live_filters(submitted):
    form = QueueFilterForm(_as_query(submitted))
    return tuple(form.cleaned_data.items()) if form.is_valid() else ()


# Cleaned filters and drawn filter bars (see queue_filters).
_BARS = Memo(256)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=limits.NOTE)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 5}),
        max_length=limits.REPLY_TEXT,
        error_messages={"required": _("Write the answer first.")},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=limits.IDEMPOTENCY_KEY)
    canned = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=limits.CANNED_CODE
    )
    forwarding = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ForwardForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Department"), queryset=OrgUnit.objects.none())
    to_user = forms.ModelChoiceField(
        label=_("Expert"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to let the department's experts pick it up."),
    )
    due_at = forms.DateTimeField(
        label=_("Internal deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-input"}),
        help_text=_("Must fall before the answer deadline."),
    )
    note = forms.CharField(
        label=_("Note to the expert"),
        required=False,
        max_length=limits.FORWARD_NOTE,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def __init__(self, *args, units, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units
        self.fields["to_user"].queryset = experts
        self.fields["to_unit"].widget.attrs["class"] = "form-select"
        self.fields["to_user"].widget.attrs["class"] = "form-select"


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing without an answer"),
        max_length=limits.CLOSE_REASON,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        error_messages={"required": _("Give a reason for closing.")},
    )


class AssignForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = team
        self.fields["to_user"].widget.attrs["class"] = "form-select"


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason from the policy"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r.code, r.label) for r in reasons]
        self.fields["reason"].widget.attrs["class"] = "form-select"


class TellAuthorForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason from the policy"))
    text = forms.CharField(
        label=_("Message to the author"),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
        max_length=limits.TELL_AUTHOR_TEXT,
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r.code, r.label) for r in reasons]
        self.fields["reason"].widget.attrs["class"] = "form-select"


class RecordForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=limits.RECORD_FIELDS["subject"], required=False
    )
    case_number = forms.CharField(
        label=_("Case or diary number"),
        max_length=limits.RECORD_FIELDS["case_number"],
        required=False,
    )
    classification = forms.CharField(
        label=_("Classification"),
        max_length=limits.RECORD_FIELDS["classification"],
        required=False,
    )
    sender = forms.CharField(
        label=_("From"), max_length=limits.RECORD_FIELDS["sender"], required=False
    )
    recipient = forms.CharField(
        label=_("To"), max_length=limits.RECORD_FIELDS["recipient"], required=False
    )
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), choices=Confidentiality.choices)

    def __init__(self, *args, instance_record=None, **kwargs):
        if instance_record is not None:
            kwargs["initial"] = {name: getattr(instance_record, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-input"
            )


class SendBackForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        help_text=_("Short and informative; refer to phone or personal contact for case details."),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 5}),
        max_length=limits.FORWARDING_ANSWER,
        error_messages={"required": _("Write the answer first.")},
    )


class CrisisForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=limits.CRISIS_REASON,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )
    target_percent = forms.IntegerField(
        label=_("Answer times in per cent of normal"),
        min_value=1,
        max_value=100,
        initial=25,
        widget=forms.NumberInput(attrs={"class": "form-input"}),
    )
    round_the_clock = forms.BooleanField(
        label=_("Count every hour, not only opening hours"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )


class AbsenceForm(forms.Form):
    """An absence of someone on a rota (as member or deputy); the dates are whole local days."""

    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose someone on a rota.")},
    )
    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date", "class": "form-input"})
    )
    ends_on = forms.DateField(
        label=_("To (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["user"].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return cleaned


class RotaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])
