"""The Facebook adapter against the simulator: paging, the watermark, the idle call budget,
every injected fault, Messenger, writes and figures."""

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


def spread_comments(sim, clock, count, *, start_minutes_ago=180):
    """`count` citizen comments on the newest post, 20 seconds apart, all older than the
    overlap window."""
    first = clock.now - timedelta(minutes=start_minutes_ago)
    return sim.many_comments(
        "facebook", [first + timedelta(seconds=20 * number) for number in range(count)]
    )


def test_a_first_fetch_pages_through_250_comments_and_returns_each_once(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    ids = spread_comments(sim, clock, 250)
    calls_before = sim.calls("facebook")

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == ids
    assert {item.kind for item in result.items} == {"comment"}
    # One feed call carrying the first 100 comments, then two `next` pages of the nested edge.
    assert result.calls_made == 3
    assert sim.calls("facebook") - calls_before == 3
    assert result.skipped == []


def test_a_second_fetch_of_an_idle_page_returns_nothing_and_costs_one_call(
    sim, clock, make_adapter
):
    adapter = make_adapter("facebook")
    spread_comments(sim, clock, 250)
    first = adapter.fetch_new(None, since=clock.now - DAY)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert again.items == []
    assert again.calls_made == 1
    assert again.new_cursor == first.new_cursor


def test_a_new_comment_and_a_reply_arrive_in_the_next_fetch(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    first_ids = spread_comments(sim, clock, 3)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=2)

    reply = sim.comment("facebook", "Enig med ovenstående", parent_id=first_ids[0])
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in second.items] == [reply["id"]]
    item = second.items[0]
    assert item.kind == "reply"
    assert item.parent_external_id == first_ids[0]
    assert item.author_name == "Borger 17"
    assert item.text == "Enig med ovenstående"
    assert item.from_account is False
    assert second.calls_made == 1


def test_comment_fields_are_normalised(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    created = sim.comment("facebook", "Hvornår åbner svømmehallen?", hide_author=True)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    [item] = result.items
    assert item.external_id == created["id"]
    assert item.kind == "comment"
    assert item.author_id is None  # Graph leaves "from" out for some people
    assert item.author_name is None
    assert item.thread_external_id == created["post_id"]
    assert item.permalink.startswith("https://www.facebook.com/")
    assert item.created_at.tzinfo is not None
    assert item.is_hidden is False
    assert item.raw["message"] == "Hvornår åbner svømmehallen?"


def test_usage_headers_are_read(sim, clock, make_adapter):
    adapter = make_adapter("facebook")

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert result.usage.percent is not None
    assert "x-business-use-case-usage" in result.usage.headers


def test_short_pages_that_still_link_onwards_lose_nothing(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    ids = spread_comments(sim, clock, 30)
    sim.fault("facebook", "short_page", count=20, page_size=4)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == ids


def test_a_comment_readable_only_later_is_picked_up_inside_the_overlap(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    visible = sim.comment("facebook", "Synlig med det samme")
    sim.fault("facebook", "read_lag", seconds=1)
    late = sim.comment("facebook", "Forsinket kommentar")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    sim.world.advance_clock(1.1)  # past the one-second read lag
    clock.now += timedelta(minutes=1)

    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in first.items] == [visible["id"]]
    assert [item.external_id for item in second.items] == [late["id"]]


def test_throttling_pauses_until_the_regain_time_of_the_usage_header(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    sim.fault("facebook", "throttle", reset_after_seconds=600)

    with pytest.raises(ThrottledError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert caught.value.code == 80001
    assert caught.value.resume_at == clock.now + timedelta(minutes=10)


@pytest.mark.parametrize("kind", ["server_error", "html_502", "no_content_type", "timeout"])
def test_passing_failures_are_transient(sim, clock, make_adapter, kind):
    adapter = make_adapter("facebook")
    sim.fault("facebook", kind)

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_a_cut_off_json_page_is_bad_data(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    sim.fault("facebook", "malformed")

    with pytest.raises(BadDataError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_an_expired_token_asks_for_a_reconnect(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    sim.fault("facebook", "token_expired")

    with pytest.raises(NeedsReconnectError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert (caught.value.code, caught.value.subcode) == (190, 463)


def test_an_unknown_token_asks_for_a_reconnect(sim, clock, make_adapter):
    adapter = make_adapter("facebook", token="not-a-token")

    with pytest.raises(NeedsReconnectError):
        adapter.test_connection()


def test_a_cursor_that_died_mid_listing_is_transient(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    spread_comments(sim, clock, 150)
    sim.fault("facebook", "invalid_cursor")

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_after_a_fault_the_same_cursor_still_fetches_everything(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    ids = spread_comments(sim, clock, 120)
    sim.fault("facebook", "server_error", after=1)
    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == ids


def test_messages_are_read_only_with_messaging_enabled(sim, clock, make_adapter):
    sent = sim.comment("facebook", "Kan jeg få hjælp til min ansøgning?", kind="message")
    plain = make_adapter("facebook")
    messaging = make_adapter("facebook", messaging=True)

    without = plain.fetch_new(None, since=clock.now - DAY)
    with_messages = messaging.fetch_new(None, since=clock.now - DAY)
    idle = messaging.fetch_new(with_messages.new_cursor, since=clock.now - DAY)

    assert without.items == []
    [message] = with_messages.items
    assert message.external_id == sent["id"]
    assert message.kind == "message"
    assert message.thread_external_id == sent["conversation_id"]
    assert message.author_id == sent["author_id"]
    # The Page node with its feed and conversations, the comments of the demo post updated
    # within the day.
    assert with_messages.calls_made == 2
    assert idle.items == []
    assert idle.calls_made == 1  # the feed and the conversations in one read of the Page


def messenger(sim, clock, conversations, messages_in_first, *, minutes_ago=180):
    """`conversations` citizens writing one message each, the first of them then writing
    `messages_in_first` more, all older than the overlap window; returns the message ids."""
    account_id = sim.account("facebook")["id"]
    start = clock.now - timedelta(minutes=minutes_ago)
    ids = []
    for number in range(conversations):
        _, message = sim.world.add_message(
            account_id,
            f"Hej nummer {number}",
            author_name=f"Borger {number}",
            created=(start + timedelta(seconds=number)).isoformat(),
        )
        ids.append(message.id)
    for number in range(messages_in_first):
        _, message = sim.world.add_message(
            account_id,
            f"Mere {number}",
            author_name="Borger 0",
            created=(start + timedelta(minutes=5, seconds=number)).isoformat(),
        )
        ids.append(message.id)
    return ids


def test_a_new_comment_and_a_new_message_arrive_together_in_one_call(sim, clock, make_adapter):
    adapter = make_adapter("facebook", messaging=True)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=2)
    comment = sim.comment("facebook", "Hvornår bliver vejen ryddet for sne?")
    message = sim.comment("facebook", "Kan jeg booke en tid?", kind="message")
    calls_before = sim.calls("facebook")

    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)
    served = sim.calls("facebook") - calls_before
    clock.now += timedelta(minutes=2)
    idle = adapter.fetch_new(second.new_cursor, since=clock.now - DAY)

    assert sorted((item.kind, item.external_id) for item in second.items) == [
        ("comment", comment["id"]),
        ("message", message["id"]),
    ]
    assert second.calls_made == 1
    assert served == 1
    assert set(second.new_cursor) == {"comments", "messages"}
    assert second.new_cursor["messages"] != first.new_cursor["messages"]
    assert idle.items == []
    assert idle.calls_made == 1


def test_comments_conversations_and_messages_each_page_on_from_the_folded_read(
    sim, clock, make_adapter
):
    # 150 comments (more than the 100 nested on a post), 30 conversations (more than one page
    # of 25), one of them with 61 messages (more than the 50 nested in a conversation)
    comment_ids = spread_comments(sim, clock, 150)
    message_ids = messenger(sim, clock, 30, 60)
    adapter = make_adapter("facebook", messaging=True)
    calls_before = sim.calls("facebook")

    result = adapter.fetch_new(None, since=clock.now - DAY)
    served = sim.calls("facebook") - calls_before
    again = adapter.fetch_new(result.new_cursor, since=clock.now - DAY)

    comments = [item.external_id for item in result.items if item.kind == "comment"]
    messages = [item.external_id for item in result.items if item.kind == "message"]
    assert comments == comment_ids
    assert sorted(messages) == sorted(message_ids)
    # The Page node, then one further page each of comments, messages and conversations.
    assert result.calls_made == 4
    assert served == 4
    assert result.skipped == []
    assert again.items == []
    assert again.calls_made == 1


def test_short_pages_on_every_stream_lose_nothing(sim, clock, make_adapter):
    comment_ids = spread_comments(sim, clock, 30)
    message_ids = messenger(sim, clock, 8, 12)
    adapter = make_adapter("facebook", messaging=True)
    sim.fault("facebook", "short_page", count=60, page_size=4)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(comment_ids + message_ids)


def test_throttling_of_the_folded_read_pauses_until_the_regain_time(sim, clock, make_adapter):
    adapter = make_adapter("facebook", messaging=True)
    sim.fault("facebook", "throttle", reset_after_seconds=300)

    with pytest.raises(ThrottledError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert caught.value.code == 80001
    assert caught.value.resume_at == clock.now + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("kind", "after", "error"),
    [
        ("server_error", 0, TransientError),
        ("server_error", 2, TransientError),
        ("invalid_cursor", 0, TransientError),
        ("token_expired", 0, NeedsReconnectError),
        ("token_expired", 2, NeedsReconnectError),
    ],
)
@pytest.mark.parametrize(("conversations", "more_messages"), [(30, 0), (1, 60)])
def test_a_failure_of_the_folded_read_or_its_paging_fails_the_fetch_and_loses_nothing(
    sim, clock, make_adapter, kind, after, error, conversations, more_messages
):
    # 30 conversations (one more page of conversations), or one with 61 messages (one more
    # page of its messages). The calls are the Page node read, the comments of the demo post
    # updated within the day, then that paging call: `after=0` fails the node read, `after=2`
    # (and the invalid cursor, on the only call with a cursor) fails the paging call.
    message_ids = messenger(sim, clock, conversations, more_messages)
    adapter = make_adapter("facebook", messaging=True)
    sim.fault("facebook", kind, after=after)

    calls_before = sim.calls("facebook")
    with pytest.raises(error):
        adapter.fetch_new(None, since=clock.now - DAY)
    failed_after = sim.calls("facebook") - calls_before
    retried = adapter.fetch_new(None, since=clock.now - DAY)

    assert failed_after == (1 if after == 0 and kind != "invalid_cursor" else 3)
    assert sorted(item.external_id for item in retried.items) == sorted(message_ids)
    # The node read (with the demo post's comments check) and the one further page.
    assert retried.calls_made == 3


def test_a_message_readable_only_later_is_picked_up_inside_the_overlap(sim, clock, make_adapter):
    adapter = make_adapter("facebook", messaging=True)
    visible = sim.comment("facebook", "Synlig besked", kind="message")
    sim.fault("facebook", "read_lag", seconds=1)
    late = sim.comment("facebook", "Forsinket besked", kind="message", author_name="Borger 18")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    sim.world.advance_clock(1.1)  # past the one-second read lag
    clock.now += timedelta(minutes=1)

    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in first.items] == [visible["id"]]
    assert [item.external_id for item in second.items] == [late["id"]]
    assert second.calls_made == 1


def test_reply_hide_unhide_and_delete_reach_the_platform(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    target = sim.comment("facebook", "Der mangler lys på stien")

    reply = adapter.reply(target["id"], "Tak, vi sender det videre.", idempotency_key="k1")
    adapter.hide(target["id"])
    adapter.unhide(target["id"])
    adapter.delete(target["id"])

    actions = [(a["kind"], a["target_id"], a["text"]) for a in sim.actions(platform="facebook")]
    assert actions == [
        ("reply", target["id"], "Tak, vi sender det videre."),
        ("hide", target["id"], None),
        ("unhide", target["id"], None),
        ("delete", target["id"], None),
    ]
    assert reply.external_id == sim.actions(kind="reply")[0]["result_id"]


def test_the_same_idempotency_key_does_not_post_twice(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    target = sim.comment("facebook", "Hvornår tømmes containeren?")

    first = adapter.reply(target["id"], "På fredag.", idempotency_key="same")
    second = adapter.reply(target["id"], "På fredag.", idempotency_key="same")

    assert first == second
    assert len(sim.actions(kind="reply")) == 1


def test_a_duplicate_reply_is_rejected_as_duplicate(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    target = sim.comment("facebook", "Hvem kan jeg ringe til?")
    adapter.reply(target["id"], "Ring til borgerservice.", idempotency_key="a")

    with pytest.raises(WriteRejectedError) as caught:
        adapter.reply(target["id"], "Ring til borgerservice.", idempotency_key="b")

    assert caught.value.reason == "duplicate"
    assert caught.value.code == 506


def test_find_own_reply_finds_a_reply_that_landed_despite_a_timeout(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    target = sim.comment("facebook", "Er der åbent i dag?")
    assert adapter.find_own_reply(target["id"], "Ja, til kl. 17.") is None
    sim.fault("facebook", "timeout")

    with pytest.raises(TransientError) as caught:
        adapter.reply(target["id"], "Ja, til kl. 17.", idempotency_key="k")
    found = adapter.find_own_reply(target["id"], "Ja,  til kl. 17.")

    assert caught.value.outcome_unknown is True
    assert found is not None
    assert found.external_id == sim.actions(kind="reply")[0]["result_id"]


def test_an_answer_to_a_reply_goes_under_its_top_level_comment(sim, clock, make_adapter):
    adapter = make_adapter("facebook")
    top = sim.comment("facebook", "Hvornår er der byrådsmøde?")
    nested = sim.comment("facebook", "Det vil jeg også gerne vide", parent_id=top["id"])

    sent = adapter.reply(nested["id"], "Torsdag kl. 17.", idempotency_key="t", kind="reply")
    found = adapter.find_own_reply(nested["id"], "Torsdag kl. 17.", kind="reply")

    [action] = sim.actions(kind="reply")
    assert action["target_id"] == top["id"]
    assert found.external_id == sent.external_id


def test_a_messenger_reply_goes_to_the_author(sim, clock, make_adapter):
    adapter = make_adapter("facebook", messaging=True)
    sent = sim.comment("facebook", "Hvornår har I åbent?", kind="message")

    result = adapter.reply(
        sent["id"],
        "Vi har åbent 8-15.",
        idempotency_key="m1",
        kind="message",
        thread_external_id=sent["conversation_id"],
        author_id=sent["author_id"],
    )
    found = adapter.find_own_reply(
        sent["id"], "Vi har åbent 8-15.", kind="message", thread_external_id=sent["conversation_id"]
    )

    [action] = sim.actions(kind="reply")
    assert (action["target_id"], action["detail"]) == (sent["conversation_id"], "message")
    assert result.external_id == action["result_id"]
    assert found.external_id == action["result_id"]


def test_account_figures_count_own_posts_in_the_period(sim, clock, make_adapter):
    adapter = make_adapter("facebook")

    figures = adapter.fetch_account_figures(clock.now - timedelta(hours=48), clock.now)

    assert figures.followers == 8214
    assert figures.posts_in_period == 2  # the demo page posted 26 h and 3 h ago


def test_test_connection_names_the_page(sim, clock, make_adapter):
    adapter = make_adapter("facebook")

    assert adapter.test_connection() == {
        "ok": True,
        "account_id": sim.account("facebook")["id"],
        "name": "Fjordby Kommune",
    }
