"""An index for the items API's `?q=` search, which reads the masked text (`icontains`).

On PostgreSQL a trigram index (pg_trgm) over the same expression Django's `icontains` sends,
`UPPER(masked_text::text) LIKE UPPER('%…%')`, lets a search find its rows without reading the
whole queue. A trigram search keeps the contract's meaning, "the text contains TEXT", for any
language and any part of a word, which a stemmed full-text search would not. Creating the
extension needs a role that may do so (the database owner on PostgreSQL 13 and later, as
pg_trgm is a trusted extension). SQLite, used for trying the product out, scans.
"""

from django.db import migrations

INDEX = "moderation_queueitem_masked_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON moderation_queueitem "
        "USING gin ((UPPER(masked_text::text)) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0010_remove_audit_entry"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
