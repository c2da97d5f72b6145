"""Run the registry's neglect sweep once: dormancy, missing owners/admins/branding/token/review."""

from django.core.management.base import BaseCommand

from accounts import actions


class Command(BaseCommand):
    help = "Flag dormant and incomplete channels once (the daily beat task does the same)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one sweep and exit (the default)."
        )

    def handle(self, *args, **options):
        result = actions.sweep_neglect()
        self.stdout.write(
            f"Checked {result.checked} channels: {result.flags_raised} flags raised, "
            f"{result.flags_resolved} resolved, {len(result.marked_dormant)} marked dormant, "
            f"{len(result.reactivated)} active again, {result.notices_queued} closing notices "
            "queued."
        )
