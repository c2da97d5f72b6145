"""`manage.py setup_municipality`: a fresh installation set up from a script, a re-run that
changes nothing, the lead's one-time link and e-mail, and bad input refused with nothing
changed."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from governance.models import Membership, Municipality, OrgUnit, Role, UnitKind

pytestmark = pytest.mark.django_db

FLAGS = [
    "--name=Testby Kommune",
    "--country=DK",
    "--website=https://testby.example",
    "--lead-email=Lead@Testby.example",
    "--lead-name=Mette Holm",
    "--base-url=http://testserver",
]


def run(*args):
    out = StringIO()
    call_command("setup_municipality", *args, stdout=out)
    return out.getvalue()


def tables():
    """What the command may change, to compare before and after."""
    User = get_user_model()
    return (
        list(
            Municipality.objects.values_list(
                *(["name", "country", "time_zone", "default_language", "website"])
            )
        ),
        list(User.objects.values_list("username", "email", "first_name", "last_name", "password")),
        list(OrgUnit.objects.values_list("name", "kind")),
        list(Membership.objects.values_list("user__username", "unit__name", "role", "is_lead")),
        AuditEntry.objects.count(),
    )


def test_a_fresh_installation_gets_its_municipality_and_lead_and_the_checklist(client):
    output = run(*FLAGS)

    municipality = Municipality.objects.get()
    assert (
        municipality.name,
        municipality.country,
        municipality.time_zone,
        municipality.default_language,
        municipality.website,
    ) == ("Testby Kommune", "DK", "Europe/Copenhagen", "da", "https://testby.example")
    lead = get_user_model().objects.get()
    assert (lead.username, lead.email, lead.first_name, lead.last_name) == (
        "lead@testby.example",
        "Lead@Testby.example",
        "Mette",
        "Holm",
    )
    assert not lead.has_usable_password()
    team = OrgUnit.objects.get()
    # Named in the municipality's language.
    assert (team.name, team.kind) == ("Kommunikationsafdelingen", UnitKind.COMMUNICATIONS)
    membership = Membership.objects.get()
    assert (membership.user, membership.unit, membership.role, membership.is_lead) == (
        lead,
        team,
        Role.COMMUNICATIONS,
        True,
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "municipality.setup"
    assert entry.actor is None
    assert entry.after["name"] == "Testby Kommune"
    assert entry.data == {"lead": lead.pk, "lead_created": True, "invite": "link"}
    # In the municipality's language (Danish), with the checklist's state.
    assert "Kommune oprettet: Testby Kommune" in output
    assert "Kom i gang: 1 af 5 trin er gjort." in output
    assert "[x] Kommunen er sat op" in output
    assert "[ ] Politik vedtaget" in output

    # The printed link lets the lead choose a password, once.
    link = re.search(r"http://testserver(/auth/password/reset/key/\S+)", output).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": "a-long-new-password-1", "password2": "a-long-new-password-1"},
    )
    assert done.status_code == 302
    lead.refresh_from_db()
    assert lead.has_usable_password()
    again = client.get(link, follow=True)
    assert b"password1" not in again.content


def test_running_it_again_changes_nothing(client):
    run(*FLAGS, "--invite=none")
    before = tables()

    output = run(*FLAGS, "--invite=none")

    assert tables() == before
    assert "Kommune: Testby Kommune" in output
    assert "Kommunikationsansvarlig: Lead@Testby.example" in output


def test_a_lead_with_a_password_is_not_invited_again(org):
    run("--lead-email=comms@testby.example")
    before = tables()

    output = run("--lead-email=comms@testby.example")

    assert tables() == before
    assert "/auth/password/reset/key/" not in output
    assert "har allerede en adgangskode" in output


def test_a_rerun_updates_only_what_it_names(org):
    run("--time-zone=Europe/Oslo", "--language=nb")

    municipality = Municipality.objects.get()
    assert (municipality.name, municipality.country, municipality.time_zone) == (
        "Testby Kommune",
        "DK",
        "Europe/Oslo",
    )
    assert municipality.default_language == "nb"
    entry = AuditEntry.objects.get(action="municipality.setup")
    assert entry.before == {"time_zone": "Europe/Copenhagen", "default_language": "da"}
    assert entry.after == {"time_zone": "Europe/Oslo", "default_language": "nb"}


def test_an_existing_person_becomes_the_lead(org):
    run("--lead-email=monitor@testby.example", "--invite=none")

    membership = Membership.objects.get(user=org.users["monitor"], role=Role.COMMUNICATIONS)
    assert (membership.unit, membership.is_lead) == (org.units["comms"], True)
    assert OrgUnit.objects.filter(kind=UnitKind.COMMUNICATIONS).count() == 1


def test_the_lead_can_be_invited_by_email_in_the_municipalitys_language(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        output = run(*FLAGS, "--invite=email", "--language=sv", "--country=SE")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Lead@Testby.example"]
    assert message.subject == "Du är kommunikationsansvarig för Testby Kommune"
    assert "http://testserver/auth/password/reset/key/" in message.body
    assert "/auth/password/reset/key/" not in output


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
    before = tables()

    if not any(flag.startswith("--lead-email") for flag in flags):
        flags = [*flags, "--lead-email=lead@testby.example"]

    with pytest.raises(CommandError) as refused:
        run(*flags)

    assert message in str(refused.value)
    assert tables() == before


def test_bad_input_on_a_running_installation_changes_nothing(org):
    before = tables()

    with pytest.raises(CommandError):
        run("--name=Nyby", "--time-zone=Nowhere/Land", "--lead-email=new@testby.example")

    assert tables() == before
