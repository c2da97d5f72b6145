"""The LinkedIn adapter against the simulator: offset paging per post, nested replies found
through their thread's count, version and token errors, replies and deletes (no hiding)."""

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


def newest_post(sim):
    posts = sorted(sim.get("linkedin/posts"), key=lambda post: post["created_time"])
    return posts[-1]["id"]


def seed(sim, clock, count, *, minutes_ago=300):
    start = clock.now - timedelta(minutes=minutes_ago)
    return sim.many_comments(
        "linkedin",
        [start + timedelta(seconds=20 * n) for n in range(count)],
        post_id=newest_post(sim),
    )


def test_250_comments_are_fetched_once(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    urns = seed(sim, clock, 250)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == urns
    assert {item.kind for item in result.items} == {"comment"}
    # The posts, their comment counts in one batch, then 100 + 100 + 50 comments on the busy
    # post; the two posts without comments are not read.
    assert result.calls_made == 5


def test_an_idle_organisation_costs_one_call_per_recent_post_plus_one(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    seed(sim, clock, 30)
    first = adapter.fetch_new(None, since=clock.now - DAY)
    clock.now += timedelta(minutes=10)

    again = adapter.fetch_new(first.new_cursor, since=clock.now - DAY)

    assert again.items == []
    assert again.calls_made == 2  # the posts and their comment counts


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


def test_short_pages_lose_nothing(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    urns = seed(sim, clock, 40)
    sim.fault("linkedin", "short_page", count=20, page_size=7)

    result = adapter.fetch_new(None, since=clock.now - DAY)

    assert [item.external_id for item in result.items] == urns


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
