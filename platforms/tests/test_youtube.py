"""The YouTube adapter against the simulator: threads newest first down to the watermark, the
reply sweep for older threads, quota and rate limits, moderation and figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platforms.errors import (
    BadDataError,
    NeedsReconnectError,
    ThrottledError,
    TransientError,
)

DAY = timedelta(days=1)


def newest_video(sim):
    videos = sorted(sim.get("youtube/posts"), key=lambda video: video["created_time"])
    return videos[-1]["id"]


def seed(sim, clock, count, *, minutes_ago=300):
    start = clock.now - timedelta(minutes=minutes_ago)
    return sim.many_comments(
        "youtube",
        [start + timedelta(seconds=20 * n) for n in range(count)],
        post_id=newest_video(sim),
    )


def test_250_threads_are_fetched_once(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    ids = seed(sim, clock, 250)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == ids
    assert result.calls_made == 3
    item = result.items[0]
    assert item.kind == "comment"
    assert item.thread_external_id == newest_video(sim)
    assert item.permalink == f"https://www.youtube.com/watch?v={newest_video(sim)}&lc={ids[0]}"
    assert item.author_name == "@borger_0"
    assert item.text == "Spørgsmål nummer 0"


def test_an_idle_channel_costs_one_call(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    seed(sim, clock, 250)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert again.items == []
    assert again.calls_made == 1


def test_a_reply_on_an_older_thread_is_found_by_the_next_sweep(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    hours = [clock.now - timedelta(hours=n) for n in (5, 4, 3)]
    oldest, _middle, _newest = sim.many_comments("youtube", hours, post_id=newest_video(sim))
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)
    reply = sim.comment("youtube", "Det er jeg enig i", parent_id=oldest)

    before_sweep = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)
    clock.now += timedelta(minutes=30)
    sweep = adapter.fetch_new(before_sweep.new_cursor, since=clock.now - DAY)

    assert before_sweep.items == []
    [item] = sweep.items
    assert item.external_id == reply["id"]
    assert item.kind == "reply"
    assert item.parent_external_id == oldest


def test_replies_beyond_the_inline_few_are_read_from_the_thread(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    [top] = seed(sim, clock, 1)
    start = clock.now - timedelta(minutes=200)
    replies = sim.many_comments(
        "youtube", [start + timedelta(minutes=n) for n in range(8)], parent_id=top
    )

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted([top, *replies])
    assert result.calls_made == 2  # the threads, then comments.list for the eight replies


def test_short_pages_lose_nothing(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    ids = seed(sim, clock, 40)
    sim.fault("youtube", "short_page", count=20, page_size=6)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == ids


def test_the_daily_quota_pauses_until_midnight_pacific(sim, clock, make_adapter):
    clock.now = datetime(2026, 7, 1, 18, 30, tzinfo=UTC)  # 11:30 PDT
    adapter = make_adapter("youtube")
    sim.fault("youtube", "quota_exceeded")

    with pytest.raises(ThrottledError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert caught.value.code == "quotaExceeded"
    assert caught.value.resume_at == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)


def test_a_rate_limit_waits_for_retry_after(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    sim.fault("youtube", "throttle", reset_after_seconds=120)

    with pytest.raises(ThrottledError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert caught.value.resume_at == clock.now + timedelta(seconds=120)


@pytest.mark.parametrize("kind", ["server_error", "html_502", "no_content_type", "timeout"])
def test_passing_failures_are_transient(sim, clock, make_adapter, kind):
    adapter = make_adapter("youtube")
    sim.fault("youtube", kind)

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_malformed_json_is_bad_data(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    sim.fault("youtube", "malformed")

    with pytest.raises(BadDataError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_an_expired_token_asks_for_a_reconnect(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    sim.fault("youtube", "token_expired")

    with pytest.raises(NeedsReconnectError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_a_dead_page_token_is_transient(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    seed(sim, clock, 150)
    sim.fault("youtube", "invalid_cursor")

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_reply_hide_unhide_and_delete_use_the_moderation_statuses(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    [top] = seed(sim, clock, 1)

    reply = adapter.reply(top, "Tak for spørgsmålet.", idempotency_key="r")
    adapter.hide(top)
    adapter.unhide(top)
    adapter.delete(top)

    actions = [(a["kind"], a["target_id"], a["detail"]) for a in sim.actions(platform="youtube")]
    assert actions == [
        ("reply", top, None),
        ("hide", top, "heldForReview"),
        ("unhide", top, "published"),
        ("delete", top, "rejected"),
    ]
    assert reply.external_id == sim.actions(kind="reply")[0]["result_id"]


def test_an_answer_to_a_reply_goes_into_the_same_thread(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    [top] = seed(sim, clock, 1)
    nested = sim.comment("youtube", "Også mig", parent_id=top)

    adapter.reply(nested["id"], "Svar til begge.", idempotency_key="n", kind="reply")

    [action] = sim.actions(kind="reply")
    assert action["target_id"] == top


def test_find_own_reply(sim, clock, make_adapter):
    adapter = make_adapter("youtube")
    [top] = seed(sim, clock, 1)
    assert adapter.find_own_reply(top, "Videoen kommer på fredag.") is None

    sent = adapter.reply(top, "Videoen kommer på fredag.", idempotency_key="f")

    assert adapter.find_own_reply(top, "Videoen kommer på fredag.").external_id == (
        sent.external_id
    )


def test_account_figures(sim, clock, make_adapter):
    adapter = make_adapter("youtube")

    figures = adapter.fetch_account_figures(clock.now - timedelta(hours=48), clock.now)

    assert figures.followers == 538
    assert figures.posts_in_period == 2  # videos published 40 h and 8 h ago


def test_test_connection(sim, clock, make_adapter):
    adapter = make_adapter("youtube")

    assert adapter.test_connection() == {
        "ok": True,
        "account_id": sim.account("youtube")["id"],
        "name": "Fjordby Kommune",
    }


def test_the_adapter_counts_the_quota_units_it_spends(sim, clock, make_adapter):
    # https://developers.google.com/youtube/v3/determine_quota_cost: a list costs 1 unit,
    # comments.insert and comments.setModerationStatus 50 each; the simulator charges the same.
    adapter = make_adapter("youtube")
    (first, *_) = seed(sim, clock, 3)
    used_before = sum(sim.get("stats")["youtube"]["quota_used"].values())

    adapter.fetch_new(None, since=clock.now - DAY)
    reads = adapter.quota_units
    adapter.reply(first, "Tak for spørgsmålet", idempotency_key="k1")
    adapter.hide(first)

    assert reads == adapter.calls_made - 2
    assert adapter.quota_units == reads + 50 + 50
    used = sum(sim.get("stats")["youtube"]["quota_used"].values())
    assert used - used_before == adapter.quota_units
