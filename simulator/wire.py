"""The simulator's own request and response objects, independent of `http.server`, so every
platform module can be written (and reasoned about) as plain functions from one to the other."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

JSON_TYPE = "application/json; charset=UTF-8"


class BadBody(ValueError):
    """The request body could not be decoded the way the endpoint needs it."""


@dataclass
class Request:
    method: str
    path: str
    query_string: str
    headers: Message
    body: bytes = b""
    base_url: str = ""
    _query: dict[str, str] | None = field(default=None, repr=False)

    @property
    def raw_segments(self) -> list[str]:
        """Path segments still percent-encoded (LinkedIn checks that URNs arrive encoded)."""
        return [part for part in self.path.split("/") if part]

    @property
    def segments(self) -> list[str]:
        return [unquote(part) for part in self.raw_segments]

    @property
    def query(self) -> dict[str, str]:
        """Query parameters; when a name repeats, the last value wins, as on the platforms."""
        if self._query is None:
            parsed = parse_qs(self.query_string, keep_blank_values=True)
            self._query = {name: values[-1] for name, values in parsed.items()}
        return self._query

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def bearer_token(self) -> str | None:
        """The token of an `Authorization: Bearer …` (or Graph's `OAuth …`) header."""
        value = self.header("Authorization") or ""
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() in ("bearer", "oauth") and token.strip():
            return token.strip()
        return None

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        if not self.body:
            raise BadBody("the request body is empty")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadBody(f"the request body is not valid JSON: {exc}") from exc

    def form(self) -> dict[str, Any]:
        """Body parameters of a form-encoded or JSON write (Graph accepts both).

        Values from a form are strings; values from a JSON body keep their JSON types, so a
        JSON `true` stays a boolean while a form `True` stays the string "True".
        """
        if not self.body:
            return {}
        if self.content_type == "application/json":
            payload = self.json()
            if not isinstance(payload, dict):
                raise BadBody("the JSON body must be an object")
            return payload
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadBody("the form body is not UTF-8") from exc
        parsed = parse_qs(text, keep_blank_values=True)
        return {name: values[-1] for name, values in parsed.items()}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Seconds to wait before answering (the "timeout" fault); the work itself is already done.
    delay: float = 0.0

    def set_header(self, name: str, value: str) -> None:
        lowered = name.lower()
        self.headers = [(key, val) for key, val in self.headers if key.lower() != lowered]
        self.headers.append((name, value))

    def get_header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = Response(status, body, [("Content-Type", JSON_TYPE)])
    for name, value in (headers or {}).items():
        response.set_header(name, value)
    return response


def empty_response(status: int = 204, headers: dict[str, str] | None = None) -> Response:
    response = Response(status)
    for name, value in (headers or {}).items():
        response.set_header(name, value)
    return response


def url_with(base_url: str, path: str, params: dict[str, str]) -> str:
    """An absolute URL back into the simulator, as the platforms' `next` links are."""
    query = urlencode(params)
    return f"{base_url}{path}" + (f"?{query}" if query else "")
