"""Celery tasks of listening: the fan-out over due streams and the read of one stream."""

from celery import shared_task

from . import reader

READ_RETRIES = 2


@shared_task(name="listening.fan_out_reads", ignore_result=True)
def fan_out_reads():
    """Queue one read per enabled stream that is due (run by beat)."""
    claimed = reader.claim_due_streams()
    for stream_id in claimed:
        read_stream.apply_async((stream_id,), expires=reader.interval().total_seconds())
    return len(claimed)


@shared_task(name="listening.read_stream", bind=True, ignore_result=True)
def read_stream(self, stream_id):
    """Read one stream's new public posts; one worker per stream at a time."""
    outcome = reader.read_stream(stream_id)
    if outcome.status == reader.TRANSIENT and self.request.retries < READ_RETRIES:
        from moderation.polling.poller import retry_countdown

        raise self.retry(countdown=retry_countdown(self.request.retries + 1))
    return outcome.status
