"""Periodic tasks of the polling pipeline, merged into the beat schedule by config/celery.py."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "poll-due-channels": {
        "task": "moderation.polling.fan_out_polls",
        # Every 5 s (tasks.FAN_OUT_SECONDS): each channel is polled when its own interval
        # (POLL_INTERVAL_SECONDS) runs out; the fan-out itself is one indexed query.
        "schedule": 5.0,
        "options": {"expires": 5},
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
