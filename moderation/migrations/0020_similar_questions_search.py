"""Full-text search for the similar earlier questions an item shows (`moderation.similar`).

On PostgreSQL a GIN index per language the product speaks over the very expression Django's
`SearchVector("masked_text", config=...)` sends, so a search reads the index, not the queue.
Four indexes, as the language is the municipality's and one database may serve any of them.

On SQLite (trying the product out) an FTS5 table over the masked text, external content (the
text stays in the queue's table only), kept in step by triggers on insert, update and delete.
Other databases search nothing (the item page then shows no similar questions).
"""

from django.db import migrations

CONFIGS = ("danish", "swedish", "norwegian", "english")
FTS = "moderation_queueitem_fts"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    "masked_text, content='moderation_queueitem', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON moderation_queueitem BEGIN "
    f"INSERT INTO {FTS}(rowid, masked_text) VALUES (new.id, new.masked_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON moderation_queueitem BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, masked_text) VALUES ('delete', old.id, old.masked_text); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF masked_text "
    f"ON moderation_queueitem BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, masked_text) VALUES ('delete', old.id, old.masked_text); "
    f"INSERT INTO {FTS}(rowid, masked_text) VALUES (new.id, new.masked_text); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _index(config):
    return f"moderation_queueitem_masked_text_{config}"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for config in CONFIGS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {_index(config)} ON moderation_queueitem USING gin "
                f"(to_tsvector('{config}'::regconfig, COALESCE(masked_text, '')))"
            )
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for config in CONFIGS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {_index(config)}")
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0019_canned_answer_language_platform"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
