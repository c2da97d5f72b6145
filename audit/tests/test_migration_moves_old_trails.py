"""The migration into the one audit trail keeps every old row (id, time, actor, details) and
merges the pairs the actions used to write (a channel event and its audit row) into one row."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0005_channel_event_append_only"),
    ("moderation", "0009_queue_item_masked_text"),
    ("audit", "0001_audit_entry_append_only"),
]
AFTER = [("audit", "0002_move_audit_entries_and_channel_events")]
AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_rows_move_and_pairs_become_one_row():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("auth", "User")
        Municipality = apps.get_model("governance", "Municipality")
        OrgUnit = apps.get_model("governance", "OrgUnit")
        Channel = apps.get_model("accounts", "Channel")
        ChannelEvent = apps.get_model("accounts", "ChannelEvent")
        OldEntry = apps.get_model("moderation", "AuditEntry")

        manager = User.objects.create(username="manager")
        municipality = Municipality.objects.create(name="Testby")
        unit = OrgUnit.objects.create(municipality=municipality, name="Afdeling", kind="department")
        channel = Channel.objects.create(
            platform="facebook", name="Side", owner_unit=unit, status="approved"
        )
        # A pair written by one approval: the audit row and the history step, a moment apart
        approved = OldEntry.objects.create(
            action="channel.request_approved",
            actor=manager,
            channel=channel,
            note="God idé",
            data={"request": 3},
        )
        ChannelEvent.objects.create(
            channel=channel,
            kind="approved",
            actor=manager,
            from_status="requested",
            to_status="approved",
            comment="God idé",
            at=approved.at + timedelta(milliseconds=3),
        )
        # An assignment (kept its details) and a history step without a partner
        assigned = OldEntry.objects.create(
            action="assign", actor=manager, data={"to": manager.pk, "was": None}
        )
        ChannelEvent.objects.create(
            channel=channel, kind="notice_pending", actor=manager, at=AT, comment=""
        )

        apps = migrate(AFTER)
        AuditEntry = apps.get_model("audit", "AuditEntry")
        rows = {row.action: row for row in AuditEntry.objects.all()}
        assert sorted(rows) == [
            "assign",
            "channel.closing_notice_pending",
            "channel.request_approved",
        ]
        moved = rows["channel.request_approved"]
        assert (moved.pk, moved.at, moved.actor_id, moved.note) == (
            approved.pk,
            approved.at,
            manager.pk,
            "God idé",
        )
        assert (moved.object_type, moved.object_id) == ("accounts.channel", channel.pk)
        assert (moved.before, moved.after) == ({"status": "requested"}, {"status": "approved"})
        assert moved.data["request"] == 3
        assert rows["assign"].pk == assigned.pk
        assert (rows["assign"].before, rows["assign"].after) == (
            {"assigned_to": None},
            {"assigned_to": manager.pk},
        )
        alone = rows["channel.closing_notice_pending"]
        assert (alone.at, alone.channel_id, alone.object_id) == (AT, channel.pk, channel.pk)
        assert alone.pk > assigned.pk
        # and a new row is numbered after the moved ones
        new = AuditEntry.objects.create(action="acknowledge")
        assert new.pk > alone.pk
    finally:
        migrate(migrate_latest())


def migrate_latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
