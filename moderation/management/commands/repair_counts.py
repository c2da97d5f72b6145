"""Recompute the queue's open-item counters and the channel days from the items."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Min
from django.utils import timezone

from moderation import counts, rollups
from moderation.models import QueueItem


class Command(BaseCommand):
    help = "Recompute the open-item counters and the channel days from the queue items."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Recompute only the channel days of the last N days (default: all of them).",
        )

    def handle(self, *args, days=None, **options):
        result = counts.recount()
        self.stdout.write(
            f"open-item counters: {result['rows']} rows, {result['fixed']} were wrong"
        )
        if days is not None:
            start = rollups.window_start(days)
        else:
            first = QueueItem.objects.aggregate(first=Min("received_at"))["first"]
            start = timezone.localdate(first, timezone=rollups.local_zone()) if first else None
            start = start - timedelta(days=1) if start else None
        written = rollups.roll_up(start=start)
        self.stdout.write(f"channel days: {written} rows")
