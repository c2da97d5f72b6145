"""The outbox: writes are recorded with the decision, sent after commit, never twice, and end
in sent or failed (a post the platform cannot publish: to be posted by hand); tested against the
platform simulator."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import TokenStatus
from audit.models import AuditEntry
from moderation import outbox
from moderation.models import OutboxMessage, OutboxStatus, QueueItem

from . import polling_support
from .polling_support import (
    add_comment,
    add_fault,
    connect,
    make_channel,
    sim_actions,
    sim_stats,
)

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim


def _item_on_simulator(sim, channel, text="Hvornår tømmes skraldespandene?"):
    """A citizen's comment on the simulator and its queue item."""
    created = add_comment(sim, channel.platform, text, author="Borger 17")
    return QueueItem.objects.create(
        channel=channel,
        platform=channel.platform,
        external_id=created["id"],
        kind="comment",
        author_name="Borger 17",
        text=text,
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        received_at=datetime(2026, 11, 20, 9, 1, tzinfo=UTC),
    )


@pytest.fixture
def facebook(org, sim):
    channel = make_channel(org, "facebook")
    connect(channel)
    return channel


def test_enqueue_reply_queues_the_send_task_on_commit(
    org, facebook, sim, django_capture_on_commit_callbacks
):
    # Given a citizen's comment
    item = _item_on_simulator(sim, facebook)

    # When a reply is queued twice with the same key (a double click)
    with django_capture_on_commit_callbacks() as callbacks:
        first = outbox.enqueue_reply(
            item, "Tirsdag i lige uger.", acting_user=org.users["comms"], idempotency_key="k-1"
        )
    second = outbox.enqueue_reply(
        item, "Tirsdag i lige uger.", acting_user=org.users["comms"], idempotency_key="k-1"
    )

    # Then there is one pending message and one send task was queued after commit
    assert second.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert first.status == OutboxStatus.PENDING
    assert first.kind == "reply"
    assert first.requested_by == org.users["comms"]
    assert len(callbacks) == 1


def test_a_key_used_for_another_write_is_refused(org, facebook, sim):
    item = _item_on_simulator(sim, facebook)
    outbox.enqueue_reply(item, "Svar", acting_user=org.users["comms"], idempotency_key="k-2")

    with pytest.raises(ValueError, match="different write"):
        outbox.enqueue_hide(item, acting_user=org.users["comms"], idempotency_key="k-2")

    assert OutboxMessage.objects.count() == 1


def test_a_reply_is_sent_once_and_audited(org, facebook, sim):
    # Given a queued reply
    item = _item_on_simulator(sim, facebook)
    message = outbox.enqueue_reply(
        item, "Tirsdag i lige uger.", acting_user=org.users["comms"], idempotency_key="k-3"
    )

    # When the sender runs twice
    assert outbox.deliver(message.pk) == OutboxStatus.SENT
    assert outbox.deliver(message.pk) is None

    # Then the platform got exactly one reply and the message records its id
    replies = sim_actions(sim, platform="facebook", kind="reply")
    assert [(r["target_id"], r["text"]) for r in replies] == [
        (item.external_id, "Tirsdag i lige uger.")
    ]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.result_external_id == replies[0]["result_id"]
    assert message.attempts == 1
    assert message.outcome_unknown is False
    entry = AuditEntry.objects.get(action="outbox.sent")
    assert entry.item == item
    assert entry.data["outbox_id"] == message.pk


def test_after_a_timed_out_reply_the_next_attempt_finds_it_instead_of_posting_again(
    org, facebook, sim
):
    # Given a reply whose answer times out although the platform published it
    item = _item_on_simulator(sim, facebook)
    message = outbox.enqueue_reply(
        item, "Vi ser på det i dag.", acting_user=org.users["comms"], idempotency_key="k-4"
    )
    add_fault(sim, "facebook", "timeout", count=1)

    # When the first attempt gives up, and the retry runs
    assert outbox.deliver(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert message.outcome_unknown is True
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    assert outbox.deliver(message.pk) == OutboxStatus.SENT

    # Then the platform holds exactly one reply, and the message points at it
    replies = sim_actions(sim, platform="facebook", kind="reply")
    assert len(replies) == 1
    message.refresh_from_db()
    assert message.result_external_id == replies[0]["result_id"]
    assert message.attempts == 2


def test_a_hide_confirmed_by_the_platform_sets_the_items_flag(org, facebook, sim):
    item = _item_on_simulator(sim, facebook)
    message = outbox.enqueue_hide(item, acting_user=org.users["comms"])

    assert outbox.deliver(message.pk) == OutboxStatus.SENT

    item.refresh_from_db()
    assert item.hidden_on_platform is True
    hides = sim_actions(sim, platform="facebook", kind="hide")
    assert [h["target_id"] for h in hides] == [item.external_id]


def test_an_expired_token_fails_the_write_at_once(org, facebook, sim):
    item = _item_on_simulator(sim, facebook)
    message = outbox.enqueue_delete(item, acting_user=org.users["comms"])
    add_fault(sim, "facebook", "token_expired", count=1)

    assert outbox.deliver(message.pk) == OutboxStatus.FAILED

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert "190" in message.last_error
    assert sim_actions(sim, platform="facebook", kind="delete") == []
    assert AuditEntry.objects.filter(action="outbox.failed", item=item).count() == 1


def test_a_reply_x_does_not_allow_fails_for_good_and_the_channel_stays_connected(org, sim):
    # X takes programmatic replies only to posts that mentioned or quoted the account; the
    # simulator answers a reply elsewhere with X's 403. One write fails, nothing else does.
    channel = make_channel(org, "x")
    connection = connect(channel)
    mention = add_comment(sim, "x", "Hvornår åbner skøjtebanen?", author="Borger 17")
    aside = add_comment(
        sim,
        "x",
        "Den åbner vist i morgen",
        author="Borger 18",
        parent_id=mention["id"],
        mention=False,
    )
    item = QueueItem.objects.create(
        channel=channel,
        platform="x",
        external_id=aside["id"],
        kind="mention",
        author_name="@borger_18",
        text="Den åbner vist i morgen",
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        received_at=datetime(2026, 11, 20, 9, 1, tzinfo=UTC),
    )
    message = outbox.enqueue_reply(
        item, "Den åbner lørdag.", acting_user=org.users["comms"], idempotency_key="x-1"
    )

    assert outbox.deliver(message.pk) == OutboxStatus.FAILED

    message.refresh_from_db()
    connection.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert message.next_attempt_at is None
    assert "X does not allow this reply" in message.last_error
    assert connection.token_status == TokenStatus.VALID
    assert sim_actions(sim, platform="x", kind="reply") == []
    assert AuditEntry.objects.filter(action="outbox.failed", item=item).count() == 1


def test_an_action_the_platform_lacks_fails_without_calling_it(org, sim):
    channel = make_channel(org, "linkedin")
    connect(channel)
    item = _item_on_simulator(sim, channel, text="Godt initiativ")
    message = outbox.enqueue_hide(item, acting_user=org.users["comms"])

    assert outbox.deliver(message.pk) == OutboxStatus.FAILED

    message.refresh_from_db()
    assert "cannot hide" in message.last_error
    item.refresh_from_db()
    assert item.hidden_on_platform is False


def test_transient_failures_are_retried_with_backoff_up_to_a_cap(org, facebook, sim):
    # Given a platform that answers every call with a server error
    item = _item_on_simulator(sim, facebook)
    message = outbox.enqueue_unhide(item, acting_user=org.users["comms"])
    add_fault(sim, "facebook", "server_error", count=100)

    # When the sender tries again each time the backoff has passed
    outcomes = []
    for _ in range(outbox.MAX_ATTEMPTS + 2):
        message.refresh_from_db()
        if message.status == OutboxStatus.PENDING:
            assert message.attempts == 0 or message.next_attempt_at is not None
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
        outcomes.append(outbox.deliver(message.pk))

    # Then it gave up after MAX_ATTEMPTS and stays failed
    assert outcomes == [OutboxStatus.PENDING] * (outbox.MAX_ATTEMPTS - 1) + [
        OutboxStatus.FAILED,
        None,
        None,
    ]
    message.refresh_from_db()
    assert message.attempts == outbox.MAX_ATTEMPTS


def test_backoff_grows_and_is_capped():
    assert 15 <= outbox.backoff(1).total_seconds() <= 30
    assert 60 <= outbox.backoff(3).total_seconds() <= 120
    assert outbox.backoff(30).total_seconds() <= outbox.BACKOFF_CAP_SECONDS


def test_the_sweep_lists_due_and_abandoned_messages_only(org, facebook, sim):
    item = _item_on_simulator(sim, facebook)
    due = outbox.enqueue_hide(item, acting_user=org.users["comms"])
    later = outbox.enqueue_unhide(item, acting_user=org.users["comms"])
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=datetime(2999, 1, 1, tzinfo=UTC)
    )
    sent = outbox.enqueue_delete(item, acting_user=org.users["comms"])
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT)

    assert outbox.due_message_ids() == [due.pk]


@pytest.fixture
def send_now(monkeypatch):
    """The send task runs at once in this process when it is queued (as a worker would)."""
    from moderation.polling import tasks

    monkeypatch.setattr(tasks.send_outbox_message, "delay", tasks.send_outbox_message)


def _post(channel, org, text="Siden lukker 1. marts. Følg os på hovedsiden.", key="p-1"):
    return outbox.enqueue_post(channel, text, acting_user=org.users["comms"], idempotency_key=key)


def _retry_now(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    return outbox.deliver(message.pk)


@pytest.mark.parametrize("platform", ["facebook", "linkedin", "x"])
def test_a_queued_post_is_published_once_by_the_send_task(
    org, sim, send_now, django_capture_on_commit_callbacks, platform
):
    # Given a channel connected to its platform account
    channel = make_channel(org, platform)
    connect(channel)

    # When a post is queued twice with the same key and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        message = _post(channel, org)
        again = _post(channel, org)

    # Then the send task published it once and the message records the platform's post id
    posts = sim_actions(sim, platform=platform, kind="post")
    assert [p["text"] for p in posts] == ["Siden lukker 1. marts. Følg os på hovedsiden."]
    message.refresh_from_db()
    assert again.pk == message.pk
    assert message.status == OutboxStatus.SENT
    assert message.result_external_id == posts[0]["result_id"]
    assert (message.attempts, message.outcome_unknown, message.item) == (1, False, None)
    assert (
        AuditEntry.objects.get(action="outbox.sent").data["external_id"] == (posts[0]["result_id"])
    )
    assert outbox.deliver(message.pk) is None


@pytest.mark.parametrize("platform", ["facebook", "linkedin", "x"])
def test_after_a_timed_out_post_the_retry_finds_it_instead_of_publishing_again(org, sim, platform):
    # Given a post whose answer times out although the platform published it
    channel = make_channel(org, platform)
    connect(channel)
    message = _post(channel, org)
    add_fault(sim, platform, "timeout", count=1)

    # When the first attempt gives up, and the retry runs
    assert outbox.deliver(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert message.outcome_unknown is True
    assert _retry_now(message) == OutboxStatus.SENT

    # Then the platform holds exactly one post, and the message points at it
    [post] = sim_actions(sim, platform=platform, kind="post")
    message.refresh_from_db()
    assert message.result_external_id == post["result_id"]
    assert message.attempts == 2


def test_a_post_that_landed_but_is_not_readable_yet_is_not_published_twice(org, facebook, sim):
    # Given a timed-out post that stays out of the page's listing for a while
    message = _post(facebook, org)
    add_fault(sim, "facebook", "read_lag", seconds=120)
    add_fault(sim, "facebook", "timeout", count=1)
    assert outbox.deliver(message.pk) == OutboxStatus.PENDING

    # When the retry does not find it and sends it again
    assert _retry_now(message) == OutboxStatus.SENT

    # Then Facebook refused the copy as a duplicate, which proves the first attempt landed
    assert len(sim_actions(sim, platform="facebook", kind="post")) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.result_external_id == ""  # known to be up, its id not readable yet


def test_a_duplicate_without_an_earlier_attempt_fails(org, facebook, sim):
    # Somebody posted the very same text on the page a moment ago: the outbox did not.
    first = _post(facebook, org, key="p-1")
    second = _post(facebook, org, key="p-2")
    assert outbox.deliver(first.pk) == OutboxStatus.SENT

    assert outbox.deliver(second.pk) == OutboxStatus.FAILED

    second.refresh_from_db()
    assert "506" in second.last_error


def test_a_throttled_post_waits_until_the_platform_allows_calls_again(org, facebook, sim):
    message = _post(facebook, org)
    add_fault(sim, "facebook", "throttle", reset_after_seconds=600)
    before = timezone.now()

    assert outbox.deliver(message.pk) == OutboxStatus.PENDING

    message.refresh_from_db()
    assert message.next_attempt_at >= before + timedelta(minutes=9)
    assert message.outcome_unknown is False  # a refusal: nothing can have been published
    assert sim_actions(sim, platform="facebook", kind="post") == []
    assert outbox.due_message_ids() == []


def test_a_server_error_is_retried_and_then_published_once(org, sim):
    channel = make_channel(org, "linkedin")
    connect(channel)
    message = _post(channel, org)
    add_fault(sim, "linkedin", "server_error", count=1)

    assert outbox.deliver(message.pk) == OutboxStatus.PENDING
    assert _retry_now(message) == OutboxStatus.SENT

    assert len(sim_actions(sim, platform="linkedin", kind="post")) == 1


def test_a_post_with_an_expired_token_fails_at_once(org, sim):
    channel = make_channel(org, "x")
    connect(channel)
    message = _post(channel, org)
    add_fault(sim, "x", "token_expired", count=1)

    assert outbox.deliver(message.pk) == OutboxStatus.FAILED

    message.refresh_from_db()
    assert "status=401" in message.last_error
    assert sim_actions(sim, platform="x") == []
    assert AuditEntry.objects.filter(action="outbox.failed", channel=channel).count() == 1


@pytest.mark.parametrize("platform", ["instagram", "youtube"])
def test_a_post_the_platform_cannot_publish_ends_to_be_posted_by_hand(
    org, sim, send_now, django_capture_on_commit_callbacks, platform
):
    # Given a channel on a platform whose API cannot publish a text post
    channel = make_channel(org, platform)
    connect(channel)
    calls_before = sim_stats(sim)[platform]["calls"]

    # When a post is queued and the send task runs
    with django_capture_on_commit_callbacks(execute=True):
        message = _post(channel, org)

    # Then nothing is called and the message ends "to be posted by hand", not failed
    message.refresh_from_db()
    assert message.status == OutboxStatus.MANUAL
    assert message.get_status_display() == "To be posted by hand"
    assert f"{platform} cannot publish posts" in message.last_error
    assert sim_stats(sim)[platform]["calls"] == calls_before
    assert AuditEntry.objects.get(action="outbox.by_hand").channel == channel
    assert not AuditEntry.objects.filter(action="outbox.failed").exists()
    assert outbox.due_message_ids() == []


def test_a_post_on_a_channel_without_a_connection_fails_with_a_clear_reason(org, sim):
    channel = make_channel(org, "facebook")  # never connected

    message = _post(channel, org)

    assert outbox.deliver(message.pk) == OutboxStatus.FAILED
    message.refresh_from_db()
    assert "not connected" in message.last_error


def test_every_end_of_a_message_is_announced(org, facebook, sim):
    heard = []

    def listen(sender, message, status, result_external_id, **kwargs):
        heard.append((message.pk, status, result_external_id))

    outbox.finished.connect(listen)
    try:
        sent = _post(facebook, org, key="p-1")
        failed = _post(facebook, org, key="p-2")
        outbox.deliver(sent.pk)
        outbox.deliver(failed.pk)  # a duplicate of the first
    finally:
        outbox.finished.disconnect(listen)

    sent.refresh_from_db()
    assert heard == [
        (sent.pk, OutboxStatus.SENT, sent.result_external_id),
        (failed.pk, OutboxStatus.FAILED, ""),
    ]


def test_a_failing_listener_does_not_undo_the_record_of_a_sent_post(org, facebook, sim):
    def broken(sender, **kwargs):
        raise RuntimeError("listener bug")

    outbox.finished.connect(broken)
    try:
        message = _post(facebook, org)
        assert outbox.deliver(message.pk) == OutboxStatus.SENT
    finally:
        outbox.finished.disconnect(broken)

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.result_external_id == sim_actions(sim, kind="post")[0]["result_id"]


def test_the_sweep_task_queues_each_due_message(org, facebook, sim, monkeypatch):
    from moderation.polling import tasks

    item = _item_on_simulator(sim, facebook)
    message = outbox.enqueue_hide(item, acting_user=org.users["comms"])
    sent = []
    monkeypatch.setattr(tasks.send_outbox_message, "delay", sent.append)

    assert tasks.sweep_outbox() == 1
    assert sent == [message.pk]


def test_hides_of_a_batch_are_queued_once_each(org, django_capture_on_commit_callbacks):
    # Given two items that must be hidden
    items = [org.items["a"], org.items["b"]]

    # When the batch is queued twice (a retried intake)
    with django_capture_on_commit_callbacks() as callbacks:
        first = outbox.enqueue_hides(items, acting_user=None, key_prefix="pd-hide")
        again = outbox.enqueue_hides(items, acting_user=None, key_prefix="pd-hide")

    # Then there is one pending hide per item, and both calls name the same messages
    messages = OutboxMessage.objects.filter(idempotency_key__startswith="pd-hide:")
    assert sorted(messages.values_list("item_id", flat=True)) == sorted(i.pk for i in items)
    assert set(messages.values_list("kind", flat=True)) == {"hide"}
    assert sorted(first) == sorted(again) == sorted(messages.values_list("pk", flat=True))
    assert len(callbacks) == 2
    assert outbox.enqueue_hides([], acting_user=None, key_prefix="pd-hide") == []


def _instagram_dm(sim, channel, text, *, hours_ago):
    """A citizen's Instagram direct message on the simulator and its queue item."""
    moment = timezone.now() - timedelta(hours=hours_ago)
    sent = add_comment(
        sim, "instagram", text, "fjordfisker", kind="message", created_time=moment.isoformat()
    )
    return QueueItem.objects.create(
        channel=channel,
        platform="instagram",
        external_id=sent["id"],
        kind="message",
        author_name="fjordfisker",
        author_external_id=sent["author_id"],
        thread_external_id=sent["conversation_id"],
        text=text,
        created_at=moment,
        received_at=moment,
    )


def test_an_instagram_direct_message_is_answered_inside_the_window(org, sim):
    channel = make_channel(org, "instagram")
    connect(channel, extra={"messaging": True})
    item = _instagram_dm(sim, channel, "Hvor henter jeg sække?", hours_ago=2)
    message = outbox.enqueue_reply(
        item, "På genbrugspladsen.", acting_user=org.users["comms"], idempotency_key="ig-1"
    )

    assert outbox.deliver(message.pk) == OutboxStatus.SENT

    [action] = sim_actions(sim, platform="instagram", kind="reply")
    assert (action["target_id"], action["detail"]) == (item.thread_external_id, "message")
    message.refresh_from_db()
    assert message.result_external_id == action["result_id"]


def test_an_answer_after_instagrams_24_hours_fails_at_once_with_the_reason(org, sim):
    # Given a direct message 25 hours old
    channel = make_channel(org, "instagram")
    connect(channel, extra={"messaging": True})
    item = _instagram_dm(sim, channel, "Er der åbent i påsken?", hours_ago=25)
    message = outbox.enqueue_reply(
        item, "Ja, fra 10 til 14.", acting_user=org.users["comms"], idempotency_key="ig-2"
    )

    # When the sender runs
    status = outbox.deliver(message.pk)

    # Then the write fails after one attempt, is not retried, says why, and the channel keeps
    # its token
    assert status == OutboxStatus.FAILED
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.next_attempt_at is None
    assert "24 hours" in message.last_error
    assert sim_actions(sim, platform="instagram", kind="reply") == []
    channel.connection.refresh_from_db()
    assert channel.connection.token_status == "valid"
