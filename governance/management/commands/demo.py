"""Load the demo municipality: organisation, users for every role, and each app's demo content.

Running it again refreshes the demo instead of duplicating it.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from governance.demo import DEMO_PASSWORD, demo_logins, load_organisation

DEMO_APPS = ("governance", "accounts", "moderation", "strategy", "simulator")


class Command(BaseCommand):
    help = "Load (or refresh) the demo municipality with users for every role."

    def handle(self, *args, **options):
        municipality, units, users = load_organisation()
        for config in apps.get_app_configs():
            if config.name not in DEMO_APPS:
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
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
