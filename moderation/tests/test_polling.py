"""The poll of one channel against the simulator: first import window, idempotent re-reads,
threads, and what throttling, dead tokens and passing failures do to the channel."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AccountSnapshot, TokenStatus
from audit.models import AuditEntry
from moderation.models import QueueItem
from moderation.polling import figures, poller
from moderation.polling.ingest import store_batch
from platforms.base import FetchedItem

from . import polling_support
from .polling_support import add_comment, add_fault, connect, make_channel, sim_stats

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim

PLATFORMS = ["facebook", "instagram", "linkedin", "x", "youtube"]


def _iso(moment):
    return moment.astimezone(UTC).isoformat()


@pytest.fixture
def facebook(org, sim):
    channel = make_channel(org, "facebook")
    return connect(channel)


def test_the_first_poll_reaches_back_the_configured_days_only(org, sim, settings, facebook):
    # Given an old comment and a recent one
    settings.FIRST_IMPORT_DAYS = 14
    now = timezone.now()
    old_post = polling_support.control(
        sim,
        "POST",
        "facebook/posts",
        {"message": "Gammelt opslag", "created_time": _iso(now - timedelta(days=40))},
    )
    add_comment(
        sim,
        "facebook",
        "Fra sidste måned",
        post_id=old_post["id"],
        created_time=_iso(now - timedelta(days=30)),
    )
    recent = add_comment(sim, "facebook", "Hvornår kommer skraldebilen?", "Borger 9")

    # When the channel is polled for the first time
    outcome = poller.poll_connection(facebook.pk)

    # Then only the recent comment is stored, and the cursor and schedule moved
    assert outcome.status == poller.STORED
    assert list(
        QueueItem.objects.filter(channel=facebook.channel).values_list("external_id", flat=True)
    ) == [recent["id"]]
    facebook.refresh_from_db()
    assert facebook.cursor != {}
    assert facebook.last_polled_at is not None
    assert facebook.next_poll_at == facebook.last_polled_at + timedelta(seconds=60)
    assert facebook.consecutive_failures == 0


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_platform_stores_new_items_once_and_links_replies(org, sim, platform):
    # Given a connected channel with a comment
    connection = connect(make_channel(org, platform))
    first = add_comment(sim, platform, f"Et spørgsmål på {platform}", "Borger 21")

    # When it is polled three times, with a reply arriving in between
    poller.poll_connection(connection.pk)
    if platform == "x":
        reply = add_comment(sim, platform, "Også mig", "Borger 22", standalone=True)
    else:
        reply = add_comment(sim, platform, "Også mig", "Borger 22", parent_id=first["id"])
    poller.poll_connection(connection.pk)
    again = poller.poll_connection(connection.pk)

    # Then each item is in the queue once; a reply points at its parent
    items = QueueItem.objects.filter(channel=connection.channel)
    assert sorted(items.values_list("external_id", flat=True)) == sorted([first["id"], reply["id"]])
    assert again.created == 0
    stored_reply = items.get(external_id=reply["id"])
    if platform != "x":
        assert stored_reply.parent == items.get(external_id=first["id"])
    assert stored_reply.author_external_id != ""
    assert stored_reply.raw != {}


@pytest.mark.parametrize(
    ("platform", "extra"),
    [(platform, {}) for platform in PLATFORMS] + [("facebook", {"messaging": True})],
)
def test_an_idle_channel_costs_one_call_per_cycle(org, sim, platform, extra):
    # Given a channel whose comment (and, with messaging, message) was fetched a moment ago
    # (still inside the overlap window)
    connection = connect(make_channel(org, platform), extra=extra)
    add_comment(sim, platform, "Hej", "Borger 1")
    if extra:
        add_comment(sim, platform, "Hej igen", "Borger 2", kind="message")
    assert poller.poll_connection(connection.pk).created == (2 if extra else 1)
    before = sim_stats(sim)[platform]["calls"]

    # When it is polled again with nothing new
    outcome = poller.poll_connection(connection.pk)

    # Then the poll made one API call, as the platform counted it too
    assert outcome.created == 0
    assert outcome.calls == 1
    assert sim_stats(sim)[platform]["calls"] - before == 1


def test_an_instagram_direct_message_enters_the_queue_once(org, sim):
    # Given an Instagram channel that reads direct messages, and a citizen's message
    connection = connect(make_channel(org, "instagram"), extra={"messaging": True})
    sent = add_comment(
        sim, "instagram", "Hvornår åbner skøjtebanen?", "fjordfisker", kind="message"
    )

    # When it is polled three times, the citizen writing again in between
    first = poller.poll_connection(connection.pk)
    more = add_comment(sim, "instagram", "Og koster det noget?", "fjordfisker", kind="message")
    poller.poll_connection(connection.pk)
    before = sim_stats(sim)["instagram"]["calls"]
    idle = poller.poll_connection(connection.pk)

    # Then each message is one queue item in the same conversation, and an idle poll costs the
    # media listing plus the conversations listing
    assert first.created == 1
    items = QueueItem.objects.filter(channel=connection.channel).order_by("external_id")
    assert sorted(items.values_list("external_id", flat=True)) == sorted([sent["id"], more["id"]])
    assert set(items.values_list("kind", flat=True)) == {"message"}
    assert set(items.values_list("thread_external_id", flat=True)) == {sent["conversation_id"]}
    assert idle.created == 0
    assert idle.calls == 2
    assert sim_stats(sim)["instagram"]["calls"] - before == 2


def test_an_idle_cycle_costs_one_call_per_channel_on_every_platform(org, sim):
    # Given one connected channel per platform, each with a new comment, and a cycle that
    # fetched them (as benchmarks/ingest.py measures it)
    stored = QueueItem.objects.count()
    for platform in PLATFORMS:
        connect(make_channel(org, platform))
        add_comment(sim, platform, "Første kommentar", "Borger 1")
    call_command("poll_channels", "--once", stdout=StringIO())
    assert QueueItem.objects.count() == stored + len(PLATFORMS)
    before = sim_stats(sim)

    # When the next cycle finds nothing new
    call_command("poll_channels", "--once", stdout=StringIO())

    # Then every platform served exactly one call
    after = sim_stats(sim)
    assert {p: after[p]["calls"] - before[p]["calls"] for p in PLATFORMS} == dict.fromkeys(
        PLATFORMS, 1
    )
    assert QueueItem.objects.count() == stored + len(PLATFORMS)


def test_throttling_pauses_the_channel_until_the_resume_time(org, sim, facebook):
    # Given a platform that throttles the next call for 120 s
    add_comment(sim, "facebook", "Hej", "Borger 1")
    add_fault(sim, "facebook", "throttle", count=1, reset_after_seconds=120)
    started = timezone.now()

    # When the channel is polled, then polled again by the next cycle
    outcome = poller.poll_connection(facebook.pk)
    calls_after_throttle = sim_stats(sim)["facebook"]["calls"]
    second = poller.run_cycle()

    # Then it is paused until the platform's resume time (plus at most 30 s of jitter),
    # nothing was stored, and the next cycle made no call
    assert outcome.status == poller.THROTTLED
    facebook.refresh_from_db()
    assert started + timedelta(seconds=100) < facebook.paused_until
    assert facebook.paused_until < started + timedelta(seconds=200)
    assert facebook.next_poll_at == facebook.paused_until
    assert facebook.cursor == {}
    assert QueueItem.objects.filter(channel=facebook.channel).count() == 0
    assert second["channels"] == 0
    assert sim_stats(sim)["facebook"]["calls"] == calls_after_throttle


def test_a_dead_token_stops_polling_and_tells_the_channels_people(org, sim, facebook):
    add_fault(sim, "facebook", "token_expired", count=1)

    outcome = poller.poll_connection(facebook.pk)
    calls = sim_stats(sim)["facebook"]["calls"]
    later = poller.poll_connection(facebook.pk)

    assert outcome.status == poller.RECONNECT
    assert later.status == poller.SKIPPED
    assert sim_stats(sim)["facebook"]["calls"] == calls
    facebook.refresh_from_db()
    assert facebook.token_status == TokenStatus.NEEDS_RECONNECT
    assert sorted(m.to[0] for m in mail.outbox) == [
        "comms@testby.example",
        "comms_lead@testby.example",
    ]
    assert facebook.channel.name in mail.outbox[0].subject
    assert (
        AuditEntry.objects.filter(
            action="channel.needs_reconnect", channel=facebook.channel
        ).count()
        == 1
    )
    assert poller.claim_due_connections() == []
    # ...and the same people find it in their in-app notifications
    from moderation.models import Notification, NotificationKind

    notices = Notification.objects.filter(kind=NotificationKind.CHANNEL_RECONNECT)
    assert sorted(notices.values_list("user__username", flat=True)) == ["comms", "comms_lead"]


def test_a_dormant_page_is_still_polled_so_its_new_posts_can_wake_it(org, sim, facebook):
    # Given a page the registry marked dormant
    from accounts.models import Channel, ChannelStatus

    Channel.objects.filter(pk=facebook.channel_id).update(status=ChannelStatus.DORMANT)
    add_comment(sim, "facebook", "Er der stadig nogen her?")

    # When a poll cycle runs
    outcome = poller.poll_connection(facebook.pk)

    # Then the page was read like any active one
    assert outcome.status != poller.SKIPPED
    assert QueueItem.objects.filter(channel_id=facebook.channel_id).count() == 1


def test_a_passing_failure_backs_off_and_loses_nothing(org, sim, facebook):
    # Given a comment and a platform answering with a server error
    comment = add_comment(sim, "facebook", "Hvornår er der byrådsmøde?", "Borger 4")
    add_fault(sim, "facebook", "server_error", count=1)

    # When the channel is polled twice
    failed = poller.poll_connection(facebook.pk)
    facebook.refresh_from_db()
    failed_state = (facebook.consecutive_failures, facebook.cursor, facebook.next_poll_at)
    recovered = poller.poll_connection(facebook.pk)

    # Then the failure moved nothing but the schedule, and the retry stored the comment
    assert failed.status == poller.TRANSIENT
    assert failed_state[0] == 1
    assert failed_state[1] == {}
    assert failed_state[2] > timezone.now() + timedelta(seconds=40)
    assert recovered.status == poller.STORED
    assert list(
        QueueItem.objects.filter(channel=facebook.channel).values_list("external_id", flat=True)
    ) == [comment["id"]]
    facebook.refresh_from_db()
    assert facebook.consecutive_failures == 0


def test_backoff_doubles_and_is_capped(settings):
    settings.POLL_INTERVAL_SECONDS = 60
    assert 48 <= poller.backoff(1).total_seconds() <= 72
    assert 192 <= poller.backoff(3).total_seconds() <= 288
    assert poller.backoff(50).total_seconds() <= 1.2 * poller.MAX_BACKOFF.total_seconds()


def test_fan_out_claims_each_due_channel_once(org, sim, facebook):
    other = connect(make_channel(org, "x"))
    paused = connect(make_channel(org, "youtube"))
    paused.paused_until = timezone.now() + timedelta(minutes=5)
    paused.save(update_fields=["paused_until"])

    first = poller.claim_due_connections()
    second = poller.claim_due_connections()

    assert [pk for pk, _ in first] == sorted([facebook.pk, other.pk])
    assert second == []
    facebook.refresh_from_db()
    assert facebook.next_poll_at == first[0][1] + timedelta(seconds=60)


def test_fan_out_queues_channels_due_before_its_next_run_at_their_time(org, sim, facebook):
    now = timezone.now()
    facebook.next_poll_at = now + timedelta(seconds=3)
    facebook.save(update_fields=["next_poll_at"])

    assert poller.claim_due_connections(now, lookahead=timedelta(seconds=2)) == []
    claimed = poller.claim_due_connections(now, lookahead=timedelta(seconds=5))

    assert claimed == [(facebook.pk, now + timedelta(seconds=3))]


def test_poll_channels_once_runs_one_cycle(org, sim, facebook):
    add_comment(sim, "facebook", "Tak for hjælpen", "Borger 30")
    out = StringIO()
    call_command("poll_channels", "--once", stdout=out)

    assert "channels=1" in out.getvalue()
    assert "created=1" in out.getvalue()
    assert QueueItem.objects.filter(channel=facebook.channel).count() == 1


def test_store_batch_is_idempotent_and_links_orphans(org):
    channel = make_channel(org, "facebook")
    created = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

    def fetched(external_id, parent=None):
        return FetchedItem(
            external_id=external_id,
            kind="reply" if parent else "comment",
            text="tekst",
            author_id="a1",
            author_name="Borger 1",
            parent_external_id=parent,
            thread_external_id="post-1",
            permalink=None,
            created_at=created,
        )

    # A reply arrives before its parent (a webhook), then the parent, then both again
    first = store_batch(channel, [fetched("c2", parent="c1")])
    second = store_batch(channel, [fetched("c1")])
    third = store_batch(channel, [fetched("c1"), fetched("c2", parent="c1")])

    assert (first.created, second.created, third.created) == (1, 1, 0)
    assert third.already_stored == 2
    reply = QueueItem.objects.get(platform="facebook", external_id="c2")
    assert reply.parent == QueueItem.objects.get(platform="facebook", external_id="c1")


def test_daily_figures_are_stored_per_channel_and_day(org, sim, facebook):
    day = timezone.now().date()

    stored = figures.fetch_all(day)
    again = figures.fetch_all(day)

    assert (stored, again) == (1, 1)
    snapshot = AccountSnapshot.objects.get(channel=facebook.channel, date=day)
    assert snapshot.followers == polling_support.ACCOUNTS["facebook"]["followers"]
    assert snapshot.own_posts is not None


def test_the_fan_out_task_queues_one_poll_per_due_channel_with_its_start_time(
    org, sim, facebook, monkeypatch
):
    from moderation.polling import tasks

    sent = []
    monkeypatch.setattr(
        tasks.poll_channel, "apply_async", lambda args, **options: sent.append((args, options))
    )

    queued = tasks.fan_out_polls()

    assert queued == 1
    [(args, options)] = sent
    assert args == (facebook.pk,)
    assert options["expires"] - options["eta"] == timedelta(seconds=60)


def test_fetch_figures_command_stores_the_named_day_and_refuses_a_bad_date(org, sim, facebook):
    from io import StringIO

    from django.core.management.base import CommandError

    out = StringIO()
    call_command("fetch_figures", "--once", "--date", "2026-11-20", stdout=out)

    assert out.getvalue().strip() == "Account snapshots stored: 1"
    assert AccountSnapshot.objects.filter(channel=facebook.channel).count() == 1
    assert str(AccountSnapshot.objects.get(channel=facebook.channel).date) == "2026-11-20"
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("fetch_figures", "--date", "20.11.2026")


@pytest.mark.parametrize("platform", ["facebook", "instagram", "youtube"])
def test_the_poll_stores_the_post_a_thread_hangs_under(org, sim, platform):
    from moderation.models import ThreadPost

    # Given a post of the channel with a citizen's comment under it
    connection = connect(make_channel(org, platform))
    post = polling_support.control(
        sim, "POST", f"{platform}/posts", {"message": "Svømmehallen åbner mandag"}
    )
    add_comment(sim, platform, "Hvornår på dagen?", "Borger 31", post_id=post["id"])

    # When the channel is polled (twice: a re-read refreshes, never duplicates)
    poller.poll_connection(connection.pk)
    poller.poll_connection(connection.pk)

    # Then the post is stored once with what the read carried, and the item finds it
    stored = ThreadPost.objects.get()
    item = QueueItem.objects.get(channel=connection.channel)
    assert (stored.platform, stored.external_id) == (platform, item.thread_external_id)
    assert stored.channel == connection.channel
    if platform == "youtube":
        # Its link is known without a call; the title would cost one more
        assert stored.permalink == f"https://www.youtube.com/watch?v={item.thread_external_id}"
    else:
        assert stored.text == "Svømmehallen åbner mandag"
        assert stored.permalink.startswith(f"https://www.{platform}.com/")
        assert stored.created_at is not None


def test_a_post_read_again_keeps_one_row_with_the_newest_text(org):
    from moderation.models import ThreadPost
    from platforms.base import FetchedPost

    # Given a comment batch carrying its post, then the same post edited in a later batch
    channel = make_channel(org, "facebook")
    now = timezone.now()

    def fetched(external_id, post_text):
        return FetchedItem(
            external_id=external_id,
            kind="comment",
            text="Hej",
            author_id="a1",
            author_name="Borger",
            parent_external_id=None,
            thread_external_id="p1",
            permalink=None,
            created_at=now,
            post=FetchedPost(
                external_id="p1",
                text=post_text,
                picture_url="https://scontent.xx.fbcdn.net/p.jpg",
                permalink="https://www.facebook.com/1/posts/2",
            ),
        )

    store_batch(channel, [fetched("c1", "Første udgave")])
    store_batch(channel, [fetched("c2", "Rettet udgave")])

    # Then there is one post, as last read
    assert list(ThreadPost.objects.values_list("external_id", "text", "picture_url")) == [
        ("p1", "Rettet udgave", "https://scontent.xx.fbcdn.net/p.jpg")
    ]
