"""The audit trail is kept as written: the ORM refuses a change early, and the database refuses
it too (raw SQL, bulk paths, a path that skips the queryset). Only `manage.py flush` empties the
table (the test runner's reset between transactional tests)."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEntry
from core.append_only import AppendOnlyError

REFUSED = "append-only"


def raw(sql, params):
    # In a savepoint: on PostgreSQL a refused statement spoils the rest of the transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def audit_entry(org):
    return AuditEntry.objects.create(
        action="acknowledge",
        actor=org.users["comms"],
        channel=org.channels["a"],
        note="Set",
        before={"status": "new"},
        after={"status": "acknowledged"},
    )


def stored(pk):
    return AuditEntry.objects.filter(pk=pk).values().get()


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_audit_entries(org):
    entry = audit_entry(org)
    before = stored(entry.pk)
    with pytest.raises(AppendOnlyError, match=REFUSED):
        AuditEntry.objects.filter(pk=entry.pk).update(note="Rettet")
    with pytest.raises(AppendOnlyError, match=REFUSED):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError, match=REFUSED):
        AuditEntry.objects.filter(channel=org.channels["a"]).delete()
    # (bulk_update runs in a transaction of its own that the refusal spoils: a savepoint here)
    with pytest.raises(AppendOnlyError, match=REFUSED), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["note"])
    entry.after = {"status": "closed"}
    with pytest.raises(AppendOnlyError, match=REFUSED):
        entry.save()
    with pytest.raises(AppendOnlyError, match=REFUSED):
        entry.delete()
    assert stored(entry.pk) == before


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_audit_entries(org):
    entry = audit_entry(org)
    before = stored(entry.pk)
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("UPDATE audit_auditentry SET note = %s WHERE id = %s", ["Rettet", entry.pk])
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("UPDATE audit_auditentry SET after = %s WHERE id = %s", ["{}", entry.pk])
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    # A path that skips the queryset's guard (what a cascade or a bulk delete uses)
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk)._raw_delete(connection.alias)
    assert stored(entry.pk) == before


@pytest.mark.django_db
def test_the_triggers_exist_after_the_migrations():
    # SQLite drops a table's triggers when a migration rebuilds it: a later migration altering
    # the table must create them again.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["audit_auditentry"],
            )
            expected = {"audit_auditentry_no_update", "audit_auditentry_no_delete"}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass "
                "AND NOT tgisinternal"
            )
            expected = {"audit_auditentry_append_only"}
        assert {row[0] for row in cursor.fetchall()} == expected


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_audit_trail(org):
    entry = audit_entry(org)
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEntry.objects.exists()
    # and the guard is back once the flush is over
    again = AuditEntry.objects.create(action="acknowledge")
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [again.pk])
