"""The audit trail lives in the `audit` app now (audit 0002 moved the rows); the old table goes,
and its triggers with it (the records' triggers of 0008 stay)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0009_queue_item_masked_text"),
        ("audit", "0002_move_audit_entries_and_channel_events"),
    ]

    operations = [migrations.DeleteModel(name="AuditEntry")]
