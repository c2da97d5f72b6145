"""Move the two old trails into the one audit trail: every `moderation.AuditEntry` (same id,
time, actor and details) and every `accounts.ChannelEvent`.

The actions wrote a channel event and an audit row for the same step; such a pair becomes one
row: the audit row, completed with the event's status before and after (and its comment when
the row had no note). An event without a partner (a closing notice waiting for the outbox, the
demo's history) becomes a row of its own, numbered after the moved ones. The old tables are
dropped by the next migrations of accounts and moderation.
"""

from datetime import timedelta

from django.db import migrations

# A channel event's kind -> the action name of the audit row written with it.
EVENT_ACTIONS = {
    "requested": "channel.requested",
    "approved": "channel.request_approved",
    "rejected": "channel.request_rejected",
    "edited": "channel.edited",
    "admin_added": "channel.admin_added",
    "admin_removed": "channel.admin_removed",
    "branding_verified": "channel.branding_verified",
    "review_confirmed": "channel.review_confirmed",
    "marked_dormant": "channel.marked_dormant",
    "reactivated": "channel.reactivated",
    "activated": "channel.activated",
    "flagged": "channel.flagged",
    "closing_requested": "channel.closing_requested",
    "closing_approved": "channel.closing_approved",
    "closing_rejected": "channel.closing_rejected",
    "notice_pending": "channel.closing_notice_pending",
    "notice_queued": "channel.closing_notice_queued",
    "notice_sent": "channel.closing_notice_sent",
    "notice_failed": "channel.closing_notice_failed",
    "notice_by_hand": "channel.closing_notice_by_hand",
    "closed": "channel.closed",
}
# The pair was written in one transaction: seconds apart at most.
PAIR_WINDOW = timedelta(minutes=1)
BATCH = 1000

# action prefix or name -> (object type, key in `data` naming the object)
OBJECTS = {
    "crisis_on": ("moderation.crisisperiod", "crisis"),
    "crisis_off": ("moderation.crisisperiod", "crisis"),
    "rota_absence_add": ("moderation.absence", "absence"),
    "rota_absence_remove": ("moderation.absence", "absence"),
    "capture_record": ("moderation.record", "record"),
    "update_record": ("moderation.record", "record"),
    "export_record": ("moderation.record", "record"),
    "read_record_as_written": ("moderation.record", "record"),
    "policy.create": ("governance.policy", "policy"),
    "strategy.goal_created": ("strategy.goal", "goal_id"),
    "strategy.goal_changed": ("strategy.goal", "goal_id"),
    "strategy.theme_created": ("strategy.yeartheme", "theme_id"),
    "strategy.theme_changed": ("strategy.yeartheme", "theme_id"),
    "strategy.plan_item_created": ("strategy.planitem", "plan_item_id"),
    "strategy.plan_item_changed": ("strategy.planitem", "plan_item_id"),
}
CONNECTION_ACTIONS = ("channel.connected", "channel.connection_tested")


def _object(entry, connections):
    """(object type, object id) of a moved audit row, as the actions now name them."""
    action, data = entry.action, entry.data or {}
    if action in OBJECTS:
        label, key = OBJECTS[action]
        value = data.get(key)
        return label, value if isinstance(value, int) else None
    if action in CONNECTION_ACTIONS:
        return "accounts.channelconnection", connections.get(entry.channel_id)
    if action.startswith("channel.") and entry.channel_id:
        return "accounts.channel", entry.channel_id
    if entry.item_id:
        return "moderation.queueitem", entry.item_id
    if action.startswith(("policy.", "guidelines.")) and entry.policy_version_id:
        return "governance.policyversion", entry.policy_version_id
    return "", None


def _changes(entry):
    """`before` and `after` recovered from an old row's details where it kept them."""
    data = entry.data or {}
    if entry.action in ("assign", "reassign") and "to" in data:
        return {"assigned_to": data.get("was")}, {"assigned_to": data["to"]}
    if entry.action == "channel.edited" and isinstance(data.get("changes"), dict):
        pairs = {k: v for k, v in data["changes"].items() if isinstance(v, list) and len(v) == 2}
        return {k: v[0] for k, v in pairs.items()}, {k: v[1] for k, v in pairs.items()}
    return {}, {}


def move(apps, schema_editor):
    OldEntry = apps.get_model("moderation", "AuditEntry")
    ChannelEvent = apps.get_model("accounts", "ChannelEvent")
    ChannelConnection = apps.get_model("accounts", "ChannelConnection")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    connections = dict(ChannelConnection.objects.values_list("channel_id", "pk"))

    moved = []
    by_step = {}
    for old in OldEntry.objects.order_by("id").iterator(chunk_size=BATCH):
        object_type, object_id = _object(old, connections)
        before, after = _changes(old)
        row = AuditEntry(
            id=old.id,
            at=old.at,
            actor_id=old.actor_id,
            action=old.action,
            object_type=object_type,
            object_id=object_id,
            item_id=old.item_id,
            channel_id=old.channel_id,
            reason=old.reason,
            note=old.note,
            policy_version_id=old.policy_version_id,
            before=before,
            after=after,
            data=old.data or {},
        )
        moved.append(row)
        if old.channel_id and old.action.startswith("channel."):
            by_step.setdefault((old.channel_id, old.action), []).append(row)

    unpaired = []
    paired = set()
    for event in ChannelEvent.objects.order_by("id").iterator(chunk_size=BATCH):
        action = EVENT_ACTIONS.get(event.kind, f"channel.{event.kind}")
        candidates = [
            row
            for row in by_step.get((event.channel_id, action), ())
            if row.id not in paired and abs(row.at - event.at) <= PAIR_WINDOW
        ]
        row = min(candidates, key=lambda r: abs(r.at - event.at), default=None)
        if row is None:
            row = AuditEntry(
                at=event.at,
                actor_id=event.actor_id,
                action=action,
                object_type="accounts.channel",
                object_id=event.channel_id,
                channel_id=event.channel_id,
                note=event.comment,
                before={},
                after={},
                data={},
            )
            unpaired.append(row)
        else:
            paired.add(row.id)
            if not row.note and event.comment:
                row.note = event.comment
        if event.from_status != event.to_status:
            if event.from_status:
                row.before = {**row.before, "status": event.from_status}
            if event.to_status:
                row.after = {**row.after, "status": event.to_status}
        row.data = {**row.data, "channel_event": event.id}

    AuditEntry.objects.bulk_create(moved, batch_size=BATCH)
    if moved and schema_editor.connection.vendor == "postgresql":
        # The moved rows kept their ids: the next new row is numbered after them.
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'), "
            "(SELECT MAX(id) FROM audit_auditentry))"
        )
    AuditEntry.objects.bulk_create(unpaired, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_entry_append_only"),
        ("accounts", "0005_channel_event_append_only"),
        ("moderation", "0009_queue_item_masked_text"),
    ]

    # Moving back is not supported (the product has not been in production with the old trails).
    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
