"""The internal deadline of a forwarded question escalates: at 75 % of the expert's time (in
opening hours) the expert is reminded, at the deadline the expert, the person who forwarded it
and the item's assignee hear that the answer is late. Each exactly once, whatever the number of
sweeps, and one bad row never stops the sweep."""

from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.languages import municipality_language
from governance.models import Membership, PersonPreference, Role
from moderation import escalation, sla, tasks
from moderation.deadlines import assign_deadlines, forwarding_warn_at
from moderation.models import (
    CrisisPeriod,
    Forwarding,
    ForwardingStatus,
    Notification,
)

from .support import adopt_policy, item, office_hours

pytestmark = pytest.mark.django_db

# Monday 16 November 2026, 09:00 UTC: 10:00 in Copenhagen, where the office is open 8–15.
MONDAY_10 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def utc(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setup(org, clock):
    adopt_policy(org.municipality)
    office_hours(org.municipality)
    return org


@pytest.fixture
def comms(client, setup):
    assert client.login(username="comms", password=PASSWORD)
    return client


def question(org, n=1, *, received=MONDAY_10):
    """An item on department A's page, assigned to the monitor, on its normal deadlines."""
    queue_item = item(
        org.channels["a"],
        f"Spørgsmål {n}",
        n=n,
        received=received,
        assigned_to=org.users["monitor"],
    )
    assign_deadlines(queue_item)
    queue_item.save()
    return queue_item


def forward(client, org, queue_item, due_at, *, to_user="expert"):
    response = client.post(
        f"/api/v1/items/{queue_item.pk}/forward/",
        {
            "to_unit": org.units["dept_a"].pk,
            "to_user": org.users[to_user].pk if to_user else None,
            "due_at": due_at.isoformat(),
            "note": "Kan I svare kort?",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Forwarding.objects.get(item=queue_item, status=ForwardingStatus.OPEN)


def sent(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_the_expert_is_reminded_at_75_percent_and_everyone_told_at_the_deadline(
    comms, setup, clock, django_capture_on_commit_callbacks
):
    org = setup
    queue_item = question(org)
    # The expert reads the product in English (chosen with the language switch)
    PersonPreference.objects.create(user=org.users["expert"], language="en")
    # Given a question forwarded at 10:00 local with an internal deadline at 14:00 local
    forwarding = forward(comms, org, queue_item, utc(16, 13))
    # Then the reminder is due after three of the four hours
    assert (forwarding.warn_at, forwarding.next_deadline, forwarding.escalation) == (
        utc(16, 12),
        utc(16, 12),
        0,
    )
    # A minute before, the sweep has nothing to do
    clock.move_to(utc(16, 11, 59))
    assert escalation.sweep().reminded == 0
    # At the reminder point the command reminds the expert, by e-mail too, once
    clock.move_to(utc(16, 12))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_sla", "--once", stdout=out)
    assert out.getvalue().strip() == "warned=0 breached=0 reminded=1 late=0 skipped=0 failed=0"
    assert sent("forward_reminder") == ["expert"]
    reminder = Notification.objects.get(kind="forward_reminder")
    assert reminder.message == (
        "A question forwarded to you waits for your answer: answer by 16/11/2026 14:00."
    )
    assert [m.to for m in mail.outbox] == [["expert@testby.example"]]
    # The e-mail names the item, the question, the team's note and the deadlines
    email = mail.outbox[0]
    assert email.subject == f"Internal deadline approaching: {org.channels['a'].label}"
    assert "Question: Spørgsmål 1" in email.body
    assert "Note from" in email.body and "Kan I svare kort?" in email.body
    assert "Answer the team by: 16/11/2026 14:00" in email.body
    assert "Times are in Europe/Copenhagen." in email.body
    assert queue_item.get_absolute_url() in email.body
    call_command("sweep_sla", "--once", stdout=StringIO())
    assert sent("forward_reminder") == ["expert"]
    # At the internal deadline the Celery task reports the late answer to the expert, the
    # person who forwarded it and the item's assignee, once
    clock.move_to(utc(16, 13))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_sla() == {
            "warned": 0,
            "breached": 0,
            "reminded": 0,
            "late": 1,
            "skipped": 0,
            "failed": 0,
        }
    assert tasks.sweep_sla()["late"] == 0
    assert sent("forward_late") == ["comms", "expert", "monitor"]
    # Each in their own language: the expert chose English, the others read the municipality's
    late = Notification.objects.get(kind="forward_late", user=org.users["expert"])
    assert late.item == queue_item
    assert late.message == (
        "The expert's answer from Afdeling A is late: it was due 16/11/2026 14:00. "
        "The item's own answer deadline is 17/11/2026 10:00."
    )
    told = Notification.objects.get(kind="forward_late", user=org.users["monitor"]).message
    assert told.startswith("Svaret fra fageksperten i Afdeling A er forsinket")
    assert sorted(m.to[0] for m in mail.outbox[1:]) == [
        "comms@testby.example",
        "expert@testby.example",
        "monitor@testby.example",
    ]
    forwarding.refresh_from_db()
    assert (forwarding.escalation, forwarding.next_deadline) == (2, None)
    assert list(
        AuditEntry.objects.filter(item=queue_item).order_by("id").values_list("action", flat=True)
    ) == ["forward", "forward_reminder", "forward_late"]
    assert AuditEntry.objects.get(action="forward_late").data["forwarding"] == forwarding.pk


def test_a_department_forwarding_reminds_every_expert_of_the_department(comms, setup, clock):
    org = setup
    second = get_user_model().objects.create_user("expert2", "expert2@testby.example", "x")
    Membership.objects.create(user=second, unit=org.units["dept_a"], role=Role.DEPARTMENT_EXPERT)
    forward(comms, org, question(org), utc(16, 13), to_user=None)
    clock.move_to(utc(16, 12, 30))
    assert escalation.sweep().reminded == 1
    assert sent("forward_reminder") == ["expert", "expert2"]
    clock.move_to(utc(16, 13, 30))
    assert escalation.sweep().late == 1
    assert sent("forward_late") == ["comms", "expert", "expert2", "monitor"]


def test_the_sweep_reports_straight_away_when_the_reminder_and_deadline_both_passed(
    comms, setup, clock
):
    org = setup
    forwarding = forward(comms, org, question(org), utc(16, 13))
    # The sweep did not run until after the internal deadline
    clock.move_to(utc(16, 15))
    result = escalation.sweep()
    assert (result.reminded, result.late) == (0, 1)
    forwarding.refresh_from_db()
    assert (forwarding.escalation, forwarding.next_deadline) == (2, None)
    assert escalation.sweep().late == 0


def test_an_answer_sent_back_in_time_stops_the_escalation(client, comms, setup, clock):
    org = setup
    queue_item = question(org)
    forwarding = forward(comms, org, queue_item, utc(16, 13))
    assert client.login(username="expert", password=PASSWORD)
    clock.move_to(utc(16, 11))
    response = client.post(
        f"/api/v1/forwardings/{forwarding.pk}/send-back/",
        {"answer": "Containerne tømmes tirsdag."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["internal_state"] == "met"
    forwarding.refresh_from_db()
    assert forwarding.next_deadline is None
    clock.move_to(utc(16, 14))
    result = escalation.sweep()
    assert (result.reminded, result.late) == (0, 0)
    assert not Notification.objects.filter(kind__startswith="forward_").exists()


def test_a_question_the_team_answered_itself_is_withdrawn_and_not_chased(
    client, comms, setup, clock
):
    org = setup
    queue_item = question(org)
    forwarding = forward(comms, org, queue_item, utc(16, 13))
    response = comms.post(
        f"/api/v1/items/{queue_item.pk}/reply/",
        {"text": "Vi har svaret selv.", "idempotency_key": "team-answer"},
        content_type="application/json",
    )
    assert response.status_code == 200
    forwarding.refresh_from_db()
    assert (forwarding.status, forwarding.next_deadline) == (ForwardingStatus.WITHDRAWN, None)
    clock.move_to(utc(16, 14))
    assert (escalation.sweep().reminded, escalation.sweep().late) == (0, 0)
    # The expert's page no longer asks for an answer
    assert client.login(username="expert", password=PASSWORD)
    page = client.get(reverse("moderation:forwarded"))
    assert page.context["open"] == []


def test_one_bad_row_never_stops_the_sweep(comms, setup, clock, monkeypatch):
    org = setup
    first = forward(comms, org, question(org, 1), utc(16, 13))
    second = forward(comms, org, question(org, 2), utc(16, 13))
    original = escalation._forwarding_reminder

    def broken(forwarding):
        if forwarding.pk == first.pk:
            raise RuntimeError("broken row")
        original(forwarding)

    monkeypatch.setattr(escalation, "_forwarding_reminder", broken)
    clock.move_to(utc(16, 12, 5))
    result = escalation.sweep()
    assert (result.reminded, result.failed) == (1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.escalation, first.next_deadline) == (0, utc(16, 12))
    assert (second.escalation, second.next_deadline) == (1, utc(16, 13))
    assert Notification.objects.filter(kind="forward_reminder").count() == 1
    # Once the fault is gone, the next sweep picks the row up, and only that one
    monkeypatch.setattr(escalation, "_forwarding_reminder", original)
    result = escalation.sweep()
    assert (result.reminded, result.failed) == (1, 0)
    assert Notification.objects.filter(kind="forward_reminder").count() == 2


def test_a_forwarding_claimed_by_another_sweeper_is_skipped(comms, setup, clock):
    org = setup
    forwarding = forward(comms, org, question(org), utc(16, 13))
    clock.move_to(utc(16, 12, 5))
    cursor = forwarding.next_deadline
    # Another sweeper reminded the expert after this one read the cursor
    Forwarding.objects.filter(pk=forwarding.pk).update(next_deadline=utc(16, 13), escalation=1)
    assert escalation._handle_forwarding(forwarding.pk, cursor, utc(16, 12, 5)) is None
    assert not Notification.objects.filter(kind="forward_reminder").exists()


def test_the_reminder_counts_opening_hours_over_a_weekend(comms, setup, clock):
    org = setup
    # Given a question received Friday 14:00 local, forwarded at once, due Monday 10:00 local
    friday = utc(20, 13)
    clock.move_to(friday)
    forwarding = forward(comms, org, question(org, received=friday), utc(23, 9))
    # Then the expert's open time is Friday 14–15 and Monday 8–10: 180 minutes, reminded
    # after 135 of them, Monday 09:15 local, not on Sunday
    assert forwarding.warn_at == utc(23, 8, 15)
    clock.move_to(utc(22, 12))
    assert escalation.sweep().reminded == 0
    clock.move_to(utc(23, 8, 15))
    assert escalation.sweep().reminded == 1


def test_in_round_the_clock_crisis_mode_the_reminder_counts_every_hour(comms, setup, clock):
    org = setup
    CrisisPeriod.objects.create(
        municipality=org.municipality,
        reason="Storm",
        target_percent=50,
        started_at=MONDAY_10,
        started_by=org.users["comms_lead"],
    )
    queue_item = question(org)
    # 12:00–20:00 local is three open hours and five closed ones; in crisis all eight count
    clock.move_to(utc(16, 11))
    forwarding = forward(comms, org, queue_item, utc(16, 19))
    assert forwarding.warn_at == utc(16, 17)


def test_forwarding_warn_at_falls_back_to_calendar_time_when_the_office_is_closed():
    calendar = sla.Calendar(
        timezone="Europe/Copenhagen",
        country="DK",
        opening_hours={d: [(time(8), time(15))] for d in range(5)},
        closing_days=[date(2026, 12, 24)],
    )
    # Forwarded in the evening, due the same evening: no open minute in between
    evening = utc(16, 17)
    assert forwarding_warn_at(evening, utc(16, 19), calendar) == utc(16, 18, 30)
    # Within opening hours: 75 % of the open minutes
    assert forwarding_warn_at(utc(16, 9), utc(16, 13), calendar) == utc(16, 12)
    # Round the clock: calendar time, whatever the opening hours
    assert forwarding_warn_at(utc(16, 9), utc(16, 13), calendar, round_the_clock=True) == utc(
        16, 12
    )
    assert forwarding_warn_at(utc(20, 13), utc(23, 9), calendar, round_the_clock=True) == utc(
        22, 16
    )
    # A deadline at or before the forwarding time is its own reminder point
    assert forwarding_warn_at(utc(16, 9), utc(16, 9), calendar) == utc(16, 9)


def test_the_internal_deadline_state_shows_on_the_expert_page_and_the_item_page(
    client, comms, setup, clock
):
    # (`comms` is the test client signed in as the team; it signs in as the expert below)
    org = setup
    queue_item = question(org)
    forward(comms, org, queue_item, utc(16, 13))
    assert client.login(username="expert", password=PASSWORD)
    clock.move_to(utc(16, 10))
    waiting = client.get(reverse("moderation:forwarded")).content.decode()
    assert "in 3\xa0hours" in waiting
    clock.move_to(utc(16, 12, 30))
    due_soon = client.get(reverse("moderation:forwarded")).content.decode()
    assert "due soon: in 30\xa0minutes" in due_soon
    assert "app-badge-warning" in due_soon
    clock.move_to(utc(16, 14))
    overdue = client.get(reverse("moderation:forwarded")).content.decode()
    assert "overdue by 1\xa0hour" in overdue
    api = client.get("/api/v1/forwardings/").json()
    assert [(row["internal_state"], row["warn_at"]) for row in api["results"]] == [
        ("overdue", "2026-11-16T13:00:00+01:00")
    ]
    # The team sees the same on the item page
    assert client.login(username="comms", password=PASSWORD)
    item_page = client.get(queue_item.get_absolute_url()).content.decode()
    assert "overdue by 1\xa0hour" in item_page


def test_an_idle_sweep_costs_three_queries_whatever_waits(
    comms, setup, clock, django_assert_num_queries
):
    org = setup
    for n in range(1, 6):
        forward(comms, org, question(org, n), utc(16, 13))
    with django_assert_num_queries(3):
        # 1. crisis periods on (none)  2. open items due now  3. open forwardings due now
        # (none: reminders at 12:00)
        result = escalation.sweep()
    assert (result.warned, result.breached, result.reminded, result.late) == (0, 0, 0, 0)


def test_each_reminder_costs_the_same_queries(comms, setup, clock):
    org = setup
    for n in range(1, 5):
        forward(comms, org, question(org, n), utc(16, 13))
    clock.move_to(utc(16, 12, 30))
    rows = Forwarding.objects.order_by("pk")
    cursor = rows[0].next_deadline

    def cost(forwarding):
        with CaptureQueriesContext(connection) as queries:
            assert escalation._handle_forwarding(forwarding.pk, cursor, utc(16, 12, 30)) == (1, 0)
        return len(queries)

    municipality_language()  # the notices' default language, cached before counting
    # Each row, whatever came before: 1. savepoint 2. the locked forwarding with its item,
    # channel and people 3. the recipients' own languages 4. the notification 5. the audit row
    # 6. the claim 7. release
    assert [cost(f) for f in rows] == [7, 7, 7, 7]


def test_open_forwardings_from_before_the_upgrade_get_a_cursor(setup, clock):
    from importlib import import_module

    from django.apps import apps

    org = setup
    queue_item = question(org)
    common = {
        "item": queue_item,
        "to_unit": org.units["dept_a"],
        "forwarded_by": org.users["comms"],
    }
    ahead = Forwarding.objects.create(due_at=utc(16, 13), **common)
    half = Forwarding.objects.create(due_at=utc(16, 9, 20), **common)
    missed = Forwarding.objects.create(due_at=utc(16, 8), **common)
    Forwarding.objects.filter(pk__in=[ahead.pk, half.pk, missed.pk]).update(
        forwarded_at=utc(16, 8, 0)
    )
    # The reminder of `half` fell at 09:00; its deadline is still ahead
    migration = import_module("moderation.migrations.0006_crisis_rejudge_forwarding_escalation")
    migration.start_internal_deadlines(apps, None)
    got = {
        f.pk: (f.warn_at, f.escalation, f.next_deadline)
        for f in Forwarding.objects.filter(pk__in=[ahead.pk, half.pk, missed.pk])
    }
    assert got == {
        ahead.pk: (utc(16, 11, 45), 0, utc(16, 11, 45)),
        half.pk: (utc(16, 9), 1, utc(16, 9, 20)),
        missed.pk: (utc(16, 8), 2, None),
    }
    # So the first sweep after the upgrade sends nothing stale
    result = escalation.sweep()
    assert (result.reminded, result.late) == (0, 0)
