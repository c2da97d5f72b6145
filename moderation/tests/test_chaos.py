"""Chaos: thousands of citizens' comments on all five platforms while about one API call in ten
fails in every way the simulator can fail; in the end every comment is in the queue once."""

import random
import time

import pytest
from django.utils import timezone

from accounts.models import ChannelConnection
from moderation.models import QueueItem
from moderation.polling import poller

from . import polling_support
from .polling_support import connect, control, make_channel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
simulator_module = polling_support.simulator_module
sim = polling_support.sim

PLATFORMS = ["facebook", "instagram", "linkedin", "x", "youtube"]
WAVES = 10
PER_WAVE = 100  # per platform: 10 waves × 100 × 5 platforms = 5,000 comments
# Faults a poll must survive on its own. Left out: a dead token and YouTube's daily quota (both
# stop the channel until a person or midnight comes, by design) and LinkedIn's retired version.
FAULT_KINDS = [
    "throttle",
    "server_error",
    "html_502",
    "no_content_type",
    "timeout",
    "malformed",
    "invalid_cursor",
]


def _inject(sim, platform, expected_calls, rng):
    """Faults for one channel's next poll, spread over the calls it is expected to make: half
    the polls meet one fault that ends them (placed at a random call), and about one list call
    in ten gets a short page that still has a next page. Returns how many fault uses were
    queued."""
    queued = 0
    if rng.random() < 0.5:
        kind = rng.choice(FAULT_KINDS)
        spec = {"platform": platform, "kind": kind, "after": rng.randint(0, expected_calls)}
        if kind == "throttle":
            spec["reset_after_seconds"] = 1
        control(sim, "POST", "faults", spec)
        queued += 1
    short = max(1, round(expected_calls * 0.12))
    control(
        sim,
        "POST",
        "faults",
        {
            "platform": platform,
            "kind": "short_page",
            "count": short,
            "page_size": rng.randint(0, 3),
            "after": rng.randint(0, 1),
        },
    )
    return queued + short


def _wave(world, accounts, posts, comments, rng, wave):
    """PER_WAVE new comments per platform, a third of them replies. Each is remembered as
    (id as the platform API names it, parent's id, simulator id)."""
    for platform in PLATFORMS:
        account_id = accounts[platform]
        top_level = [c for c in comments[platform] if c[1] is None]
        for n in range(PER_WAVE):
            author = f"Borger {rng.randint(1, 400)}"
            text = f"Spørgsmål {wave}-{n} om affald, veje og åbningstider"
            parent = None
            if platform != "x" and top_level and rng.random() < 0.33:
                parent = rng.choice(top_level)
            if parent is not None:
                comment = world.add_comment(
                    platform, account_id, text, author_name=author, parent_id=parent[2]
                )
            elif platform == "x":
                comment = world.add_comment(
                    platform, account_id, text, author_name=author, standalone=rng.random() < 0.5
                )
            else:
                comment = world.add_comment(
                    platform,
                    account_id,
                    text,
                    author_name=author,
                    post_id=rng.choice(posts[platform]),
                )
            # LinkedIn names comments by URN in its API; the others by their plain id.
            key = comment.urn or comment.id
            comments[platform].append((key, parent[0] if parent else None, comment.id))


def _time_passes():
    """Stand-in for waiting out a pause: the platform's resume time (a minute on Graph, midnight
    UTC on LinkedIn) is moved to now, after the poller recorded it."""
    now = timezone.now()
    paused = ChannelConnection.objects.filter(paused_until__gt=now)
    assert all(p.next_poll_at == p.paused_until for p in paused)
    paused.update(paused_until=now, next_poll_at=now)


def _cycle_until_settled(expected, *, deadline, comments):
    """Run cycles without new faults until the queue holds `expected` items or time runs out."""
    while QueueItem.objects.count() < expected:
        if time.monotonic() > deadline:
            missing = {
                platform: len(
                    {row[0] for row in rows}
                    - set(
                        QueueItem.objects.filter(platform=platform).values_list(
                            "external_id", flat=True
                        )
                    )
                )
                for platform, rows in comments.items()
            }
            states = list(
                ChannelConnection.objects.values_list(
                    "channel__platform", "token_status", "paused_until", "last_error"
                )
            )
            raise AssertionError(f"the queue did not catch up in time; missing {missing} {states}")
        totals = poller.run_cycle()
        _time_passes()
        if totals.get(poller.TRANSIENT):
            time.sleep(0.2)


def test_every_comment_lands_exactly_once_under_injected_faults(org, sim):
    # Given five connected channels and a seeded stream of comments with faults mixed in
    rng = random.Random(20261121)
    world = sim.state
    accounts = {p: polling_support.ACCOUNTS[p]["id"] for p in PLATFORMS}
    # An overlap window of 6 s instead of 5 min: the whole test lives within five minutes, and
    # re-reading all of it on every poll would bury the injected faults under calls.
    # YouTube finds replies to older threads in a periodic sweep (30 min by default): every poll.
    extra = {p: {"overlap_minutes": 0.1} for p in PLATFORMS}
    extra["youtube"]["reply_sweep_minutes"] = 0
    connections = {p: connect(make_channel(org, p), extra=extra[p]) for p in PLATFORMS}
    posts = {
        p: [
            world.add_post(p, accounts[p], f"Opslag {i} fra kommunen", created=timezone.now()).id
            for i in range(4)
        ]
        for p in PLATFORMS
        if p != "x"
    }
    # Generous platform budgets: the faults, not organic rate limits, are what this test injects.
    control(sim, "POST", "config", {"graph_call_budget": 1_000_000, "x_rate_limit": 100_000})
    baseline = QueueItem.objects.count()
    comments = {p: [] for p in PLATFORMS}
    fired = throttled = 0
    seen_calls = dict.fromkeys(PLATFORMS, 0)
    last_calls = dict.fromkeys(PLATFORMS, 2)
    started = time.monotonic()

    # When the comments arrive in waves, and every cycle runs into freshly injected faults
    for wave in range(WAVES):
        # Late reads (read-after-write lag) on every platform; on X a mention that shows up late
        # keeps its older id, which the time-based overlap re-read still reaches.
        for platform in PLATFORMS:
            if rng.random() < 0.3:
                control(
                    sim, "POST", "faults", {"platform": platform, "kind": "read_lag", "seconds": 1}
                )
        _wave(world, accounts, posts, comments, rng, wave)
        for _ in range(4):
            injected = sum(_inject(sim, p, last_calls[p], rng) for p in PLATFORMS)
            totals = poller.run_cycle()
            calls = {p: v["calls"] for p, v in control(sim, "GET", "stats").items() if p != "total"}
            last_calls = {p: calls[p] - seen_calls[p] for p in PLATFORMS}
            seen_calls = calls
            throttled += totals.get(poller.THROTTLED, 0)
            # Faults the cycle did not run into are withdrawn, so each cycle meets its own.
            pending = sum(f["count"] for f in control(sim, "GET", "faults"))
            fired += injected - pending
            control(sim, "DELETE", "faults")
            _time_passes()
    total = sum(len(c) for c in comments.values())
    _cycle_until_settled(baseline + total, deadline=started + 90, comments=comments)

    # Then every comment is in the queue exactly once, on its channel, replies under parents
    stats = control(sim, "GET", "stats")
    assert total == 5000
    assert fired / stats["total"] >= 0.10, (fired, stats["total"])
    assert throttled > 0
    for platform in PLATFORMS:
        stored = dict(
            QueueItem.objects.filter(channel=connections[platform].channel).values_list(
                "external_id", "parent__external_id"
            )
        )
        expected = {key: parent for key, parent, _ in comments[platform]}
        assert set(stored) == set(expected), platform
        assert stored == expected, platform
    assert QueueItem.objects.count() == baseline + total
