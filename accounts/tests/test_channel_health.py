"""A channel's connection health has one source: every real call to the platform (a poll, the
connection test, an outbox write, a token renewal) marks the token valid and resolves the
"No valid API token" flag, or marks it "needs reconnect" and raises the flag at once; the
channel page, the compliance page, the pages report and the council report all say the same.
Channels are named by name, platform and handle wherever they are picked or listed."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts import health
from accounts.models import ChannelConnection, ChannelFlag, FlagKind, TokenStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import outbox
from moderation.forms import QueueFilterForm
from moderation.models import OutboxStatus
from moderation.polling import poller
from moderation.tests import polling_support
from moderation.tests.polling_support import add_fault, connect, make_channel

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim

FLAG = "No valid API token"


def _login(client, persona="comms"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _rows_naming(html, channel):
    """The table rows that link to `channel`'s page."""
    link = f'href="{channel.get_absolute_url()}"'
    return [row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if link in row]


def _page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def screens(client, channel):
    """What each screen says about the channel's token: the channel page's token line and
    whether each screen lists the "No valid API token" flag for it."""
    detail = _page(client, "accounts:channel-detail", channel.pk)
    token = re.search(r"<dt>Token</dt><dd>([^<(]*)", detail).group(1).strip()
    compliance_section = detail.split("<h2>Compliance</h2>")[1].split("<h2>")[0]
    compliance = _rows_naming(_page(client, "accounts:compliance"), channel)
    pages = _rows_naming(_page(client, "strategy:report-pages"), channel)
    council = _rows_naming(_page(client, "strategy:report-council"), channel)
    return {
        "token": token,
        "channel page": FLAG in compliance_section,
        "compliance page": any(FLAG in row for row in compliance),
        "pages report": any(FLAG in row for row in pages),
        "council report": any(FLAG in row for row in council),
    }


FLAGGED = {
    "token": "Needs reconnect",
    "channel page": True,
    "compliance page": True,
    "pages report": True,
    "council report": True,
}
HEALTHY = {
    "token": "Valid",
    "channel page": False,
    "compliance page": False,
    "pages report": False,
    "council report": False,
}


def open_token_flags(channel):
    return list(ChannelFlag.objects.open().filter(channel=channel, kind=FlagKind.TOKEN))


@pytest.fixture
def facebook(org, sim):
    channel = make_channel(org, "facebook", name="Fjordby Kommune")
    channel.handle = "fjordby"
    channel.save(update_fields=["handle"])
    return connect(channel)


def test_a_refused_poll_flags_the_channel_on_every_screen_and_a_passing_test_clears_it(
    client, org, sim, facebook
):
    # Given a connected channel whose token the platform refuses at the next poll
    channel = facebook.channel
    add_fault(sim, "facebook", "token_expired", count=1)
    _login(client)
    assert screens(client, channel) == HEALTHY

    # When the poll meets the refusal
    assert poller.poll_connection(facebook.pk).status == poller.RECONNECT

    # Then the flag is raised at once (not at the next daily sweep) and every screen says so
    [flag] = open_token_flags(channel)
    facebook.refresh_from_db()
    assert (facebook.token_status, flag.since) == (
        TokenStatus.NEEDS_RECONNECT,
        facebook.token_checked_at,
    )
    assert screens(client, channel) == FLAGGED

    # When the connection test passes (the platform accepts the token again)
    response = client.post(reverse("accounts:channel-test-connection", args=[channel.pk]))
    assert response.status_code == 302

    # Then the connection is healthy, the flag resolved, and every screen agrees
    facebook.refresh_from_db()
    assert facebook.token_status == TokenStatus.VALID
    assert open_token_flags(channel) == []
    assert ChannelFlag.objects.get(pk=flag.pk).resolved_at == facebook.token_checked_at
    assert screens(client, channel) == HEALTHY
    # The test's own row holds the recovery; the refusal was recorded once, by the poll
    tested = AuditEntry.objects.get(action="channel.connection_tested")
    assert (tested.before, tested.after) == (
        {"token_status": "needs_reconnect"},
        {"token_status": "valid"},
    )
    refused = AuditEntry.objects.get(action="channel.needs_reconnect")
    assert refused.data["source"] == health.POLL


def test_a_successful_poll_resolves_a_stale_token_flag(org, sim, facebook):
    # Given a valid connection that still carries a "No valid API token" flag
    channel = facebook.channel
    stale = ChannelFlag.objects.create(
        channel=channel, kind=FlagKind.TOKEN, since=timezone.now() - timezone.timedelta(days=3)
    )

    # When a poll succeeds
    assert poller.poll_connection(facebook.pk).status == poller.STORED

    # Then the flag is resolved at the poll's time, which is also the token's checked time
    stale.refresh_from_db()
    facebook.refresh_from_db()
    assert facebook.token_status == TokenStatus.VALID
    assert stale.resolved_at == facebook.token_checked_at == facebook.last_polled_at


def test_a_refused_outbox_write_marks_the_channel_and_the_next_write_clears_it(
    client, org, sim, facebook
):
    from moderation.tests.test_outbox import _item_on_simulator

    channel = facebook.channel
    item = _item_on_simulator(sim, channel)
    message = outbox.enqueue_reply(
        item, "Tirsdag i lige uger.", acting_user=org.users["comms"], idempotency_key="h-1"
    )
    add_fault(sim, "facebook", "token_expired", count=1)

    assert outbox.deliver(message.pk) == OutboxStatus.FAILED

    facebook.refresh_from_db()
    assert facebook.token_status == TokenStatus.NEEDS_RECONNECT
    assert len(open_token_flags(channel)) == 1
    assert AuditEntry.objects.get(action="channel.needs_reconnect").data["source"] == "outbox"
    _login(client)
    assert screens(client, channel) == FLAGGED

    # When a later write goes through, the token has proven itself again
    again = outbox.enqueue_reply(
        item, "Tirsdag i lige uger.", acting_user=org.users["comms"], idempotency_key="h-2"
    )
    assert outbox.deliver(again.pk) == OutboxStatus.SENT

    assert screens(client, channel) == HEALTHY
    assert AuditEntry.objects.filter(action="channel.token_accepted").count() == 1


def test_a_token_flag_is_raised_once_however_many_calls_are_refused(org, facebook):
    channel = facebook.channel

    assert health.mark_needs_reconnect(facebook, error="expired", source=health.POLL) is True
    assert health.mark_needs_reconnect(facebook, error="expired", source=health.OUTBOX) is False

    assert len(open_token_flags(channel)) == 1
    assert AuditEntry.objects.filter(action="channel.needs_reconnect").count() == 1


def test_an_expired_token_is_not_called_valid_where_it_is_flagged(org):
    channel = org.channels["central"]
    connection = ChannelConnection(channel=channel, account_id="1")
    connection.set_token("secret")
    connection.token_status = TokenStatus.VALID
    connection.token_expires_at = timezone.now() - timezone.timedelta(minutes=1)
    connection.save()

    since = health.token_issue(connection, now=timezone.now(), started=channel.created_at)

    assert since == connection.token_expires_at
    assert str(connection.get_token_state_display()) == "Expired"


# --- names -------------------------------------------------------------------------------


def test_channels_are_named_by_name_platform_and_handle(org, sim, facebook):
    instagram = make_channel(org, "instagram", name="Fjordby Kommune")

    assert facebook.channel.label == "Fjordby Kommune · Facebook · @fjordby"
    # A missing handle is left out; the stored name stays as it was
    assert str(instagram) == "Fjordby Kommune · Instagram"
    assert instagram.name == "Fjordby Kommune"


def test_the_queue_filter_and_the_pages_report_name_channels_by_label(client, org, sim, facebook):
    make_channel(org, "instagram", name="Fjordby Kommune")
    health.mark_needs_reconnect(facebook, error="expired", source=health.POLL)

    choices = dict(QueueFilterForm(user=org.users["comms"]).fields["channel"].choices)
    _login(client)
    [row] = _rows_naming(_page(client, "strategy:report-pages"), facebook.channel)
    csv = client.get(reverse("strategy:report-pages"), {"format": "csv"}).content.decode()

    assert choices[facebook.channel_id] == "Fjordby Kommune · Facebook · @fjordby"
    assert "Fjordby Kommune · Instagram" in choices.values()
    assert ">Fjordby Kommune · Facebook · @fjordby</a>" in row
    assert "Fjordby Kommune · Facebook · @fjordby,Facebook," in csv


def test_the_queue_filter_names_channels_in_danish_too(client, org, sim, facebook):
    _login(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"

    page = client.get(reverse("moderation:queue")).content.decode()

    assert ">Fjordby Kommune · Facebook · @fjordby</option>" in page
