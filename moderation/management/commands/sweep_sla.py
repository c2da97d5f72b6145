"""Run the SLA escalation sweep: warnings at 75 % of a target, breaches at the deadline, and
the same for the internal deadlines of questions forwarded to experts."""

from django.core.management.base import BaseCommand

from moderation.escalation import sweep


class Command(BaseCommand):
    help = (
        "Warn assignees of approaching deadlines and report missed ones; remind experts of "
        "internal deadlines and report late answers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="One sweep, synchronously (the only mode)."
        )

    def handle(self, *args, **options):
        result = sweep()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in result.as_dict().items()))
