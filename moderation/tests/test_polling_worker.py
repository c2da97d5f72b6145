"""A real Celery worker killed in the middle of a poll loses nothing and doubles nothing: the
batch and the cursor commit together or not at all, and the next poll brings everything in."""

import time
import uuid

import pytest
import requests

from accounts.models import ChannelConnection
from moderation.models import QueueItem
from moderation.polling.tasks import poll_channel

from . import polling_support
from .polling_support import (
    add_comment,
    connect,
    control,
    make_channel,
    start_worker,
    stop_worker,
    wait_until_consuming,
    worker_database_url,
)

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
simulator_module = polling_support.simulator_module
sim = polling_support.sim

COMMENTS = 120


def _wait_for(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def _facebook_calls(sim):
    return requests.get(f"{sim.url}/_sim/stats", timeout=5).json()["facebook"]["calls"]


def test_a_worker_killed_mid_poll_loses_and_doubles_nothing(org, sim):
    database_url = worker_database_url()
    if database_url is None:
        pytest.skip("the worker process cannot open an in-memory SQLite test database")
    # Given a channel with comments on several posts, and a platform that stops answering on
    # the third call of the poll (the worker's request hangs until it is killed)
    connection = connect(make_channel(org, "facebook"))
    posts = [
        control(sim, "POST", "facebook/posts", {"message": f"Nyt fra kommunen {n}"})["id"]
        for n in range(3)
    ]
    ids = {
        add_comment(sim, "facebook", f"Spørgsmål {n}", f"Borger {n}", post_id=posts[n % 3])["id"]
        for n in range(COMMENTS)
    }
    control(sim, "POST", "config", {"timeout_seconds": 60})
    control(sim, "POST", "faults", {"platform": "facebook", "kind": "timeout", "after": 2})
    queue = f"test-poll-{uuid.uuid4().hex[:8]}"
    env = {
        "DATABASE_URL": database_url,
        "SIMULATOR_URL": sim.url,
        "PLATFORM_TIMEOUT_SECONDS": "30",
    }
    worker = start_worker(queue, **env)
    try:
        wait_until_consuming(queue)

        # When the worker is killed while the poll waits for the platform
        calls_before = _facebook_calls(sim)
        poll_channel.apply_async((connection.pk,), queue=queue)
        _wait_for(
            lambda: _facebook_calls(sim) >= calls_before + 3,
            30,
            "the poll never reached the hanging call",
        )
        time.sleep(0.5)
        stop_worker(worker, kill=True)

        # Then nothing of the batch was stored and the cursor did not move
        assert QueueItem.objects.filter(channel=connection.channel).count() == 0
        connection.refresh_from_db()
        assert connection.cursor == {}
        assert connection.last_polled_at is None

        # When a new worker starts and the channel is polled again (twice, as a redelivered
        # task and the next fan-out would)
        control(sim, "POST", "config", {"timeout_seconds": 1})
        worker = start_worker(queue, **env)
        wait_until_consuming(queue)

        def caught_up():
            return QueueItem.objects.filter(channel=connection.channel).count() >= COMMENTS

        for _ in range(20):
            poll_channel.apply_async((connection.pk,), queue=queue)
            try:
                _wait_for(caught_up, 3, "not yet")
                break
            except AssertionError:
                continue
        poll_channel.apply_async((connection.pk,), queue=queue)
        wait_until_consuming(queue)
    finally:
        log = stop_worker(worker)

    # Then every comment is in the queue exactly once and the cursor moved
    stored = list(
        QueueItem.objects.filter(channel=connection.channel).values_list("external_id", flat=True)
    )
    assert sorted(stored) == sorted(ids), log[-3000:]
    connection = ChannelConnection.objects.get(pk=connection.pk)
    assert connection.cursor != {}
    assert connection.last_polled_at is not None
