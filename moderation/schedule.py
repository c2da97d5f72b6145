"""Periodic tasks of the answer routine, merged into CELERY_BEAT_SCHEDULE by config/celery.py."""

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
}
