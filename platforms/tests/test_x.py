"""The X adapter against the simulator: reading mentions by time with an overlap window (late
mentions under older ids), the idle call budget, rate limits and the other faults, replies,
hiding and the figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platforms.errors import (
    ActionNotAllowedError,
    BadDataError,
    NeedsReconnectError,
    NotSupportedError,
    PlatformError,
    ThrottledError,
    TransientError,
    WriteRejectedError,
)

DAY = timedelta(days=1)


def seed(sim, clock, count, *, minutes_ago=300):
    start = clock.now - timedelta(minutes=minutes_ago)
    return sim.many_comments("x", [start + timedelta(seconds=30 * n) for n in range(count)])


def test_250_mentions_are_fetched_once_and_the_watermark_moves_to_now(sim, clock, make_adapter):
    adapter = make_adapter("x")
    ids = seed(sim, clock, 250)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == ids
    assert result.calls_made == 3  # 100 + 100 + 50
    # Read up to now; the mentions are older than the overlap window, so none is remembered.
    assert result.new_cursor == {"mentions": {"time": clock.now.isoformat(), "seen": {}}}
    assert result.skipped == []


def test_an_idle_account_costs_one_call(sim, clock, make_adapter):
    adapter = make_adapter("x")
    seed(sim, clock, 120)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=1)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert again.items == []
    assert again.calls_made == 1


def test_mentions_inside_the_overlap_are_read_again_but_returned_once(sim, clock, make_adapter):
    adapter = make_adapter("x")
    recent = seed(sim, clock, 3, minutes_ago=2)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=1)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in first.items] == recent
    assert again.items == []
    assert again.calls_made == 1
    assert sorted(again.new_cursor["mentions"]["seen"]) == sorted(recent)


def test_a_mention_readable_late_under_an_older_id_is_picked_up(sim, clock, make_adapter):
    # Given a mention that becomes readable only after a newer one (with a higher id) was read
    adapter = make_adapter("x")
    sim.fault("x", "read_lag", seconds=1)
    late = sim.comment("x", "Skrevet først, synlig sidst")
    newer = sim.comment("x", "Skrevet bagefter")
    assert int(late["id"]) < int(newer["id"])
    first = adapter.fetch_new(None, since=clock.now - DAY)
    sim.world.advance_clock(1.1)  # past the one-second read lag
    clock.now += timedelta(minutes=1)

    # When the account is polled again inside the overlap window
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)
    third = adapter.fetch_new(second.new_cursor, since=clock.now - DAY)

    # Then the late mention arrives once, at one call per poll
    assert [item.external_id for item in first.items] == [newer["id"]]
    assert [item.external_id for item in second.items] == [late["id"]]
    assert third.items == []
    assert (second.calls_made, third.calls_made) == (1, 1)


def test_the_overlap_window_reaches_back_exactly_overlap_minutes(sim, clock, make_adapter):
    adapter = make_adapter("x", overlap_minutes=2)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)
    # Two mentions that show up only now, stamped before the watermark
    inside = sim.comment(
        "x", "Et minut for sent", created_time=(clock.now - timedelta(minutes=11)).isoformat()
    )
    outside = sim.comment(
        "x", "Tre minutter for sent", created_time=(clock.now - timedelta(minutes=13)).isoformat()
    )

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    # The watermark is ten minutes old: the window reaches back to twelve minutes ago
    assert [item.external_id for item in again.items] == [inside["id"]]
    assert outside["id"] not in {item.external_id for item in again.items}


def test_a_cursor_from_the_since_id_days_is_read_once_by_since_id(sim, clock, make_adapter):
    adapter = make_adapter("x")
    old = seed(sim, clock, 2, minutes_ago=60)
    new = sim.comment("x", "Efter det gemte id")

    result = adapter.fetch_new({"since_id": old[-1]}, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == [new["id"]]
    assert set(result.new_cursor) == {"mentions"}
    assert new["id"] in result.new_cursor["mentions"]["seen"]


def test_a_first_fetch_reaches_back_only_to_since(sim, clock, make_adapter):
    adapter = make_adapter("x")
    old = seed(sim, clock, 3, minutes_ago=3000)
    recent = seed(sim, clock, 2, minutes_ago=60)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == recent
    assert old[0] not in {item.external_id for item in result.items}


def test_a_mention_is_normalised(sim, clock, make_adapter):
    adapter = make_adapter("x")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    mention = sim.comment("x", "Hvornår saltes cykelstierne?", author_name="Borger 4")

    result = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    [item] = result.items
    assert item.external_id == mention["id"]
    assert item.kind == "mention"
    assert item.text == mention["message"]
    assert item.author_name == "@borger_4"
    assert item.parent_external_id == mention["in_reply_to_tweet_id"]
    assert item.thread_external_id == mention["conversation_id"]
    assert item.permalink == f"https://x.com/borger_4/status/{mention['id']}"
    assert item.from_account is False
    assert list(result.new_cursor["mentions"]["seen"]) == [mention["id"]]
    assert result.usage.limit == 180
    assert result.usage.remaining is not None


def test_short_pages_lose_nothing(sim, clock, make_adapter):
    adapter = make_adapter("x")
    ids = seed(sim, clock, 40)
    sim.fault("x", "short_page", count=20, page_size=6)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == ids


def test_a_429_pauses_until_the_reset_header(sim, clock, make_adapter):
    adapter = make_adapter("x")
    sim.fault("x", "throttle", reset_after_seconds=600)

    with pytest.raises(ThrottledError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    # The simulator stamps the reset from its own clock, a moment after ours.
    waited = caught.value.resume_at - clock.now
    assert timedelta(seconds=600) <= waited <= timedelta(seconds=605)
    assert caught.value.status == 429


@pytest.mark.parametrize("kind", ["server_error", "html_502", "no_content_type", "timeout"])
def test_passing_failures_are_transient(sim, clock, make_adapter, kind):
    adapter = make_adapter("x")
    sim.fault("x", kind)

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_malformed_json_is_bad_data(sim, clock, make_adapter):
    adapter = make_adapter("x")
    sim.fault("x", "malformed")

    with pytest.raises(BadDataError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_an_expired_token_asks_for_a_reconnect(sim, clock, make_adapter):
    adapter = make_adapter("x")
    sim.fault("x", "token_expired")

    with pytest.raises(NeedsReconnectError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_a_dead_pagination_token_is_transient(sim, clock, make_adapter):
    adapter = make_adapter("x")
    seed(sim, clock, 150)
    sim.fault("x", "invalid_cursor")

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_reply_hide_and_unhide_reach_the_platform(sim, clock, make_adapter):
    adapter = make_adapter("x")
    mention = sim.comment("x", "Er der gratis parkering i julen?")

    reply = adapter.reply(mention["id"], "Ja, i alle kommunens p-huse.", idempotency_key="r")
    adapter.hide(mention["id"])
    adapter.unhide(mention["id"])

    actions = [(a["kind"], a["target_id"]) for a in sim.actions(platform="x")]
    assert actions == [
        ("reply", mention["id"]),
        ("hide", mention["id"]),
        ("unhide", mention["id"]),
    ]
    assert reply.external_id == sim.actions(kind="reply")[0]["result_id"]


def test_a_reply_x_does_not_allow_fails_for_good_and_leaves_the_channel_alone(
    sim, clock, make_adapter
):
    # X takes programmatic replies only to posts that mentioned or quoted the account
    # (X Developers, 2026-02-24). A citizen answering another citizen in our conversation
    # without naming us cannot be answered through the API.
    adapter = make_adapter("x")
    mention = sim.comment("x", "Hvornår åbner skøjtebanen?")
    aside = sim.comment("x", "Den åbner vist i morgen", parent_id=mention["id"], mention=False)

    with pytest.raises(ActionNotAllowedError) as refused:
        adapter.reply(aside["id"], "Den åbner lørdag kl. 10.", idempotency_key="a")

    assert refused.value.code == "x_reply_not_allowed"
    assert refused.value.message == "X does not allow this reply"
    assert refused.value.status == 403
    assert refused.value.raw["detail"].startswith("Reply to this conversation is not allowed")
    assert not isinstance(refused.value, TransientError | NeedsReconnectError)
    assert adapter.calls_made == 1  # no retry inside the adapter
    assert sim.actions(platform="x") == []
    # The mention itself can still be answered: the channel is fine.
    adapter.reply(mention["id"], "Lørdag kl. 10.", idempotency_key="b")
    assert [a["target_id"] for a in sim.actions(kind="reply")] == [mention["id"]]


@pytest.mark.parametrize("naming", ["post", "tweet"])
def test_the_configured_field_names_are_sent_and_answers_read(sim, clock, make_adapter, naming):
    # The simulator takes only one flavour, as configured; the adapter sends the flavour its
    # connection names and reads the answer's references in either shape.
    sim.post("config", {"x_fields_naming": naming})
    adapter = make_adapter("x", fields_naming=naming)
    mention = sim.comment("x", "Må man grille i parken?")
    own = adapter.reply(mention["id"], "Ja, på grillpladserne.", idempotency_key="g")
    reply_to_us = sim.comment("x", "Tak!", parent_id=own.external_id)

    result = adapter.fetch_new(None, since=clock.now - timedelta(days=1))
    found = adapter.find_own_reply(mention["id"], "Ja, på grillpladserne.")
    figures = adapter.fetch_account_figures(clock.now - timedelta(days=30), clock.now)

    by_id = {item.external_id: item for item in result.items}
    assert by_id[reply_to_us["id"]].parent_external_id == own.external_id
    assert by_id[reply_to_us["id"]].author_name == "@borger_17"
    assert found is not None and found.external_id == own.external_id
    assert figures.followers is not None


def test_an_adapter_with_the_other_field_names_is_refused_by_the_simulator(
    sim, clock, make_adapter
):
    sim.post("config", {"x_fields_naming": "tweet"})
    adapter = make_adapter("x")  # the current specification's names, the default
    with pytest.raises(PlatformError) as refused:
        adapter.fetch_new(None, since=clock.now - timedelta(days=1))
    assert refused.value.status == 400


def test_an_unknown_field_naming_is_a_configuration_error(sim, make_adapter):
    with pytest.raises(ValueError, match="fields naming"):
        make_adapter("x", fields_naming="tweets")


def test_a_standalone_mention_starts_its_own_thread_and_cannot_be_hidden(sim, clock, make_adapter):
    adapter = make_adapter("x")
    mention = sim.comment("x", "Tak for en god borgerservice", standalone=True)

    [item] = adapter.fetch_new(None, since=clock.now - DAY).items
    with pytest.raises(WriteRejectedError) as caught:
        adapter.hide(mention["id"])

    assert item.parent_external_id is None
    assert item.thread_external_id == mention["id"]
    assert caught.value.reason == "forbidden"
    assert sim.actions() == []


def test_deleting_a_citizens_post_is_not_supported(sim, clock, make_adapter):
    adapter = make_adapter("x")
    mention = sim.comment("x", "Hej")

    with pytest.raises(NotSupportedError):
        adapter.delete(mention["id"])

    assert adapter.capabilities.delete is False
    assert sim.actions() == []


def test_a_duplicate_reply_is_rejected(sim, clock, make_adapter):
    adapter = make_adapter("x")
    mention = sim.comment("x", "Spørgsmål")
    adapter.reply(mention["id"], "Samme svar.", idempotency_key="a")

    with pytest.raises(WriteRejectedError) as caught:
        adapter.reply(mention["id"], "Samme svar.", idempotency_key="b")

    assert caught.value.reason == "duplicate"


def test_find_own_reply_after_a_lost_answer(sim, clock, make_adapter):
    adapter = make_adapter("x")
    mention = sim.comment("x", "Hvornår åbner skøjtebanen?")
    assert adapter.find_own_reply(mention["id"], "Den 1. december.") is None
    sim.fault("x", "timeout")

    with pytest.raises(TransientError) as caught:
        adapter.reply(mention["id"], "Den 1. december.", idempotency_key="k")
    found = adapter.find_own_reply(mention["id"], "Den 1. december.")

    assert caught.value.outcome_unknown is True
    assert found.external_id == sim.actions(kind="reply")[0]["result_id"]


def test_account_figures_count_own_posts_but_not_replies(sim, clock, make_adapter):
    adapter = make_adapter("x")
    mention = sim.comment("x", "Spørgsmål")
    adapter.reply(mention["id"], "Et svar er ikke et opslag.", idempotency_key="r")

    figures = adapter.fetch_account_figures(
        clock.now - timedelta(hours=48), clock.now + timedelta(hours=1)
    )

    assert figures.followers == 2417
    assert figures.posts_in_period == 2  # the demo account posted 24 h and 2 h ago


def test_test_connection(sim, clock, make_adapter):
    adapter = make_adapter("x")

    assert adapter.test_connection() == {
        "ok": True,
        "account_id": sim.account("x")["id"],
        "name": "Fjordby Kommune",
        "username": "fjordbykommune",
    }
