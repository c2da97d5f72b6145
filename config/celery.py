"""The Celery application; tasks are discovered in each app's tasks.py, and each part's
periodic tasks come from the `BEAT_SCHEDULE` dict of its `schedule.py`."""

import os
from importlib import import_module

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["moderation.polling"])

# Modules that may define BEAT_SCHEDULE, merged into one schedule for the single beat process.
SCHEDULE_MODULES = (
    "accounts.schedule",
    "moderation.schedule",
    "moderation.polling.schedule",
    "strategy.schedule",
    "listening.schedule",
    "ambassadors.schedule",
)


def beat_schedule():
    schedule = {}
    for name in SCHEDULE_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if not name.startswith(exc.name or "-"):
                raise
            continue
        for key, entry in getattr(module, "BEAT_SCHEDULE", {}).items():
            if key in schedule:
                raise ValueError(f"Beat entry {key!r} is defined twice.")
            schedule[key] = entry
    return schedule


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}


@app.task(name="config.ping")
def ping(value):
    """Echo a value back: proves a worker consumes the broker and returns results."""
    return {"pong": value}
