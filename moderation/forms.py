"""Forms of the moderation pages."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Platform, channel_label
from governance.models import OrgUnit, UnitKind

from . import actions, limits
from .canned import PLACEHOLDERS, placeholder_errors
from .models import Confidentiality, ItemStatus

_SELECT = forms.Select(attrs={"class": "form-select"})
_CHECKBOX = forms.CheckboxInput(attrs={"class": "form-checkbox"})


class QueueFilterForm(forms.Form):
    """The queue's filters, read by the same form on the page and on its live refresh, so
    both list the same rows. A value that does not validate (a channel outside the user's
    list, an unknown status) is left out of the filters; the other filters still apply."""

    STATUS_CHOICES = [
        ("open", _("Open")),
        *ItemStatus.choices,
        ("all", _("All")),
    ]
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, widget=_SELECT
    )
    platform = forms.ChoiceField(
        label=_("Platform"),
        choices=[("", _("All"))] + Platform.choices,
        required=False,
        widget=_SELECT,
    )
    channel = forms.TypedChoiceField(label=_("Channel"), coerce=int, required=False, widget=_SELECT)
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int, required=False, widget=_SELECT)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False, widget=_CHECKBOX)
    at_risk = forms.BooleanField(label=_("At risk"), required=False, widget=_CHECKBOX)
    overdue = forms.BooleanField(label=_("Overdue"), required=False, widget=_CHECKBOX)
    personal = forms.BooleanField(label=_("Personal data"), required=False, widget=_CHECKBOX)
    label = forms.TypedChoiceField(label=_("Label"), coerce=int, required=False, widget=_SELECT)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        from .models import Label

        # Three queries: the channels the user may see, the centres and the labels.
        channels = [
            (pk, channel_label(name, platform, handle))
            for pk, name, platform, handle in Channel.objects.for_user(user)
            .order_by("name", "platform", "handle", "pk")
            .values_list("pk", "name", "platform", "handle")
        ]
        centres = (
            OrgUnit.objects.filter(kind=UnitKind.CENTRE).order_by("name").values_list("pk", "name")
        )
        self.fields["channel"].choices = [("", _("All")), *channels]
        self.fields["centre"].choices = [("", _("All")), *centres]
        labels = Label.objects.order_by("name").values_list("pk", "name")
        self.fields["label"].choices = [("", _("All")), *labels]

    def filters(self) -> dict:
        """The filters that validated, by name."""
        self.is_valid()
        return self.cleaned_data


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
    # The newest write on the item when the page was loaded: an answer asked for since then
    # is shown before this one goes (`actions.reply`).
    seen_write = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    send_anyway = forms.BooleanField(
        label=_("Send mine anyway"),
        required=False,
        widget=forms.CheckboxInput(
            attrs={"class": "form-checkbox", "aria-describedby": "id_send_anyway-hint"}
        ),
        help_text=_("I have read the other answer, and mine still adds something."),
    )


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
        # The browser's date and time picker takes ISO values only, whatever the page's language.
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-input"}, format="%Y-%m-%dT%H:%M"
        ),
        help_text=_("Must fall before the answer deadline."),
    )
    note = forms.CharField(
        label=_("Note to the expert"),
        required=False,
        max_length=limits.FORWARD_NOTE,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may receive the question is decided in one place, the actions layer.
        self.item = item
        self.fields["to_unit"].queryset = actions.forwarding_units(item)
        self.fields["to_unit"].error_messages["invalid_choice"] = actions.NOT_A_FORWARDING_UNIT
        self.fields["to_user"].queryset = actions.forwarding_recipients(item)
        self.fields["to_user"].error_messages["invalid_choice"] = actions.NOT_A_FORWARDING_RECIPIENT
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

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may be assigned is decided in one place, the actions layer.
        self.fields["to_user"].queryset = actions.assignable_users(item)
        self.fields["to_user"].error_messages["invalid_choice"] = actions.NOT_ASSIGNABLE
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
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("To (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d"),
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


def _person_label(user):
    return user.get_full_name() or user.username


class RotaTurnsForm(forms.Form):
    """When a rota's turns start and how many days each lasts."""

    starts_on = forms.DateField(
        label=_("First turn starts"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d"),
    )
    turn_days = forms.IntegerField(
        label=_("Days per turn"),
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "form-input"}),
    )


class RotaCreateForm(forms.Form):
    """A team without a rota, the first turn's start and the length of a turn."""

    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        widget=_SELECT,
        error_messages={"invalid_choice": _("Choose a team that has no rota yet.")},
    )
    starts_on = forms.DateField(
        label=_("First turn starts"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d"),
    )
    turn_days = forms.IntegerField(
        label=_("Days per turn"),
        min_value=1,
        max_value=365,
        initial=7,
        widget=forms.NumberInput(attrs={"class": "form-input"}),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class RotaMemberForm(forms.Form):
    """A person to put last on a rota, with an optional deputy from the rota's members."""

    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        widget=_SELECT,
        error_messages={"invalid_choice": _("Choose an active person of the organisation.")},
    )
    deputy = forms.ModelChoiceField(
        label=_("Deputy during absence"),
        queryset=None,
        required=False,
        widget=_SELECT,
        error_messages={"invalid_choice": _("The deputy must be a member of the same rota.")},
    )

    def __init__(self, *args, people, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["deputy"].queryset = members
        for name in ("user", "deputy"):
            self.fields[name].label_from_instance = _person_label


class RotaDeputyForm(forms.Form):
    deputy = forms.ModelChoiceField(
        label=_("Deputy during absence"),
        queryset=None,
        required=False,
        widget=_SELECT,
        error_messages={"invalid_choice": _("The deputy must be a member of the same rota.")},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = members
        self.fields["deputy"].label_from_instance = _person_label


class CannedAnswerForm(forms.Form):
    """A canned answer; its placeholders are checked by `canned.placeholder_errors`."""

    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "form-input"})
    )
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        required=False,
        help_text=_("A short name kept in the reply's history; made from the title when empty."),
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=(), widget=_SELECT)
    platform = forms.ChoiceField(label=_("Platform"), required=False, choices=(), widget=_SELECT)
    text = forms.CharField(
        label=_("Text"),
        max_length=limits.REPLY_TEXT,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 6}),
    )
    for_personal_data = forms.BooleanField(
        label=_("Suggest it for comments that expose a personal ID number"),
        required=False,
        widget=_CHECKBOX,
    )
    order = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=32767,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "form-input"}),
    )

    def __init__(self, *args, **kwargs):
        from governance.models import Language

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language")), *Language.choices]
        self.fields["platform"].choices = [("", _("Every platform")), *Platform.choices]
        names = ", ".join(f"{{{name}}} ({label})" for name, label in PLACEHOLDERS.items())
        self.fields["text"].help_text = _("Placeholders the reply form fills in: %(names)s.") % {
            "names": names
        }

    def clean_text(self):
        text = self.cleaned_data["text"]
        problems = placeholder_errors(text)
        if problems:
            raise forms.ValidationError(problems)
        return text

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and cleaned.get("title"):
            cleaned["code"] = slugify(cleaned["title"])[:50] or "answer"
        return cleaned


class AlertHookForm(forms.Form):
    """A team's alert destination. The URL is asked for when it is added; when editing, a blank
    URL keeps the stored one (it is never shown again in full)."""

    unit = forms.ModelChoiceField(label=_("Team"), queryset=OrgUnit.objects.none(), widget=_SELECT)
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("Where the messages go, e.g. the channel's name."),
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=(), widget=_SELECT)
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=2000,
        required=False,
        widget=forms.PasswordInput(
            render_value=False, attrs={"class": "form-input", "autocomplete": "off"}
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Send"),
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=(), widget=_SELECT)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True, widget=_CHECKBOX)

    def __init__(self, *args, units, editing=False, **kwargs):
        from governance.models import Language

        from .models import AlertEvent, AlertKind

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["kind"].choices = AlertKind.choices
        self.fields["events"].choices = AlertEvent.choices
        self.fields["language"].choices = Language.choices
        if editing:
            self.fields["url"].help_text = _(
                "Leave it empty to keep the stored URL. Paste a new one to replace it."
            )
        else:
            self.fields["url"].required = True
            self.fields["url"].help_text = _(
                "From the Teams workflow “Post to a channel when a webhook request is received”, "
                "the channel's incoming webhook, or the Slack app's incoming webhook. It is "
                "stored encrypted."
            )
