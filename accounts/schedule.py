"""The registry's periodic tasks, merged into CELERY_BEAT_SCHEDULE by config/celery.py."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "accounts-sweep-neglect": {
        "task": "accounts.sweep_neglect",
        # Early morning, before people look at the compliance overview.
        "schedule": crontab(hour=5, minute=15),
        # A sweep that waited longer than a few hours is superseded by the next one.
        "options": {"expires": 6 * 60 * 60},
    },
    "accounts-warn-api-versions": {
        "task": "accounts.warn_api_versions",
        # 07:00 UTC, the start of the working day in Scandinavia: read the day it comes.
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 12 * 60 * 60},
    },
}
