"""`manage.py setup_municipality`: a fresh installation set up from a script (through the
settings area's actions, which audit), the lead invited by e-mail with the one-time link
printed, a re-run that changes nothing, and bad input refused with nothing changed."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from governance.models import Invitation, Membership, Municipality, OrgUnit, Role, UnitKind

pytestmark = pytest.mark.django_db

FLAGS = [
    "--name=Testby Kommune",
    "--country=DK",
    "--website=https://testby.example",
    "--lead-email=Lead@Testby.example",
]


def run(*args):
    out = StringIO()
    call_command("setup_municipality", *args, stdout=out)
    return out.getvalue()


def tables():
    """What the command may change, to compare before and after."""
    User = get_user_model()
    fields = ["name", "country", "time_zone", "default_language", "website"]
    return (
        list(Municipality.objects.values_list(*fields)),
        list(User.objects.values_list("username", "email", "password", "is_active")),
        list(OrgUnit.objects.values_list("name", "kind")),
        list(Membership.objects.values_list("user__username", "unit__name", "role", "is_lead")),
        list(Invitation.objects.values_list("email", "role", "is_lead", "withdrawn_at")),
        AuditEntry.objects.count(),
    )


def test_a_fresh_installation_gets_its_municipality_its_lead_invited_and_the_checklist(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = run(*FLAGS)

    municipality = Municipality.objects.get()
    assert (
        municipality.name,
        municipality.country,
        municipality.time_zone,
        municipality.default_language,
        municipality.website,
    ) == ("Testby Kommune", "DK", "Europe/Copenhagen", "da", "https://testby.example")
    team = OrgUnit.objects.get()
    # Named in the municipality's language.
    assert (team.name, team.kind) == ("Kommunikationsafdelingen", UnitKind.COMMUNICATIONS)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.unit, invitation.role, invitation.is_lead) == (
        "lead@testby.example",
        team,
        Role.COMMUNICATIONS,
        True,
    )
    assert get_user_model().objects.count() == 0
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "actor")) == [
        ("municipality.create", None),
        ("unit.create", None),
        ("invitation.create", None),
    ]
    # In the municipality's language (Danish), with the checklist's state.
    assert "Kommune oprettet: Testby Kommune" in output
    assert "Inviteret som kommunikationsansvarlig: lead@testby.example" in output
    assert "Kom i gang: 1 af 5 trin er gjort." in output
    assert "[x] Kommunen er sat op" in output
    assert "[ ] Politik vedtaget" in output
    # The same one-time link went by e-mail.
    link = re.search(r"http://\S+(/invitation/\S+/)", output).group(1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lead@testby.example"]
    assert link in mail.outbox[0].body

    # The lead opens it, chooses a password, and is the communications lead.
    accepted = client.post(
        link,
        {
            "first_name": "Mette",
            "last_name": "Holm",
            "password1": "a-long-new-password-1",
            "password2": "a-long-new-password-1",
        },
    )
    assert accepted.status_code == 302
    lead = get_user_model().objects.get()
    assert lead.check_password("a-long-new-password-1")
    assert Membership.objects.get(user=lead).is_lead
    assert client.get(link).status_code == 410  # used once


def test_running_it_again_changes_nothing():
    run(*FLAGS)
    before = tables()

    output = run(*FLAGS)

    assert tables() == before
    assert "Kommune: Testby Kommune" in output
    assert "En invitation til lead@testby.example venter på at blive brugt." in output
    assert "/invitation/" not in output


def test_a_lead_already_in_place_is_left_alone(org):
    before = tables()

    output = run("--lead-email=comms_lead@testby.example")

    assert tables() == before
    assert "Kommunikationsansvarlig: comms_lead@testby.example" in output


def test_a_rerun_changes_only_what_it_names(org):
    run("--time-zone=Europe/Oslo", "--language=nb")

    municipality = Municipality.objects.get()
    assert (municipality.name, municipality.country, municipality.time_zone) == (
        "Testby Kommune",
        "DK",
        "Europe/Oslo",
    )
    assert municipality.default_language == "nb"
    entry = AuditEntry.objects.get(action="municipality.update")
    assert entry.before == {"time_zone": "Europe/Copenhagen", "default_language": "da"}
    assert entry.after == {"time_zone": "Europe/Oslo", "default_language": "nb"}


def test_an_existing_person_becomes_the_lead(org):
    output = run("--lead-email=monitor@testby.example")

    membership = Membership.objects.get(user=org.users["monitor"], role=Role.COMMUNICATIONS)
    assert (membership.unit, membership.is_lead) == (org.units["comms"], True)
    assert OrgUnit.objects.filter(kind=UnitKind.COMMUNICATIONS).count() == 1
    assert AuditEntry.objects.filter(action="membership.add").count() == 1
    assert Invitation.objects.count() == 0
    assert "Kommunikationsansvarlig nu: monitor@testby.example" in output


def test_a_team_member_who_is_not_the_lead_is_not_promoted_behind_their_back(org):
    before = tables()

    with pytest.raises(CommandError) as refused:
        run("--lead-email=comms@testby.example", "--name=Nyby")

    assert "comms@testby.example er i kommunikationsafdelingen" in str(refused.value)
    assert tables() == before


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--name=X", "--country=XX"], "Unknown country XX: use DK, SE, NO."),
        (
            ["--name=X", "--country=DK", "--time-zone=Mars/Olympus"],
            "Unknown time zone Mars/Olympus.",
        ),
        (["--name=X", "--country=DK", "--language=fr"], "Unknown language fr: use da, sv, nb, en."),
        (
            ["--name=X", "--country=DK", "--website=not a site"],
            "The website is not a valid address.",
        ),
        (
            ["--name=X", "--country=DK", "--lead-email=nobody"],
            "The lead's e-mail address is not valid.",
        ),
        (["--name= ", "--country=DK"], "The name cannot be empty."),
        (["--country=DK"], "A new municipality needs --name."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_changes(flags, message, settings):
    # Without a municipality the command speaks the site's default language.
    settings.LANGUAGE_CODE = "en"
    if not any(flag.startswith("--lead-email") for flag in flags):
        flags = [*flags, "--lead-email=lead@testby.example"]
    before = tables()

    with pytest.raises(CommandError) as refused:
        run(*flags)

    assert message in str(refused.value)
    assert tables() == before


def test_bad_input_on_a_running_installation_changes_nothing(org):
    before = tables()

    with pytest.raises(CommandError):
        run("--name=Nyby", "--time-zone=Nowhere/Land", "--lead-email=new@testby.example")

    assert tables() == before
