"""Load the demo municipality: organisation, users for every role, and each app's demo content.

Running it again refreshes the demo instead of duplicating it.
"""

from importlib import import_module

from django.core.management.base import BaseCommand

from governance.demo import DEMO_PASSWORD, demo_logins, load_organisation

# Modules whose `load(*, municipality, units, users, stdout)` adds demo content, in order.
DEMO_MODULES = (
    "governance.demo",
    "accounts.demo",
    "moderation.demo",
    "moderation.polling.demo",
    "strategy.demo",
    "listening.demo",
    "ambassadors.demo",
)


class Command(BaseCommand):
    help = "Load (or refresh) the demo municipality with users for every role."

    def handle(self, *args, **options):
        municipality, units, users = load_organisation()
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if not name.startswith(exc.name or "-"):
                    raise
                continue
            load = getattr(module, "load", None)
            if load is not None:
                load(municipality=municipality, units=units, users=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo municipality loaded: {municipality.name}"))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, description in demo_logins():
            self.stdout.write(f"  {username:<22} {description}")
