"""Periodic tasks of listening, merged into the beat schedule by config/celery.py."""

BEAT_SCHEDULE = {
    "listening-read-due-streams": {
        "task": "listening.fan_out_reads",
        # Each stream is read when its own interval (LISTENING_INTERVAL_SECONDS, stretched for
        # YouTube's search calls) runs out; the fan-out is one indexed query.
        "schedule": 30.0,
        "options": {"expires": 30},
    },
}
