"""The expert's answer follows the platform's outcome of the reply carrying it: "being posted"
while the reply waits, posted once the platform confirms it, and "not sent" with the platform's
reason when the platform refuses it, ready to go again (sent again, or answered anew from the
reply box), shown on the item, on the forwarded questions page and in the API, and told to the
expert with the team. Through the pages, the API and the outbox's send task, against the
platform simulator's faults."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation import actions, outbox
from moderation.models import (
    DutyRota,
    Forwarding,
    ForwardingStatus,
    ItemStatus,
    Notification,
    OutboxMessage,
    OutboxStatus,
    QueueItem,
    RotaMember,
)

from . import polling_support
from .polling_support import add_comment, add_fault, connect, make_channel, sim_actions
from .support import adopt_policy

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim

ANSWER = "Containerne tømmes hver tirsdag."


@pytest.fixture(autouse=True)
def policy(org):
    return adopt_policy(org.municipality)


@pytest.fixture
def facebook(org, sim):
    channel = make_channel(org, "facebook")
    connect(channel)
    return channel


@pytest.fixture
def on_duty(org):
    rota = DutyRota.objects.create(team=org.units["comms"], starts_on=date(2026, 1, 5))
    RotaMember.objects.create(rota=rota, user=org.users["monitor"], position=0)
    return org.users["monitor"]


@pytest.fixture
def answered(org, sim, facebook, client):
    """A question on the platform, forwarded to the expert, whose answer came back through the
    item page."""
    created = add_comment(sim, "facebook", "Hvornår tømmes containerne?", author="Borger 3")
    now = timezone.now()
    item = QueueItem.objects.create(
        channel=facebook,
        platform="facebook",
        external_id=created["id"],
        kind="comment",
        author_name="Borger 3",
        text="Hvornår tømmes containerne?",
        created_at=now - timedelta(minutes=5),
        received_at=now - timedelta(minutes=4),
        answer_due=now + timedelta(hours=8),
        answer_warn_at=now + timedelta(hours=6),
    )
    forwarding = actions.forward(
        item,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=now + timedelta(hours=2),
        acting_user=org.users["comms"],
    )
    client.force_login(org.users["expert"])
    response = client.post(
        reverse("moderation:item-action", args=[item.pk, "send_back"]),
        {"forwarding": forwarding.pk, "answer": ANSWER},
    )
    assert response.status_code == 302
    forwarding.refresh_from_db()
    assert forwarding.status == ForwardingStatus.ANSWERED
    client.logout()
    return item, forwarding


def _post_answer(client, org, item, forwarding, key):
    client.force_login(org.users["comms"])
    response = client.post(
        reverse("moderation:item-action", args=[item.pk, "reply"]),
        {"text": ANSWER, "idempotency_key": key, "forwarding": forwarding.pk},
    )
    assert response.status_code == 302
    return OutboxMessage.objects.get(idempotency_key=key)


def test_the_answer_is_posted_only_once_the_platform_confirms_the_reply(org, sim, answered, client):
    item, forwarding = answered
    # When the team posts the expert's answer from the item page
    message = _post_answer(client, org, item, forwarding, "fw-ok")
    # Then the answer is being posted with that reply
    forwarding.refresh_from_db()
    assert (forwarding.status, forwarding.posted_with) == (ForwardingStatus.SENDING, message)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-forwarding-status="sending"' in page
    # And once the send task has the platform's confirmation, the answer is posted
    outbox.send_outbox_message(message.pk)
    forwarding.refresh_from_db()
    assert forwarding.status == ForwardingStatus.POSTED
    assert len(sim_actions(sim, platform="facebook", kind="reply")) == 1


def test_a_refused_reply_leaves_the_answer_not_sent_with_the_reason_and_it_goes_again(
    org, sim, answered, on_duty, client
):
    item, forwarding = answered
    message = _post_answer(client, org, item, forwarding, "fw-refused")
    # Given the platform refuses the reply carrying the expert's answer (expired token)
    add_fault(sim, "facebook", "token_expired", count=1)
    outbox.send_outbox_message(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED

    # Then the answer is "not sent", with the platform's reason, not "posted"
    forwarding.refresh_from_db()
    assert forwarding.status == ForwardingStatus.NOT_SENT
    client.cookies["django_language"] = "en"
    assert forwarding.not_sent_reason == str(message.failure_text)
    # And the expert hears of it with the person who posted it and the monitor on duty
    told = set(
        Notification.objects.filter(item=item, kind="not_sent").values_list("user", flat=True)
    )
    assert told == {org.users["comms"].pk, on_duty.pk, org.users["expert"].pk}

    # And the item page shows the reason, the answer ready in the reply box
    page = client.get(item.get_absolute_url())
    html = page.content.decode()
    assert 'data-forwarding-status="not_sent"' in html
    assert "Answer not sent" in html
    assert "Reconnect the channel, then try again." in html
    assert "ready to be sent again" in html
    initial = page.context["reply_initial"]
    assert (initial["text"], initial["forwarding"]) == (ANSWER, forwarding.pk)

    # And the expert sees it on the forwarded questions page and in the API
    client.force_login(org.users["expert"])
    client.cookies["django_language"] = "en"
    mine = client.get(reverse("moderation:forwarded")).content.decode()
    assert "Answer not sent: <span data-not-sent-reason>The platform no longer accepts" in mine
    [row] = client.get("/api/v1/forwardings/").json()["results"]
    assert row["status"] == "not_sent"
    assert "Reconnect the channel, then try again." in row["not_sent_reason"]

    # When the team sends the failed write again and the platform takes it
    client.force_login(org.users["comms"])
    response = client.post(
        reverse("moderation:item-action", args=[item.pk, "retry"]), {"message": message.pk}
    )
    assert response.status_code == 302
    forwarding.refresh_from_db()
    assert forwarding.status == ForwardingStatus.SENDING
    outbox.send_outbox_message(message.pk)

    # Then the answer is posted, once
    forwarding.refresh_from_db()
    item.refresh_from_db()
    assert (forwarding.status, forwarding.not_sent_reason) == (ForwardingStatus.POSTED, "")
    assert item.status == ItemStatus.ANSWERED
    assert len(sim_actions(sim, platform="facebook", kind="reply")) == 1


def test_a_not_sent_answer_goes_again_as_a_new_reply_through_the_api(org, sim, answered, client):
    item, forwarding = answered
    client.force_login(org.users["comms"])
    first = client.post(
        f"/api/v1/items/{item.pk}/reply/",
        {"text": ANSWER, "idempotency_key": "fw-api-1"},
        content_type="application/json",
    )
    assert first.status_code == 200, first.content
    message = OutboxMessage.objects.get(idempotency_key="fw-api-1")
    # The platform refuses it (the token expired meanwhile)
    add_fault(sim, "facebook", "token_expired", count=1)
    outbox.send_outbox_message(message.pk)
    forwarding.refresh_from_db()
    assert forwarding.status == ForwardingStatus.NOT_SENT

    # When the team answers again (the API's answer carries the expert's answer ready for it)
    again = client.post(
        f"/api/v1/items/{item.pk}/reply/",
        {"text": ANSWER, "idempotency_key": "fw-api-2"},
        content_type="application/json",
    )
    assert again.status_code == 200, again.content
    second = OutboxMessage.objects.get(idempotency_key="fw-api-2")
    forwarding.refresh_from_db()
    assert (forwarding.status, forwarding.posted_with) == (ForwardingStatus.SENDING, second)
    outbox.send_outbox_message(second.pk)

    # Then the answer is posted with the new reply
    forwarding.refresh_from_db()
    assert forwarding.status == ForwardingStatus.POSTED
    assert Forwarding.objects.filter(status=ForwardingStatus.NOT_SENT).count() == 0
