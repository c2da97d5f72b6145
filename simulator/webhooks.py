"""Signed webhook deliveries for Facebook and Instagram comments and Instagram direct messages,
built exactly as Meta sends them, so the product's webhook endpoint can be tested with valid
signatures and repeated deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from .state import Comment, Conversation, Message, World, instagram_scoped_id
from .timefmt import epoch_ms, epoch_s


def signature(body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 value: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _payload(comment: Comment, account_username: str, now: datetime) -> dict[str, Any]:
    author = comment.author
    if comment.platform == "instagram":
        value: dict[str, Any] = {
            # The account's own comment carries `self_ig_scoped_id`, as in the documented
            # example (https://developers.facebook.com/docs/instagram-platform/self-messaging).
            "from": (
                {"id": author.id, "username": author.username}
                if author
                else {
                    "id": comment.account_id,
                    "username": account_username,
                    "self_ig_scoped_id": instagram_scoped_id(comment.account_id),
                }
            ),
            "media": {"id": comment.post_id, "media_product_type": "FEED"},
            "id": comment.id,
            "text": comment.text,
        }
        if comment.parent_id:
            value["parent_id"] = comment.parent_id
        field, kind = "comments", "instagram"
    else:
        value = {
            "item": "comment",
            "verb": "add",
            "comment_id": comment.id,
            "post_id": comment.post_id,
            # Graph names the post as the parent of a top-level comment.
            "parent_id": comment.parent_id or comment.post_id,
            "message": comment.text,
            "created_time": epoch_s(comment.created),
            "is_hidden": comment.hidden,
        }
        if author is not None and comment.show_author:
            value["from"] = {"id": author.id, "name": author.name}
        field, kind = "feed", "page"
    return {
        "object": kind,
        "entry": [
            {
                "id": comment.account_id,
                "time": epoch_s(now),
                "changes": [{"field": field, "value": value}],
            }
        ],
    }


def build_webhook_delivery(
    comment: Comment, app_secret: str, *, world: World | None = None
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers Meta would POST for a new Facebook or Instagram comment.

    Pass `world` to use its clock and the account's username; otherwise the comment's own time.
    """
    if comment.platform not in ("facebook", "instagram"):
        raise ValueError("webhook deliveries exist for Facebook and Instagram comments only")
    if not app_secret:
        raise ValueError("an app secret is required to sign a delivery")
    username = ""
    now = comment.created
    if world is not None:
        now = world.now()
        account = world.account(comment.platform, comment.account_id)
        username = account.username if account else ""
    return _signed(_payload(comment, username, now), app_secret)


def build_message_delivery(
    conversation: Conversation, message: Message, app_secret: str, *, now: datetime
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of an Instagram `messages` delivery. Messaging deliveries carry
    `messaging` events instead of `changes`, times in milliseconds, and no conversation id; the
    account's own answers come back as echoes (`is_echo`)."""
    if conversation.platform != "instagram":
        raise ValueError("message deliveries are simulated for Instagram direct messages only")
    if not app_secret:
        raise ValueError("an app secret is required to sign a delivery")
    citizen, own = conversation.author.id, conversation.account_id
    sender, recipient = (citizen, own) if message.author is not None else (own, citizen)
    content: dict[str, Any] = {"mid": message.id, "text": message.text}
    if message.author is None:
        content["is_echo"] = True
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": conversation.account_id,
                "time": epoch_ms(now),
                "messaging": [
                    {
                        "sender": {"id": sender},
                        "recipient": {"id": recipient},
                        "timestamp": epoch_ms(message.created),
                        "message": content,
                    }
                ],
            }
        ],
    }
    return _signed(payload, app_secret)


def _signed(payload: dict[str, Any], app_secret: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "facebookexternalua",
        "X-Hub-Signature-256": signature(body, app_secret),
        # The legacy SHA-1 signature is still sent alongside.
        "X-Hub-Signature": "sha1="
        + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha1).hexdigest(),
    }
    return body, headers


def deliver(
    body: bytes, headers: dict[str, str], target_url: str, *, repeat: int = 1, timeout: float = 10
) -> list[dict[str, Any]]:
    """POST the same delivery `repeat` times (Meta repeats deliveries); one result per attempt."""
    if not target_url.startswith(("http://", "https://")):
        raise ValueError("target_url must be an http(s) URL")
    results: list[dict[str, Any]] = []
    for _ in range(repeat):
        request = urllib.request.Request(target_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                results.append({"status": answer.status})
        except urllib.error.HTTPError as exc:
            results.append({"status": exc.code})
        except (urllib.error.URLError, OSError) as exc:
            results.append({"status": None, "error": str(exc)})
    return results
