"""The captured part of records is kept as written (the audit trail's guard is tested in
audit/tests/test_append_only.py): the ORM refuses a
change early, and the database refuses it too (raw SQL, bulk paths). Only `manage.py flush`
empties the tables (the test runner's reset between transactional tests)."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEntry
from core.append_only import AppendOnlyError
from moderation import actions
from moderation.models import Record

from .support import adopt_policy, item

REFUSED = "append-only"


def raw(sql, params):
    # In a savepoint: on PostgreSQL a refused statement spoils the rest of the transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def captured(org):
    adopt_policy(org.municipality)
    question = item(org.channels["a"], "Mit CPR er 070761-4285", n=7)
    return actions.capture_record(question, acting_user=org.users["comms"], subject="Affald")


def stored(model, pk):
    return model.objects.filter(pk=pk).values().get()


@pytest.mark.django_db
def test_the_orm_refuses_to_change_a_records_capture_or_delete_it(org):
    record = captured(org)
    before = stored(Record, record.pk)
    with pytest.raises(AppendOnlyError, match=REFUSED):
        Record.objects.filter(pk=record.pk).update(text="Ændret")
    with pytest.raises(AppendOnlyError, match=REFUSED):
        Record.objects.filter(pk=record.pk).update(captured_by=org.users["comms_lead"])
    with pytest.raises(AppendOnlyError, match=REFUSED):
        Record.objects.filter(pk=record.pk).delete()
    record.text_unmasked = "Ændret"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    assert stored(Record, record.pk) == before


@pytest.mark.django_db
def test_the_database_refuses_to_change_a_records_capture_or_delete_it(org):
    record = captured(org)
    before = stored(Record, record.pk)
    for column, value in [
        ("text", "Ændret"),
        ("text_unmasked", "Ændret"),
        ("author_name", "En anden"),
        ("received_at", timezone.now()),
        ("captured_by_id", org.users["comms_lead"].pk),
    ]:
        with pytest.raises(IntegrityError, match=REFUSED):
            raw(f"UPDATE moderation_record SET {column} = %s WHERE id = %s", [value, record.pk])
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("DELETE FROM moderation_record WHERE id = %s", [record.pk])
    assert stored(Record, record.pk) == before


@pytest.mark.django_db
def test_a_records_metadata_and_export_time_may_be_completed(org):
    # The archive metadata is filled in after the capture: by the action, in bulk, in raw SQL,
    # and by a full save that writes the unchanged captured columns back as they were.
    record = captured(org)
    actions.update_record(record, acting_user=org.users["comms"], case_number="2026-123")
    assert Record.objects.filter(pk=record.pk).update(exported_at=timezone.now()) == 1
    assert raw("UPDATE moderation_record SET classification = %s WHERE id = %s", ["27", record.pk])
    record = Record.objects.get(pk=record.pk)
    record.sender = "Borger"
    record.save()
    record.refresh_from_db()
    assert (record.case_number, record.classification, record.sender) == (
        "2026-123",
        "27",
        "Borger",
    )
    assert record.exported_at is not None
    assert record.text == "Mit CPR er ██████-████"


@pytest.mark.django_db
def test_a_full_save_writes_a_captured_thread_back_unchanged(org):
    # SQLite keeps JSON as text: the trigger compares the text a full save writes back.
    question = item(org.channels["a"], "Hvornår?", n=8)
    record = Record.objects.create(
        item=question,
        platform="facebook",
        external_id="t-8",
        channel_name="Afdeling A",
        text="Hvornår?",
        text_unmasked="Hvornår?",
        created_at=question.created_at,
        received_at=question.received_at,
        thread=[{"author": "Søren Ærø", "text": 'Øv – "svar" 💬', "score": 1.5, "n": None}],
        replies=[{"text": "Tak for dit spørgsmål", "at": "2026-11-16T10:00:00+00:00"}],
        captured_at=timezone.now(),
        captured_by=org.users["comms"],
    )
    record = Record.objects.get(pk=record.pk)
    record.subject = "Svømmehal"
    record.save()
    assert Record.objects.get(pk=record.pk).subject == "Svømmehal"


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_kept_tables(org):
    # The test runner resets the database between transactional tests with `flush`
    # (PostgreSQL: TRUNCATE, which fires no row triggers; SQLite: DELETE with the triggers
    # lifted for the flush only).
    record = captured(org)
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("DELETE FROM moderation_record WHERE id = %s", [record.pk])

    call_command("flush", interactive=False, verbosity=0)

    assert not Record.objects.exists()
    assert not AuditEntry.objects.exists()
