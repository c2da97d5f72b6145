"""Periodic tasks of the polling pipeline, merged into the beat schedule by config/celery.py."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "poll-due-channels": {
        "task": "moderation.polling.fan_out_polls",
        # Every 15 s: a channel is polled when its own interval (POLL_INTERVAL_SECONDS) ran out.
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "sweep-outbox": {
        "task": "moderation.polling.sweep_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "fetch-account-figures": {
        "task": "moderation.polling.fetch_account_figures",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 6 * 3600},
    },
}
