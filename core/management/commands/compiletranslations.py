"""Compile every .po catalogue of the project into .mo files, without GNU gettext.

Django's own `compilemessages` needs the `msgfmt` program; Babel reads and writes the same
formats in pure Python, so a fresh machine needs nothing beyond the Python requirements.
Fuzzy entries are left out, as msgfmt does.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SKIP_DIRS = {".venv", "node_modules", ".git"}


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po) into .mo files."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        count = 0
        for po_path in sorted(base.rglob("*.po")):
            if SKIP_DIRS & set(po_path.relative_to(base).parts):
                continue
            with po_path.open("rb") as handle:
                try:
                    catalog = read_po(handle, abort_invalid=True)
                except Exception as exc:  # Babel raises its own and ValueError subclasses
                    raise CommandError(f"{po_path}: {exc}") from exc
            with po_path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            count += 1
        self.stdout.write(f"Compiled {count} catalogues.")
