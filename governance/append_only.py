"""Rows written once and then kept as they are: the audit trail, a channel's history, the captured
part of a record. Python refuses the change early with a clear error (`AppendOnlyError`); the
database refuses it too, with triggers created by each app's migrations, so raw SQL, a bulk
update and a path that skips `save()` cannot change or remove the rows either.

What the triggers refuse, on PostgreSQL and SQLite alike: every UPDATE and DELETE of an audit
entry or a channel event; a record's DELETE and any UPDATE that changes a captured column (the
archive metadata and the export time may be completed later). Their message names the table and
says "append-only"; the driver raises it as `django.db.IntegrityError`.

The one flow that empties these tables is `manage.py flush` (the test runner empties the database
with it between transactional tests). PostgreSQL's flush uses TRUNCATE, which fires no row
triggers. SQLite's flush deletes row by row, so its delete triggers ask the connection whether a
flush is under way (`append_only_lifted()`, a function registered on every SQLite connection
Django opens); our `flush` command answers yes only while it runs. A connection opened outside
Django does not know the function, and its DELETE fails as well.

SQLite drops a table's triggers when Django rebuilds the table to alter a column: a migration
that alters these tables on SQLite must create the triggers again (a test checks they exist).
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

SQLITE_LIFTED_FUNCTION = "append_only_lifted"


class AppendOnlyError(ValidationError):
    """A change or deletion of a row that is kept as written."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses `update()` (except of the model's `APPEND_ONLY_MUTABLE` fields) and `delete()`."""

    def update(self, **kwargs):
        mutable = getattr(self.model, "APPEND_ONLY_MUTABLE", ())
        frozen = sorted(name for name in kwargs if name not in mutable)
        if frozen:
            raise AppendOnlyError(
                f"{self.model._meta.label} rows are append-only: cannot change {frozen}"
            )
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only: cannot delete")

    delete.alters_data = True
    delete.queryset_only = True


@contextmanager
def lifted(connection):
    """Let SQLite's delete triggers pass on `connection` for the duration (flush only)."""
    connection.append_only_lifted = True
    try:
        yield
    finally:
        connection.append_only_lifted = False


@receiver(connection_created, dispatch_uid="governance-append-only-sqlite-function")
def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_LIFTED_FUNCTION,
        0,
        lambda: int(getattr(connection, "append_only_lifted", False)),
        deterministic=False,
    )
