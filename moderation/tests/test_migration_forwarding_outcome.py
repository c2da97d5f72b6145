"""The migration that makes forwarded answers follow their reply's outcome brings the answers
already marked "posted" in line: each is linked to the reply its audit row names, and is
"not sent" when the platform refused that reply, "being posted" while it waits."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("moderation", "0022_alert_hooks_and_weekly_digest")]
AFTER = [("moderation", "0023_forwarding_follows_platform_gaps")]
AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_posted_answers_follow_the_outcome_of_the_reply_that_carried_them():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("auth", "User")
        Municipality = apps.get_model("governance", "Municipality")
        OrgUnit = apps.get_model("governance", "OrgUnit")
        Channel = apps.get_model("accounts", "Channel")
        QueueItem = apps.get_model("moderation", "QueueItem")
        Forwarding = apps.get_model("moderation", "Forwarding")
        OutboxMessage = apps.get_model("moderation", "OutboxMessage")
        AuditEntry = apps.get_model("audit", "AuditEntry")

        comms = User.objects.create(username="comms")
        municipality = Municipality.objects.create(name="Testby")
        unit = OrgUnit.objects.create(municipality=municipality, name="Afdeling", kind="department")
        channel = Channel.objects.create(
            platform="facebook", name="Side", owner_unit=unit, status="active"
        )

        def answered(n, outcome):
            item = QueueItem.objects.create(
                channel=channel,
                platform="facebook",
                external_id=f"c-{n}",
                kind="comment",
                text="Spørgsmål",
                masked_text="Spørgsmål",
                created_at=AT,
                received_at=AT,
                status="not_sent" if outcome == "failed" else "sending",
            )
            forwarding = Forwarding.objects.create(
                item=item,
                to_unit=unit,
                due_at=AT + timedelta(hours=2),
                forwarded_by=comms,
                status="posted",
                answer_text="Svar",
                answered_by=comms,
                answered_at=AT,
            )
            message = OutboxMessage.objects.create(
                kind="reply",
                status=outcome,
                idempotency_key=f"k-{n}",
                channel=channel,
                item=item,
                text="Svar",
            )
            AuditEntry.objects.create(
                action="reply",
                actor=comms,
                item=item,
                channel=channel,
                data={"outbox_message": message.pk, "forwardings": [forwarding.pk]},
            )
            return forwarding, message

        refused, refused_reply = answered(1, "failed")
        waiting, waiting_reply = answered(2, "pending")
        posted, posted_reply = answered(3, "sent")
        # An answer written into the reply by hand (no audit row names it) stays as it was
        unlinked = Forwarding.objects.create(
            item=posted.item,
            to_unit=unit,
            due_at=AT,
            forwarded_by=comms,
            status="posted",
        )

        apps = migrate(AFTER)
        Forwarding = apps.get_model("moderation", "Forwarding")
        rows = {f.pk: (f.status, f.posted_with_id) for f in Forwarding.objects.all()}
        assert rows == {
            refused.pk: ("not_sent", refused_reply.pk),
            waiting.pk: ("sending", waiting_reply.pk),
            posted.pk: ("posted", posted_reply.pk),
            unlinked.pk: ("posted", None),
        }
    finally:
        migrate(migrate_latest())
