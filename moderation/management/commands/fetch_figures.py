"""Fetch the connected channels' daily figures (followers, own posts) into account snapshots."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from moderation.polling.figures import fetch_all


class Command(BaseCommand):
    help = "Store followers and own posts per day for every connected channel."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Fetch once and stop (the only mode)."
        )
        parser.add_argument(
            "--date", help="The day to fetch, YYYY-MM-DD (default: yesterday, local time)."
        )

    def handle(self, *args, date=None, **options):
        day = None
        if date:
            try:
                day = _parse(date)
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from exc
        stored = fetch_all(day)
        self.stdout.write(f"Account snapshots stored: {stored}")


def _parse(value):
    return date.fromisoformat(value)
