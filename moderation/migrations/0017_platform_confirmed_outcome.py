"""An item's state follows the platform's confirmed outcome: the statuses "sending" and "not
sent", why a write failed, the removal reason of hides and deletes, notices to the author as
their own kind, and writes that wait for another one. Existing rows are brought in line: an item
marked answered or removed whose write the platform never confirmed gets the state it is in."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


OPEN = ("new", "acknowledged", "forwarded", "sending", "not_sent")
AUTOMATIC_HIDE_PREFIX = "personal-data-hide:"
NOTICE_PREFIX = "author-notice:"


def _next_deadline(item):
    """The next SLA checkpoint of an item made open again (the rule of
    `moderation.deadlines.next_deadline`, as it stands at this migration)."""
    moments = []
    if item.first_responded_at is None:
        if item.first_response_escalation < 1 and item.first_response_warn_at:
            moments.append(item.first_response_warn_at)
        if item.first_response_escalation < 2 and item.first_response_due:
            moments.append(item.first_response_due)
    if item.answer_escalation < 1 and item.answer_warn_at:
        moments.append(item.answer_warn_at)
    if item.answer_escalation < 2 and item.answer_due:
        moments.append(item.answer_due)
    return min(moments) if moments else None


def bring_in_line(apps, schema_editor):
    OutboxMessage = apps.get_model("moderation", "OutboxMessage")
    QueueItem = apps.get_model("moderation", "QueueItem")
    OpenItemCount = apps.get_model("moderation", "OpenItemCount")
    AuditEntry = apps.get_model("audit", "AuditEntry")

    OutboxMessage.objects.filter(kind="reply", idempotency_key__startswith=NOTICE_PREFIX).update(
        kind="notice"
    )
    OutboxMessage.objects.filter(
        kind="hide", idempotency_key__startswith=AUTOMATIC_HIDE_PREFIX
    ).update(reason="personal_data")
    removals = AuditEntry.objects.filter(action__in=("hide", "delete")).values_list(
        "data", "reason", "before"
    )
    delete_before = {}
    for data, reason, before in removals.iterator():
        message_id = (data or {}).get("outbox_message")
        if message_id:
            OutboxMessage.objects.filter(pk=message_id).update(reason=reason or "")
            delete_before[message_id] = before or {}

    changed = False
    # Answered, but the platform never confirmed the answer.
    confirmed = set(
        OutboxMessage.objects.filter(kind="reply", status="sent").values_list("item_id", flat=True)
    )
    unconfirmed = {}
    for item_id, status in OutboxMessage.objects.filter(
        kind="reply", status__in=("pending", "failed"), item__status="answered"
    ).values_list("item_id", "status"):
        if item_id not in confirmed:
            # A reply still pending wins over an earlier one that failed.
            unconfirmed[item_id] = (
                "sending" if status == "pending" else unconfirmed.get(item_id, "not_sent")
            )
    for item in QueueItem.objects.filter(pk__in=list(unconfirmed)):
        item.status = unconfirmed[item.pk]
        item.answered_at = None
        item.next_deadline = _next_deadline(item)
        item.save(update_fields=["status", "answered_at", "next_deadline"])
        changed = True
    # Removed, but the platform never confirmed the deletion.
    gone = set(
        OutboxMessage.objects.filter(kind="delete", status="sent").values_list("item_id", flat=True)
    )
    for message in OutboxMessage.objects.filter(
        kind="delete", status__in=("pending", "failed"), item__status="removed"
    ).select_related("item"):
        item = message.item
        if item.pk in gone or item.status != "removed":
            continue
        before = delete_before.get(message.pk, {})
        item.status = before.get("status") or ("answered" if item.answered_at else "acknowledged")
        item.closed_at = None
        item.closed_reason = before.get("closed_reason") or ""
        item.next_deadline = _next_deadline(item) if item.status in OPEN else None
        item.save(update_fields=["status", "closed_at", "closed_reason", "next_deadline"])
        changed = True
    if changed:
        # The open-item counters follow the items (as `moderation.counts.recount` does).
        OpenItemCount.objects.all().delete()
        rows = (
            QueueItem.objects.filter(status__in=OPEN)
            .order_by()
            .values_list(
                "channel_id", "status", "assigned_to_id", "has_personal_data", "answer_escalation"
            )
            .annotate(n=models.Count("pk"))
        )
        OpenItemCount.objects.bulk_create(
            OpenItemCount(
                channel_id=channel,
                status=status,
                assignee_id=assignee or 0,
                has_personal_data=bool(personal),
                answer_stage=int(stage or 0),
                items=n,
            )
            for channel, status, assignee, personal, stage, n in rows
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_remove_channel_event"),
        ("governance", "0003_adopted_rules_frozen"),
        ("audit", "0002_move_audit_entries_and_channel_events"),
        ("moderation", "0016_api_quota_day"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="queueitem",
            name="queue_item_open_next_deadline",
        ),
        migrations.RemoveIndex(
            model_name="queueitem",
            name="queue_item_open_answer_due",
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="failure",
            field=models.CharField(
                blank=True,
                choices=[
                    (
                        "reconnect",
                        "The platform no longer accepts the channel's connection (expired or revoked access). Reconnect the channel, then try again.",
                    ),
                    ("not_allowed", "The platform does not allow this for this item."),
                    ("not_supported", "The platform cannot do this for this kind of item."),
                    (
                        "duplicate",
                        "The platform refused the text as a duplicate of an earlier one.",
                    ),
                    (
                        "gone",
                        "The item can no longer be answered or changed on the platform (it may be hidden or deleted).",
                    ),
                    (
                        "window_closed",
                        "The platform's time for answering this message has run out.",
                    ),
                    ("refused", "The platform refused it."),
                    ("unreachable", "The platform did not answer, even after several attempts."),
                    ("not_connected", "The channel is not connected to its platform account."),
                    (
                        "author_not_told",
                        "The message to the author could not be sent first, so this was not done.",
                    ),
                ],
                max_length=20,
                verbose_name="why it failed",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="reason",
            field=models.CharField(blank=True, max_length=50, verbose_name="removal reason"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="waits_for",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="waiting",
                to="moderation.outboxmessage",
                verbose_name="waits for",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sla_warning", "Deadline approaching"),
                    ("sla_breach", "Deadline passed"),
                    ("forwarded", "Question forwarded to you"),
                    ("answer_returned", "Expert answer ready for review"),
                    ("assigned", "Item assigned to you"),
                    ("crisis", "Crisis mode"),
                    ("channel_reconnect", "Channel needs reconnecting"),
                    ("forward_reminder", "Internal deadline approaching"),
                    ("forward_late", "Expert's answer is late"),
                    ("not_sent", "The platform did not take an action"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="openitemcount",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("acknowledged", "Acknowledged"),
                    ("forwarded", "Forwarded"),
                    ("sending", "Sending"),
                    ("not_sent", "Not sent"),
                    ("answered", "Answered"),
                    ("closed", "Closed without answer"),
                    ("removed", "Removed"),
                ],
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reply", "Reply"),
                    ("hide", "Hide"),
                    ("unhide", "Unhide"),
                    ("delete", "Delete"),
                    ("post", "Post"),
                    ("notice", "Notice to the author"),
                ],
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="queueitem",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("acknowledged", "Acknowledged"),
                    ("forwarded", "Forwarded"),
                    ("sending", "Sending"),
                    ("not_sent", "Not sent"),
                    ("answered", "Answered"),
                    ("closed", "Closed without answer"),
                    ("removed", "Removed"),
                ],
                default="new",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="queueitem",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["new", "acknowledged", "forwarded", "sending", "not_sent"])
                ),
                fields=["next_deadline", "id"],
                name="queue_item_open_next_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="queueitem",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["new", "acknowledged", "forwarded", "sending", "not_sent"])
                ),
                fields=["answer_due", "id"],
                name="queue_item_open_answer_due",
            ),
        ),
        migrations.RunPython(bring_in_line, migrations.RunPython.noop),
    ]
