"""Periodic tasks of the ambassador programme, merged into the beat schedule by config/celery.py."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "send-ambassador-weekly": {
        "task": "ambassadors.send_weekly",
        # Monday morning; a run missed or repeated sends nobody the same week twice.
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
        "options": {"expires": 12 * 3600},
    },
}
