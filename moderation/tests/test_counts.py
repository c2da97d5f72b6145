"""The queue's open-item counters: after every kind of change they equal a fresh count of the
items, the pages read them in a fixed number of queries, and the repair command rebuilds them."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.testing import PASSWORD, PERSONAS
from moderation import actions, counts
from moderation.escalation import sweep
from moderation.intake import on_new_items
from moderation.models import ItemStatus, OpenItemCount, QueueItem
from moderation.polling.ingest import store_batch
from platforms.base import FetchedItem

from .support import adopt_policy, rota

pytestmark = pytest.mark.django_db


def assert_counters_match():
    """The stored counters equal the items counted afresh, row by row."""
    fresh = {key: n for key, n in counts.fresh_counts().items() if n}
    assert counts.stored_counts() == fresh


def fetched(external_id, text="Hvornår åbner svømmehallen?", **extra):
    return FetchedItem(
        external_id=external_id,
        kind="comment",
        text=text,
        author_id=f"author-{external_id}",
        author_name="Borger",
        parent_external_id=None,
        thread_external_id="post-1",
        permalink=None,
        created_at=timezone.now(),
        **extra,
    )


@pytest.fixture
def version(org):
    return adopt_policy(org.municipality)


@pytest.fixture
def intake(org, version):
    """Four items polled on channel a: two questions, one with a personal ID number, and the
    municipality's own reply; the intake assigns the monitor on duty."""
    rota(org.units["comms"], [org.users["monitor"]], starts_on=date(2026, 1, 1))
    assert_counters_match()
    stored = store_batch(
        org.channels["a"],
        [
            fetched("q1"),
            fetched("q2"),
            fetched("q3", "Mit CPR er 070761-4285"),
            fetched("own", "Tak for spørgsmålet", from_account=True),
        ],
    )
    assert_counters_match()
    on_new_items(stored.created_ids)
    assert_counters_match()
    stored = QueueItem.objects.filter(external_id__startswith="q")
    return {item.external_id: item for item in stored}


def test_counters_follow_every_kind_of_change(org, intake):
    comms = org.users["comms"]
    q1, q2, q3 = intake["q1"], intake["q2"], intake["q3"]
    assert q3.has_personal_data and q1.assigned_to == org.users["monitor"]
    # The same batch again (a re-read window) stores and counts nothing new.
    store_batch(org.channels["a"], [fetched("q1"), fetched("q2")])
    assert_counters_match()

    actions.acknowledge(q1, acting_user=comms)
    assert_counters_match()
    actions.assign(q1, comms, acting_user=comms)
    assert_counters_match()
    actions.assign(q1, None, acting_user=comms)
    assert_counters_match()
    actions.forward(
        q2,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        acting_user=comms,
    )
    assert_counters_match()

    # The sweep warns and reports missed deadlines: items move to at risk, then overdue.
    sweep(timezone.now() + timedelta(days=20))
    assert_counters_match()
    assert OpenItemCount.objects.filter(answer_stage=2).exists()

    # Crisis mode re-judges the open items (levels go down where a deadline lies ahead).
    actions.start_crisis(org.municipality, acting_user=org.users["comms_lead"], reason="Storm")
    assert_counters_match()
    actions.end_crisis(org.municipality, acting_user=org.users["comms_lead"])
    assert_counters_match()

    # An answer is sending (still open) until the platform confirms it
    actions.reply(q1, "Den åbner kl. 8.", acting_user=comms, idempotency_key="c-1")
    assert_counters_match()
    _platform_confirms(q1)
    assert_counters_match()
    actions.close(q2, "Besvaret på telefon", acting_user=comms)
    assert_counters_match()
    _platform_confirms(q3)  # the intake's personal-data hide
    actions.hide(q3, "personal_attack", acting_user=comms)
    assert_counters_match()
    actions.tell_author(q3, "personal_attack", "Dit indlæg fjernes.", acting_user=comms)
    actions.capture_record(q3, acting_user=comms, subject="Personangreb")
    actions.delete(q3, "personal_attack", acting_user=comms)
    assert_counters_match()
    _platform_confirms(q3)
    assert_counters_match()
    assert not QueueItem.objects.filter(pk__in=[q1.pk, q2.pk, q3.pk]).open().exists()
    assert sum(counts.stored_counts().values()) == 3  # the fixture's three open items


def _platform_confirms(item):
    """The platform confirms every write on `item` still on its way, oldest first."""
    from moderation import outbox
    from moderation.models import OutboxMessage

    for message in OutboxMessage.objects.filter(item=item, status="pending").select_related(
        "item", "channel"
    ):
        outbox._mark_sent(message, "")


def test_a_refused_action_leaves_the_counters_as_they_were(org, intake):
    before = counts.stored_counts()
    actions.close(intake["q1"], "Ros", acting_user=org.users["comms"])
    with pytest.raises(actions.ActionError):
        actions.close(intake["q1"], "Ros igen", acting_user=org.users["comms"])
    after = counts.stored_counts()
    assert sum(before.values()) - sum(after.values()) == 1
    assert_counters_match()


def test_repair_command_rebuilds_wrong_counters(org, intake, capsys):
    OpenItemCount.objects.update(items=99)
    QueueItem.objects.filter(pk=intake["q1"].pk).update(status=ItemStatus.CLOSED)
    call_command("repair_counts", days=7)
    assert_counters_match()
    assert "were wrong" in capsys.readouterr().out


def _fresh_figures(user):
    """What the counts endpoint must show, counted over the items the user may see."""
    return (
        QueueItem.objects.for_user(user)
        .open()
        .aggregate(
            open=Count("pk"),
            mine=Count("pk", filter=Q(assigned_to=user)),
            at_risk=Count("pk", filter=Q(answer_escalation=1)),
            overdue=Count("pk", filter=Q(answer_escalation=2)),
            personal=Count("pk", filter=Q(has_personal_data=True)),
        )
    )


def test_every_persona_sees_the_counts_of_the_items_they_may_see(org, intake):
    comms = org.users["comms"]
    actions.forward(
        intake["q2"],
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        acting_user=comms,
    )
    # An item assigned to someone who may answer it (the editor of department A's page).
    actions.assign(org.items["a"], org.users["editor"], acting_user=comms)
    sweep(timezone.now() + timedelta(days=20))
    for persona in PERSONAS:
        user = org.users.get(persona)
        if user is None:
            continue
        assert counts.open_counts(user) == _fresh_figures(user), persona


@pytest.mark.parametrize("extra", [0, 40])
def test_counts_endpoint_and_dashboard_queries_do_not_grow(
    client, org, version, extra, django_assert_num_queries
):
    stored = store_batch(org.channels["a"], [fetched(f"many-{n}") for n in range(extra)])
    on_new_items(stored.created_ids)
    # The dashboard: 11 queries for its panels, one more to know whether crisis mode is on.
    for persona, dashboard_queries in (("comms", 12), ("manager_a", 12)):
        client.logout()
        assert client.login(username=persona, password=PASSWORD)
        client.get(reverse("moderation:queue-counts"))  # the session's first request
        # session, user, memberships (access), [a manager's units], the counters, [the
        # questions forwarded to a user off the team], crisis mode
        with django_assert_num_queries(5 if persona == "comms" else 7):
            response = client.get(reverse("moderation:queue-counts"))
        figures = _fresh_figures(org.users[persona])
        assert response.context["counts"] == figures
        with django_assert_num_queries(dashboard_queries):
            client.get("/")
    assert Counter(QueueItem.objects.values_list("channel", flat=True))[org.channels["a"].pk] == (
        extra + 1
    )
