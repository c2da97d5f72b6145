"""Rows written once and then kept as they are: the audit trail (`audit.AuditEntry`) and the
captured part of a record. Python refuses the change early with a clear error
(`AppendOnlyError`); the database refuses it too, with triggers created by each app's
migrations, so raw SQL, a bulk update and a path that skips `save()` cannot change or remove
the rows either.

What the triggers refuse, on PostgreSQL and SQLite alike: every UPDATE and DELETE of an audit
entry (`AppendOnlyModel` and `trigger_sql` give a model this guard); a record's DELETE and any
UPDATE that changes a captured column (the archive metadata and the export time may be
completed later). Their message names the table and says "append-only"; the driver raises it
as `django.db.IntegrityError`.

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


class AppendOnlyModel(models.Model):
    """A model whose rows are written once: `save()` of a stored row and `delete()` raise, and
    its default manager is an `AppendOnlyQuerySet`. The table's triggers come from
    `trigger_sql()` in the app's migration."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only: cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} rows are append-only: cannot delete")


def trigger_sql(table):
    """The statements that make the database refuse every UPDATE and DELETE of `table`'s rows,
    per vendor: `{vendor: (create, drop)}`, for a migration's RunPython (see `run_sql`)."""
    function = f"{table}_refuse_change"
    postgresql = (
        [
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END
            $$
            """,
            f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}()
            """,
        ],
        [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ],
    )
    sqlite = (
        [
            f"""
            CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: UPDATE refused'); END
            """,
            # append_only_lifted() answers 1 only inside `manage.py flush` (see above).
            f"""
            CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            WHEN NOT {SQLITE_LIFTED_FUNCTION}()
            BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: DELETE refused'); END
            """,
        ],
        [f"DROP TRIGGER IF EXISTS {table}_no_delete", f"DROP TRIGGER IF EXISTS {table}_no_update"],
    )
    return {"postgresql": postgresql, "sqlite": sqlite}


def run_sql(table, *, reverse=False):
    """A RunPython function creating (or, `reverse`, dropping) `table`'s append-only triggers."""

    def run(apps, schema_editor):
        statements = trigger_sql(table).get(schema_editor.connection.vendor)
        for sql in statements[1 if reverse else 0] if statements else ():
            schema_editor.execute(sql, params=None)

    return run


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
