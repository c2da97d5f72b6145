"""Facebook and Instagram webhooks: the handshake, signature checks before parsing, and one
queue item per comment however often it is delivered or polled."""

import json

import pytest
from django.core import mail

from accounts import webhook_actions
from moderation.models import QueueItem
from moderation.polling import poller
from moderation.webhooks import signature_is_valid

from . import polling_support
from .polling_support import add_comment, connect, control, make_channel, subscribe_page

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim

SECRET = "test-app-secret"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOK_APP_SECRET = SECRET
    settings.WEBHOOK_VERIFY_TOKEN = "test-verify-token"


def _connect(channel, **fields):
    """Connect `channel` to the simulator and switch its webhooks on through the product's
    action: Meta (and the simulator) deliver nothing for a Page the app is not subscribed on."""
    connection = connect(channel, **fields)
    subscription = webhook_actions.subscribe_webhooks(channel, acting_user=None)
    assert subscription.status == "active", subscription.detail
    return connection


def _delivery(sim, platform, comment_id, secret=SECRET):
    built = control(
        sim,
        "POST",
        "webhooks/build",
        {"platform": platform, "comment_id": comment_id, "app_secret": secret},
    )
    return built["body"].encode("utf-8"), built["headers"]["X-Hub-Signature-256"]


def _post(client, platform, body, signature):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    return client.post(
        f"/webhooks/{platform}/", data=body, content_type="application/json", **headers
    )


def test_the_handshake_echoes_the_challenge_for_the_right_token(client):
    response = client.get(
        "/webhooks/facebook/",
        {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "4711"},
    )

    assert response.status_code == 200
    assert response.content == b"4711"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "4711"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"},
        {},
    ],
)
def test_the_handshake_refuses_anything_else(client, params):
    response = client.get("/webhooks/instagram/", params)

    assert response.status_code == 403
    assert b"4711" not in response.content


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_a_genuine_delivery_stores_the_comment_once_however_often_it_comes(
    client, org, sim, platform
):
    # Given a connected channel and a citizen's comment the platform announces
    channel = make_channel(org, platform)
    _connect(channel)
    comment = add_comment(sim, platform, "Er der åbent på genbrugspladsen i dag?", "Borger 12")
    body, signature = _delivery(sim, platform, comment["id"])

    # When the same delivery arrives three times
    responses = [_post(client, platform, body, signature) for _ in range(3)]

    # Then each is accepted and the queue holds the comment once
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.content for r in responses] == [b"stored 1", b"stored 0", b"stored 0"]
    item = QueueItem.objects.get(platform=platform, external_id=comment["id"])
    assert item.channel == channel
    assert item.text == "Er der åbent på genbrugspladsen i dag?"
    assert item.kind == "comment"


def test_a_repeated_delivery_sent_by_the_simulator_stores_one_item(live_server, org, sim):
    channel = make_channel(org, "facebook")
    _connect(channel)
    comment = add_comment(sim, "facebook", "Tak for en god borgerservice", "Borger 5")

    result = control(
        sim,
        "POST",
        "webhooks/deliver",
        {
            "platform": "facebook",
            "comment_id": comment["id"],
            "app_secret": SECRET,
            "target_url": f"{live_server.url}/webhooks/facebook/",
            "repeat": 4,
        },
    )

    assert [d["status"] for d in result["deliveries"]] == [200, 200, 200, 200]
    assert QueueItem.objects.filter(external_id=comment["id"]).count() == 1


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=" + "0" * 64, "sha1=abc", "sha256=not-hex"],
    ids=["missing", "empty", "wrong", "sha1", "garbage"],
)
def test_a_forged_delivery_is_refused_and_stores_nothing(client, org, sim, signature):
    channel = make_channel(org, "facebook")
    _connect(channel)
    comment = add_comment(sim, "facebook", "Køb billige solbriller her", "Sælger 1")
    body, _ = _delivery(sim, "facebook", comment["id"])
    before = QueueItem.objects.count()

    response = _post(client, "facebook", body, signature)

    assert response.status_code == 403
    assert QueueItem.objects.count() == before


def test_a_delivery_signed_with_another_secret_or_altered_is_refused(client, org, sim):
    channel = make_channel(org, "facebook")
    _connect(channel)
    comment = add_comment(sim, "facebook", "Hvornår åbner svømmehallen?", "Borger 8")
    body, foreign = _delivery(sim, "facebook", comment["id"], secret="someone-else")
    genuine_body, genuine = _delivery(sim, "facebook", comment["id"])
    altered = genuine_body.replace("svømmehallen".encode(), "rådhuset".encode())

    assert _post(client, "facebook", body, foreign).status_code == 403
    assert _post(client, "facebook", altered, genuine).status_code == 403
    assert QueueItem.objects.filter(external_id=comment["id"]).count() == 0


def test_a_signed_body_that_is_not_json_is_a_bad_request(client, org):
    import hashlib
    import hmac

    body = b"{not json"
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    response = _post(client, "facebook", body, signature)

    assert response.status_code == 400
    assert QueueItem.objects.count() == len(org.items)


def test_webhook_then_poll_gives_one_item_and_the_poll_links_the_reply(client, org, sim):
    # Given a comment delivered by webhook, and a citizen's reply to it that only polling sees
    channel = make_channel(org, "facebook")
    _connect(channel)
    comment = add_comment(sim, "facebook", "Hvor kan jeg hente affaldskalenderen?", "Borger 2")
    body, signature = _delivery(sim, "facebook", comment["id"])
    assert _post(client, "facebook", body, signature).status_code == 200
    reply = add_comment(sim, "facebook", "Samme spørgsmål her", "Borger 3", parent_id=comment["id"])

    # When the channel is polled
    outcome = poller.poll_connection(channel.connection.pk)

    # Then the poll adds only the reply, linked to the webhook's item
    assert outcome.status == poller.STORED
    assert outcome.created == 1
    parent = QueueItem.objects.get(external_id=comment["id"])
    child = QueueItem.objects.get(external_id=reply["id"])
    assert child.parent == parent
    assert child.kind == "reply"
    assert (parent.status, child.status) == ("new", "new")
    assert QueueItem.objects.filter(channel=channel).count() == 2
    assert mail.outbox == []


def test_a_delivery_for_an_unknown_account_stores_nothing(client, org, sim):
    subscribe_page(sim, "facebook")
    comment = add_comment(sim, "facebook", "Hej", "Borger 1")
    body, signature = _delivery(sim, "facebook", comment["id"])

    response = _post(client, "facebook", body, signature)

    assert response.status_code == 200
    assert response.content == b"stored 0"
    assert QueueItem.objects.filter(external_id=comment["id"]).exists() is False


def test_signature_check_unit():
    body = json.dumps({"object": "page"}).encode()
    import hashlib
    import hmac

    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()

    assert signature_is_valid(body, good, "s3cret") is True
    assert signature_is_valid(body, good.upper().replace("SHA256=", "sha256="), "s3cret") is True
    assert signature_is_valid(body + b" ", good, "s3cret") is False
    assert signature_is_valid(body, good, "") is False


def test_an_instagram_direct_message_by_webhook_and_poll_is_one_item(client, org, sim):
    # Given an Instagram channel that reads direct messages, and a citizen's message delivered
    # by webhook twice (Meta repeats deliveries)
    channel = make_channel(org, "instagram")
    _connect(channel, extra={"messaging": True})
    sent = add_comment(
        sim, "instagram", "Må man grille ved badebroen?", "fjordfisker", kind="message"
    )
    built = control(
        sim,
        "POST",
        "webhooks/build",
        {"platform": "instagram", "message_id": sent["id"], "app_secret": SECRET},
    )
    body, signature = built["body"].encode("utf-8"), built["headers"]["X-Hub-Signature-256"]
    first = _post(client, "instagram", body, signature)
    again = _post(client, "instagram", body, signature)

    # When the channel is polled afterwards
    outcome = poller.poll_connection(channel.connection.pk)

    # Then the message is one queue item, a direct message from its sender
    assert (first.content, again.content) == (b"stored 1", b"stored 0")
    assert outcome.created == 0
    item = QueueItem.objects.get(channel=channel)
    assert (item.external_id, item.kind, item.text) == (
        sent["id"],
        "message",
        "Må man grille ved badebroen?",
    )
    assert item.author_external_id == sent["author_id"]


def test_a_forged_instagram_message_delivery_stores_nothing(client, org, sim):
    channel = make_channel(org, "instagram")
    _connect(channel, extra={"messaging": True})
    sent = add_comment(sim, "instagram", "Hej", "fjordfisker", kind="message")
    built = control(
        sim,
        "POST",
        "webhooks/build",
        {"platform": "instagram", "message_id": sent["id"], "app_secret": "another-secret"},
    )

    response = _post(
        client, "instagram", built["body"].encode("utf-8"), built["headers"]["X-Hub-Signature-256"]
    )

    assert response.status_code == 403
    assert QueueItem.objects.filter(channel=channel).exists() is False
