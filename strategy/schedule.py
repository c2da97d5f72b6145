"""Periodic tasks of the strategy app, merged into CELERY_BEAT_SCHEDULE by config/celery.py."""

BEAT_SCHEDULE = {
    "strategy-publish-due-posts": {
        "task": "strategy.publish_due_posts",
        # Every minute, at its start: a post scheduled for 10:15 goes out at 10:15.
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "fan-out-post-figures": {
        "task": "strategy.fan_out_post_figures",
        # Each channel is collected every collector.INTERVAL; the fan-out only finds who is due.
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
}
