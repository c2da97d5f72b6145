"""Setting a municipality up from a script: the municipality, its communications team and the
communications lead's account. `manage.py setup_municipality` calls it; running it again with
the same input changes nothing."""

from dataclasses import dataclass
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audit import record, snapshot

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

FIELDS = ("name", "country", "time_zone", "default_language", "website")
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
    lead: object = None
    lead_created: bool = False
    # The one-time link that lets the lead choose a password ("" when the lead has one).
    invite_link: str = ""
    invite_emailed: bool = False


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


def _municipality(values):
    """The installation's municipality with `values` applied (not saved), and whether it is
    new. A new one needs a name and a country; the rest follows from the country."""
    municipality = Municipality.objects.select_for_update().order_by("pk").first()
    created = municipality is None
    if created:
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
        municipality = Municipality(
            time_zone=DEFAULT_TIME_ZONES[country],
            default_language=LANGUAGE_OF_COUNTRY[country],
        )
    for key, value in values.items():
        setattr(municipality, key, value.strip() if key == "name" else value)
    return municipality, created


def _lead_account(municipality, email, full_name):
    """The lead's account (made without a password when new) in the communications team."""
    User = get_user_model()
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if len(matches) > 1:
        raise SetupError(
            [_("Several accounts have the e-mail address %(email)s.") % {"email": email}]
        )
    created = not matches
    if created:
        first, _space, last = (full_name or "").strip().partition(" ")
        user = User(username=email.lower(), email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
    else:
        user = matches[0]
    team = OrgUnit.objects.filter(municipality=municipality, kind=UnitKind.COMMUNICATIONS).first()
    if team is None:
        with translation.override(municipality.default_language):
            team = OrgUnit.objects.create(
                municipality=municipality,
                name=str(UnitKind.COMMUNICATIONS.label),
                kind=UnitKind.COMMUNICATIONS,
            )
    membership, joined = Membership.objects.get_or_create(
        user=user, unit=team, role=Role.COMMUNICATIONS, defaults={"is_lead": True}
    )
    if not membership.is_lead:
        membership.is_lead = True
        membership.save(update_fields=["is_lead"])
        joined = True
    return user, created, joined


def one_time_link(user, base_url):
    """A link that lets `user` choose a password; it stops working once they have."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def _email_invite(municipality, user, link):
    with translation.override(municipality.default_language):
        send_mail(
            _("You are the communications lead of %(municipality)s")
            % {"municipality": municipality.name},
            _(
                "You have been made the communications lead of %(municipality)s in the social "
                "media governance system.\n\nChoose your password here (the link works once):\n"
                "%(link)s\n"
            )
            % {"municipality": municipality.name, "link": link},
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


def setup_municipality(
    values, *, lead_email="", lead_name="", invite="link", base_url="", acting_user=None
):
    """Create or update the municipality from `values` (only the keys given change), and make
    `lead_email`'s account the communications lead. `invite`: "link" (return a one-time link),
    "email" (send it), or "none". Refuses bad input as a whole, changing nothing."""
    values = {key: value for key, value in values.items() if value is not None}
    problems = _problems(values, lead_email)
    if problems:
        raise SetupError(problems)
    with transaction.atomic():
        municipality, created = _municipality(values)
        before = {} if created else snapshot(Municipality.objects.get(pk=municipality.pk), *FIELDS)
        try:
            municipality.full_clean()
        except ValidationError as exc:
            raise SetupError(exc.messages) from None
        municipality.save()
        result = SetupResult(municipality=municipality, municipality_created=created)
        lead_changed = False
        if lead_email:
            result.lead, result.lead_created, lead_changed = _lead_account(
                municipality, lead_email, lead_name
            )
        needs_link = result.lead is not None and not result.lead.has_usable_password()
        if needs_link and invite in ("link", "email"):
            result.invite_link = one_time_link(result.lead, base_url or settings.SITE_URL)
        after = snapshot(municipality, *FIELDS)
        if before == after and not (lead_changed or result.invite_link):
            return result  # nothing new: a re-run leaves no trace
        record(
            "municipality.setup",
            actor=acting_user,
            obj=municipality,
            before=before,
            after=after,
            lead=result.lead.pk if result.lead else None,
            lead_created=result.lead_created,
            invite=invite if result.invite_link else "",
        )
        if result.invite_link and invite == "email":
            lead, link = result.lead, result.invite_link
            transaction.on_commit(lambda: _email_invite(municipality, lead, link))
            result.invite_emailed = True
    return result
