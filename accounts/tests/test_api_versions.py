"""Warnings about platform API versions: the banner for the communications team on the dashboard,
the channel list and the compliance page, the daily e-mail sent once per version and stage in
each recipient's language, and the system check."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.checks import api_versions as version_check
from accounts.models import ApiVersionWarning, VersionStage
from accounts.tasks import warn_api_versions
from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import Membership, Municipality, OrgUnit, Role, UnitKind
from platforms.config import GRAPH_VERSION, LINKEDIN_VERSION

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
PAGES = ("dashboard", "accounts:channel-list", "accounts:compliance")


def page_for(client, persona, name, language=None):
    assert client.login(username=persona, password=PASSWORD)
    if language:
        # The language switch's choice, over the municipality's Danish.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_a_retired_version_is_an_error_banner_for_the_communications_team(
    client, org, settings, name
):
    settings.LINKEDIN_API_VERSION = "202410"
    with time_machine.travel(TODAY, tick=False):
        html = page_for(client, "comms", name, "en")

    assert 'class="alert alert-error" role="alert" data-api-version="linkedin"' in html
    assert "LinkedIn API version 202410 has ended" in html
    assert "LINKEDIN_API_VERSION" in html
    assert f"for example {LINKEDIN_VERSION}" in html


@pytest.mark.parametrize("name", PAGES)
def test_others_never_see_the_banner(client, org, settings, name):
    settings.LINKEDIN_API_VERSION = "202410"
    with time_machine.travel(TODAY, tick=False):
        html = page_for(client, "manager_a", name)

    assert "data-api-version" not in html
    assert "LINKEDIN_API_VERSION" not in html


def test_staff_see_no_banner_on_the_dashboard_or_the_channel_list(client, org, settings):
    settings.LINKEDIN_API_VERSION = "202410"
    with time_machine.travel(TODAY, tick=False):
        pages = [page_for(client, "staff", name) for name in PAGES[:2]]

    assert all("data-api-version" not in html for html in pages)


def test_the_banner_starts_sixty_days_before_the_end_date(client, org, settings):
    # v21.0 is available until 2027-01-21 (Graph API changelog).
    settings.FACEBOOK_GRAPH_VERSION = "v21.0"
    with time_machine.travel(datetime(2026, 11, 21, 9, 0, tzinfo=UTC), tick=False):
        before = page_for(client, "comms", "dashboard", "en")
    with time_machine.travel(datetime(2026, 11, 22, 9, 0, tzinfo=UTC), tick=False):
        first_day = page_for(client, "comms", "dashboard", "en")

    assert "data-api-version" not in before
    assert 'class="alert alert-warning" role="status" data-api-version="graph"' in first_day
    assert "ends on 21 January 2027, in 60 days" in first_day
    assert "FACEBOOK_GRAPH_VERSION" in first_day


def test_the_banner_is_translated(client, org, settings):
    settings.FACEBOOK_GRAPH_VERSION = "v21.0"
    with time_machine.travel(TODAY, tick=False):
        html = page_for(client, "comms", "accounts:channel-list")

    # The municipality speaks Danish.
    assert "Facebook og Instagram (Graph API) API-version v21.0 udløber snart" in html
    assert "udløber den 21. januar 2027, om 46 dage" in html


def test_the_defaults_show_no_banner_today(client, org):
    with time_machine.travel(TODAY, tick=False):
        html = page_for(client, "comms", "dashboard")

    assert "data-api-version" not in html


def swedish_comms_person():
    """A communications person of a second, Swedish municipality."""
    municipality = Municipality.objects.create(
        name="Testköping", country="SE", time_zone="Europe/Stockholm", default_language="sv"
    )
    unit = OrgUnit.objects.create(
        municipality=municipality, name="Kommunikation", kind=UnitKind.COMMUNICATIONS
    )
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.create_user(
        username="svensson", email="svensson@testkoping.example", password=PASSWORD
    )
    Membership.objects.create(user=person, unit=unit, role=Role.COMMUNICATIONS)
    return person


def test_the_email_goes_once_to_the_team_in_each_persons_language(org, settings):
    settings.LINKEDIN_API_VERSION = "202410"
    swedish_comms_person()
    with time_machine.travel(TODAY, tick=False):
        first = warn_api_versions()
        second = warn_api_versions()

    assert (first, second) == ({"sent": 3}, {"sent": 0})
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == [
        "comms@testby.example",
        "comms_lead@testby.example",
        "svensson@testkoping.example",
    ]
    danish = by_address["comms@testby.example"]
    swedish = by_address["svensson@testkoping.example"]
    assert danish.subject == "LinkedIn API-version 202410 er udløbet"
    assert "Sæt miljøvariablen LINKEDIN_API_VERSION" in danish.body
    assert swedish.subject == "LinkedIn API-version 202410 har upphört"
    assert "Sätt miljövariabeln LINKEDIN_API_VERSION" in swedish.body
    assert "https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations" in (
        swedish.body
    )
    warning = ApiVersionWarning.objects.get()
    assert (
        warning.family,
        warning.version,
        warning.stage,
        warning.ends_on,
        warning.recipients,
    ) == (
        "linkedin",
        "202410",
        VersionStage.RETIRED,
        date(2025, 10, 15),
        3,
    )
    assert warning.emailed_at == TODAY
    entry = AuditEntry.objects.get(action="platforms.version_warning")
    assert entry.actor is None
    assert entry.after == {
        "family": "linkedin",
        "version": "202410",
        "stage": "retired",
        "ends_on": "2025-10-15",
    }


def test_each_stage_is_sent_once_ending_then_retired(org, settings):
    settings.FACEBOOK_GRAPH_VERSION = "v21.0"
    with time_machine.travel(TODAY, tick=False):
        warn_api_versions()
    with time_machine.travel(datetime(2026, 12, 20, 9, 0, tzinfo=UTC), tick=False):
        warn_api_versions()
    with time_machine.travel(datetime(2027, 1, 21, 9, 0, tzinfo=UTC), tick=False):
        warn_api_versions()

    assert [(row.stage, row.recipients) for row in ApiVersionWarning.objects.order_by("pk")] == [
        (VersionStage.ENDING, 2),
        (VersionStage.RETIRED, 2),
    ]
    assert [message.subject for message in mail.outbox] == [
        "Facebook og Instagram (Graph API) API-version v21.0 udløber snart",
        "Facebook og Instagram (Graph API) API-version v21.0 udløber snart",
        "Facebook og Instagram (Graph API) API-version v21.0 er udløbet",
        "Facebook og Instagram (Graph API) API-version v21.0 er udløbet",
    ]


def test_nothing_is_sent_for_current_versions(org):
    with time_machine.travel(TODAY, tick=False):
        assert warn_api_versions() == {"sent": 0}

    assert mail.outbox == []
    assert not ApiVersionWarning.objects.exists()


def test_a_failed_mail_is_sent_again_by_the_next_run(org, settings, monkeypatch):
    settings.LINKEDIN_API_VERSION = "202410"

    def mail_server_down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    with time_machine.travel(TODAY, tick=False):
        with monkeypatch.context() as patch:
            patch.setattr("accounts.api_versions.send_mail", mail_server_down)
            failed = warn_api_versions()
        waiting = ApiVersionWarning.objects.get()
        retried = warn_api_versions()

    assert (failed, retried) == ({"sent": 0}, {"sent": 2})
    assert waiting.emailed_at is None
    assert ApiVersionWarning.objects.get().recipients == 2
    assert len(mail.outbox) == 2


def test_the_system_check_warns_about_a_retired_or_unlisted_version(settings):
    settings.LINKEDIN_API_VERSION = "202410"
    settings.FACEBOOK_GRAPH_VERSION = "v99.0"
    with time_machine.travel(TODAY, tick=False):
        problems = version_check(None)

    assert [(problem.id, problem.obj) for problem in problems] == [
        ("accounts.W002", "FACEBOOK_GRAPH_VERSION"),
        ("accounts.W001", "LINKEDIN_API_VERSION"),
    ]
    assert (
        problems[1].hint
        == f"Set LINKEDIN_API_VERSION to a current version, e.g. {LINKEDIN_VERSION}."
    )


def test_the_check_command_is_quiet_with_the_defaults(settings, capsys):
    assert (settings.FACEBOOK_GRAPH_VERSION, settings.LINKEDIN_API_VERSION) == (
        GRAPH_VERSION,
        LINKEDIN_VERSION,
    )
    call_command("check", "--tag", "compatibility", "--fail-level", "WARNING")
