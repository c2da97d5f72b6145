"""The demo world and the demo stream of citizen activity."""

from __future__ import annotations

import re
import time

from simulator.demo import HANDLES, DemoStream, populate_default_world
from simulator.state import World

CPR_EXAMPLES = ("211062-5629", "2110620629")


def _run(seed: int, steps: int) -> list[tuple[str, str, str, str]]:
    world = World(populate=populate_default_world, seed=seed)
    stream = DemoStream(world, seed=seed)
    for _ in range(steps):
        stream.step()
    produced = []
    for entry in stream.created:
        if entry["kind"] == "message":
            _, message = world.messages[entry["id"]]
            produced.append((entry["platform"], entry["kind"], message.text, message.author.name))
        else:
            comment = world.find_comment(entry["platform"], entry["id"])
            produced.append((entry["platform"], entry["kind"], comment.text, comment.author.name))
    return produced


def test_the_same_seed_gives_the_same_stream():
    assert _run(7, 60) == _run(7, 60)
    assert _run(7, 60) != _run(8, 60)


def test_the_stream_covers_every_platform_and_kind_with_handles():
    produced = _run(1, 300)
    assert {platform for platform, *_ in produced} == {
        "facebook",
        "instagram",
        "linkedin",
        "x",
        "youtube",
    }
    kinds = {kind for _, kind, *_ in produced}
    assert kinds >= {"question", "praise", "complaint", "spam", "abusive", "personal_id"}
    assert {"reply", "message"} <= kinds
    assert any(any(cpr in text for cpr in CPR_EXAMPLES) for _, _, text, _ in produced)
    for *_, author in produced:
        assert author in HANDLES or re.fullmatch(r"Borger \d+", author)


def test_replies_join_earlier_threads():
    world = World(populate=populate_default_world, seed=3)
    stream = DemoStream(world, seed=3)
    for _ in range(200):
        stream.step()
    replies = [
        world.find_comment(entry["platform"], entry["id"])
        for entry in stream.created
        if entry["kind"] == "reply"
    ]
    assert replies
    for reply in replies:
        if reply.platform == "x":
            assert reply.reply_to_id is not None
        else:
            assert reply.parent_id is not None


def test_a_burst_arrives_within_seconds_then_items_keep_coming():
    # Given a stream with a fast interval
    world = World(populate=populate_default_world, seed=5)
    stream = DemoStream(world, seed=5, burst=30, interval=(0.05, 0.1)).start()
    try:
        # When it has run briefly
        deadline = time.monotonic() + 5
        while len(stream.created) < 33 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stream.stop()
    # Then the burst is in, backdated over the last two hours, and more followed
    assert len(stream.created) >= 33
    comments = [c for platform in world.comments.values() for c in platform.values()]
    oldest = min(comment.created for comment in comments)
    assert (world.now() - oldest).total_seconds() > 3000


def test_no_citizen_shares_an_id_with_a_demo_account():
    # A commenter whose id equals the page's would be taken for the page itself; the first
    # citizens after a reset are the likeliest to collide.
    from simulator.demo import DEFAULT_ACCOUNTS

    account_ids = {account["id"] for account in DEFAULT_ACCOUNTS}
    for platform in ("facebook", "instagram", "linkedin", "x", "youtube"):
        world = World(seed=3)
        for number in range(1, 50):
            assert world.author(platform, f"Borger {number}").id not in account_ids
