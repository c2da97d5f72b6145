"""Celery tasks of the answer routine: the SLA escalation sweep (item deadlines and the
internal deadlines of forwarded questions)."""

from celery import shared_task

from .escalation import sweep


@shared_task(name="moderation.sweep_sla", ignore_result=True)
def sweep_sla():
    """One sweep; idempotent (each checkpoint is claimed once), so overlapping runs are safe."""
    return sweep().as_dict()


@shared_task(name="moderation.roll_up_days", ignore_result=True)
def roll_up_days():
    """Recompute the recent channel days the answer-times figures read; idempotent."""
    from .rollups import roll_up

    return roll_up()


@shared_task(name="moderation.send_digests", ignore_result=True)
def send_digests():
    """The daily digest e-mails; idempotent (each person's day is claimed once)."""
    from .notify import send_digests as send

    return send()


# Registered here so the worker, which imports each app's tasks module, knows the alert task.
from .alerts import deliver_alert  # noqa: E402, F401
