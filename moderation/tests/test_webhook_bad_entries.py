"""A signed webhook delivery with one bad entry stores the good ones and answers 200, so the
platform does not send the batch again and again; the bad entry is logged with its raw payload.
A body nested too deeply to read at all is logged and answered 200 with nothing stored."""

import hashlib
import hmac
import json
import logging

import pytest

from moderation.models import QueueItem

from .polling_support import ACCOUNTS, connect, make_channel

pytestmark = pytest.mark.django_db

SECRET = "test-app-secret"
PAGE_ID = ACCOUNTS["facebook"]["id"]


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOK_APP_SECRET = SECRET


@pytest.fixture
def page(org):
    channel = make_channel(org, "facebook")
    connect(channel)
    return channel


def _change(comment_id, message="Hvornår åbner biblioteket?", **value):
    return {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "comment_id": comment_id,
            "post_id": f"{PAGE_ID}_1",
            "from": {"id": "citizen-1", "name": "Borger"},
            "message": message,
            "created_time": 1794819600,
            **value,
        },
    }


def _post(client, body: bytes):
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    client.raise_request_exception = False
    return client.post(
        "/webhooks/facebook/",
        data=body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )


def _delivery(*changes):
    payload = {"object": "page", "entry": [{"id": PAGE_ID, "time": 1, "changes": list(changes)}]}
    return json.dumps(payload).encode()


def _deep(levels):
    return {"value": json.loads("[" * levels + "]" * levels)}


@pytest.mark.parametrize(
    "bad",
    [
        _change("bad-time", created_time=1e300),
        _change("bad-time-text", created_time="9999-12-31T23:59:59-23:59"),
        _change("x" * 300),
        _change("bad-nul", message="Hej\x00med dig"),
        _change("bad-deep", message="Hej", **_deep(500)),
    ],
    ids=["created-1e300", "created-past-9999", "id-300-chars", "nul", "deep-500"],
)
def test_one_bad_entry_is_skipped_and_the_rest_of_the_batch_is_stored(client, page, bad, caplog):
    body = _delivery(_change("good-1"), bad, _change("good-2"))

    with caplog.at_level(logging.WARNING, logger="moderation.webhooks"):
        response = _post(client, body)

    assert response.status_code == 200
    assert response.content == b"stored 2"
    stored = set(QueueItem.objects.filter(channel=page).values_list("external_id", flat=True))
    assert stored == {"good-1", "good-2"}
    skipped = [r for r in caplog.records if r.getMessage().startswith("webhook change skipped")]
    assert len(skipped) == 1
    assert skipped[0].raw["value"]["comment_id"] == bad["value"]["comment_id"]


def test_a_body_nested_too_deeply_to_read_is_logged_and_answered_200(client, page, caplog):
    depth = 100_000
    body = (
        b'{"object": "page", "entry": [{"id": "'
        + PAGE_ID.encode()
        + b'", "changes": '
        + b"[" * depth
        + b"]" * depth
        + b"}]}"
    )
    before = QueueItem.objects.count()

    with caplog.at_level(logging.WARNING, logger="moderation.webhooks"):
        response = _post(client, body)

    assert response.status_code == 200
    assert response.content == b"stored 0"
    assert QueueItem.objects.count() == before
    (logged,) = [r for r in caplog.records if "nested too deeply" in r.getMessage()]
    assert logged.raw == body.decode()
