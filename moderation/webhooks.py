"""Facebook and Instagram webhooks: the subscription handshake, and deliveries of new comments
and of Instagram direct messages (the `messages` field).

A delivery's `X-Hub-Signature-256` is checked on the raw body, in constant time, before a byte of
it is parsed; a forged or unsigned delivery gets 403 and changes nothing. Comments go through the
same idempotent store as polling, keyed on the platform's comment or message id, so a repeated
delivery or an item that polling also finds is stored once. Polling stays the reconciliation
path: anything a webhook misses, the next poll brings in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import ChannelConnection
from accounts.webhook_actions import record_deliveries
from core.bounds import EARLIEST, LATEST, supported_moment
from platforms.base import FetchedItem

from .models import QueueItem
from .polling.ingest import store_batch

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
# The `object` Meta names in a delivery, per platform.
OBJECTS = {"facebook": "page", "instagram": "instagram"}


def signature_is_valid(body: bytes, header: str | None, secret: str) -> bool:
    """Whether `header` is `sha256=<hex HMAC-SHA256(secret, body)>`, compared in constant time."""
    if not header or not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


def _handshake(request):
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    expected = getattr(settings, "WEBHOOK_VERIFY_TOKEN", "")
    if (
        mode == "subscribe"
        and expected
        and hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
    ):
        return HttpResponse(challenge, content_type="text/plain")
    return HttpResponseForbidden("Verification failed.")


def _receive(request, platform):
    body = request.body
    if not signature_is_valid(
        body, request.META.get(SIGNATURE_HEADER), getattr(settings, "WEBHOOK_APP_SECRET", "")
    ):
        logger.warning("webhook delivery with a missing or wrong signature refused")
        return HttpResponseForbidden("Invalid signature.")
    try:
        payload = json.loads(body)
    except RecursionError:
        # Valid JSON nested deeper than Python reads: no entry of it can be stored, and sending
        # it again will not change that, so it is logged with its raw payload and answered 200
        # (an error would make the platform repeat it for days). Polling brings in its comments.
        logger.warning(
            "webhook delivery nested too deeply to read; nothing stored",
            extra={"platform": platform, "raw": body.decode("utf-8", "replace")},
        )
        return HttpResponse("stored 0", content_type="text/plain")
    except (UnicodeDecodeError, ValueError):
        return HttpResponseBadRequest("The body is not JSON.")
    if not isinstance(payload, dict) or payload.get("object") != OBJECTS[platform]:
        return HttpResponseBadRequest("Unexpected webhook object.")
    created = receive_delivery(platform, payload)
    return HttpResponse(f"stored {created}", content_type="text/plain")


def receive_delivery(platform: str, payload: dict) -> int:
    """Store the comments and Instagram direct messages a verified delivery carries; returns
    how many were new. Changes that are not new comments or messages (edits, removals, reads,
    reactions, other fields) and unknown accounts are ignored."""
    entries = payload.get("entry")
    if not isinstance(entries, list):
        return 0
    by_account: dict[str, list[FetchedItem]] = {}
    delivered_to: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        account_id = str(entry.get("id") or "")
        delivered_to.add(account_id)
        if platform == "instagram" and isinstance(entry.get("messaging"), list):
            for event in entry["messaging"]:
                item = _acceptable(platform, _instagram_message(account_id, event), event)
                if item is not None:
                    by_account.setdefault(account_id, []).append(item)
        if not isinstance(entry.get("changes"), list):
            continue
        for change in entry["changes"]:
            item = _item_from_change(platform, account_id, entry, change)
            item = _acceptable(platform, item, change)
            if item is not None:
                by_account.setdefault(account_id, []).append(item)
    # Every delivery counts as a sign of life for its channels, whatever it carried.
    record_deliveries(platform, delivered_to - {""}, timezone.now())
    if not by_account:
        return 0
    connections = ChannelConnection.objects.filter(
        channel__platform=platform, account_id__in=list(by_account)
    ).select_related("channel__owner_unit__municipality")
    created_ids: list[int] = []
    with transaction.atomic():
        for connection in connections:
            stored = store_batch(connection.channel, by_account[connection.account_id])
            created_ids.extend(stored.created_ids)
        if created_ids:
            from .polling.poller import _after_new_items

            transaction.on_commit(lambda: _after_new_items(created_ids))
    return len(created_ids)


def _item_from_change(platform, account_id, entry, change) -> FetchedItem | None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        return None
    value = change["value"]
    try:
        if platform == "facebook":
            return _facebook_item(account_id, change.get("field"), value)
        return _instagram_item(account_id, entry, change.get("field"), value)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        logger.warning(
            "webhook change skipped (%s)",
            exc,
            extra={"platform": platform, "reason": str(exc), "raw": change},
        )
        return None


def _facebook_item(account_id, field, value) -> FetchedItem | None:
    if field != "feed" or value.get("item") != "comment" or value.get("verb") != "add":
        return None
    post_id = str(value["post_id"])
    parent = value.get("parent_id")
    # Graph names the post as the "parent" of a top-level comment.
    parent_id = str(parent) if parent and str(parent) != post_id else None
    author = value.get("from") if isinstance(value.get("from"), dict) else {}
    author_id = str(author["id"]) if author.get("id") else None
    return FetchedItem(
        external_id=str(value["comment_id"]),
        kind="reply" if parent_id else "comment",
        text=str(value.get("message") or ""),
        author_id=author_id,
        author_name=author.get("name"),
        parent_external_id=parent_id,
        thread_external_id=post_id,
        permalink=None,
        created_at=_time(value.get("created_time")),
        is_hidden=value.get("is_hidden") is True,
        from_account=author_id == account_id,
        raw=value,
    )


def _instagram_item(account_id, entry, field, value) -> FetchedItem | None:
    if field != "comments":
        return None
    author = value.get("from") if isinstance(value.get("from"), dict) else {}
    author_id = str(author["id"]) if author.get("id") else None
    media = value.get("media") if isinstance(value.get("media"), dict) else {}
    parent = value.get("parent_id")
    return FetchedItem(
        external_id=str(value["id"]),
        kind="reply" if parent else "comment",
        text=str(value.get("text") or ""),
        author_id=author_id,
        author_name=author.get("username"),
        parent_external_id=str(parent) if parent else None,
        thread_external_id=str(media["id"]) if media.get("id") else None,
        permalink=None,
        # Instagram's comment change carries no creation time: the delivery's time is close.
        created_at=_time(entry.get("time")),
        # `from.id` is an Instagram-scoped id; the account's own comments carry
        # `from.self_ig_scoped_id` (https://developers.facebook.com/docs/instagram-platform/
        # self-messaging). Replies the outbox sent are recognised when stored, by their id.
        from_account=bool(author.get("self_ig_scoped_id")) or author_id == account_id,
        raw=value,
    )


def _instagram_message(account_id, event) -> FetchedItem | None:
    """A `messaging` event carrying a new direct message (text or not). The delivery names no
    conversation: the poll, which reads conversations, finds the same message id and keeps the
    item it already has."""
    if not isinstance(event, dict) or not isinstance(event.get("message"), dict):
        return None
    message = event["message"]
    if not message.get("mid") or message.get("is_deleted") or message.get("is_unsupported"):
        return None
    try:
        sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
        author_id = str(sender["id"]) if sender.get("id") else None
        return FetchedItem(
            external_id=str(message["mid"]),
            kind="message",
            text=str(message.get("text") or ""),
            author_id=author_id,
            author_name=None,  # messaging events carry ids only
            parent_external_id=None,
            thread_external_id=None,
            permalink=None,
            created_at=_time(event.get("timestamp")),
            from_account=message.get("is_echo") is True or author_id == account_id,
            raw=event,
        )
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        logger.warning(
            "webhook message skipped (%s)",
            exc,
            extra={"platform": "instagram", "reason": str(exc), "raw": event},
        )
        return None


def _time(value) -> datetime:
    """Graph sends epoch seconds (sometimes milliseconds) or ISO 8601."""
    if value is None or value == "":
        return timezone.now()
    if isinstance(value, int | float) or str(value).isdigit():
        seconds = float(value)
        if seconds > 1e11:
            seconds /= 1000
        if not _EARLIEST_SECONDS <= seconds < _LATEST_SECONDS:  # also NaN and infinity
            raise ValueError("a webhook time outside the supported span")
        return datetime.fromtimestamp(seconds, tz=UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("a webhook time without a zone")
    moment = supported_moment(parsed)
    if moment is None:
        raise ValueError("a webhook time outside the supported span")
    return moment


_EARLIEST_SECONDS = EARLIEST.timestamp()
_LATEST_SECONDS = LATEST.timestamp()
# Ids and names longer than the queue's columns cannot be stored (nor are they Meta's).
_ID_LIMIT = QueueItem._meta.get_field("external_id").max_length
# Deeper than any Graph payload; the raw payload is stored as JSON, which must be writable.
_MAX_DEPTH = 32


def _acceptable(platform, item: FetchedItem | None, raw) -> FetchedItem | None:
    """`item`, or None when one of its values cannot be stored: an id longer than the column,
    a NUL character (PostgreSQL refuses it in text and JSON) or a payload nested too deeply.
    A refused change is logged with its raw payload; the rest of the delivery is stored."""
    if item is None:
        return None
    problem = None
    ids = (item.external_id, item.parent_external_id, item.thread_external_id, item.author_id)
    if any(value and len(value) > _ID_LIMIT for value in ids):
        problem = f"an id longer than {_ID_LIMIT} characters"
    else:
        problem = _unstorable(item.raw) or _unstorable([item.text, item.author_name, *ids])
    if problem is None:
        return item
    logger.warning(
        "webhook change skipped (%s)",
        problem,
        extra={"platform": platform, "reason": problem, "raw": raw},
    )
    return None


def _unstorable(value) -> str | None:
    """Why `value` (decoded JSON) cannot be stored, or None. Walked without recursion."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return f"nested deeper than {_MAX_DEPTH} levels"
        if isinstance(current, str):
            if "\x00" in current:
                return "a NUL character"
        elif isinstance(current, dict):
            stack.extend((key, depth + 1) for key in current)
            stack.extend((child, depth + 1) for child in current.values())
        elif isinstance(current, list | tuple):
            stack.extend((child, depth + 1) for child in current)
    return None


def _endpoint(platform):
    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    def view(request):
        if request.method == "GET":
            return _handshake(request)
        return _receive(request, platform)

    view.__name__ = f"{platform}_webhook"
    view.__doc__ = f"The {platform} webhook: GET is the subscription handshake, POST a delivery."
    return view


facebook_webhook = _endpoint("facebook")
instagram_webhook = _endpoint("instagram")
