"""The channel days' minutes as fixed-bucket histograms (`moderation.histograms`) instead of
{minutes: items} maps, so a report adds them with one integer addition each."""

from django.db import migrations, models


def pack(apps, schema_editor):
    from moderation import histograms

    ChannelDay = apps.get_model("moderation", "ChannelDay")
    changed = []
    for day in ChannelDay.objects.only("pk", "answer_minutes", "first_minutes").iterator():
        day.answer_histogram = histograms.encode(histograms.from_counts(day.answer_minutes or {}))
        day.first_histogram = histograms.encode(histograms.from_counts(day.first_minutes or {}))
        changed.append(day)
        if len(changed) == 1000:
            ChannelDay.objects.bulk_update(changed, ["answer_histogram", "first_histogram"])
            changed = []
    ChannelDay.objects.bulk_update(changed, ["answer_histogram", "first_histogram"])


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0014_open_items_answer_due_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="channelday",
            name="answer_histogram",
            field=models.BinaryField(blank=True, default=b"", verbose_name="minutes to the answer"),
        ),
        migrations.AddField(
            model_name="channelday",
            name="first_histogram",
            field=models.BinaryField(
                blank=True, default=b"", verbose_name="minutes to the first response"
            ),
        ),
        # The days' rows are rebuilt by `repair_counts` too; this keeps them without a rebuild.
        migrations.RunPython(pack, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="channelday", name="answer_minutes"),
        migrations.RemoveField(model_name="channelday", name="first_minutes"),
    ]
