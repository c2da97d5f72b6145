"""What the platforms' documentation says about limits a poll must live with, through the doors
users and workers use: a token without the messaging permission (comments keep flowing, messages
are marked unavailable and tried again daily or after a reconnect), YouTube's quota shared by the
Google Cloud project (the polling interval stretches, a spent day pauses every YouTube channel
until midnight Pacific time), and Instagram's own replies recognised although `from.id` is an
Instagram-scoped id."""

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.models import Channel, ChannelConnection, ChannelScope, ChannelStatus, TokenStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import outbox
from moderation.models import ApiQuotaDay, ItemStatus, OutboxKind, OutboxMessage, QueueItem
from moderation.polling import poller, quota
from moderation.polling.ingest import store_batch
from platforms.base import FetchedItem
from platforms.config import GRAPH_VERSION

from . import polling_support
from .polling_support import (
    ACCOUNTS,
    TIMEOUT,
    add_comment,
    add_fault,
    connect,
    control,
    make_channel,
    sim_stats,
)

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim


def _calls(sim, platform):
    return sim_stats(sim)[platform]["calls"]


# -- A token without the messaging permission ------------------------------------------------


@pytest.fixture
def messenger(org, sim):
    """A Facebook page read with messages, whose token lacks pages_messaging."""
    channel = make_channel(org, "facebook")
    connection = connect(channel, extra={"messaging": True})
    sim.state.account("facebook", ACCOUNTS["facebook"]["id"]).messaging_permission = False
    return connection


def test_comments_keep_flowing_while_messages_are_refused(org, sim, messenger):
    # https://developers.facebook.com/docs/messenger-platform/error-codes: 230 "Requires
    # pages_messaging permission to manage the object".
    comment = add_comment(sim, "facebook", "Hvornår er der borgermøde?")
    add_comment(sim, "facebook", "Jeg skriver privat", kind="message")
    now = timezone.now()

    outcome = poller.poll_connection(messenger.pk, now=now)

    messenger.refresh_from_db()
    assert outcome.status == poller.STORED
    assert list(
        QueueItem.objects.filter(channel=messenger.channel).values_list("external_id", "kind")
    ) == [(comment["id"], "comment")]
    assert messenger.token_status == TokenStatus.VALID
    assert messenger.messaging_unavailable_since == now
    assert messenger.messaging_retry_at == now + timedelta(hours=24)
    assert "pages_messaging" in messenger.messaging_error
    [entry] = AuditEntry.objects.filter(action="channel.messaging_unavailable")
    assert entry.channel_id == messenger.channel_id


def test_messages_are_left_out_until_the_daily_retry(org, sim, messenger, settings):
    settings.MESSAGING_RETRY_HOURS = 24
    start = timezone.now()
    poller.poll_connection(messenger.pk, now=start)
    before = _calls(sim, "facebook")

    # An hour later the poll does not ask for messages: one call, no refusal.
    outcome = poller.poll_connection(messenger.pk, now=start + timedelta(hours=1))
    assert outcome.status == poller.STORED
    assert _calls(sim, "facebook") - before == 1
    messenger.refresh_from_db()
    assert messenger.messaging_unavailable_since == start

    # The permission is granted; the daily retry reads the messages and clears the mark.
    sim.state.account("facebook", ACCOUNTS["facebook"]["id"]).messaging_permission = True
    message = add_comment(sim, "facebook", "Må jeg ringe?", kind="message")
    poller.poll_connection(messenger.pk, now=start + timedelta(hours=25))

    messenger.refresh_from_db()
    assert messenger.messaging_unavailable_since is None
    assert messenger.messaging_retry_at is None
    assert messenger.messaging_error == ""
    assert QueueItem.objects.filter(external_id=message["id"], kind="message").exists()
    assert AuditEntry.objects.filter(action="channel.messaging_restored").count() == 1


def test_a_reconnect_tries_the_messages_at_once(org, sim, messenger):
    start = timezone.now()
    poller.poll_connection(messenger.pk, now=start)
    sim.state.account("facebook", ACCOUNTS["facebook"]["id"]).messaging_permission = True
    messenger.refresh_from_db()
    messenger.set_token(ACCOUNTS["facebook"]["token"])  # a new token: untested
    messenger.save()

    poller.poll_connection(messenger.pk, now=start + timedelta(minutes=5))

    messenger.refresh_from_db()
    assert messenger.messaging_unavailable_since is None
    assert messenger.token_status == TokenStatus.VALID


def test_the_channel_page_says_messages_are_not_read(client, org, sim, messenger):
    poller.poll_connection(messenger.pk)
    assert client.login(username="comms_lead", password=PASSWORD)

    response = client.get(reverse("accounts:channel-detail", args=[messenger.channel_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Private messages are not read." in body
    assert "the connection lacks the permission to read them. Comments are still read." in body


def test_the_new_texts_are_translated():
    texts = ["Private messages are not read.", "YouTube quota", "Kept for replies and moderation"]
    for language in ("da", "sv", "nb"):
        with translation.override(language):
            assert all(gettext(text) != text for text in texts)
            assert ngettext("every %(minutes)s minute", "every %(minutes)s minutes", 3) != (
                "every %(minutes)s minutes"
            )


# -- YouTube: the project's quota ------------------------------------------------------------

PT_MIDNIGHT = datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # 00:00 PDT


def test_the_interval_stretches_so_the_day_fits_the_quota(settings):
    # https://developers.google.com/youtube/v3/determine_quota_cost: 10,000 units a day for
    # the project; a list costs 1 unit.
    settings.POLL_INTERVAL_SECONDS = 60
    settings.YOUTUBE_DAILY_QUOTA_UNITS = 10_000
    settings.YOUTUBE_QUOTA_RESERVE_UNITS = 2_000

    # At the start of the day, ten channels at one unit a poll: 864,000 units at 60 s would
    # not fit 8,000; 108 s does.
    fresh = quota.youtube_budget(PT_MIDNIGHT, channels=10)
    assert fresh.interval == timedelta(seconds=108)
    assert fresh.planned <= fresh.quota

    # One channel fits at the base interval.
    assert quota.youtube_budget(PT_MIDNIGHT, channels=1).interval == timedelta(seconds=60)

    # At noon, with 4,000 units read by 2,000 polls (2 a poll) and replies beyond the reserve:
    ApiQuotaDay.objects.create(
        platform="youtube", day=date(2026, 7, 1), units_read=4_000, polls=2_000, units_written=2_500
    )
    noon = PT_MIDNIGHT + timedelta(hours=12)
    budget = quota.youtube_budget(noon, channels=10)
    assert budget.read_units_left == 10_000 - 2_000 - 4_000 - 500
    # 10 channels × 2 units × 43,200 s / 3,500 units
    assert budget.interval == timedelta(seconds=247)
    assert budget.used == 6_500


@pytest.fixture
def youtube(org, sim):
    channel = make_channel(org, "youtube")
    return connect(channel)


def test_a_poll_records_its_units_and_waits_its_budgeted_interval(org, sim, youtube):
    add_comment(sim, "youtube", "Fedt klip!")
    now = timezone.now()
    used_before = sum(sim_stats(sim)["youtube"]["quota_used"].values())

    outcome = poller.poll_connection(youtube.pk, now=now)

    youtube.refresh_from_db()
    day = ApiQuotaDay.objects.get(platform="youtube")
    spent = sum(sim_stats(sim)["youtube"]["quota_used"].values()) - used_before
    assert outcome.status == poller.STORED
    assert (day.units_read, day.polls) == (spent, 1)
    assert youtube.next_poll_at == now + quota.youtube_budget(now).interval


def test_quota_exceeded_pauses_every_youtube_channel_until_midnight_pacific(org, sim, youtube):
    # The same page: "Daily quotas reset at midnight Pacific Time (PT)"; Google answers a spent
    # day with 403 quotaExceeded (domain youtube.quota).
    second_spec = control(
        sim, "POST", "accounts", {"platform": "youtube", "name": "Fjordby Bibliotek"}
    )
    second = Channel.objects.create(
        platform="youtube",
        name="Fjordby Bibliotek",
        external_id=second_spec["id"],
        owner_unit=org.units["comms"],
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
        responsible=org.users["comms_lead"],
        deputy=org.users["comms"],
    )
    other = ChannelConnection(channel=second, account_id=second_spec["id"], polling_enabled=True)
    other.set_token(second_spec["token"])
    other.save()
    add_fault(sim, "youtube", "quota_exceeded")
    now = timezone.now()

    first = poller.poll_connection(youtube.pk, now=now)
    calls = _calls(sim, "youtube")
    then = poller.poll_connection(other.pk, now=now + timedelta(seconds=5))

    other.refresh_from_db()
    reset = quota.youtube_budget(now).resets_at
    assert (first.status, then.status) == (poller.THROTTLED, poller.THROTTLED)
    assert _calls(sim, "youtube") == calls  # the second channel made no call
    assert ApiQuotaDay.objects.get(platform="youtube").exhausted_at == now
    assert reset <= other.paused_until <= reset + timedelta(seconds=30)
    assert reset.astimezone(quota.PACIFIC).time().hour == 0


def test_replies_and_moderation_count_as_written_units(org, sim, youtube):
    # The same page: comments.insert and comments.setModerationStatus cost 50 units each.
    created = add_comment(sim, "youtube", "Hvornår kommer næste video?")
    item = QueueItem.objects.create(
        channel=youtube.channel,
        platform="youtube",
        external_id=created["id"],
        kind="comment",
        text="Hvornår kommer næste video?",
        created_at=timezone.now(),
        received_at=timezone.now(),
    )
    reply = outbox.enqueue_reply(
        item, "I næste uge.", acting_user=org.users["comms"], idempotency_key="yt-1"
    )
    hide = outbox.enqueue_hide(item, acting_user=org.users["comms"], idempotency_key="yt-2")

    outbox.deliver(reply.pk)
    outbox.deliver(hide.pk)

    day = ApiQuotaDay.objects.get(platform="youtube")
    assert (day.units_written, day.units_read, day.polls) == (100, 0, 0)


def test_the_channel_page_shows_the_youtube_budget(client, org, sim, youtube, settings):
    settings.YOUTUBE_DAILY_QUOTA_UNITS = 10_000
    poller.poll_connection(youtube.pk)
    assert client.login(username="comms_lead", password=PASSWORD)

    response = client.get(reverse("accounts:channel-detail", args=[youtube.channel_id]))

    body = response.content.decode()
    used = ApiQuotaDay.objects.get(platform="youtube").units_used
    budget = response.context["quota"]["budget"]
    assert "YouTube quota" in body
    assert f"{used} of 10000 units used, {budget.planned} planned" in body
    assert "every 60 seconds" in body
    assert "shared by 1 YouTube channel;" in body


def test_other_channels_pages_show_no_youtube_budget(client, org, sim, messenger):
    assert client.login(username="comms_lead", password=PASSWORD)
    response = client.get(reverse("accounts:channel-detail", args=[messenger.channel_id]))
    assert response.context["quota"] is None
    assert "YouTube quota" not in response.content.decode()


# -- Instagram: our own replies ----------------------------------------------------------------


@pytest.fixture
def instagram(org, sim):
    return connect(make_channel(org, "instagram"))


def test_our_instagram_reply_is_not_taken_for_a_citizens_comment(org, sim, instagram):
    # https://developers.facebook.com/docs/graph-api/changelog/ooc-changes/oct-20-2021: `from`
    # holds the commenter's IGSID and username; the simulator gives our reply an IGSID too.
    question = add_comment(sim, "instagram", "Er der åbent i påsken?", author="strandløber")
    token = ACCOUNTS["instagram"]["token"]
    answered = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{question['id']}/replies",
        data={"access_token": token, "message": "Ja, fra kl. 10."},
        timeout=TIMEOUT,
    ).json()

    poller.poll_connection(instagram.pk)

    statuses = dict(
        QueueItem.objects.filter(channel=instagram.channel).values_list("external_id", "status")
    )
    assert statuses == {question["id"]: ItemStatus.NEW, answered["id"]: ItemStatus.ANSWERED}


def test_a_reply_the_outbox_sent_is_stored_as_ours_whatever_its_author(org, instagram):
    channel = instagram.channel
    OutboxMessage.objects.create(
        kind=OutboxKind.REPLY,
        channel=channel,
        idempotency_key="ig-1",
        text="Ja, fra kl. 10.",
        status="sent",
        result_external_id="17900000000000002",
    )
    moment = datetime(2026, 4, 14, 9, 0, tzinfo=UTC)

    def fetched(external_id, author_id):
        return FetchedItem(
            external_id=external_id,
            kind="reply",
            text="Ja, fra kl. 10.",
            author_id=author_id,
            author_name="fjordbykommune",
            parent_external_id="17900000000000001",
            thread_external_id="m1",
            permalink=None,
            created_at=moment,
        )

    store_batch(
        channel,
        [fetched("17900000000000002", "6543210987654321"), fetched("17900000000000003", "77")],
        received_at=moment,
    )

    statuses = dict(QueueItem.objects.filter(channel=channel).values_list("external_id", "status"))
    assert statuses == {
        "17900000000000002": ItemStatus.ANSWERED,
        "17900000000000003": ItemStatus.NEW,
    }


def test_the_comments_webhook_of_our_own_comment_enters_as_answered(
    client, org, instagram, settings
):
    # The documented example of https://developers.facebook.com/docs/instagram-platform/
    # self-messaging ("Example Comment Webhook"), its placeholders filled in; a citizen's
    # comment of the same shape without `self_ig_scoped_id` beside it.
    settings.WEBHOOK_APP_SECRET = "test-app-secret"
    account_id = instagram.account_id

    def change(comment_id, sender):
        return {
            "field": "comments",
            "value": {
                "from": sender,
                "id": comment_id,
                "text": "Tak for jeres spørgsmål",
                "media": {"id": "17890000000000099", "media_product_type": "FEED"},
            },
        }

    ours = {"id": account_id, "username": "fjordbykommune", "self_ig_scoped_id": "8877665544"}
    theirs = {"id": "6543210987654321", "username": "cykelmor"}
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": account_id,
                    "time": 1_776_160_000,
                    "changes": [
                        change("17900000000000011", ours),
                        change("17900000000000012", theirs),
                    ],
                }
            ],
        }
    ).encode()
    signature = "sha256=" + hmac.new(b"test-app-secret", body, hashlib.sha256).hexdigest()

    response = client.post(
        "/webhooks/instagram/",
        data=body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )

    assert response.status_code == 200
    statuses = dict(
        QueueItem.objects.filter(channel=instagram.channel).values_list("external_id", "status")
    )
    assert statuses == {
        "17900000000000011": ItemStatus.ANSWERED,
        "17900000000000012": ItemStatus.NEW,
    }
