"""The neglect sweep: dormant pages, missing people, branding, token and annual review."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts import actions
from accounts.models import (
    Channel,
    ChannelAdmin,
    ChannelConnection,
    ChannelFlag,
    ChannelStatus,
    FlagKind,
    TokenStatus,
)
from audit.models import AuditEntry
from core.testing import PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def make_tidy(channel, org, *, last_post):
    """A channel with nothing missing: two admins, branding, review, a valid token."""
    Channel.objects.filter(pk=channel.pk).update(
        approved_at=NOW - timedelta(days=400),
        branding_verified_at=NOW - timedelta(days=10),
        last_review_at=NOW - timedelta(days=30),
        created_at=NOW - timedelta(days=400),
    )
    for persona in ("editor", "manager_a"):
        ChannelAdmin.objects.create(channel=channel, user=org.users[persona])
    ChannelConnection.objects.create(
        channel=channel,
        account_id="acc-a",
        token_status=TokenStatus.VALID,
        last_own_post_at=last_post,
        last_polled_at=NOW - timedelta(minutes=5),
        polling_enabled=True,
    )
    channel.refresh_from_db()
    return channel


def open_flags(channel):
    return dict(ChannelFlag.objects.open().filter(channel=channel).values_list("kind", "since"))


def test_a_dormant_page_without_polling_stays_dormant(org):
    channel = org.channels["b"]
    Channel.objects.filter(pk=channel.pk).update(status=ChannelStatus.DORMANT)
    result = actions.sweep_channel(channel.pk, now=NOW)
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.DORMANT
    assert result.reactivated == []


def test_a_tidy_active_channel_gets_no_flags(org):
    channel = make_tidy(org.channels["a"], org, last_post=NOW - timedelta(days=3))
    actions.sweep_channel(channel.pk, now=NOW)
    assert open_flags(channel) == {}
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE


def test_no_own_post_for_90_days_marks_dormant_and_tells_owner_and_manager(
    org, django_capture_on_commit_callbacks
):
    last_post = NOW - timedelta(days=91)
    channel = make_tidy(org.channels["a"], org, last_post=last_post)

    with django_capture_on_commit_callbacks(execute=True):
        result = actions.sweep_channel(channel.pk, now=NOW)

    channel.refresh_from_db()
    assert channel.status == ChannelStatus.DORMANT
    assert result.marked_dormant == [channel.pk]
    assert open_flags(channel) == {FlagKind.DORMANT: last_post + timedelta(days=90)}
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        (
            "editor@testby.example",
            "Side uden opslag – overvej at lukke den: Afdeling A på Facebook · Facebook",
        ),
        (
            "manager_a@testby.example",
            "Side uden opslag – overvej at lukke den: Afdeling A på Facebook · Facebook",
        ),
    ]
    assert "anmod om at lukke den i registret" in mail.outbox[0].body  # Danish municipality


def test_dormancy_period_is_configurable(org, settings):
    settings.CHANNEL_DORMANT_AFTER_DAYS = 30
    channel = make_tidy(org.channels["a"], org, last_post=NOW - timedelta(days=31))
    actions.sweep_channel(channel.pk, now=NOW)
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.DORMANT


@pytest.mark.parametrize(("quiet_days", "dormant"), [(44, False), (46, True)])
def test_the_inactivity_limit_of_the_policy_in_force_wins(org, settings, quiet_days, dormant):
    # Given an adopted policy whose inactivity limit (45 days) differs from the installation's
    from governance.models import Policy, PolicyStatus, PolicyVersion

    settings.CHANNEL_DORMANT_AFTER_DAYS = 90
    policy = Policy.objects.create(
        municipality=org.municipality, title="Politik", governs_social_media=True
    )
    PolicyVersion.objects.create(
        policy=policy, number=1, status=PolicyStatus.ADOPTED, inactivity_limit_days=45
    )
    channel = make_tidy(org.channels["a"], org, last_post=NOW - timedelta(days=quiet_days))

    # When the sweep looks at the page
    actions.sweep_channel(channel.pk, now=NOW)

    # Then the policy's number decides (G5)
    channel.refresh_from_db()
    assert (channel.status == ChannelStatus.DORMANT) is dormant


def test_a_dormant_page_that_posts_again_is_active_and_the_flag_resolved(org):
    channel = make_tidy(org.channels["a"], org, last_post=NOW - timedelta(days=100))
    actions.sweep_channel(channel.pk, now=NOW)
    ChannelConnection.objects.filter(channel=channel).update(last_own_post_at=NOW)

    result = actions.sweep_channel(channel.pk, now=NOW + timedelta(hours=1))

    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
    assert result.reactivated == [channel.pk]
    assert open_flags(channel) == {}
    assert ChannelFlag.objects.get(kind=FlagKind.DORMANT).resolved_at == NOW + timedelta(hours=1)


def test_missing_people_branding_token_review_are_flagged_with_since(
    org, django_capture_on_commit_callbacks
):
    # Given channel "b": one responsible, no deputy, no admins, no branding check, no token,
    # created 400 days ago and never reviewed
    channel = org.channels["b"]
    created = NOW - timedelta(days=400)
    Channel.objects.filter(pk=channel.pk).update(created_at=created)
    ChannelAdmin.objects.create(channel=channel, user=org.users["manager_b"])

    with django_capture_on_commit_callbacks(execute=True):
        result = actions.sweep_channel(channel.pk, now=NOW)

    assert open_flags(channel) == {
        FlagKind.NO_DEPUTY: created,
        FlagKind.SINGLE_ADMIN: created,
        FlagKind.NOT_APPROVED: created,
        FlagKind.BRANDING: created,
        FlagKind.TOKEN: created,
        FlagKind.REVIEW_OVERDUE: created + timedelta(days=365),
    }
    # never polled: its activity is unknown, so it is not judged dormant (the token flag says why)
    assert result.flags_raised == 6
    # The overdue review queues up for the team; owner and manager hear about the rest
    # (in the municipality's language, Danish).
    recipients = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert recipients == [
        ("comms@testby.example", "Årlig gennemgang overskredet"),
        ("comms_lead@testby.example", "Årlig gennemgang overskredet"),
        ("manager_b@testby.example", "Siden kræver opmærksomhed"),
    ]


def test_sweeping_twice_raises_nothing_new_and_keeps_since(org):
    channel = org.channels["b"]
    actions.sweep_channel(channel.pk, now=NOW)
    first = open_flags(channel)
    result = actions.sweep_channel(channel.pk, now=NOW + timedelta(days=1))
    assert result.flags_raised == 0
    assert open_flags(channel) == first
    assert ChannelFlag.objects.count() == len(first)


def test_expired_token_is_flagged_from_its_expiry(org):
    channel = make_tidy(org.channels["a"], org, last_post=NOW - timedelta(days=1))
    expired = NOW - timedelta(days=2)
    ChannelConnection.objects.filter(channel=channel).update(token_expires_at=expired)
    actions.sweep_channel(channel.pk, now=NOW)
    assert open_flags(channel) == {FlagKind.TOKEN: expired}


def test_confirming_the_review_resolves_the_overdue_flag(client, org):
    channel = make_tidy(org.channels["a"], org, last_post=NOW - timedelta(days=1))
    Channel.objects.filter(pk=channel.pk).update(last_review_at=NOW - timedelta(days=366))
    actions.sweep_channel(channel.pk, now=NOW)
    assert list(open_flags(channel)) == [FlagKind.REVIEW_OVERDUE]

    assert client.login(username="editor", password=PASSWORD)
    client.post(reverse("accounts:channel-review", args=[channel.pk]))

    assert open_flags(channel) == {}


def test_closed_and_requested_pages_are_not_swept(org):
    Channel.objects.filter(pk=org.channels["b"].pk).update(status=ChannelStatus.CLOSED)
    Channel.objects.filter(pk=org.channels["a"].pk).update(status=ChannelStatus.REQUESTED)
    with time_machine.travel(NOW, tick=False):
        result = actions.sweep_neglect()
    assert result.checked == 1  # only the central page
    assert (
        ChannelFlag.objects.filter(channel__in=[org.channels["a"], org.channels["b"]]).count() == 0
    )


def test_command_runs_the_sweep_once(org, capsys):
    Channel.objects.filter(pk=org.channels["b"].pk).update(created_at=NOW - timedelta(days=91))
    ChannelConnection.objects.create(
        channel=org.channels["b"], account_id="ig-b", last_polled_at=NOW - timedelta(hours=1)
    )
    with time_machine.travel(NOW, tick=False):
        call_command("sweep_channels", "--once")
    out = capsys.readouterr().out
    assert out.startswith("Checked 3 channels: ")
    assert (
        AuditEntry.objects.history_of(org.channels["b"])
        .filter(action="channel.marked_dormant")
        .count()
        == 1
    )


def test_beat_schedule_entry_expires():
    from accounts.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["accounts-sweep-neglect"]
    assert entry["task"] == "accounts.sweep_neglect"
    assert entry["options"]["expires"] == 6 * 60 * 60


def test_adding_the_second_admin_resolves_the_flag_at_once(client, org):
    channel = make_tidy(org.channels["a"], org, last_post=NOW - timedelta(days=1))
    ChannelAdmin.objects.filter(channel=channel, user=org.users["manager_a"]).delete()
    actions.sweep_channel(channel.pk, now=NOW)
    assert list(open_flags(channel)) == [FlagKind.SINGLE_ADMIN]

    assert client.login(username="editor", password=PASSWORD)
    client.post(
        reverse("accounts:channel-admin-add", args=[channel.pk]),
        {"user": org.users["expert"].pk, "platform_role": "editor"},
    )

    assert open_flags(channel) == {}
