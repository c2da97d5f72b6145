"""Django's `flush`, with the append-only delete triggers lifted while it empties the database.

The test runner empties the database with this command between transactional tests. On SQLite
the flush deletes row by row and would trip the triggers that keep the audit trail
and records; see `core.append_only`.
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from core import append_only


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with append_only.lifted(connection):
            return super().handle(**options)
