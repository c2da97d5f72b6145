"""Poll the connected channels: one synchronous cycle with --once, or a cycle every poll
interval until stopped (for running without Celery)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from moderation.polling.poller import run_cycle


class Command(BaseCommand):
    help = "Fetch new comments, replies, mentions and messages from every connected channel."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one poll cycle and stop (synchronous)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between cycles when running continuously (default: the "
            "POLL_INTERVAL_SECONDS setting).",
        )

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval or getattr(settings, "POLL_INTERVAL_SECONDS", 60)
        while True:
            totals = run_cycle()
            self.stdout.write(self._summary(totals))
            if once:
                return
            time.sleep(interval)

    @staticmethod
    def _summary(totals):
        parts = [f"{key}={value}" for key, value in sorted(totals.items())]
        return "Poll cycle: " + " ".join(parts)
