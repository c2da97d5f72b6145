"""Crisis mode re-judges the items already waiting: switched on through the crisis page or the
API, every open item's deadlines are tightened by the crisis targets (never later than they
were); switched off, the items on crisis targets go back to the normal answer times. The
escalation sweep then acts on the new deadlines, once."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Channel, ChannelScope, ChannelStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.languages import municipality_language
from governance.models import Municipality, OrgUnit, UnitKind
from moderation import actions
from moderation.deadlines import DeadlineCalculator, assign_deadlines
from moderation.escalation import sweep
from moderation.models import CrisisPeriod, ItemStatus, Notification, QueueItem

from .support import MONDAY, adopt_policy, item

pytestmark = pytest.mark.django_db

# Monday 16 November 2026, 09:30 UTC (10:30 in Copenhagen); the items came in at 09:00.
NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def at(hour, minute=0, day=16):
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def waiting(org, clock):
    """The open items of the scenario, judged by the normal rules when they came in.

    Facebook: first response 60 calendar minutes, answer one weekday; Instagram: answer 8
    calendar hours. Crisis mode at 25 % round the clock makes those 15 minutes, 6 hours and 2
    hours of real time.
    """
    adopt_policy(org.municipality)
    # The organisation's own sample items are not part of this scenario.
    QueueItem.objects.filter(pk__in=[i.pk for i in org.items.values()]).update(
        status=ItemStatus.CLOSED
    )
    monitor = org.users["monitor"]
    made = {
        "new": item(org.channels["central"], "Ny", n=1, assigned_to=monitor),
        "acknowledged": item(org.channels["central"], "Set", n=2, assigned_to=monitor),
        "instagram": item(org.channels["b"], "Insta", n=3, assigned_to=monitor),
        "stricter": item(org.channels["central"], "Strammere", n=4, assigned_to=monitor),
        "closed": item(org.channels["central"], "Lukket", n=5, assigned_to=monitor),
    }
    for queue_item in made.values():
        assign_deadlines(queue_item)
        queue_item.save()
    # The first response was given before the crisis.
    QueueItem.objects.filter(pk=made["acknowledged"].pk).update(
        status=ItemStatus.ACKNOWLEDGED, first_responded_at=at(9, 20)
    )
    # Judged by an earlier, stricter rule: its answer is due sooner than a crisis would make it.
    QueueItem.objects.filter(pk=made["stricter"].pk).update(
        status=ItemStatus.ACKNOWLEDGED,
        first_responded_at=at(9, 10),
        answer_warn_at=at(10, 0),
        answer_due=at(10, 30),
        next_deadline=at(10, 0),
    )
    QueueItem.objects.filter(pk=made["closed"].pk).update(status=ItemStatus.CLOSED)
    return made


def deadlines(queue_item):
    queue_item.refresh_from_db()
    return {
        "first_response_warn_at": queue_item.first_response_warn_at,
        "first_response_due": queue_item.first_response_due,
        "answer_warn_at": queue_item.answer_warn_at,
        "answer_due": queue_item.answer_due,
        "next_deadline": queue_item.next_deadline,
        "escalation": (queue_item.first_response_escalation, queue_item.answer_escalation),
        "crisis": queue_item.crisis_id,
    }


NORMAL_FACEBOOK = {
    "first_response_warn_at": at(9, 45),
    "first_response_due": at(10, 0),
    "answer_warn_at": at(3, 0, day=17),
    "answer_due": at(9, 0, day=17),
}


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)
    return client


def test_switching_on_in_the_crisis_page_tightens_every_open_item(client, org, waiting):
    # Given the open items on their normal deadlines
    assert {k: v for k, v in deadlines(waiting["new"]).items() if k in NORMAL_FACEBOOK} == (
        NORMAL_FACEBOOK
    )
    closed_before = deadlines(waiting["closed"])
    stricter_before = deadlines(waiting["stricter"])
    # When the communications lead switches crisis mode on at 25 %, round the clock
    login(client, "comms_lead")
    response = client.post(
        reverse("moderation:crisis"),
        {"reason": "Storm over kommunen", "target_percent": 25, "round_the_clock": "on"},
        follow=True,
    )
    # Then the new item's targets count from its received time, 09:00: 15 minutes and 6 hours
    period = CrisisPeriod.objects.get()
    assert deadlines(waiting["new"]) == {
        "first_response_warn_at": at(9, 11),
        "first_response_due": at(9, 15),
        "answer_warn_at": at(13, 30),
        "answer_due": at(15, 0),
        # Already past: the next sweep reports the missed first response
        "next_deadline": at(9, 11),
        "escalation": (0, 0),
        "crisis": period.pk,
    }
    # The first response given before the crisis keeps its deadline; the answer is tightened
    assert deadlines(waiting["acknowledged"]) == {
        "first_response_warn_at": at(9, 45),
        "first_response_due": at(10, 0),
        "answer_warn_at": at(13, 30),
        "answer_due": at(15, 0),
        "next_deadline": at(13, 30),
        "escalation": (0, 0),
        "crisis": period.pk,
    }
    # Instagram: 8 calendar hours become 2
    instagram = deadlines(waiting["instagram"])
    assert (instagram["answer_warn_at"], instagram["answer_due"]) == (at(10, 30), at(11, 0))
    # No deadline moves later, and closed items are not touched
    assert deadlines(waiting["stricter"]) == stricter_before
    assert deadlines(waiting["closed"]) == closed_before
    # The page says so, translated strings and all
    assert response.status_code == 200
    page = response.content.decode()
    assert "Crisis mode is on. The deadlines of 3 open items were tightened." in page
    assert "When it started, the deadlines of 3 open items were tightened." in page
    assert period.tightened_items == 3
    entry = AuditEntry.objects.get(action="crisis_on")
    assert (entry.actor, entry.data["rejudged"], entry.data["open_items"]) == (
        org.users["comms_lead"],
        3,
        4,
    )
    assert entry.data["past_due"] == 1
    # Each person is told in their own language: the monitor chose none, so the municipality's
    note = Notification.objects.get(user=org.users["monitor"], kind="crisis")
    assert note.message.endswith("3 åbne sager har nu kortere frister.")
    # The queue and the item page say the deadlines were tightened
    counts = client.get(reverse("moderation:queue-counts")).content.decode()
    assert "Tighter answer times, also for the items already waiting" in counts
    new_page = client.get(waiting["new"].get_absolute_url()).content.decode()
    assert "crisis targets: deadlines tightened" in new_page
    stricter_page = client.get(waiting["stricter"].get_absolute_url()).content.decode()
    assert "crisis targets: deadlines tightened" not in stricter_page
    # In Danish too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    danish = client.get(reverse("moderation:crisis")).content.decode()
    assert "Da den blev slået til, blev fristerne for 3 åbne sager strammet." in danish


def test_an_item_whose_tightened_deadline_passed_is_breached_by_the_next_sweep_once(
    client, org, waiting, clock
):
    login(client, "comms_lead")
    client.post(
        reverse("moderation:crisis"),
        {"reason": "Storm", "target_percent": 25, "round_the_clock": "on"},
    )
    # When the sweep runs a minute later
    clock.move_to(at(9, 31))
    result = sweep()
    # Then the new item's missed first response is reported straight away (no warning first)
    assert (result.warned, result.breached) == (0, 1)
    assert set(
        Notification.objects.filter(kind="sla_breach").values_list("user__username", flat=True)
    ) == {"monitor", "comms", "comms_lead"}
    new = deadlines(waiting["new"])
    assert new["escalation"] == (2, 0)
    assert new["next_deadline"] == at(13, 30)
    # And a second sweep sends nothing more
    assert (sweep().warned, sweep().breached) == (0, 0)
    assert Notification.objects.filter(kind="sla_breach").count() == 3
    # At the tightened warning point of the answers, the assignee is warned once per item
    clock.move_to(at(13, 31))
    assert sweep().warned == 2
    assert sweep().warned == 0


def test_switching_off_puts_crisis_items_back_on_the_normal_rule(client, org, waiting, clock):
    login(client, "comms_lead")
    client.post(
        reverse("moderation:crisis"),
        {"reason": "Storm", "target_percent": 25, "round_the_clock": "on"},
    )
    clock.move_to(at(9, 31))
    sweep()  # reports the new item's tightened first response as missed
    # An item that arrives during the crisis is judged by the crisis targets
    clock.move_to(at(9, 35))
    during = item(org.channels["central"], "Under krisen", n=6, received=at(9, 35))
    assign_deadlines(during)
    during.save()
    assert deadlines(during)["answer_due"] == at(15, 35)
    stricter_before = deadlines(waiting["stricter"])
    # When crisis mode is switched off at 09:40
    clock.move_to(at(9, 40))
    response = client.post(
        reverse("moderation:crisis"), {"switch": "off", "note": "Ovre"}, follow=True
    )
    # Then the items go back to the normal deadlines, counted from their received time
    assert deadlines(waiting["new"]) == {
        **NORMAL_FACEBOOK,
        # The crisis breach was reported, but the normal deadlines lie ahead again: the item
        # is warned and reported against them
        "next_deadline": at(9, 45),
        "escalation": (0, 0),
        "crisis": None,
    }
    assert deadlines(waiting["acknowledged"]) == {
        **NORMAL_FACEBOOK,
        "next_deadline": at(3, 0, day=17),
        "escalation": (0, 0),
        "crisis": None,
    }
    assert deadlines(during) == {
        "first_response_warn_at": at(10, 20),
        "first_response_due": at(10, 35),
        "answer_warn_at": at(3, 35, day=17),
        "answer_due": at(9, 35, day=17),
        "next_deadline": at(10, 20),
        "escalation": (0, 0),
        "crisis": None,
    }
    instagram = deadlines(waiting["instagram"])
    assert (instagram["answer_due"], instagram["crisis"]) == (at(17, 0), None)
    # The item the crisis never touched keeps its deadlines
    assert deadlines(waiting["stricter"]) == stricter_before
    page = response.content.decode()
    assert "Crisis mode is off. 4 open items are back on the normal answer times." in page
    period = CrisisPeriod.objects.get()
    assert (period.tightened_items, period.restored_items) == (3, 4)
    entry = AuditEntry.objects.get(action="crisis_off")
    assert (entry.data["rejudged"], entry.note) == (4, "Ovre")
    # The log shows both figures
    log = client.get(reverse("moderation:crisis")).content.decode()
    assert "3 tightened, 4 back to normal" in log
    # And the sweep warns the new item once more at its normal warning point
    clock.move_to(at(9, 46))
    assert (sweep().warned, sweep().warned) == (1, 0)


def test_a_crisis_breach_stays_reported_when_the_normal_deadline_has_passed_too(
    org, waiting, clock
):
    # Given an item received long before, already reported late under the normal rule
    old = item(org.channels["central"], "Gammel", n=7, received=at(9, 0, day=13))
    assign_deadlines(old)
    old.first_response_escalation = old.answer_escalation = 2
    old.next_deadline = None
    old.save()
    # When crisis mode comes and goes
    actions.start_crisis(org.municipality, acting_user=org.users["comms_lead"], reason="Storm")
    after_on = deadlines(old)
    actions.end_crisis(org.municipality, acting_user=org.users["comms_lead"])
    after_off = deadlines(old)
    # Then its breaches stay counted as sent, and no sweep reports them again
    assert after_on["escalation"] == after_off["escalation"] == (2, 2)
    assert after_on["next_deadline"] is None and after_off["next_deadline"] is None
    assert after_off["answer_due"] == at(9, 0, day=16)
    assert sweep().breached == 0


def api_deadlines(client, queue_item, *fields):
    body = client.get(f"/api/v1/items/{queue_item.pk}/").json()
    return tuple(datetime.fromisoformat(body[field]) for field in fields)


def test_crisis_mode_through_the_api_rejudges_open_items(client, org, waiting):
    login(client, "comms_lead")
    due = ("first_response_due", "answer_due", "next_deadline")
    assert api_deadlines(client, waiting["new"], *due) == (at(10, 0), at(9, 0, day=17), at(9, 45))
    on = client.post(
        "/api/v1/crisis/",
        {"on": True, "reason": "Storm", "target_percent": 50, "round_the_clock": False},
        content_type="application/json",
    )
    assert on.status_code == 200
    assert (on.json()["rejudged_items"], on.json()["tightened_items"]) == (3, 3)
    # 50 % of 60 calendar minutes is 30; of one weekday, 12 hours on the weekdays clock
    assert api_deadlines(client, waiting["new"], *due) == (at(9, 30), at(21, 0), at(9, 22))
    assert client.get("/api/v1/crisis/").json()["tightened_items"] == 3
    off = client.post("/api/v1/crisis/", {"on": False}, content_type="application/json")
    assert (off.json()["on"], off.json()["rejudged_items"]) == (False, 3)
    assert off.json()["tightened_items"] is None
    assert api_deadlines(client, waiting["new"], *due) == (at(10, 0), at(9, 0, day=17), at(9, 45))


def test_a_refused_switch_changes_no_deadline(client, org, waiting):
    # A monitor may not switch crisis mode on, and a blank reason is refused
    before = {key: deadlines(i) for key, i in waiting.items()}
    login(client, "comms_lead")
    blank = client.post("/api/v1/crisis/", {"on": True}, content_type="application/json")
    assert blank.status_code == 400
    assert blank.json() == {
        "detail": "Say why crisis mode is switched on.",
        "code": "invalid",
        "errors": {},
    }
    login(client, "monitor")
    refused = client.post(
        "/api/v1/crisis/", {"on": True, "reason": "Storm"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert {key: deadlines(i) for key, i in waiting.items()} == before
    assert CrisisPeriod.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="crisis").exists()


def test_other_municipalities_items_are_not_touched(org, waiting):
    other = Municipality.objects.create(
        name="Naboby", country="DK", time_zone="Europe/Copenhagen", default_language="da"
    )
    adopt_policy(other)
    unit = OrgUnit.objects.create(municipality=other, name="Kommunikation", kind=UnitKind.TEAM)
    channel = Channel.objects.create(
        platform="facebook",
        name="Naboby",
        external_id="fb-naboby",
        owner_unit=unit,
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
        responsible=org.users["outsider"],
    )
    neighbour = item(channel, "Nabo", n=8)
    assign_deadlines(neighbour, DeadlineCalculator(other))
    neighbour.save()
    before = deadlines(neighbour)
    actions.start_crisis(org.municipality, acting_user=org.users["comms_lead"], reason="Storm")
    assert deadlines(neighbour) == before


def test_rejudging_costs_the_same_queries_for_few_and_many_items(org, waiting):
    def switch_on_and_off():
        with CaptureQueriesContext(connection) as on:
            period = actions.start_crisis(
                org.municipality, acting_user=org.users["comms_lead"], reason="Storm"
            )
        with CaptureQueriesContext(connection) as off:
            period = actions.end_crisis(org.municipality, acting_user=org.users["comms_lead"])
        return (len(on), len(off)), (period.tightened_items, period.restored_items)

    municipality_language()  # the notices' default language, cached before counting
    few, few_counts = switch_on_and_off()
    QueueItem.objects.bulk_create(
        [
            QueueItem(
                channel=org.channels["central"],
                platform="facebook",
                external_id=f"many-{n}",
                kind="comment",
                created_at=MONDAY,
                received_at=MONDAY,
                first_response_due=at(10, 0),
                answer_due=at(9, 0, day=17),
            )
            for n in range(60)
        ]
    )
    many, many_counts = switch_on_and_off()
    assert (few_counts, many_counts) == ((3, 3), (63, 63))
    # One read and one bulk UPDATE each way, whatever the number of items
    assert many == few
    assert set(
        QueueItem.objects.filter(external_id__startswith="many-").values_list(
            "first_response_due", "answer_due", "crisis"
        )
    ) == {(at(10, 0), at(9, 0, day=17), None)}


def test_an_internal_deadline_moves_inside_the_tightened_answer_deadline(org, waiting, clock):
    # Given a question forwarded with an internal deadline inside its normal answer deadline
    forwarded = item(org.channels["a"], "Til fagen", n=9, assigned_to=org.users["monitor"])
    assign_deadlines(forwarded)
    forwarded.save()
    forwarding = actions.forward(
        forwarded,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=at(8, 0, day=17),
        acting_user=org.users["comms"],
    )
    # When crisis mode makes the answer due at 15:00 today
    actions.start_crisis(org.municipality, acting_user=org.users["comms_lead"], reason="Storm")
    # Then the expert's deadline moves to 15:00 too, reminded at 75 % of 09:30–15:00
    forwarding.refresh_from_db()
    assert (forwarding.due_at, forwarding.warn_at, forwarding.next_deadline) == (
        at(15, 0),
        datetime(2026, 11, 16, 13, 37, 30, tzinfo=UTC),
        datetime(2026, 11, 16, 13, 37, 30, tzinfo=UTC),
    )
    told = Notification.objects.get(user=org.users["expert"], kind="crisis")
    assert (told.item, told.message) == (
        forwarded,
        "Krisetilstand er slået til: spørgsmålet, der er sendt videre til dig, skal nu besvares "
        "senest 16.11.2026 16:00.",
    )
    assert AuditEntry.objects.get(action="crisis_on").data["internal_deadlines_moved"] == 1
    # Switching off leaves the earlier internal deadline where it is
    actions.end_crisis(org.municipality, acting_user=org.users["comms_lead"])
    forwarding.refresh_from_db()
    assert forwarding.due_at == at(15, 0)


def test_an_item_stored_with_normal_targets_after_the_switch_is_tightened_by_the_sweep(
    client, org, waiting, clock
):
    # Given crisis mode switched on at 09:30
    login(client, "comms_lead")
    client.post(
        reverse("moderation:crisis"),
        {"reason": "Storm", "target_percent": 25, "round_the_clock": "on"},
    )
    # And a poll that judged its batch before the switch and stored it after: its item
    # arrived at 09:29 with the normal Facebook targets and no crisis mark
    late = item(org.channels["central"], "Kom med i skiftet", n=20, received=at(9, 29))
    crisis = CrisisPeriod.objects.filter(ended_at__isnull=True)
    crisis_pk = crisis.get().pk
    crisis.update(ended_at=at(9, 30))  # what that poll's calculator saw: no crisis yet
    DeadlineCalculator(org.municipality, at=at(9, 29)).deadlines(
        "facebook", "comment", at(9, 29)
    ).apply(late)
    late.save()
    CrisisPeriod.objects.filter(pk=crisis_pk).update(ended_at=None)
    assert deadlines(late)["answer_due"] == at(9, 29, day=17)  # one weekday
    assert deadlines(late)["crisis"] is None
    # When the next sweep runs
    clock.move_to(at(9, 31))
    sweep()
    # Then the item is on the crisis targets like the rest of the queue
    after = deadlines(late)
    assert after["crisis"] == crisis_pk
    assert after["first_response_due"] == at(9, 44)  # 15 minutes
    assert after["answer_due"] == at(15, 29)  # 6 hours
    # And a later sweep leaves it as it is
    clock.move_to(at(9, 32))
    sweep()
    assert deadlines(late) == after
