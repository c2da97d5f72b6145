"""What every simulated platform API shares: the order in which a call is authenticated, counted,
faulted and answered, opaque page tokens, and slicing a sorted list into pages."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..faults import (
    GATEWAY_KINDS,
    INVALID_CURSOR,
    REPLACING_KINDS,
    REQUEST_KINDS,
    SHORT_PAGE,
    Fault,
    html_502,
    malformed,
    no_content_type_502,
)
from ..state import Account, World
from ..wire import BadBody, Request, Response

T = TypeVar("T")


class Abort(Exception):
    """Stop handling a call and answer with `response` (an error in the platform's shape)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def encode_token(prefix: str, value: str) -> str:
    return base64.urlsafe_b64encode(f"{prefix}:{value}".encode()).decode("ascii").rstrip("=")


def decode_token(prefix: str, token: str) -> str | None:
    """The value inside a token we issued, or None when it is not one of ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    head, sep, value = text.partition(":")
    return value if sep and head == prefix else None


@dataclass
class Page:
    items: list[Any]
    start: int
    has_next: bool
    has_previous: bool


def paginate(
    items: Sequence[T],
    start: int,
    limit: int,
    *,
    short: Fault | None = None,
    full_page_has_next: bool = False,
) -> Page:
    """One page of `items` from `start`.

    A short-page fault returns fewer items than asked but keeps the next link while items remain.
    With `full_page_has_next`, a page that ends exactly at the last item still links onward to
    an empty page, as Graph and X do: only a missing next link means the end.
    """
    take = limit if short is None else min(limit, short.page_size)
    page = list(items[start : start + take])
    end = start + len(page)
    has_next = end < len(items) or (full_page_has_next and 0 < len(page) == limit)
    return Page(items=page, start=start, has_next=has_next, has_previous=start > 0)


class PlatformAPI:
    """Base of the Graph, LinkedIn, X and YouTube imitations.

    A call is authenticated first (an unknown token never reaches a fault or a handler), then
    counted, then may be replaced by an injected fault, then checked against rate limits and
    quota, then routed. "timeout" and "malformed" faults let the call do its work and spoil the
    answer, as a lost or cut-off response does on the real network.
    """

    #: Platform name used to count calls that fail authentication.
    family = ""

    def __init__(self, world: World) -> None:
        self.world = world

    def handle(self, request: Request) -> Response:
        world = self.world
        with world.lock:
            try:
                outcome = self.authenticate(request)
            except Abort as abort:
                outcome = abort.response
            if isinstance(outcome, Response):
                world.stats.record(self.unauthenticated_platform(request), None, outcome.status)
                return outcome
            account = outcome
            fault = world.faults.take(account.platform, account.id, REQUEST_KINDS)
            try:
                if fault is not None and fault.kind in REPLACING_KINDS:
                    response = self.fault_response(fault, request, account)
                else:
                    response = self.admit(request, account) or self.route(request, account)
            except Abort as abort:
                response = abort.response
            except BadBody as exc:
                response = self.bad_request(str(exc))
            if fault is None or fault.kind not in GATEWAY_KINDS:
                # A gateway's error page carries none of the platform's headers.
                self.decorate(response, request, account, fault)
            world.stats.record(account.platform, account.id, response.status)
            delay = world.config["timeout_seconds"]
        if fault is not None and fault.kind == "timeout":
            response.delay = delay
        elif fault is not None and fault.kind == "malformed":
            response = malformed(response)
        return response

    def fault_response(self, fault: Fault, request: Request, account: Account) -> Response:
        if fault.kind == "html_502":
            return html_502()
        if fault.kind == "no_content_type":
            return no_content_type_502()
        return self.platform_fault(fault, request, account)

    def list_faults(self, account: Account, *, has_cursor: bool) -> Fault | None:
        """Apply list-only faults: an invalid-cursor error aborts, a short page is returned."""
        if has_cursor and self.world.faults.take(account.platform, account.id, {INVALID_CURSOR}):
            raise Abort(self.invalid_cursor())
        return self.world.faults.take(account.platform, account.id, {SHORT_PAGE})

    # --- hooks each platform fills in --------------------------------------------------------

    def unauthenticated_platform(self, request: Request) -> str:
        return self.family

    def authenticate(self, request: Request) -> Account | Response:
        raise NotImplementedError

    def admit(self, request: Request, account: Account) -> Response | None:
        """Rate limits and quota; None lets the call through."""
        return None

    def route(self, request: Request, account: Account) -> Response:
        raise NotImplementedError

    def decorate(
        self, response: Response, request: Request, account: Account, fault: Fault | None
    ) -> None:
        """Add headers every answer carries (usage, rate limits)."""

    def platform_fault(self, fault: Fault, request: Request, account: Account) -> Response:
        raise NotImplementedError

    def invalid_cursor(self) -> Response:
        raise NotImplementedError

    def bad_request(self, message: str) -> Response:
        raise NotImplementedError
