"""Keep the masked text of each queue item in a column, filled for the rows already stored, so
that searches read the masked text and never the text as written."""

from django.db import migrations, models

from moderation.personal_data import mask_personal_ids

BATCH = 2000


def fill_masked_text(apps, schema_editor):
    QueueItem = apps.get_model("moderation", "QueueItem")
    rows = QueueItem.objects.exclude(text="").only("pk", "text").order_by("pk")
    batch = []
    for item in rows.iterator(chunk_size=BATCH):
        item.masked_text = mask_personal_ids(item.text)
        batch.append(item)
        if len(batch) >= BATCH:
            QueueItem.objects.bulk_update(batch, ["masked_text"])
            batch = []
    if batch:
        QueueItem.objects.bulk_update(batch, ["masked_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0008_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="queueitem",
            name="masked_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                verbose_name="text (personal ID numbers masked)",
            ),
        ),
        migrations.RunPython(fill_masked_text, migrations.RunPython.noop, elidable=True),
    ]
