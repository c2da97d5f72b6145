"""The one audit trail, append-only in the database too: its triggers refuse every UPDATE and
DELETE (see core.append_only, also for how `manage.py flush` still empties it on SQLite)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.append_only import run_sql


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_channel_event_append_only'),
        ('governance', '0003_adopted_rules_frozen'),
        ('moderation', '0009_queue_item_masked_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('action', models.CharField(db_index=True, max_length=50, verbose_name='action')),
                ('object_type', models.CharField(blank=True, max_length=100, verbose_name='object type')),
                ('object_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='object id')),
                ('reason', models.CharField(blank=True, max_length=50, verbose_name='reason code')),
                ('note', models.TextField(blank=True, verbose_name='why')),
                ('before', models.JSONField(blank=True, default=dict, verbose_name='before')),
                ('after', models.JSONField(blank=True, default=dict, verbose_name='after')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('request_id', models.UUIDField(blank=True, db_index=True, null=True, verbose_name='request id')),
                ('actor', models.ForeignKey(blank=True, help_text='Empty for actions the system took by itself.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                ('channel', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='accounts.channel', verbose_name='channel')),
                ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='moderation.queueitem', verbose_name='queue item')),
                ('policy_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.policyversion', verbose_name='policy version')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['action', 'at'], name='audit_action_at'), models.Index(fields=['object_type', 'object_id'], name='audit_object')],
            },
        ),
        migrations.RunPython(
            run_sql("audit_auditentry"), run_sql("audit_auditentry", reverse=True)
        ),
    ]
