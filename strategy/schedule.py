"""Periodic tasks of the strategy app, merged into the beat schedule by config/celery.py."""

BEAT_SCHEDULE = {
    "fan-out-post-figures": {
        "task": "strategy.fan_out_post_figures",
        # Each channel is collected every collector.INTERVAL; the fan-out only finds who is due.
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
}
