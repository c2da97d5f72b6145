"""Two people answering the same item: the second answer waits for its writer's word. The reply
form carries the newest write the page showed; an answer asked for since then refuses the
reply (409, who and when), keeps the typed text, and "send mine anyway" sends it too."""

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import actions
from moderation.models import OutboxMessage, QueueItem
from moderation.outcome import write_confirmed

pytestmark = pytest.mark.django_db

NOW = "2026-11-16 10:42:00+00:00"  # 11:42 in Copenhagen
TEXT = "Svømmehallen åbner igen mandag."


@pytest.fixture
def anna(client, org):
    org.users["monitor"].first_name, org.users["monitor"].last_name = "Bo", "Berg"
    org.users["monitor"].save(update_fields=["first_name", "last_name"])
    assert client.login(username="comms", password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def _page_form(client, target):
    form = client.get(target.get_absolute_url()).context["reply_form"]
    return {
        "text": TEXT,
        "idempotency_key": form.initial["idempotency_key"],
        "seen_write": form.initial["seen_write"],
    }


def _bo_answers(org, target, key="bo-1"):
    return actions.reply(target, "Bo's svar", acting_user=org.users["monitor"], idempotency_key=key)


def test_the_page_refuses_an_answer_when_someone_answered_meanwhile_and_keeps_the_text(anna, org):
    target = org.items["central"]
    with time_machine.travel(NOW, tick=False):
        # Given Anna opened the item, and Bo answered while she was writing
        data = _page_form(anna, target)
        assert data["seen_write"] == 0
        _bo_answers(org, target)
        entries = AuditEntry.objects.count()
        # When she sends hers
        response = anna.post(reverse("moderation:item-action", args=[target.pk, "reply"]), data)
    # Then it is refused, naming who answered and when, with her text still in the form
    assert response.status_code == 409
    message = (
        "Bo Berg answered this item at 11:42 while you were writing; read it, then send yours "
        "if it still adds something."
    )
    assert response.context["error"] == message
    assert response.context["answered_meanwhile"] is True
    body = response.content.decode()
    assert "data-answered-meanwhile" in body and f"{TEXT}</textarea>" in body
    assert 'name="send_anyway"' in body
    # and nothing was sent or recorded
    assert list(OutboxMessage.objects.filter(item=target).values_list("text", flat=True)) == [
        "Bo's svar"
    ]
    assert AuditEntry.objects.count() == entries


def test_send_mine_anyway_sends_a_further_answer(anna, org):
    target = org.items["central"]
    with time_machine.travel(NOW, tick=False):
        data = _page_form(anna, target)
        _bo_answers(org, target)
        url = reverse("moderation:item-action", args=[target.pk, "reply"])
        assert anna.post(url, data).status_code == 409
        # When Anna ticks "send mine anyway" and sends again
        response = anna.post(url, {**data, "send_anyway": "on"})
    # Then her answer goes too, and the item stays as Bo's answer left it
    assert response.status_code == 302
    texts = OutboxMessage.objects.filter(item=target, kind="reply").order_by("pk")
    assert list(texts.values_list("text", "requested_by__username")) == [
        ("Bo's svar", "monitor"),
        (TEXT, "comms"),
    ]
    assert QueueItem.objects.get(pk=target.pk).status == "sending"
    entry = AuditEntry.objects.filter(action="reply", actor=org.users["comms"]).get()
    assert entry.before == {} and entry.after == {}
    assert entry.data["after_answer"] == texts[0].pk


def test_a_further_answer_on_an_answered_item_leaves_it_answered(anna, org):
    target = org.items["central"]
    data = _page_form(anna, target)
    bo = _bo_answers(org, target)
    with transaction.atomic():
        write_confirmed(OutboxMessage.objects.get(item=bo), at=timezone.now())
    answered = QueueItem.objects.get(pk=target.pk)
    assert answered.status == "answered"
    url = reverse("moderation:item-action", args=[target.pk, "reply"])
    refused = anna.post(url, data)
    assert refused.status_code == 409
    # The item is no longer open, yet the form stays on the page with her text
    assert f"{TEXT}</textarea>" in refused.content.decode()
    assert anna.post(url, {**data, "send_anyway": "on"}).status_code == 302
    after = QueueItem.objects.get(pk=target.pk)
    assert (after.status, after.answered_at) == ("answered", answered.answered_at)
    assert OutboxMessage.objects.filter(item=target, kind="reply").count() == 2


def test_an_answer_the_platform_refused_does_not_hold_the_next_one_back(anna, org):
    target = org.items["central"]
    data = _page_form(anna, target)
    _bo_answers(org, target)
    OutboxMessage.objects.filter(item=target).update(status="failed")
    QueueItem.objects.filter(pk=target.pk).update(status="not_sent")
    url = reverse("moderation:item-action", args=[target.pk, "reply"])
    assert anna.post(url, data).status_code == 302
    assert QueueItem.objects.get(pk=target.pk).status == "sending"


def test_an_answer_seen_before_writing_does_not_count(anna, org):
    # Bo's answer failed before Anna opened the page: she saw it, and hers goes at once
    target = org.items["central"]
    _bo_answers(org, target)
    OutboxMessage.objects.filter(item=target).update(status="failed")
    QueueItem.objects.filter(pk=target.pk).update(status="not_sent")
    data = _page_form(anna, target)
    assert data["seen_write"] == OutboxMessage.objects.get(item=target).pk
    _bo = OutboxMessage.objects.get(item=target)
    OutboxMessage.objects.filter(pk=_bo.pk).update(status="pending")  # sent again by hand
    url = reverse("moderation:item-action", args=[target.pk, "reply"])
    assert anna.post(url, data).status_code == 302


def test_the_api_refuses_with_409_and_sends_anyway_when_asked(anna, org):
    target = org.items["central"]
    api = Client()
    assert api.login(username="comms", password=PASSWORD)
    api.cookies["django_language"] = "en"
    seen = api.get(f"/api/v1/items/{target.pk}/").json()["platform_writes"]
    assert seen == []
    with time_machine.travel(NOW, tick=False):
        _bo_answers(org, target)
    url = f"/api/v1/items/{target.pk}/reply/"
    data = {"text": TEXT, "idempotency_key": "anna-1", "seen_write": 0}
    refused = api.post(url, data, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Bo Berg answered this item at 11:42 while you were writing; read it, then "
        "send yours if it still adds something.",
        "code": "answered_meanwhile",
        "errors": {},
    }
    assert OutboxMessage.objects.filter(item=target).count() == 1
    sent = api.post(url, {**data, "send_anyway": True}, content_type="application/json")
    assert sent.status_code == 200
    assert [w["status"] for w in sent.json()["platform_writes"]] == ["pending", "pending"]
    # Without `seen_write` the API answers as before: the item's state decides
    again = api.post(
        url, {"text": "En tredje", "idempotency_key": "anna-2"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_the_refusal_in_danish(anna, org):
    target = org.items["central"]
    anna.cookies["django_language"] = "da"
    with time_machine.travel(NOW, tick=False):
        data = _page_form(anna, target)
        _bo_answers(org, target)
        response = anna.post(reverse("moderation:item-action", args=[target.pk, "reply"]), data)
    assert response.context["error"] == (
        "Bo Berg svarede på denne sag kl. 11:42, mens du skrev; læs svaret, og send så dit, "
        "hvis det stadig tilføjer noget."
    )
    assert "Send mit svar alligevel" in response.content.decode()


def test_seen_write_must_be_a_number(anna, org):
    target = org.items["central"]
    data = {**_page_form(anna, target), "seen_write": "x"}
    response = anna.post(reverse("moderation:item-action", args=[target.pk, "reply"]), data)
    assert response.status_code == 400
    assert OutboxMessage.objects.filter(item=target).count() == 0
