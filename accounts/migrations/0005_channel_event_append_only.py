"""The database refuses every UPDATE and DELETE of a channel's history (see
core.append_only, also for how `manage.py flush` still empties the table on SQLite)."""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION accounts_append_only_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER accounts_channelevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_channelevent
    FOR EACH ROW EXECUTE FUNCTION accounts_append_only_refuse()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_channelevent_append_only ON accounts_channelevent",
    "DROP FUNCTION IF EXISTS accounts_append_only_refuse()",
]

SQLITE = [
    """
    CREATE TRIGGER accounts_channelevent_no_update BEFORE UPDATE ON accounts_channelevent
    BEGIN SELECT RAISE(ABORT, 'accounts_channelevent rows are append-only: UPDATE refused'); END
    """,
    # append_only_lifted() answers 1 only inside `manage.py flush` (core.append_only).
    """
    CREATE TRIGGER accounts_channelevent_no_delete BEFORE DELETE ON accounts_channelevent
    WHEN NOT append_only_lifted()
    BEGIN SELECT RAISE(ABORT, 'accounts_channelevent rows are append-only: DELETE refused'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_channelevent_no_delete",
    "DROP TRIGGER IF EXISTS accounts_channelevent_no_update",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_answer_times_flag")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
