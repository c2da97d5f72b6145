"""A channel's history is now the audit trail's "channel.*" rows (audit 0002 moved them); the
old table goes, and its triggers with it."""

from django.db import migrations


def _drop_trigger_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS accounts_append_only_refuse()")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_channel_event_append_only"),
        ("audit", "0002_move_audit_entries_and_channel_events"),
    ]

    operations = [
        migrations.DeleteModel(name="ChannelEvent"),
        # (dropping the table dropped its triggers; their PostgreSQL function is left)
        migrations.RunPython(_drop_trigger_function, migrations.RunPython.noop),
    ]
