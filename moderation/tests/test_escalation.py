"""The SLA escalation sweep and its command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from moderation import escalation
from moderation.escalation import sweep
from moderation.models import Notification, QueueItem

from .support import item

pytestmark = pytest.mark.django_db


def _due_item(org, channel_key, *, warn_in, due_in, n=1):
    now = timezone.now()
    queue_item = item(org.channels[channel_key], n=n, assigned_to=org.users["monitor"])
    queue_item.answer_warn_at = now + warn_in
    queue_item.answer_due = now + due_in
    queue_item.next_deadline = min(queue_item.answer_warn_at, queue_item.answer_due)
    queue_item.save()
    return queue_item


def test_at_75_percent_the_assignee_is_warned_once(org, django_capture_on_commit_callbacks):
    queue_item = _due_item(org, "central", warn_in=timedelta(minutes=-1), due_in=timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    assert (result.warned, result.breached) == (1, 0)
    assert list(Notification.objects.values_list("user__username", "kind")) == [
        ("monitor", "sla_warning")
    ]
    assert len(mail.outbox) == 1
    queue_item.refresh_from_db()
    assert queue_item.answer_escalation == 1
    assert queue_item.next_deadline == queue_item.answer_due
    # A second sweep finds nothing to do
    assert sweep().warned == 0
    assert Notification.objects.count() == 1


def test_a_missed_deadline_on_a_central_channel_goes_to_owner_and_lead(org):
    _due_item(org, "central", warn_in=timedelta(hours=-2), due_in=timedelta(minutes=-1))
    result = sweep()
    assert result.breached == 1
    assert set(
        Notification.objects.filter(kind="sla_breach").values_list("user__username", flat=True)
    ) == {"monitor", "comms_lead", "comms"}
    assert AuditEntry.objects.filter(action="sla_breach").count() == 1


def test_a_missed_deadline_on_a_decentral_channel_goes_to_the_centre_manager(org):
    _due_item(org, "a", warn_in=timedelta(hours=-2), due_in=timedelta(minutes=-1))
    sweep()
    assert set(
        Notification.objects.filter(kind="sla_breach").values_list("user__username", flat=True)
    ) == {"monitor", "editor", "manager_a"}


def test_answered_and_future_items_are_not_touched(org):
    future = _due_item(org, "central", warn_in=timedelta(hours=1), due_in=timedelta(hours=2), n=1)
    answered = _due_item(
        org, "central", warn_in=timedelta(hours=-2), due_in=timedelta(hours=-1), n=2
    )
    QueueItem.objects.filter(pk=answered.pk).update(status="answered")
    result = sweep()
    assert (result.warned, result.breached) == (0, 0)
    assert Notification.objects.count() == 0
    future.refresh_from_db()
    assert future.answer_escalation == 0


def test_one_bad_row_never_stops_the_sweep(org, monkeypatch):
    first = _due_item(org, "central", warn_in=timedelta(minutes=-5), due_in=timedelta(hours=1), n=1)
    second = _due_item(
        org, "central", warn_in=timedelta(minutes=-1), due_in=timedelta(hours=1), n=2
    )
    original = escalation._warn

    def broken(queue_item, prefix):
        if queue_item.pk == first.pk:
            raise RuntimeError("broken row")
        original(queue_item, prefix)

    monkeypatch.setattr(escalation, "_warn", broken)
    result = sweep()
    assert (result.warned, result.failed) == (1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.answer_escalation, second.answer_escalation) == (0, 1)


def test_a_row_claimed_by_another_sweeper_is_skipped(org):
    queue_item = _due_item(org, "central", warn_in=timedelta(minutes=-1), due_in=timedelta(hours=1))
    cursor = queue_item.next_deadline
    # Another sweeper moved the cursor after we read it
    QueueItem.objects.filter(pk=queue_item.pk).update(next_deadline=cursor + timedelta(seconds=1))
    assert escalation._handle(queue_item.pk, cursor, timezone.now()) is None
    assert Notification.objects.count() == 0


def test_the_command_runs_one_sweep(org):
    _due_item(org, "central", warn_in=timedelta(minutes=-1), due_in=timedelta(hours=1))
    out = StringIO()
    call_command("sweep_sla", "--once", stdout=out)
    assert out.getvalue().strip() == "warned=1 breached=0 reminded=0 late=0 skipped=0 failed=0"
