"""Setting a municipality up from a script: the municipality, its communications team and its
communications lead, through the settings area's own actions (`org_actions`, `invitations`),
which write the audit rows. `manage.py setup_municipality` calls it; running it again with the
same input changes nothing."""

from dataclasses import dataclass
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import invitations, org_actions
from .models import (
    DEFAULT_TIME_ZONES,
    Country,
    Language,
    Membership,
    Municipality,
    OrgUnit,
    Role,
    UnitKind,
)

LANGUAGE_OF_COUNTRY = {Country.DENMARK: "da", Country.SWEDEN: "sv", Country.NORWAY: "nb"}


class SetupError(Exception):
    """Input the setup refuses, with every problem found (nothing was changed)."""

    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class SetupResult:
    municipality: Municipality
    municipality_created: bool
    lead_email: str = ""
    # "invited" (a new invitation), "waiting" (an earlier one not used yet), "joined" (an
    # existing account made the lead), "lead" (already the lead), or "" (no lead asked for).
    lead_state: str = ""
    invite_link: str = ""


def _problems(values, lead_email):
    problems = []
    if "name" in values and not values["name"].strip():
        problems.append(_("The name cannot be empty."))
    if "country" in values and values["country"] not in Country.values:
        problems.append(
            _("Unknown country %(value)s: use %(choices)s.")
            % {"value": values["country"], "choices": ", ".join(Country.values)}
        )
    if "time_zone" in values and values["time_zone"] not in available_timezones():
        problems.append(_("Unknown time zone %(value)s.") % {"value": values["time_zone"]})
    if "default_language" in values and values["default_language"] not in Language.values:
        problems.append(
            _("Unknown language %(value)s: use %(choices)s.")
            % {"value": values["default_language"], "choices": ", ".join(Language.values)}
        )
    if values.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(values["website"])
        except ValidationError:
            problems.append(_("The website is not a valid address."))
    if lead_email:
        try:
            validate_email(lead_email)
        except ValidationError:
            problems.append(_("The lead's e-mail address is not valid."))
    return problems


def _municipality(values, acting_user):
    """The installation's municipality, created or changed through the settings area's action
    (a new one takes the country's time zone and language unless given)."""
    municipality = Municipality.objects.order_by("pk").first()
    if municipality is None:
        missing = [
            flag
            for flag, key in (("--name", "name"), ("--country", "country"))
            if key not in values
        ]
        if missing:
            raise SetupError(
                [_("A new municipality needs %(flags)s.") % {"flags": " ".join(missing)}]
            )
        country = values["country"]
        values = {
            "time_zone": DEFAULT_TIME_ZONES[country],
            "default_language": LANGUAGE_OF_COUNTRY[country],
            **values,
        }
    if "name" in values:
        values["name"] = values["name"].strip()
    try:
        saved = org_actions.save_municipality(municipality, acting_user=acting_user, **values)
    except org_actions.SettingsError as exc:
        raise SetupError([str(exc)]) from None
    return saved, municipality is None


def _communications_team(municipality, acting_user):
    team = OrgUnit.objects.filter(
        municipality=municipality, kind=UnitKind.COMMUNICATIONS, closed_at__isnull=True
    ).first()
    if team is not None:
        return team
    with translation.override(municipality.default_language):
        name = str(UnitKind.COMMUNICATIONS.label)
    return org_actions.create_unit(
        municipality, acting_user=acting_user, name=name, kind=UnitKind.COMMUNICATIONS
    )


def _lead(municipality, email, acting_user):
    """Make `email` the communications lead: an existing account gets the role, anybody else
    an invitation (its link sets a password or sends them to single sign-on)."""
    team = _communications_team(municipality, acting_user)
    user = invitations.account_for_email(email)
    if user is not None:
        membership = Membership.objects.filter(
            user=user, unit=team, role=Role.COMMUNICATIONS
        ).first()
        if membership is not None and membership.is_lead:
            return "lead", ""
        if membership is not None:
            raise SetupError(
                [
                    _(
                        "%(email)s is in the communications team but not its lead: make them "
                        "the lead on their page in the settings."
                    )
                    % {"email": email}
                ]
            )
        org_actions.add_membership(
            user, acting_user=acting_user, unit=team, role=Role.COMMUNICATIONS, is_lead=True
        )
        return "joined", ""
    try:
        invitation = invitations.invite_person(
            municipality,
            acting_user=acting_user,
            email=email,
            unit=team,
            role=Role.COMMUNICATIONS,
            is_lead=True,
        )
    except org_actions.SettingsError as exc:
        if getattr(exc, "code", None) == "already_invited":
            return "waiting", ""
        raise SetupError([str(exc)]) from None
    return "invited", invitation.accept_link


def setup_municipality(values, *, lead_email="", acting_user=None):
    """Create or update the municipality from `values` (only the keys given change), and make
    `lead_email` the communications lead. Refuses bad input as a whole, changing nothing."""
    values = {key: value for key, value in values.items() if value is not None}
    problems = _problems(values, lead_email)
    if problems:
        raise SetupError(problems)
    with transaction.atomic():
        municipality, created = _municipality(values, acting_user)
        result = SetupResult(municipality=municipality, municipality_created=created)
        if lead_email:
            result.lead_email = lead_email.strip().lower()
            result.lead_state, result.invite_link = _lead(
                municipality, result.lead_email, acting_user
            )
    return result
