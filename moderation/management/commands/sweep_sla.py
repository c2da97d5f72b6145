"""Run the SLA escalation sweep: warnings at 75 % of a target, breaches at the deadline."""

from django.core.management.base import BaseCommand

from moderation.escalation import sweep


class Command(BaseCommand):
    help = "Warn assignees of approaching deadlines and report missed ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="One sweep, synchronously (the only mode)."
        )

    def handle(self, *args, **options):
        result = sweep()
        self.stdout.write(
            f"warned={result.warned} breached={result.breached} "
            f"skipped={result.skipped} failed={result.failed}"
        )
