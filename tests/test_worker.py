"""A real Celery worker process consumes the configured broker (Redis in CI, the file-system
broker without it) and sends results back."""

import uuid

import pytest

from config.celery import ping
from moderation.tests.polling_support import start_worker, stop_worker, wait_until_consuming

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_a_worker_process_answers_ping():
    # Given a worker started as its own process on a queue of its own
    queue = f"test-ping-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue)
    try:
        wait_until_consuming(queue)

        # When a task is sent through the broker
        result = ping.apply_async(("hello",), queue=queue)

        # Then the worker ran it and the result came back
        assert result.get(timeout=30) == {"pong": "hello"}
        assert result.successful() is True
    finally:
        log = stop_worker(worker)
    assert "config.ping" in log
