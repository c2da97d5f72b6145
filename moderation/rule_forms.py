"""The rule editor's and the labels' forms. They turn the fields into a rule's `conditions` and
`actions`; `inbox_rules.clean_definition` (asked by the actions) checks them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Platform
from governance.models import OrgUnit, UnitKind
from governance.policy import version_in_force

from .actions import rota_candidates
from .inbox_rules import CLOSE_REASON_MAX, REGEX_MAX
from .models import DutyRota, ItemKind, Label, LabelColour, Priority

_SELECT = {"class": "form-select"}
_MULTI = {"class": "form-select", "size": "4"}
_TEXT = {"class": "form-input"}
_CHECKBOX = {"class": "form-checkbox"}

_FLAG = [("", _("Either")), ("yes", _("Yes")), ("no", _("No"))]
_FLAG_VALUES = {"yes": True, "no": False}


def _lines(value):
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, widget=forms.TextInput(attrs=_TEXT))
    enabled = forms.BooleanField(
        label=_("Enabled"), required=False, widget=forms.CheckboxInput(attrs=_CHECKBOX)
    )
    # Conditions
    words = forms.CharField(
        label=_("Words and phrases"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4}),
        help_text=_(
            "One per line, in Danish, Swedish, Norwegian or English. Inflected forms and "
            "compounds match too. Any of them is enough."
        ),
    )
    platforms = forms.MultipleChoiceField(
        label=_("Platforms"),
        required=False,
        choices=Platform.choices,
        widget=forms.SelectMultiple(attrs=_MULTI),
    )
    channels = forms.TypedMultipleChoiceField(
        label=_("Channels"), required=False, coerce=int, widget=forms.SelectMultiple(attrs=_MULTI)
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of item"),
        required=False,
        choices=ItemKind.choices,
        widget=forms.SelectMultiple(attrs=_MULTI),
    )
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
        help_text=_("Names or handles, one per line."),
    )
    has_link = forms.ChoiceField(
        label=_("Contains a link"),
        required=False,
        choices=_FLAG,
        widget=forms.Select(attrs=_SELECT),
    )
    has_personal_data = forms.ChoiceField(
        label=_("Contains a personal ID number"),
        required=False,
        choices=_FLAG,
        widget=forms.Select(attrs=_SELECT),
    )
    regex = forms.CharField(
        label=_("Regular expression"),
        required=False,
        max_length=REGEX_MAX,
        widget=forms.TextInput(attrs=_TEXT),
        help_text=_("For the communications lead and system administrators. Case is ignored."),
    )
    # Actions
    labels = forms.TypedMultipleChoiceField(
        label=_("Add labels"), required=False, coerce=int, widget=forms.SelectMultiple(attrs=_MULTI)
    )
    assign_to = forms.TypedChoiceField(
        label=_("Assign to a person"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
    )
    assign_team = forms.TypedChoiceField(
        label=_("Assign to a team's on-duty monitor"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
    )
    forward_to = forms.TypedChoiceField(
        label=_("Department"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
        help_text=_("Suggested in the forward dialog, with this rule as the reason."),
    )
    forward_automatically = forms.BooleanField(
        label=_("Forward automatically"),
        required=False,
        widget=forms.CheckboxInput(attrs=_CHECKBOX),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Leave as it is")),
            (Priority.HIGH, _("High")),
            (Priority.URGENT, _("Urgent")),
        ],
        widget=forms.Select(attrs=_SELECT),
    )
    close_as = forms.ChoiceField(
        label=_("Close without an answer"),
        required=False,
        choices=[("", _("No")), ("spam", _("As spam")), ("praise", _("As praise"))],
        widget=forms.Select(attrs=_SELECT),
    )
    close_reason = forms.CharField(
        label=_("Reason for closing"),
        required=False,
        max_length=CLOSE_REASON_MAX,
        widget=forms.TextInput(attrs=_TEXT),
    )
    hide_reason = forms.ChoiceField(
        label=_("Hide for the reason"),
        required=False,
        widget=forms.Select(attrs=_SELECT),
        help_text=_(
            "Hidden by the rule only where the policy in force lets rules hide for that "
            "reason; otherwise the rule suggests hiding and a person decides."
        ),
    )

    CONDITIONS = ("words", "platforms", "channels", "kinds", "authors", "has_link")
    CONDITIONS += ("has_personal_data", "regex")
    ACTIONS = ("labels", "assign_to", "assign_team", "forward_to", "forward_automatically")
    ACTIONS += ("priority", "close_as", "close_reason", "hide_reason")

    def __init__(self, *args, municipality, may_use_regex=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [
            (c.pk, c.label)
            for c in Channel.objects.filter(owner_unit__municipality=municipality).order_by(
                "name", "platform"
            )
        ]
        self.fields["labels"].choices = list(
            Label.objects.filter(municipality=municipality).values_list("pk", "name")
        )
        people = rota_candidates(municipality)
        self.fields["assign_to"].choices = [("", _("Nobody"))] + [
            (u.pk, u.get_full_name() or u.get_username()) for u in people
        ]
        self.fields["assign_team"].choices = [("", _("No team"))] + [
            (r.team_id, r.team.name)
            for r in DutyRota.objects.filter(team__municipality=municipality).select_related("team")
        ]
        self.fields["forward_to"].choices = [("", _("None"))] + list(
            OrgUnit.objects.open()
            .filter(municipality=municipality)
            .exclude(kind=UnitKind.COMMUNICATIONS)
            .order_by("name")
            .values_list("pk", "name")
        )
        version = version_in_force(municipality)
        reasons = list(version.removal_reasons.all()) if version else []
        self.fields["hide_reason"].choices = [("", _("Do not hide"))] + [
            (
                r.code,
                _("%(label)s (hidden by the rule)") % {"label": r.label}
                if r.automatic_allowed
                else _("%(label)s (suggested to a person)") % {"label": r.label},
            )
            for r in reasons
        ]
        if not may_use_regex:
            self.fields["regex"].disabled = True

    @classmethod
    def initial_for(cls, rule):
        c, a = rule.conditions, rule.actions
        initial = {"name": rule.name, "enabled": rule.enabled}
        initial.update({name: c.get(name) for name in ("platforms", "channels", "kinds")})
        initial["words"] = "\n".join(c.get("words", []))
        initial["authors"] = "\n".join(c.get("authors", []))
        initial["regex"] = c.get("regex", "")
        for name in ("has_link", "has_personal_data"):
            initial[name] = {True: "yes", False: "no"}.get(c.get(name), "")
        initial.update({name: a.get(name) for name in cls.ACTIONS})
        return initial

    def definition(self):
        """(name, enabled, conditions, actions) from the valid form."""
        data = self.cleaned_data
        conditions = {
            "words": _lines(data.get("words")),
            "authors": _lines(data.get("authors")),
            "platforms": data.get("platforms") or [],
            "channels": data.get("channels") or [],
            "kinds": data.get("kinds") or [],
            "regex": data.get("regex") or "",
        }
        for name in ("has_link", "has_personal_data"):
            if data.get(name) in _FLAG_VALUES:
                conditions[name] = _FLAG_VALUES[data[name]]
        actions = {name: data.get(name) for name in self.ACTIONS}
        actions = {name: value for name, value in actions.items() if value not in (None, "", [])}
        if not actions.get("forward_automatically"):
            actions.pop("forward_automatically", None)
        return data["name"], data.get("enabled", False), conditions, actions


class LabelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, widget=forms.TextInput(attrs=_TEXT))
    colour = forms.ChoiceField(
        label=_("Colour"), choices=LabelColour.choices, widget=forms.Select(attrs=_SELECT)
    )
