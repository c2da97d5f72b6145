"""The answer routine's actions: each changes the item, writes its audit row and queues platform
writes through the outbox only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from moderation import actions
from moderation.actions import ActionError
from moderation.models import (
    CrisisPeriod,
    Forwarding,
    ForwardingStatus,
    ItemStatus,
    Notification,
    OutboxMessage,
    QueueItem,
    Record,
)

from .support import adopt_policy, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(org):
    return adopt_policy(org.municipality)


@pytest.fixture
def question(org, version):
    queue_item = item(org.channels["a"], "Hvornår tømmes containerne?", n=7)
    queue_item.policy_version = version
    queue_item.answer_due = timezone.now() + timedelta(days=1)
    queue_item.save()
    return queue_item


def test_acknowledge_is_the_first_response(org, question):
    actions.acknowledge(question, acting_user=org.users["comms"], note="Vi kigger på det")
    question.refresh_from_db()
    assert question.status == ItemStatus.ACKNOWLEDGED
    assert question.first_responded_at is not None
    entry = AuditEntry.objects.get(item=question, action="acknowledge")
    assert (entry.actor, entry.note, entry.policy_version) == (
        org.users["comms"],
        "Vi kigger på det",
        question.policy_version,
    )


def test_forward_answer_and_post(org, question):
    # Given a question forwarded to the department's expert
    due = timezone.now() + timedelta(hours=4)
    forwarding = actions.forward(
        question,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=due,
        acting_user=org.users["comms"],
        note="Kan du svare?",
    )
    question.refresh_from_db()
    assert question.status == ItemStatus.FORWARDED
    assert Notification.objects.get(user=org.users["expert"]).kind == "forwarded"
    # When the expert sends an answer back
    actions.send_back(
        forwarding, "Containerne tømmes hver tirsdag.", acting_user=org.users["expert"]
    )
    forwarding.refresh_from_db()
    assert forwarding.status == ForwardingStatus.ANSWERED
    # And the team posts it
    actions.reply(
        question,
        forwarding.answer_text,
        acting_user=org.users["comms"],
        idempotency_key=f"reply-{question.pk}",
        forwarding=forwarding,
    )
    # Then the reply is in the outbox, the item is sending (its deadline still running), the
    # expert's answer on its way with it (posted once the platform confirms it)
    question.refresh_from_db()
    forwarding.refresh_from_db()
    message = OutboxMessage.objects.get(item=question)
    assert (message.kind, message.text) == ("reply", "Containerne tømmes hver tirsdag.")
    assert question.status == ItemStatus.SENDING
    assert question.answered_at is None
    assert question.next_deadline is not None
    assert forwarding.status == ForwardingStatus.SENDING
    assert forwarding.posted_with == message
    assert list(
        AuditEntry.objects.filter(item=question).order_by("id").values_list("action", flat=True)
    ) == ["forward", "send_back", "reply"]


def test_the_internal_deadline_must_fall_inside_the_sla(org, question):
    with pytest.raises(ActionError, match="before the answer deadline"):
        actions.forward(
            question,
            to_unit=org.units["dept_a"],
            due_at=question.answer_due + timedelta(minutes=1),
            acting_user=org.users["comms"],
        )
    assert Forwarding.objects.count() == 0
    question.refresh_from_db()
    assert question.status == ItemStatus.NEW


def test_an_expert_from_another_department_is_refused(org, question):
    from governance.models import Membership, Role

    Membership.objects.create(
        user=org.users["editor"], unit=org.units["dept_b"], role=Role.DEPARTMENT_EXPERT
    )
    with pytest.raises(ActionError, match="Only a department expert of that department"):
        actions.forward(
            question,
            to_unit=org.units["dept_b"],
            to_user=org.users["expert"],
            due_at=timezone.now() + timedelta(hours=1),
            acting_user=org.users["comms"],
        )


def test_close_needs_a_reason(org, question):
    with pytest.raises(ActionError):
        actions.close(question, "  ", acting_user=org.users["comms"])
    actions.close(question, "Ros, intet spørgsmål", acting_user=org.users["comms"])
    question.refresh_from_db()
    assert (question.status, question.closed_reason) == (ItemStatus.CLOSED, "Ros, intet spørgsmål")
    with pytest.raises(ActionError, match="no longer open"):
        actions.acknowledge(question, acting_user=org.users["comms"])


def test_assign_and_reassign_are_audited(org, question):
    actions.assign(question, org.users["monitor"], acting_user=org.users["comms"])
    actions.assign(question, org.users["editor"], acting_user=org.users["comms"])
    assert list(
        AuditEntry.objects.filter(item=question).order_by("id").values_list("action", "data")
    ) == [
        ("assign", {"to": org.users["monitor"].pk, "was": None}),
        ("reassign", {"to": org.users["editor"].pk, "was": org.users["monitor"].pk}),
    ]


def test_hide_only_with_a_reason_from_the_policy(org, question):
    with pytest.raises(ActionError, match="policy"):
        actions.hide(question, "made_up", acting_user=org.users["comms"])
    assert OutboxMessage.objects.count() == 0
    actions.hide(question, "personal_attack", acting_user=org.users["comms"])
    assert OutboxMessage.objects.get(item=question).kind == "hide"
    assert AuditEntry.objects.get(action="hide").reason == "personal_attack"
    actions.unhide(question, acting_user=org.users["comms"])
    assert OutboxMessage.objects.filter(item=question, kind="unhide").count() == 1


def test_delete_needs_the_author_told_and_a_record_first(org, question):
    comms = org.users["comms"]
    with pytest.raises(ActionError, match="Tell the author"):
        actions.delete(question, "personal_attack", acting_user=comms)
    actions.tell_author(
        question,
        "personal_attack",
        "Dit indlæg fjernes: det angriber en person.",
        acting_user=comms,
    )
    with pytest.raises(ActionError, match="record"):
        actions.delete(question, "personal_attack", acting_user=comms)
    assert OutboxMessage.objects.filter(kind="delete").count() == 0
    actions.capture_record(question, acting_user=comms, subject="Personangreb")
    actions.delete(question, "personal_attack", acting_user=comms)
    # Removed only when the platform confirms the deletion; the deletion waits for the notice
    question.refresh_from_db()
    assert question.status == ItemStatus.NEW
    notice, deletion = OutboxMessage.objects.filter(item=question).order_by("id")
    assert (notice.kind, deletion.kind, deletion.reason) == ("notice", "delete", "personal_attack")
    assert deletion.waits_for == notice


def test_a_record_is_immutable_and_keeps_the_unmasked_text_apart(org, question):
    question.text = "Mit CPR er 070761-4285"
    question.save()
    record = actions.capture_record(
        question, acting_user=org.users["comms"], subject="Affald", case_number="2026-123"
    )
    assert record.text == "Mit CPR er ██████-████"
    assert record.text_unmasked == "Mit CPR er 070761-4285"
    record.text = "changed"
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        Record.objects.filter(pk=record.pk).update(text="changed")
    with pytest.raises(ValidationError):
        record.delete()
    record.refresh_from_db()
    actions.update_record(record, acting_user=org.users["comms"], classification="27.00.00")
    record.refresh_from_db()
    assert (record.text, record.classification) == ("Mit CPR er ██████-████", "27.00.00")
    with pytest.raises(ActionError, match="already"):
        actions.capture_record(question, acting_user=org.users["comms"])


def test_crisis_mode_on_and_off_is_logged(org, version):
    period = actions.start_crisis(
        org.municipality, acting_user=org.users["comms_lead"], reason="Oversvømmelse"
    )
    with pytest.raises(ActionError, match="already on"):
        actions.start_crisis(org.municipality, acting_user=org.users["comms_lead"], reason="x")
    assert {n.user.username for n in Notification.objects.filter(kind="crisis")} == {
        "comms",
        "comms_lead",
        "monitor",
    }
    actions.end_crisis(org.municipality, acting_user=org.users["comms_lead"])
    period.refresh_from_db()
    assert period.ended_at is not None
    assert CrisisPeriod.objects.filter(ended_at__isnull=True).count() == 0
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "crisis_on",
        "crisis_off",
    ]


def test_reply_needs_text_and_loses_nothing(org, question):
    with pytest.raises(ActionError):
        actions.reply(question, " ", acting_user=org.users["comms"], idempotency_key="k")
    assert QueueItem.objects.get(pk=question.pk).status == ItemStatus.NEW
    assert OutboxMessage.objects.count() == 0
