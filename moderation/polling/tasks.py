"""Celery tasks of the ingestion side: polling channels, account figures and the outbox."""

from celery import shared_task

from .. import outbox


@shared_task(name="moderation.polling.send_outbox_message", ignore_result=True)
def send_outbox_message(message_id):
    """One attempt at sending an outbox message; a later attempt is made by the sweep."""
    return outbox.deliver(message_id)


@shared_task(name="moderation.polling.sweep_outbox", ignore_result=True)
def sweep_outbox():
    """Queue the pending messages whose retry time came or whose sender died."""
    ids = outbox.due_message_ids()
    for message_id in ids:
        send_outbox_message.delay(message_id)
    return len(ids)
