"""Each action writes exactly one audit row for its change, with the changed fields' values
before and after (and nothing for the fields it left alone)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts import actions as registry
from accounts.models import Channel, ChannelRequest, ChannelStatus
from audit.models import AuditEntry
from governance import actions as governance
from governance.tests.policy_helpers import adopted_policy
from moderation import actions, outbox
from moderation.models import OutboxMessage
from moderation.tests.support import adopt_policy, item
from strategy.actions import save_goal
from strategy.forms import GoalForm
from strategy.models import Goal

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(org):
    version = adopt_policy(org.municipality)
    queue_item = item(org.channels["a"], "Hvornår tømmes containerne?", n=7)
    queue_item.policy_version = version
    queue_item.answer_due = timezone.now() + timedelta(days=1)
    queue_item.save()
    return queue_item


def the_one_row(before_count):
    """The single row written since `before_count` rows existed."""
    assert AuditEntry.objects.count() == before_count + 1
    return AuditEntry.objects.order_by("-id").first()


def test_assign_and_reassign_record_the_assignee_before_and_after(org, question):
    count = AuditEntry.objects.count()
    actions.assign(question, org.users["comms"], acting_user=org.users["comms_lead"])
    entry = the_one_row(count)
    assert (entry.action, entry.before, entry.after) == (
        "assign",
        {"assigned_to": None},
        {"assigned_to": org.users["comms"].pk},
    )
    assert (entry.object_type, entry.object_id, entry.item_id, entry.channel_id) == (
        "moderation.queueitem",
        question.pk,
        question.pk,
        org.channels["a"].pk,
    )

    actions.assign(question, org.users["comms_lead"], acting_user=org.users["comms_lead"])
    entry = the_one_row(count + 1)
    assert (entry.action, entry.before, entry.after) == (
        "reassign",
        {"assigned_to": org.users["comms"].pk},
        {"assigned_to": org.users["comms_lead"].pk},
    )


def test_close_records_the_status_reason_and_time(org, question):
    count = AuditEntry.objects.count()
    actions.close(question, "Ros", acting_user=org.users["comms"])
    question.refresh_from_db()
    entry = the_one_row(count)
    assert entry.action == "close"
    assert entry.before == {"status": "new", "closed_reason": "", "closed_at": None}
    assert entry.after == {
        "status": "closed",
        "closed_reason": "Ros",
        "closed_at": question.closed_at.isoformat(),
    }


def test_hide_is_one_row_and_the_confirmation_records_the_flag(org, question):
    count = AuditEntry.objects.count()
    actions.hide(question, "personal_attack", acting_user=org.users["comms"])
    entry = the_one_row(count)
    # The hide is asked for: the item changes when the platform confirms it.
    assert (entry.action, entry.reason, entry.before, entry.after) == (
        "hide",
        "personal_attack",
        {},
        {},
    )
    message = OutboxMessage.objects.select_related("item", "channel").get(item=question)
    outbox._mark_sent(message, "")
    confirmed = the_one_row(count + 1)
    assert (confirmed.action, confirmed.before, confirmed.after) == (
        "outbox.sent",
        {"hidden_on_platform": False},
        {"hidden_on_platform": True},
    )
    assert (confirmed.object_type, confirmed.object_id, confirmed.item_id) == (
        "moderation.outboxmessage",
        message.pk,
        question.pk,
    )


def test_approving_a_page_request_is_one_row_with_the_status_change(org):
    channel = Channel.objects.create(
        platform="instagram",
        name="Afdeling A på Instagram",
        scope="decentral",
        owner_unit=org.units["dept_a"],
        responsible=org.users["editor"],
        deputy=org.users["manager_a"],
        status=ChannelStatus.REQUESTED,
    )
    request = ChannelRequest.objects.create(
        channel=channel, requester=org.users["staff"], department=org.units["dept_a"]
    )
    count = AuditEntry.objects.count()
    registry.approve_request(request, acting_user=org.users["manager_a"], comment="God idé")
    entry = the_one_row(count)
    assert (entry.action, entry.note, entry.before, entry.after) == (
        "channel.request_approved",
        "God idé",
        {"status": "requested"},
        {"status": "approved"},
    )
    assert list(AuditEntry.objects.history_of(channel)) == [entry]


def test_adopting_a_policy_version_records_its_status_and_adoption(org):
    policy, first = adopted_policy(org)
    draft = governance.start_draft(policy, acting_user=org.users["comms_lead"])
    count = AuditEntry.objects.count()
    governance.adopt_version(
        draft,
        acting_user=org.users["comms_lead"],
        adopted_by="Byrådet",
        adopted_on=date(2026, 11, 20),
        reference="BR § 99/2026",
    )
    draft.refresh_from_db()
    entry = the_one_row(count)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "policy.adopt",
        "governance.policyversion",
        draft.pk,
    )
    assert entry.before["status"] == "draft"
    assert entry.after == {
        "status": "adopted",
        "adopted_by": "Byrådet",
        "adopted_on": "2026-11-20",
        "reference": "BR § 99/2026",
        "in_force_from": draft.in_force_from.isoformat(),
    }
    assert set(entry.before) == set(entry.after)
    assert entry.data["supersedes"] == first.pk


def test_changing_a_goal_records_only_the_changed_fields(org):
    goal = Goal.objects.create(
        title="Flere følgere",
        metric="followers",
        target_value=4000,
        start_date=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
    )
    goal.channels.set([org.channels["a"]])
    form = GoalForm(
        {
            "title": "Flere følgere",
            "metric": "followers",
            "target_value": "5000",
            "start_date": "2026-01-01",
            "deadline": "2026-12-31",
            "channels": [org.channels["a"].pk, org.channels["central"].pk],
        },
        instance=goal,
    )
    assert form.is_valid(), form.errors
    count = AuditEntry.objects.count()
    save_goal(form, acting_user=org.users["comms"])
    entry = the_one_row(count)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "strategy.goal_changed",
        "strategy.goal",
        goal.pk,
    )
    assert entry.before == {"target_value": 4000, "channels": [org.channels["a"].pk]}
    assert entry.after == {
        "target_value": 5000,
        "channels": sorted([org.channels["a"].pk, org.channels["central"].pk]),
    }


def test_a_pages_life_is_one_row_per_step(org):
    # (The registry used to write a history step and an audit row for each of these.)
    count = AuditEntry.objects.count()
    request = registry.request_channel(
        acting_user=org.users["staff"],
        platform="instagram",
        name="Afdeling A på Instagram",
        department=org.units["dept_a"],
        purpose="Vise hverdagen i afdelingen.",
        target_groups="Forældre",
        message="Små nyheder hver uge.",
        responsible=org.users["editor"],
        deputy=org.users["expert"],
    )
    channel = request.channel
    registry.approve_request(request, acting_user=org.users["manager_a"])
    registry.activate_channel(channel, acting_user=org.users["comms"])
    registry.update_channel(channel, acting_user=org.users["comms"], name="Afdeling A (IG)")
    registry.add_admin(
        channel, acting_user=org.users["manager_a"], user=org.users["editor"], platform_role="admin"
    )
    registry.verify_branding(channel, acting_user=org.users["comms"])
    registry.confirm_review(channel, acting_user=org.users["editor"])

    steps = list(AuditEntry.objects.filter(channel=channel).order_by("id"))
    assert AuditEntry.objects.count() == count + len(steps)
    assert [(s.action, s.before.get("status"), s.after.get("status")) for s in steps] == [
        ("channel.requested", None, "requested"),
        ("channel.request_approved", "requested", "approved"),
        ("channel.activated", "approved", "active"),
        ("channel.edited", None, None),
        ("channel.admin_added", None, None),
        ("channel.branding_verified", None, None),
        ("channel.review_confirmed", None, None),
    ]
    assert (steps[3].before, steps[3].after) == (
        {"name": "Afdeling A på Instagram"},
        {"name": "Afdeling A (IG)"},
    )
    assert steps[5].after["branding_verified_by"] == org.users["comms"].pk
    assert steps[6].before == {"last_review_at": None}


def test_the_channel_page_shows_the_change_in_words(client, org, settings):
    from django.urls import reverse

    from core.testing import PASSWORD

    channel = org.channels["a"]
    registry.update_channel(channel, acting_user=org.users["comms"], name="Afdeling A (FB)")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    client.login(username="comms", password=PASSWORD)
    page = client.get(reverse("accounts:channel-detail", args=[channel.pk])).content.decode()
    # the action and the field by their Danish labels
    assert "Oplysninger ændret" in page
    assert "navn: Afdeling A på Facebook → Afdeling A (FB)" in page


def test_the_audit_api_lists_the_change_and_filters_by_object_type(client, org, question):
    from core.testing import PASSWORD

    actions.assign(question, org.users["comms"], acting_user=org.users["comms_lead"])
    client.login(username="comms", password=PASSWORD)
    body = client.get("/api/v1/audit/", {"object_type": "moderation.queueitem"}).json()
    assert [(r["action"], r["object_id"], r["before"], r["after"]) for r in body["results"]] == [
        ("assign", question.pk, {"assigned_to": None}, {"assigned_to": org.users["comms"].pk})
    ]
    assert client.get("/api/v1/audit/", {"object_type": "strategy.goal"}).json()["count"] == 0
