"""The moderation API: items contract, actions, forwarded questions and the SLA preview."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import PASSWORD
from moderation.models import Forwarding, OutboxMessage, QueueItem

from .support import adopt_policy, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms(client, org):
    assert client.login(username="comms", password=PASSWORD)
    return client


def test_items_list_has_the_contract_fields_and_masks_personal_ids(comms, org):
    flagged = item(org.channels["central"], "Mit CPR er 070761-4285", n=5)
    body = comms.get("/api/v1/items/?q=CPR").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    result = body["results"][0]
    for key in (
        "id",
        "platform",
        "channel",
        "external_id",
        "text",
        "author_name",
        "received_at",
        "first_response_due",
        "answer_due",
        "status",
        "web_url",
    ):
        assert key in result
    assert result["id"] == flagged.pk
    assert result["text"] == "Mit CPR er ██████-████"
    assert result["web_url"] == f"http://testserver/moderation/items/{flagged.pk}/"


def test_reply_through_the_api_queues_one_outbox_message(comms, org):
    target = org.items["central"]
    url = f"/api/v1/items/{target.pk}/reply/"
    data = {"text": "Tak, vi vender tilbage.", "idempotency_key": "api-1"}
    first = comms.post(url, data, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["status"] == "sending"
    assert first.json()["answered_at"] is None
    assert [w["status"] for w in first.json()["platform_writes"]] == ["pending"]
    assert OutboxMessage.objects.filter(item=target, kind="reply").count() == 1


def test_an_action_refused_by_state_is_a_409_with_the_reason(comms, org):
    target = org.items["central"]
    QueueItem.objects.filter(pk=target.pk).update(status="closed")
    response = comms.post(
        f"/api/v1/items/{target.pk}/close/", {"reason": "Ros"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The item is no longer open.",
        "code": "conflict",
        "errors": {},
    }


def test_forward_and_send_back_through_the_api(client, comms, org):
    target = org.items["a"]
    due = (timezone.now() + timedelta(hours=3)).isoformat()
    response = comms.post(
        f"/api/v1/items/{target.pk}/forward/",
        {"to_unit": org.units["dept_a"].pk, "to_user": org.users["expert"].pk, "due_at": due},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "forwarded"
    client.logout()
    assert client.login(username="expert", password=PASSWORD)
    listed = client.get("/api/v1/forwardings/").json()
    assert [f["item"] for f in listed["results"]] == [target.pk]
    forwarding = Forwarding.objects.get()
    sent = client.post(
        f"/api/v1/forwardings/{forwarding.pk}/send-back/",
        {"answer": "Vi tømmer hver tirsdag."},
        content_type="application/json",
    )
    assert sent.status_code == 200
    assert sent.json()["status"] == "answered"


def test_sla_preview_answers_the_deadlines(comms, org):
    version = adopt_policy(org.municipality)
    channel = org.channels["central"]
    response = comms.get(
        "/api/v1/sla/preview/", {"channel": channel.pk, "received_at": "2026-11-16T10:00:00+01:00"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "channel": channel.pk,
        "platform": "facebook",
        "kind": "comment",
        "received_at": "2026-11-16T09:00:00+00:00",
        "first_response_due": "2026-11-16T10:00:00Z",
        "answer_due": "2026-11-17T09:00:00Z",
        "policy_version": version.pk,
        "crisis_mode": False,
    }


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"received_at": "2026-11-16T10:00:00+01:00"}, "channel", "Give the channel's id."),
        (
            {"channel": "abc", "received_at": "2026-11-16T10:00:00Z"},
            "channel",
            "The channel must be a numeric id.",
        ),
        (
            {"channel": "999999", "received_at": "2026-11-16T10:00:00Z"},
            "channel",
            "No such channel.",
        ),
        ({"channel": "CH"}, "received_at", "Give received_at as an ISO 8601 date and time."),
        (
            {"channel": "CH", "received_at": "2026-11-16T10:00:00"},
            "received_at",
            "received_at must include a time zone offset, e.g. 2026-11-16T10:00:00+01:00.",
        ),
        (
            {"channel": "CH", "received_at": "tomorrow"},
            "received_at",
            "received_at is not a valid ISO 8601 date and time: tomorrow",
        ),
        (
            {"channel": "CH", "received_at": "2026-13-40T10:00:00Z"},
            "received_at",
            "received_at is not a valid ISO 8601 date and time: 2026-13-40T10:00:00Z",
        ),
    ],
)
def test_sla_preview_explains_bad_input(comms, org, params, field, message):
    params = {k: str(org.channels["central"].pk) if v == "CH" else v for k, v in params.items()}
    response = comms.get("/api/v1/sla/preview/", params)
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]


def test_crisis_mode_through_the_api(client, org):
    assert client.login(username="comms_lead", password=PASSWORD)
    assert client.get("/api/v1/crisis/").json()["on"] is False
    on = client.post(
        "/api/v1/crisis/",
        {"on": True, "reason": "Storm", "target_percent": 50},
        content_type="application/json",
    )
    assert on.status_code == 200
    assert (on.json()["on"], on.json()["target_percent"]) == (True, 50)
    again = client.post(
        "/api/v1/crisis/", {"on": True, "reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json() == {
        "detail": "Crisis mode is already on.",
        "code": "conflict",
        "errors": {},
    }
    off = client.post("/api/v1/crisis/", {"on": False}, content_type="application/json")
    assert off.json()["on"] is False


def test_record_metadata_through_the_api(comms, org):
    from moderation import actions

    record = actions.capture_record(org.items["a"], acting_user=org.users["comms"])
    response = comms.patch(
        f"/api/v1/records/{record.pk}/",
        {"case_number": "26-42", "text": "forsøg på at ændre"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["case_number"], response.json()["text"]) == (
        "26-42",
        "Et spørgsmål til Afdeling A på Facebook",
    )
