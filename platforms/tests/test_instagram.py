"""The Instagram adapter against the simulator: comment counts as the change signal, comments
nested in the media listing (field expansion) with their nested paging, replies, faults, and
the one-level reply rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platforms.errors import (
    BadDataError,
    NeedsReconnectError,
    ThrottledError,
    TransientError,
    WriteRejectedError,
)

DAY = timedelta(days=1)


def media_ids(sim):
    """The demo account's media, newest first."""
    return [
        post["id"]
        for post in sorted(
            sim.get("instagram/posts"), key=lambda post: post["created_time"], reverse=True
        )
    ]


def seed(sim, clock, media_id, count, *, minutes_ago=120):
    start = clock.now - timedelta(minutes=minutes_ago)
    return sim.many_comments(
        "instagram",
        [start + timedelta(seconds=30 * number) for number in range(count)],
        post_id=media_id,
    )


def test_comments_and_replies_on_several_media_are_fetched_once(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    newest, middle, _oldest = media_ids(sim)
    on_newest = seed(sim, clock, newest, 60)
    on_middle = seed(sim, clock, middle, 60, minutes_ago=200)
    replies = [
        sim.comment("instagram", f"Svar {number}", parent_id=on_middle[0])["id"]
        for number in range(3)
    ]

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(
        on_newest + on_middle + replies
    )
    assert len(result.items) == 123
    by_id = {item.external_id: item for item in result.items}
    assert {by_id[reply].kind for reply in replies} == {"reply"}
    assert {by_id[reply].parent_external_id for reply in replies} == {on_middle[0]}
    assert by_id[on_newest[0]].thread_external_id == newest
    # The media list carries the first 50 comments of each media (replies inline); the second
    # page of each busy media follows its nested paging.next. The media without comments costs
    # nothing.
    assert result.calls_made == 3


def test_an_idle_account_costs_one_call(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    seed(sim, clock, media_ids(sim)[0], 10)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert again.items == []
    assert again.calls_made == 1


def test_reading_again_within_the_overlap_costs_no_extra_call(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    seed(sim, clock, media_ids(sim)[0], 3)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=1)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    # The media changed a minute ago, so its comments are read again: from the nested edge.
    assert again.items == []
    assert again.calls_made == 1
    assert again.new_cursor["media"] == first.new_cursor["media"]


def test_nested_paging_reaches_every_comment_and_reply(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    newest = media_ids(sim)[0]
    comments = seed(sim, clock, newest, 55)
    start = clock.now - timedelta(minutes=30)
    replies = sim.many_comments(
        "instagram",
        [start + timedelta(seconds=10 * n) for n in range(30)],
        parent_id=comments[0],
    )

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(comments + replies)
    by_id = {item.external_id: item for item in result.items}
    assert {by_id[reply].parent_external_id for reply in replies} == {comments[0]}
    # The media list with 50 comments nested, the comments edge's next page (5 more), and the
    # thread's replies beyond the 25 the nested replies edge carries.
    assert result.calls_made == 3


def test_a_comment_readable_only_later_is_picked_up(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    media = media_ids(sim)[0]
    visible = sim.comment("instagram", "Synlig med det samme", post_id=media)
    sim.fault("instagram", "read_lag", seconds=1)
    late = sim.comment("instagram", "Forsinket kommentar", post_id=media)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    sim.world.advance_clock(1.1)  # past the one-second read lag
    clock.now += timedelta(minutes=1)

    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in first.items] == [visible["id"]]
    assert [item.external_id for item in second.items] == [late["id"]]
    assert second.calls_made == 1


def test_a_new_reply_on_an_old_comment_is_found_through_the_count(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    old = seed(sim, clock, media_ids(sim)[1], 5, minutes_ago=600)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    reply = sim.comment("instagram", "Tak for svaret", parent_id=old[2])
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in second.items] == [reply["id"]]
    assert second.items[0].parent_external_id == old[2]


def test_short_pages_lose_nothing(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    ids = seed(sim, clock, media_ids(sim)[0], 40)
    replies = [sim.comment("instagram", f"Svar {n}", parent_id=ids[n])["id"] for n in range(3)]
    # Short (even empty) pages on the media list, the nested edges and the pages after them.
    sim.fault("instagram", "short_page", count=60, page_size=3)
    sim.fault("instagram", "short_page", count=5, page_size=0)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(ids + replies)


def test_a_dead_cursor_on_a_nested_edge_is_transient_and_loses_nothing(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    ids = seed(sim, clock, media_ids(sim)[0], 60)
    sim.fault("instagram", "invalid_cursor")

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)
    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(ids)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("server_error", TransientError),
        ("html_502", TransientError),
        ("no_content_type", TransientError),
        ("timeout", TransientError),
        ("malformed", BadDataError),
        ("throttle", ThrottledError),
        ("token_expired", NeedsReconnectError),
    ],
)
def test_a_fault_on_a_nested_next_page_fails_the_whole_fetch(sim, clock, make_adapter, kind, error):
    adapter = make_adapter("instagram")
    ids = seed(sim, clock, media_ids(sim)[0], 60)
    sim.fault("instagram", kind, after=1)  # the media list passes, the comments' next page not

    with pytest.raises(error):
        adapter.fetch_new(None, since=clock.now - DAY)
    # Nothing of the failed fetch counts: the same (empty) cursor reads it all again.
    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(ids)


def test_throttling_uses_the_instagram_code_and_the_regain_time(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    sim.fault("instagram", "throttle", reset_after_seconds=120)

    with pytest.raises(ThrottledError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert caught.value.code == 80002
    assert caught.value.resume_at == clock.now + timedelta(minutes=2)


@pytest.mark.parametrize("kind", ["server_error", "html_502", "no_content_type", "timeout"])
def test_passing_failures_are_transient(sim, clock, make_adapter, kind):
    adapter = make_adapter("instagram")
    sim.fault("instagram", kind)

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_malformed_json_is_bad_data(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    sim.fault("instagram", "malformed")

    with pytest.raises(BadDataError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_an_expired_token_asks_for_a_reconnect(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    sim.fault("instagram", "token_expired")

    with pytest.raises(NeedsReconnectError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_reply_hide_unhide_and_delete_reach_the_platform(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    target = sim.comment("instagram", "Hvor ligger stien?")

    reply = adapter.reply(target["id"], "Ved Engsøen.", idempotency_key="r")
    adapter.hide(target["id"])
    adapter.unhide(target["id"])
    adapter.delete(target["id"])

    actions = [(a["kind"], a["target_id"]) for a in sim.actions(platform="instagram")]
    assert actions == [
        ("reply", target["id"]),
        ("hide", target["id"]),
        ("unhide", target["id"]),
        ("delete", target["id"]),
    ]
    assert reply.external_id == sim.actions(kind="reply")[0]["result_id"]


def test_a_reply_to_a_reply_is_refused_before_calling(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    top = sim.comment("instagram", "Spørgsmål")
    nested = sim.comment("instagram", "Også mig", parent_id=top["id"])
    calls = sim.calls("instagram")

    with pytest.raises(WriteRejectedError) as caught:
        adapter.reply(nested["id"], "Svar", idempotency_key="x", kind="reply")

    assert caught.value.reason == "invalid_target"
    assert sim.calls("instagram") == calls


def test_the_platform_refuses_a_reply_to_a_reply_or_to_a_hidden_comment(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    top = sim.comment("instagram", "Spørgsmål")
    nested = sim.comment("instagram", "Også mig", parent_id=top["id"])
    hidden = sim.comment("instagram", "Skjules")
    adapter.hide(hidden["id"])

    with pytest.raises(WriteRejectedError) as to_reply:
        adapter.reply(nested["id"], "Svar", idempotency_key="a")
    with pytest.raises(WriteRejectedError) as to_hidden:
        adapter.reply(hidden["id"], "Svar", idempotency_key="b")

    assert to_reply.value.reason == "invalid_target"
    assert to_hidden.value.reason == "invalid_target"
    assert sim.actions(kind="reply") == []


def test_find_own_reply(sim, clock, make_adapter):
    adapter = make_adapter("instagram")
    target = sim.comment("instagram", "Er der parkering?")
    assert adapter.find_own_reply(target["id"], "Ja, bag hallen.") is None

    sent = adapter.reply(target["id"], "Ja, bag hallen.", idempotency_key="p")
    found = adapter.find_own_reply(target["id"], "Ja, bag hallen.")

    assert found.external_id == sent.external_id
    assert adapter.find_own_reply(target["id"], "Nej.") is None


def test_account_figures(sim, clock, make_adapter):
    adapter = make_adapter("instagram")

    figures = adapter.fetch_account_figures(clock.now - timedelta(hours=48), clock.now)

    assert figures.followers == 3120
    assert figures.posts_in_period == 2  # media posted 30 h and 5 h ago


# --- direct messages ---------------------------------------------------------------------


def dm(sim, text, author="fjordfisker", **body):
    return sim.comment("instagram", text, author_name=author, kind="message", **body)


def test_direct_messages_are_read_only_with_messaging_enabled(sim, clock, make_adapter):
    sent = dm(sim, "Må man bade fra den nye badebro?")
    plain = make_adapter("instagram")
    messaging = make_adapter("instagram", messaging=True)

    without = plain.fetch_new(None, since=clock.now - DAY)
    first = messaging.fetch_new(None, since=clock.now - DAY)
    idle = messaging.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert without.items == []
    [message] = first.items
    assert (message.external_id, message.kind, message.text) == (
        sent["id"],
        "message",
        "Må man bade fra den nye badebro?",
    )
    assert message.thread_external_id == sent["conversation_id"]
    assert (message.author_id, message.author_name) == (sent["author_id"], "fjordfisker")
    assert message.from_account is False
    assert first.calls_made == 2  # the media listing and the conversations
    assert idle.items == []
    assert idle.calls_made == 2


def test_many_conversations_and_messages_are_paged_and_read_once(sim, clock, make_adapter):
    # 30 conversations (more than one page of 25), one of them with 60 messages (more than the
    # 50 nested in the listing)
    account_id = sim.account("instagram")["id"]
    start = clock.now - timedelta(hours=3)
    ids = []
    for number in range(30):
        _, message = sim.world.add_message(
            account_id,
            f"Hej nummer {number}",
            author_name=f"borger_{number}",
            created=(start + timedelta(seconds=number)).isoformat(),
            platform="instagram",
        )
        ids.append(message.id)
    for number in range(60):
        _, message = sim.world.add_message(
            account_id,
            f"Mere {number}",
            author_name="borger_0",
            created=(start + timedelta(minutes=5, seconds=number)).isoformat(),
            platform="instagram",
        )
        ids.append(message.id)
    adapter = make_adapter("instagram", messaging=True)

    result = adapter.fetch_new(None, since=clock.now - DAY)
    again = adapter.fetch_new(result.new_cursor, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(ids)
    assert again.items == []


def test_short_pages_and_a_failed_call_lose_no_message(sim, clock, make_adapter):
    sent = [dm(sim, f"Spørgsmål {number}", f"borger_{number}")["id"] for number in range(3)]
    adapter = make_adapter("instagram", messaging=True)
    sim.fault("instagram", "server_error", after=1)  # the conversations call fails
    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)
    sim.fault("instagram", "short_page")

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(sent)


def test_an_expired_token_on_the_conversations_call_asks_for_a_reconnect(sim, clock, make_adapter):
    adapter = make_adapter("instagram", messaging=True)
    sim.fault("instagram", "token_expired", after=1)

    with pytest.raises(NeedsReconnectError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_a_direct_message_reply_goes_to_the_author(sim, clock, make_adapter):
    adapter = make_adapter("instagram", messaging=True)
    sent = dm(sim, "Hvornår åbner skøjtebanen?")

    result = adapter.reply(
        sent["id"],
        "Lørdag den 29. november.",
        idempotency_key="d1",
        kind="message",
        thread_external_id=sent["conversation_id"],
        author_id=sent["author_id"],
    )
    by_thread = adapter.find_own_reply(
        sent["id"],
        "Lørdag den 29. november.",
        kind="message",
        thread_external_id=sent["conversation_id"],
    )
    # A message that came by webhook has no conversation id: the sender finds it.
    by_sender = adapter.find_own_reply(sent["id"], "Lørdag den 29. november.", kind="message")

    [action] = sim.actions(platform="instagram", kind="reply")
    assert (action["target_id"], action["detail"]) == (sent["conversation_id"], "message")
    assert result.external_id == action["result_id"]
    assert by_thread.external_id == by_sender.external_id == action["result_id"]
    # Our own answer is read back as the account's message
    [own] = [
        item
        for item in adapter.fetch_new(None, since=clock.now - DAY).items
        if item.external_id == result.external_id
    ]
    assert own.from_account is True


def test_a_reply_after_the_24_hour_window_is_rejected_not_retried(sim, clock, make_adapter):
    adapter = make_adapter("instagram", messaging=True)
    old = (clock.now - timedelta(hours=25)).isoformat()
    sent = dm(sim, "Er der åbent i påsken?", created_time=old)

    with pytest.raises(WriteRejectedError) as caught:
        adapter.reply(
            sent["id"],
            "Ja, fra 10 til 14.",
            idempotency_key="late",
            kind="message",
            thread_external_id=sent["conversation_id"],
            author_id=sent["author_id"],
        )

    assert caught.value.reason == "outside_window"
    assert (caught.value.code, caught.value.subcode) == (10, 2534022)
    assert "24 hours" in str(caught.value)
    assert not isinstance(caught.value, NeedsReconnectError)
    assert sim.actions(platform="instagram", kind="reply") == []


def test_instagram_now_offers_direct_messages():
    from platforms.instagram import InstagramAdapter

    assert InstagramAdapter.capabilities.messages is True
    assert InstagramAdapter.capabilities.reply_to_messages is True
