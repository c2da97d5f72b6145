"""The chat receivers the product posts alerts to: a Microsoft Teams Workflows webhook ("When a
Teams webhook request is received"), a classic Teams incoming webhook and a Slack incoming
webhook, each at an address of its own under /_sim/hooks/, answering as documented
(CONFORMANCE.md names the pages):

  POST /_sim/hooks/teams/{id}            Workflows: 202 Accepted, empty body
  POST /_sim/hooks/teams-webhook/{id}    incoming webhook: 200, body "1"
  POST /_sim/hooks/slack/{id}            200 "ok"; 400 invalid_payload / no_text
  GET  /_sim/hooks                       what was received (newest last), ?kind=&id=
  POST /_sim/hooks/faults                {"kind","id","status",["count","retry_after","body"]}
                                         the next `count` posts to that hook get `status`
                                         (429 with Retry-After, 5xx, 404, 410, 400 ...)

A Teams post is checked for the documented message shape (type "message", one or more
attachments of content type application/vnd.microsoft.card.adaptive whose content is an
AdaptiveCard with a version) and the 28 KB limit; a Slack post needs `text` or `blocks`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .wire import Request, Response, json_response

KINDS = ("teams", "teams-webhook", "slack")
TEAMS_MAX_BYTES = 28 * 1024
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
RECEIVED_KEPT = 500

# Slack's documented error strings per status (plain text bodies).
SLACK_ERRORS = {
    400: "invalid_payload",
    403: "action_prohibited",
    404: "no_service",
    410: "channel_is_archived",
    429: "rate_limited",
    500: "rollup_error",
}


def _text(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(status, body.encode("utf-8"), [("Content-Type", "text/plain")])
    for name, value in (headers or {}).items():
        response.set_header(name, value)
    return response


@dataclass
class HookFault:
    status: int
    count: int = 1
    retry_after: int | None = None
    body: str = ""


@dataclass
class ChatHookBook:
    """What the receivers got and the faults waiting for them (held under the world's lock)."""

    received: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[tuple[str, str], list[HookFault]] = field(default_factory=dict)


class ChatHooks:
    def __init__(self, world) -> None:
        self.world = world

    @property
    def book(self) -> ChatHookBook:
        return self.world.chat_hooks

    def handle(self, request: Request, parts: list[str]) -> Response:
        if parts == ["hooks"]:
            if request.method != "GET":
                return json_response(405, {"error": "method not allowed; use GET"})
            return json_response(200, self._received(request.query))
        if parts == ["hooks", "faults"]:
            if request.method != "POST":
                return json_response(405, {"error": "method not allowed; use POST"})
            return self._add_fault(request)
        if len(parts) == 3 and parts[1] in KINDS:
            if request.method != "POST":
                return json_response(405, {"error": "method not allowed; use POST"})
            return self._receive(parts[1], parts[2], request)
        return json_response(404, {"error": f"no hook route {request.path}"})

    def _received(self, query: dict[str, str]) -> list[dict[str, Any]]:
        with self.world.lock:
            rows = list(self.book.received)
        for name in ("kind", "id"):
            if query.get(name):
                rows = [row for row in rows if row[name] == query[name]]
        return rows

    def _add_fault(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            return json_response(400, {"error": "the request body must be a JSON object"})
        kind, hook_id, status = body.get("kind"), body.get("id"), body.get("status")
        count, retry_after = body.get("count", 1), body.get("retry_after")
        if kind not in KINDS or not isinstance(hook_id, str) or not hook_id:
            return json_response(400, {"error": f"kind must be one of {KINDS}, id a string"})
        if not isinstance(status, int) or not 400 <= status <= 599:
            return json_response(400, {"error": "status must be an HTTP error status"})
        if not isinstance(count, int) or not 1 <= count <= 100:
            return json_response(400, {"error": "count must be a whole number from 1 to 100"})
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            return json_response(400, {"error": "retry_after must be whole seconds"})
        fault = HookFault(status, count, retry_after, str(body.get("body", "")))
        with self.world.lock:
            self.book.faults.setdefault((kind, hook_id), []).append(fault)
        return json_response(200, {"kind": kind, "id": hook_id, **fault.__dict__})

    def _take_fault(self, kind: str, hook_id: str) -> HookFault | None:
        waiting = self.book.faults.get((kind, hook_id))
        if not waiting:
            return None
        fault = waiting[0]
        fault.count -= 1
        if fault.count <= 0:
            waiting.pop(0)
        return fault

    def _receive(self, kind: str, hook_id: str, request: Request) -> Response:
        with self.world.lock:
            fault = self._take_fault(kind, hook_id)
            try:
                payload = json.loads(request.body.decode("utf-8")) if request.body else None
            except (UnicodeDecodeError, json.JSONDecodeError):
                payload = None
            if fault is not None:
                response = self._fault_response(kind, fault)
            elif kind == "slack":
                response = self._slack(payload)
            else:
                response = self._teams(kind, payload, len(request.body))
            self.book.received.append(
                {
                    "kind": kind,
                    "id": hook_id,
                    "status": response.status,
                    "at": self.world.now().isoformat(),
                    "bytes": len(request.body),
                    "body": payload,
                }
            )
            del self.book.received[:-RECEIVED_KEPT]
        return response

    @staticmethod
    def _fault_response(kind: str, fault: HookFault) -> Response:
        headers = {}
        if fault.status == 429:
            headers["Retry-After"] = str(fault.retry_after if fault.retry_after is not None else 1)
        if kind == "slack":
            return _text(fault.status, fault.body or SLACK_ERRORS.get(fault.status, ""), headers)
        code = "TooManyRequests" if fault.status == 429 else f"HTTP{fault.status}"
        return json_response(
            fault.status,
            {"error": {"code": code, "message": fault.body or "The request failed."}},
            headers,
        )

    @staticmethod
    def _slack(payload: Any) -> Response:
        if not isinstance(payload, dict):
            return _text(400, "invalid_payload")
        if not payload.get("text") and not payload.get("blocks"):
            return _text(400, "no_text")
        blocks = payload.get("blocks", [])
        if not isinstance(blocks, list) or len(blocks) > 50:
            return _text(400, "invalid_blocks")
        return _text(200, "ok")

    @staticmethod
    def _teams(kind: str, payload: Any, size: int) -> Response:
        problem = teams_problem(payload, size)
        if problem:
            return json_response(
                400, {"error": {"code": "InvalidRequestContent", "message": problem}}
            )
        if kind == "teams":
            return Response(202)
        return _text(200, "1")


def teams_problem(payload: Any, size: int) -> str:
    """What is wrong with a Teams webhook message, or "" when it has the documented shape."""
    if size > TEAMS_MAX_BYTES:
        return f"the message is {size} bytes; the limit is 28 KB"
    if not isinstance(payload, dict) or payload.get("type") != "message":
        return 'the body must be a JSON object with "type": "message"'
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return '"attachments" must hold at least one card'
    for attachment in attachments:
        if not isinstance(attachment, dict):
            return "each attachment must be an object"
        if attachment.get("contentType") != CARD_CONTENT_TYPE:
            return f'an attachment\'s "contentType" must be {CARD_CONTENT_TYPE}'
        card = attachment.get("content")
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            return 'an attachment\'s "content" must be an AdaptiveCard'
        if not isinstance(card.get("version"), str):
            return "the card must name its version"
    return ""
