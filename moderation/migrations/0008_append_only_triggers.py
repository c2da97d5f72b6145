"""The database refuses changes to the audit trail and to the captured part of records.

Audit entries: no UPDATE, no DELETE. Records: no DELETE, and no UPDATE that changes a captured
column (the archive metadata and `exported_at` may change). See core.append_only, also for
how `manage.py flush` still empties the tables on SQLite.
"""

from django.db import migrations

# Every column of a record except the archive metadata and the export time.
RECORD_CAPTURED = (
    "id",
    "item_id",
    "platform",
    "external_id",
    "channel_name",
    "author_name",
    "author_external_id",
    "text",
    "text_unmasked",
    "permalink",
    "created_at",
    "received_at",
    "thread",
    "replies",
    "captured_at",
    "captured_by_id",
)

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION moderation_append_only_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER moderation_auditentry_append_only
    BEFORE UPDATE OR DELETE ON moderation_auditentry
    FOR EACH ROW EXECUTE FUNCTION moderation_append_only_refuse()
    """,
    """
    CREATE TRIGGER moderation_record_no_delete
    BEFORE DELETE ON moderation_record
    FOR EACH ROW EXECUTE FUNCTION moderation_append_only_refuse()
    """,
    f"""
    CREATE TRIGGER moderation_record_captured_unchanged
    BEFORE UPDATE ON moderation_record
    FOR EACH ROW WHEN (
        ({", ".join(f"OLD.{c}" for c in RECORD_CAPTURED)})
        IS DISTINCT FROM ({", ".join(f"NEW.{c}" for c in RECORD_CAPTURED)})
    )
    EXECUTE FUNCTION moderation_append_only_refuse()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS moderation_record_captured_unchanged ON moderation_record",
    "DROP TRIGGER IF EXISTS moderation_record_no_delete ON moderation_record",
    "DROP TRIGGER IF EXISTS moderation_auditentry_append_only ON moderation_auditentry",
    "DROP FUNCTION IF EXISTS moderation_append_only_refuse()",
]

SQLITE = [
    """
    CREATE TRIGGER moderation_auditentry_no_update BEFORE UPDATE ON moderation_auditentry
    BEGIN SELECT RAISE(ABORT, 'moderation_auditentry rows are append-only: UPDATE refused'); END
    """,
    # append_only_lifted() answers 1 only inside `manage.py flush` (core.append_only).
    """
    CREATE TRIGGER moderation_auditentry_no_delete BEFORE DELETE ON moderation_auditentry
    WHEN NOT append_only_lifted()
    BEGIN SELECT RAISE(ABORT, 'moderation_auditentry rows are append-only: DELETE refused'); END
    """,
    """
    CREATE TRIGGER moderation_record_no_delete BEFORE DELETE ON moderation_record
    WHEN NOT append_only_lifted()
    BEGIN SELECT RAISE(ABORT, 'moderation_record rows are append-only: DELETE refused'); END
    """,
    f"""
    CREATE TRIGGER moderation_record_captured_unchanged BEFORE UPDATE ON moderation_record
    WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in RECORD_CAPTURED)}
    BEGIN SELECT RAISE(ABORT, 'moderation_record rows are append-only: UPDATE refused'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS moderation_record_captured_unchanged",
    "DROP TRIGGER IF EXISTS moderation_record_no_delete",
    "DROP TRIGGER IF EXISTS moderation_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS moderation_auditentry_no_update",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_orphan_reply_index")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
