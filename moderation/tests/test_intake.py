"""What happens to new items right after they are stored."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from moderation.deadlines import calendar_for
from moderation.intake import on_new_items
from moderation.models import Absence, CrisisPeriod, OutboxMessage, QueueItem

from .support import MONDAY, adopt_policy, item, rota

pytestmark = pytest.mark.django_db

CPR = "070761-4285"  # a valid-looking Danish CPR number (check digit holds)


@pytest.fixture
def team(org):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    first = org.users["monitor"]
    second = User.objects.create_user(username="monitor2")
    return rota(org.units["comms"], [first, second], deputies={"monitor": second})


def test_new_items_get_deadlines_and_the_monitor_on_duty(org, team):
    # Given a policy and a rota for the communications team
    version = adopt_policy(org.municipality)
    queue_item = item(org.channels["central"])
    # When the pipeline reports the new item
    done = on_new_items([queue_item.pk])
    # Then it has deadlines and is assigned to this week's monitor
    queue_item.refresh_from_db()
    assert done == {"deadlines": 1, "personal_data": 0, "hidden": 0, "assigned": 1}
    assert queue_item.answer_due == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    assert queue_item.policy_version_id == version.pk
    assert queue_item.assigned_to == org.users["monitor"]
    entry = AuditEntry.objects.get(item=queue_item, action="assign")
    assert entry.reason == "on_duty"
    assert entry.policy_version_id == version.pk


def test_a_second_call_changes_nothing(org, team):
    adopt_policy(org.municipality)
    queue_item = item(org.channels["central"], f"Mit CPR er {CPR}")
    on_new_items([queue_item.pk])
    done = on_new_items([queue_item.pk])
    assert done == {"deadlines": 0, "personal_data": 0, "hidden": 0, "assigned": 0}
    assert AuditEntry.objects.filter(item=queue_item).count() == 2
    assert OutboxMessage.objects.filter(item=queue_item).count() == 1


def test_personal_data_is_flagged_and_hidden_through_the_outbox(org, team):
    adopt_policy(org.municipality)
    queue_item = item(org.channels["central"], f"Mit CPR er {CPR}, hjælp")
    done = on_new_items([queue_item.pk])
    queue_item.refresh_from_db()
    assert done["personal_data"] == 1 and done["hidden"] == 1
    assert queue_item.has_personal_data is True
    assert queue_item.masked_text == "Mit CPR er ██████-████, hjælp"
    message = OutboxMessage.objects.get(item=queue_item)
    assert message.kind == "hide"
    entry = AuditEntry.objects.get(item=queue_item, action="personal_data_found")
    assert entry.data == {"countries": ["DK"], "hide_queued": True}


def test_personal_data_on_a_platform_without_hiding_is_flagged_only(org, team):
    adopt_policy(org.municipality)
    org.channels["central"].platform = "linkedin"
    org.channels["central"].save()
    queue_item = item(org.channels["central"], f"CPR {CPR}")
    done = on_new_items([queue_item.pk])
    assert done["personal_data"] == 1 and done["hidden"] == 0
    assert OutboxMessage.objects.filter(item=queue_item).count() == 0


def test_an_absent_monitors_deputy_takes_over(org, team):
    adopt_policy(org.municipality)
    today = timezone.localdate()
    Absence.objects.create(user=org.users["monitor"], starts_on=today, ends_on=today)
    team.starts_on = today
    team.save()
    queue_item = item(org.channels["central"])
    on_new_items([queue_item.pk])
    queue_item.refresh_from_db()
    assert queue_item.assigned_to.username == "monitor2"


def test_decentral_channels_fall_back_to_the_communications_team(org, team):
    adopt_policy(org.municipality)
    queue_item = item(org.channels["a"])
    on_new_items([queue_item.pk])
    queue_item.refresh_from_db()
    assert queue_item.assigned_to is not None


def test_a_departments_own_rota_comes_first(org, team):
    adopt_policy(org.municipality)
    rota(org.units["dept_a"], [org.users["editor"]], starts_on=date(2026, 1, 1))
    queue_item = item(org.channels["a"])
    on_new_items([queue_item.pk])
    queue_item.refresh_from_db()
    assert queue_item.assigned_to == org.users["editor"]


def test_in_crisis_mode_the_whole_team_gets_items_in_turn(org, team):
    adopt_policy(org.municipality)
    CrisisPeriod.objects.create(
        municipality=org.municipality,
        reason="Storm",
        started_at=timezone.now(),
        started_by=org.users["comms_lead"],
    )
    items = [item(org.channels["central"], n=n) for n in range(4)]
    on_new_items([i.pk for i in items])
    assigned = list(
        QueueItem.objects.filter(pk__in=[i.pk for i in items])
        .order_by("pk")
        .values_list("assigned_to__username", flat=True)
    )
    assert assigned == ["monitor", "monitor2", "monitor", "monitor2"]


def test_big_batches_cost_a_fixed_number_of_queries(org, team, django_assert_max_num_queries):
    adopt_policy(org.municipality)
    calendar_for(org.municipality)  # built once per municipality and process, then cached
    small = [item(org.channels["central"], n=n).pk for n in range(2)]
    big = [item(org.channels["central"], n=n).pk for n in range(10, 60)]
    # (+3 for the cheap first pass that picks the rows needing work, the rota check and the
    # municipality's enabled inbox rules; +1 for the team's alert destinations of the assigned
    # items)
    with django_assert_max_num_queries(20) as small_run:
        on_new_items(small)
    with django_assert_max_num_queries(20) as big_run:
        on_new_items(big)
    assert len(big_run.captured_queries) == len(small_run.captured_queries)


def test_received_before_is_untouched_by_a_later_rule_change(org, team):
    # Items keep the deadlines they were judged by: an item with dues is not recomputed.
    adopt_policy(org.municipality)
    queue_item = item(org.channels["central"], received=MONDAY)
    on_new_items([queue_item.pk])
    queue_item.refresh_from_db()
    due = queue_item.answer_due
    on_new_items([queue_item.pk])
    queue_item.refresh_from_db()
    assert queue_item.answer_due == due


def test_rows_with_nothing_to_do_are_left_alone(org):
    # Given items that already have deadlines, no personal data and no rota to assign from
    adopt_policy(org.municipality)
    plain = item(org.channels["central"], n=1)
    on_new_items([plain.pk])
    plain.refresh_from_db()
    assert plain.next_deadline is not None
    flagged_before = plain.has_personal_data

    # When the intake sees them again, and one new item carries a personal ID number
    sensitive = item(org.channels["central"], n=2)
    QueueItem.objects.filter(pk=sensitive.pk).update(text="Mit cpr er 211062-5629")
    done = on_new_items([plain.pk, sensitive.pk])

    # Then only that one is worked on
    assert done["personal_data"] == 1
    plain.refresh_from_db()
    assert plain.has_personal_data is flagged_before is False
    sensitive.refresh_from_db()
    assert sensitive.has_personal_data is True
