"""Periodic tasks of the answer routine, merged into CELERY_BEAT_SCHEDULE by config/celery.py."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "moderation-sweep-sla": {
        "task": "moderation.sweep_sla",
        "schedule": 60.0,
        # A sweep that waited longer than its interval is superseded by the next one.
        "options": {"expires": 55},
    },
    "moderation-roll-up-days": {
        "task": "moderation.roll_up_days",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "moderation-send-digests": {
        "task": "moderation.send_digests",
        # 06:00 UTC, before the working day in Scandinavia: the digest is read the day it comes.
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 12 * 60 * 60},
    },
}
