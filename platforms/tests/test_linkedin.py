"""The LinkedIn adapter against the simulator: the organisation's notifications as the signal
of new comments (one call when idle), offset paging per post, nested replies found through
their thread's count or, without one, by reading the threads within a budget, the periodic
count sweep as the safety net, version and token errors, replies and deletes (no hiding)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platforms.errors import (
    BadDataError,
    NeedsReconnectError,
    NotSupportedError,
    PlatformError,
    ThrottledError,
    TransientError,
)

DAY = timedelta(days=1)


def posts(sim):
    """The organisation's posts, newest first."""
    return [
        post["id"]
        for post in sorted(sim.get("linkedin/posts"), key=lambda post: post["created_time"])
    ][::-1]


def newest_post(sim):
    return posts(sim)[0]


def seed(sim, clock, count, *, minutes_ago=300, post_id=None):
    start = clock.now - timedelta(minutes=minutes_ago)
    return sim.many_comments(
        "linkedin",
        [start + timedelta(seconds=20 * n) for n in range(count)],
        post_id=post_id or newest_post(sim),
    )


def test_250_comments_are_fetched_once(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    urns = seed(sim, clock, 250)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == urns
    assert {item.kind for item in result.items} == {"comment"}
    # The first fetch sweeps: 3 pages of notifications (100 + 100 + 50), the posts, their
    # comment counts in one batch, then 100 + 100 + 50 comments on the busy post; the two
    # posts without comments are not read.
    assert result.calls_made == 8
    assert result.new_cursor["swept_at"] == clock.now.isoformat()


def test_an_idle_organisation_costs_one_call(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    seed(sim, clock, 30)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert again.items == []
    assert again.calls_made == 1  # the notifications
    assert again.new_cursor["posts"] == first.new_cursor["posts"]


def test_right_after_activity_an_idle_poll_is_still_one_call(sim, clock, make_adapter):
    # The notification of a comment read a minute ago is still inside the overlap window; its
    # comment is known, so the post is not read again.
    adapter = make_adapter("linkedin")
    comment = sim.comment("linkedin", "Hvornår åbner biblioteket?")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=1)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in first.items] == [comment["id"]]
    assert again.items == []
    assert again.calls_made == 1


def test_a_notified_comment_costs_one_read_of_its_post(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    seed(sim, clock, 5)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    comment = sim.comment("linkedin", "Er der stadig plads på holdet?")
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    [item] = second.items
    assert item.external_id == comment["id"]
    assert item.kind == "comment"
    assert item.thread_external_id == newest_post(sim)
    assert second.calls_made == 2  # the notifications, the post's comments


def test_a_new_reply_on_an_old_thread_is_found(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    [top] = seed(sim, clock, 1, minutes_ago=600)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    reply = sim.comment("linkedin", "Gælder det også deltid?", parent_id=top)
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    [item] = second.items
    assert item.external_id == reply["id"]
    assert item.kind == "reply"
    assert item.parent_external_id == top
    assert item.thread_external_id == newest_post(sim)
    assert item.text == "Gælder det også deltid?"
    assert item.author_id.startswith("urn:li:person:")
    # The notifications, the post's comments (and the empty page LinkedIn's total, which counts
    # replies too, leads to), the thread's replies.
    assert second.calls_made == 4


def without_comments_summary(sim):
    sim.post("config", {"linkedin_comments_summary": False})


def test_without_comments_summary_a_new_reply_is_found_in_its_thread(sim, clock, make_adapter):
    # The comment listing need not carry commentsSummary: the thread under the comment's own
    # URN ("Get Comments on Comments") is read instead, newest thread first, until the reply
    # the notification named is found.
    without_comments_summary(sim)
    adapter = make_adapter("linkedin")
    older, top = seed(sim, clock, 2, minutes_ago=600)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    reply = sim.comment("linkedin", "Gælder det også deltid?", parent_id=top)
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    [item] = second.items
    assert item.external_id == reply["id"]
    assert item.kind == "reply"
    assert item.parent_external_id == top
    # The notifications, the post's comments and the empty page after them, the newest
    # thread (where the reply is); the older thread is not read.
    assert second.calls_made == 4
    assert set(second.new_cursor["probed"]) == {older, top}


def test_without_comments_summary_a_new_top_level_comment_reads_no_thread(sim, clock, make_adapter):
    without_comments_summary(sim)
    adapter = make_adapter("linkedin")
    seed(sim, clock, 3, minutes_ago=600)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    comment = sim.comment("linkedin", "Er der stadig plads på holdet?")
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in second.items] == [comment["id"]]
    assert second.calls_made == 2  # the notifications, the post's comments


def test_without_comments_summary_threads_are_read_within_the_budget(sim, clock, make_adapter):
    # A reply the notifications do not tell about (the sweep sees the post's count move) on
    # the oldest of four threads: two threads a read, never-read first (newest first), then
    # those read longest ago.
    without_comments_summary(sim)
    adapter = make_adapter("linkedin", reply_probe_budget=2, sweep_minutes=0)
    first_thread, second_thread, third_thread, fourth_thread = seed(sim, clock, 4)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)
    sim.post("faults", {"platform": "linkedin", "kind": "no_notification"})
    reply = sim.comment("linkedin", "Og om søndagen?", parent_id=first_thread)

    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    # The first read took the two newest threads; this one the two never read.
    assert set(first.new_cursor["probed"]) == {fourth_thread, third_thread}
    assert [item.external_id for item in second.items] == [reply["id"]]
    assert set(second.new_cursor["probed"]) == {
        first_thread,
        second_thread,
        third_thread,
        fourth_thread,
    }
    # The notifications, the posts, their counts, the post's comments and the empty page
    # after them (the total counts the reply), two threads.
    assert second.calls_made == 7


def test_a_comment_on_a_post_older_than_the_window_is_found(sim, clock, make_adapter):
    # The count sweep looks at posts of the last 14 days only; the notification names any post.
    adapter = make_adapter("linkedin")
    old = sim.post_content(
        "linkedin", "Sidste års budget", created_time=(clock.now - 40 * DAY).isoformat()
    )
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    comment = sim.comment("linkedin", "Hvor er tallene for i år?", post_id=old["id"])
    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in second.items] == [comment["id"]]
    assert second.items[0].thread_external_id == old["id"]


def test_a_comment_notified_before_it_is_readable_is_looked_for_again(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=1)
    sim.fault("linkedin", "read_lag", seconds=1)
    late = sim.comment("linkedin", "Forsinket kommentar")

    second = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)
    sim.world.advance_clock(1.1)  # past the one-second read lag
    clock.now += timedelta(minutes=1)
    third = adapter.fetch_new(second.new_cursor, since=clock.now - DAY)
    clock.now += timedelta(minutes=1)
    fourth = adapter.fetch_new(third.new_cursor, since=clock.now - DAY)

    assert second.items == []
    assert second.calls_made == 2  # notified, but not readable yet
    assert [item.external_id for item in third.items] == [late["id"]]
    assert fourth.items == []
    assert fourth.calls_made == 1


def test_the_count_sweep_finds_a_comment_no_notification_told_about(sim, clock, make_adapter):
    # Given a comment on a post read before, and one on a post that never had comments, both
    # without notifications
    adapter = make_adapter("linkedin", sweep_minutes=30)
    busy, quiet, _ = posts(sim)
    seed(sim, clock, 3, post_id=busy)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)
    sim.fault("linkedin", "no_notification", count=2)
    unnotified = [
        sim.comment("linkedin", "Ingen besked om mig", post_id=busy)["id"],
        sim.comment("linkedin", "Heller ikke om mig", post_id=quiet)["id"],
    ]

    # When polls run: one before the sweep is due, one after
    before = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)
    clock.now += timedelta(minutes=25)
    sweep_time = clock.now
    swept = adapter.fetch_new(before.new_cursor, since=clock.now - DAY)
    clock.now += timedelta(minutes=1)
    after = adapter.fetch_new(swept.new_cursor, since=clock.now - DAY)

    # Then the sweep finds both comments (the stream's watermark has long passed them), once
    assert before.items == []
    assert before.calls_made == 1
    assert sorted(item.external_id for item in swept.items) == sorted(unnotified)
    # The notifications, the posts, their counts, and the two posts whose count moved.
    assert swept.calls_made == 5
    assert swept.new_cursor["swept_at"] == sweep_time.isoformat()
    assert after.items == []
    assert after.calls_made == 1


def test_short_pages_lose_nothing(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    urns = seed(sim, clock, 40)
    sim.fault("linkedin", "short_page", count=20, page_size=7)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == urns


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("server_error", TransientError),
        ("timeout", TransientError),
        ("malformed", BadDataError),
        ("throttle", ThrottledError),
        ("token_expired", NeedsReconnectError),
    ],
)
def test_a_fault_while_reading_a_notified_post_loses_nothing(sim, clock, make_adapter, kind, error):
    adapter = make_adapter("linkedin")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)
    comment = sim.comment("linkedin", "Hvornår er der borgermøde?")
    sim.fault("linkedin", kind, after=1)  # the notifications pass, the post's comments not

    with pytest.raises(error):
        adapter.fetch_new(first.new_cursor, since=clock.now - DAY)
    # The stored cursor did not move: the next poll finds the comment.
    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in again.items] == [comment["id"]]


def test_short_and_empty_notification_pages_lose_nothing(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)
    quiet, busy, _ = posts(sim)
    urns = seed(sim, clock, 150, minutes_ago=5, post_id=busy) + [
        sim.comment("linkedin", "Et spørgsmål mere", post_id=quiet)["id"]
    ]
    # An empty first page of notifications although 151 are there, then short pages.
    sim.fault("linkedin", "short_page", page_size=0)
    sim.fault("linkedin", "short_page", count=10, page_size=40)

    result = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert sorted(item.external_id for item in result.items) == sorted(urns)


def test_a_refused_notifications_offset_fails_the_fetch_and_loses_nothing(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)
    urns = seed(sim, clock, 120, minutes_ago=5)
    sim.fault("linkedin", "invalid_cursor")

    with pytest.raises(PlatformError):
        adapter.fetch_new(first.new_cursor, since=clock.now - DAY)
    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert [item.external_id for item in again.items] == urns


def test_a_429_without_a_hint_waits_until_midnight_utc(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    sim.fault("linkedin", "throttle")

    with pytest.raises(ThrottledError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    tomorrow = clock.now.date() + timedelta(days=1)
    assert caught.value.resume_at == datetime(
        tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC
    )


@pytest.mark.parametrize("kind", ["server_error", "html_502", "no_content_type", "timeout"])
def test_passing_failures_are_transient(sim, clock, make_adapter, kind):
    adapter = make_adapter("linkedin")
    sim.fault("linkedin", kind)

    with pytest.raises(TransientError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_malformed_json_is_bad_data(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    sim.fault("linkedin", "malformed")

    with pytest.raises(BadDataError):
        adapter.fetch_new(None, since=clock.now - DAY)


def test_an_expired_token_asks_for_a_reconnect(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    sim.fault("linkedin", "token_expired")

    with pytest.raises(NeedsReconnectError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert caught.value.code == 65602


def test_a_retired_version_is_a_configuration_error(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    sim.fault("linkedin", "version_retired")

    with pytest.raises(PlatformError) as caught:
        adapter.fetch_new(None, since=clock.now - DAY)

    assert type(caught.value) is PlatformError
    assert (caught.value.status, caught.value.code) == (426, "NONEXISTENT_VERSION")


def test_reply_and_delete_reach_the_platform_and_hide_is_not_supported(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    target = sim.comment("linkedin", "Hvor kan jeg læse rapporten?")
    calls = sim.calls("linkedin")

    with pytest.raises(NotSupportedError):
        adapter.hide(target["id"])
    assert sim.calls("linkedin") == calls
    reply = adapter.reply(target["id"], "Den ligger på kommunens hjemmeside.", idempotency_key="r")
    adapter.delete(target["id"])

    actions = [(a["kind"], a["target_id"]) for a in sim.actions(platform="linkedin")]
    assert actions == [("reply", target["id"]), ("delete", target["id"])]
    assert reply.external_id == sim.actions(kind="reply")[0]["result_id"]
    assert adapter.capabilities.hide is False


def test_a_reply_to_a_reply_joins_the_top_level_thread(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    top = sim.comment("linkedin", "Spørgsmål")
    nested = sim.comment("linkedin", "Også mig", parent_id=top["id"])

    adapter.reply(nested["id"], "Svar til begge.", idempotency_key="n", kind="reply")

    [action] = sim.actions(kind="reply")
    assert action["target_id"] == top["id"]


def test_find_own_reply(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    target = sim.comment("linkedin", "Er stillingen på fuld tid?")
    assert adapter.find_own_reply(target["id"], "Ja, 37 timer.") is None

    sent = adapter.reply(target["id"], "Ja, 37 timer.", idempotency_key="f")

    assert adapter.find_own_reply(target["id"], "Ja, 37 timer.").external_id == sent.external_id


def test_account_figures(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")

    figures = adapter.fetch_account_figures(clock.now - timedelta(hours=48), clock.now)

    assert figures.followers == 1905
    assert figures.posts_in_period == 2  # posted 28 h and 6 h ago


def test_test_connection(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")

    assert adapter.test_connection() == {
        "ok": True,
        "account_id": "urn:li:organization:90210001",
        "name": "Fjordby Kommune",
    }
