"""Celery tasks of the ingestion side: the poll fan-out and the per-channel poll, daily account
figures, and sending the outbox."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

# The outbox's tasks live with the outbox (it queues them on commit); the worker finds them
# through this module.
from ..outbox import send_outbox_message, sweep_outbox
from . import figures, poller

logger = logging.getLogger(__name__)

# Quick in-task retries for a transient failure; after them the channel waits for its backed-off
# next poll time, so nothing is retried forever.
POLL_RETRIES = 2


# How often beat runs the fan-out (see schedule.py); channels due before the next run are
# queued now with their own start time, so a poll is late by no more than a worker's delay.
FAN_OUT_SECONDS = 5


@shared_task(name="moderation.polling.fan_out_polls", ignore_result=True)
def fan_out_polls():
    """Enqueue one poll per channel due before the next fan-out (run by beat)."""
    interval = getattr(settings, "POLL_INTERVAL_SECONDS", 60)
    claimed = poller.claim_due_connections(lookahead=timedelta(seconds=FAN_OUT_SECONDS))
    for connection_id, when in claimed:
        # A poll that waited longer than an interval is replaced by the next fan-out's.
        poll_channel.apply_async(
            (connection_id,), eta=when, expires=when + timedelta(seconds=interval)
        )
    return len(claimed)


@shared_task(name="moderation.polling.poll_channel", bind=True, ignore_result=True)
def poll_channel(self, connection_id):
    """Fetch and store one channel's new items; one worker per channel at a time."""
    outcome = poller.poll_connection(connection_id)
    if outcome.status == poller.TRANSIENT and self.request.retries < POLL_RETRIES:
        raise self.retry(countdown=poller.retry_countdown(self.request.retries + 1))
    return outcome.status


@shared_task(name="moderation.polling.fetch_account_figures", ignore_result=True)
def fetch_account_figures():
    """Store yesterday's figures (followers, own posts) for every connected channel."""
    return figures.fetch_all()


__all__ = [
    "fan_out_polls",
    "fetch_account_figures",
    "poll_channel",
    "send_outbox_message",
    "sweep_outbox",
]
