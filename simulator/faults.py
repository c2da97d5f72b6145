"""Injected faults: a queue of "the next N matching calls go wrong in this way", plus the
platform-independent broken responses (HTML 502, 502 without Content-Type, truncated JSON)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from .wire import Response

PLATFORMS = ("facebook", "instagram", "linkedin", "x", "youtube")

# Faults that replace the answer of any API call; nothing the call would have done happens.
REPLACING_KINDS = frozenset(
    {
        "throttle",
        "server_error",
        "html_502",
        "no_content_type",
        "token_expired",
        "quota_exceeded",
        "version_retired",
    }
)
# Faults that look like a proxy in front of the platform answered.
GATEWAY_KINDS = frozenset({"html_502", "no_content_type"})
# Faults where the call is carried out (a write really happens) but the answer is spoiled.
AFTER_KINDS = frozenset({"timeout", "malformed"})
REQUEST_KINDS = REPLACING_KINDS | AFTER_KINDS
# Faults that only list calls can get.
SHORT_PAGE = "short_page"
INVALID_CURSOR = "invalid_cursor"
# Consumed when a comment is created rather than when a call is served.
READ_LAG = "read_lag"
NO_NOTIFICATION = "no_notification"
KINDS = REQUEST_KINDS | {SHORT_PAGE, INVALID_CURSOR, READ_LAG, NO_NOTIFICATION}
ONLY_ON = {
    "quota_exceeded": {"youtube"},
    "version_retired": {"linkedin"},
    "no_notification": {"linkedin"},
}

MAX_COUNT = 1_000_000


class FaultError(ValueError):
    """A fault request that cannot be honoured."""


@dataclass
class Fault:
    id: int
    platform: str
    kind: str
    remaining: int
    account_id: str | None = None
    skip: int = 0
    reset_after_seconds: float = 60.0
    seconds: float = 5.0
    page_size: int = 0

    def matches(self, platform: str, account_id: str | None) -> bool:
        if self.platform != platform:
            return False
        return self.account_id is None or self.account_id == account_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "platform": self.platform,
            "kind": self.kind,
            "count": self.remaining,
            "account_id": self.account_id,
            "after": self.skip,
            "reset_after_seconds": self.reset_after_seconds,
            "seconds": self.seconds,
            "page_size": self.page_size,
        }


def _number(spec: dict, name: str, default: float, *, minimum: float, maximum: float) -> float:
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FaultError(f"{name} must be a number")
    if not minimum <= value <= maximum:
        raise FaultError(f"{name} must be between {minimum} and {maximum}")
    return value


class FaultBook:
    """Pending faults in the order they were added; the world's lock guards it."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict[str, Any], account_key: Any) -> Fault:
        """Validate a control-API fault request and queue it.

        `account_key(platform, account_id)` gives the account's id as the world keys it (a
        LinkedIn organisation may be named by its URN), or None when there is no such account.
        """
        platform = spec.get("platform")
        kind = spec.get("kind")
        if platform not in PLATFORMS:
            raise FaultError(f"platform must be one of {', '.join(PLATFORMS)}")
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {', '.join(sorted(KINDS))}")
        if kind in ONLY_ON and platform not in ONLY_ON[kind]:
            raise FaultError(f"{kind} only exists on {', '.join(sorted(ONLY_ON[kind]))}")
        account_id = spec.get("account_id")
        if account_id is not None:
            named = account_id
            account_id = account_key(platform, str(account_id))
            if account_id is None:
                raise FaultError(f"no {platform} account {named}")
        fault = Fault(
            id=next(self._ids),
            platform=platform,
            kind=kind,
            remaining=int(_number(spec, "count", 1, minimum=1, maximum=MAX_COUNT)),
            account_id=account_id,
            skip=int(_number(spec, "after", 0, minimum=0, maximum=MAX_COUNT)),
            reset_after_seconds=float(
                _number(spec, "reset_after_seconds", 60, minimum=0, maximum=86_400 * 7)
            ),
            seconds=float(_number(spec, "seconds", 5, minimum=0, maximum=86_400)),
            page_size=int(_number(spec, "page_size", 0, minimum=0, maximum=100)),
        )
        self._faults.append(fault)
        return fault

    def take(self, platform: str, account_id: str | None, kinds: frozenset | set) -> Fault | None:
        """Consume one use of the oldest pending fault of `kinds` matching this call, if any.

        A fault with `after` = N lets N matching calls pass before it starts firing.
        """
        for fault in self._faults:
            if fault.kind not in kinds or not fault.matches(platform, account_id):
                continue
            if fault.skip > 0:
                fault.skip -= 1
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        return [fault.to_dict() for fault in self._faults]

    def clear(self) -> None:
        self._faults.clear()


HTML_502 = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>\n"
)


def html_502() -> Response:
    return Response(502, HTML_502, [("Content-Type", "text/html; charset=utf-8")])


def no_content_type_502() -> Response:
    # Deliberately no Content-Type header at all: some proxies answer like this.
    return Response(502, b"Bad Gateway")


def malformed(response: Response) -> Response:
    """The same answer cut off in the middle, still labelled as JSON."""
    body = response.body or b'{"data": [{"id": "1"}]}'
    cut = max(1, len(body) * 2 // 3)
    spoiled = Response(response.status, body[:cut], list(response.headers), response.delay)
    if spoiled.get_header("Content-Type") is None:
        spoiled.set_header("Content-Type", "application/json; charset=UTF-8")
    if spoiled.status == 204:
        spoiled.status = 200
    return spoiled
