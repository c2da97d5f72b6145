"""Small helpers shared by the adapters that speak plain HTTP (X, YouTube and, through its SDK,
LinkedIn): send with a timeout, turn network failures into `TransientError`, decode JSON safely."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests

from .errors import BadDataError, PlatformError, TransientError


@dataclass(frozen=True)
class Decoded:
    """A response reduced to what the adapters look at. `body` is None when the response had no
    body or the body was not JSON; `json_error` is True when it claimed to be JSON but was not."""

    status: int
    headers: dict[str, str]
    body: object
    text: str
    json_error: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def decode(response: requests.Response) -> Decoded:
    headers = {k.lower(): v for k, v in response.headers.items()}
    text = response.text or ""
    content_type = headers.get("content-type", "")
    body: object = None
    json_error = False
    # Parse when the server says JSON, and also when it says nothing: proxies drop the header.
    if text.strip() and ("json" in content_type or not content_type):
        try:
            body = json.loads(text)
        except ValueError:
            json_error = "json" in content_type
    return Decoded(response.status_code, headers, body, text, json_error)


def send(
    platform: str, call: Callable[[], requests.Response], *, on_sent: Callable[[], None]
) -> Decoded:
    """Run `call` (one HTTP request), count it through `on_sent`, and map network failures."""
    on_sent()
    try:
        response = call()
    except requests.Timeout as exc:
        raise TransientError(f"{platform} did not answer in time", platform=platform) from exc
    except requests.RequestException as exc:
        raise TransientError(
            f"could not reach {platform}: {type(exc).__name__}", platform=platform
        ) from exc
    return decode(response)


def checked(
    platform: str, decoded: Decoded, error_for: Callable[[Decoded], PlatformError]
) -> Decoded:
    """`decoded` when it is a success with a readable body; otherwise raise `error_for`'s
    classification of the failure, or BadDataError for a body cut off mid-JSON."""
    if not decoded.ok:
        raise error_for(decoded)
    if decoded.json_error:
        raise BadDataError(
            f"{platform} sent malformed JSON",
            platform=platform,
            status=decoded.status,
            raw=decoded.text[:200],
        )
    return decoded


def require_json_object(platform: str, decoded: Decoded) -> dict:
    """The body of a successful response that must be a JSON object (a whole page)."""
    if isinstance(decoded.body, dict):
        return decoded.body
    if decoded.status >= 500:
        raise TransientError(
            f"{platform} answered {decoded.status}", platform=platform, status=decoded.status
        )
    raise BadDataError(
        f"{platform} answered {decoded.status} with a body that is not a JSON object",
        platform=platform,
        status=decoded.status,
        raw=decoded.text[:200],
    )


@contextmanager
def further_page(is_further: bool = True) -> Iterator[None]:
    """Wrap the request for a further page of a listing.

    A plain refusal there means the page token or cursor died (its item was deleted, it
    expired). Nothing from the listing has been stored yet, so reading again from the stored
    watermark is safe: the refusal is re-raised as transient. Other failures keep their class.
    """
    try:
        yield
    except PlatformError as exc:
        if not is_further or type(exc) is not PlatformError:
            raise
        raise TransientError(
            "a paging cursor stopped working; read again from the stored position",
            platform=exc.platform,
            status=exc.status,
            code=exc.code,
            subcode=exc.subcode,
            raw=exc.raw,
        ) from exc


class BearerJsonTransport:
    """The transport of the adapters that call a JSON API with `requests` and a bearer token
    (X, YouTube): one session per adapter, every call counted and timed out, failures
    classified by the platform's own rules.

    A subclass (also a `PlatformAdapter`) sets `api_prefix` and implements `classify_failure`;
    `after_response` may read headers of every answer (usage, rate limits).
    """

    api_prefix = ""

    def open_session(self, connection) -> None:
        self.base_url = connection.base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {connection.token}"
        self._resources.append(self.session)

    def classify_failure(self, failed: Decoded, *, write: bool) -> PlatformError:
        raise NotImplementedError

    def after_response(self, decoded: Decoded) -> None:
        """Hook for every answer, before it is checked."""

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json_body: dict | None = None,
        write: bool = False,
    ) -> dict:
        url = f"{self.base_url}/{self.api_prefix}/{path}"
        decoded = send(
            self.platform,
            lambda: self.session.request(
                method, url, params=params, json=json_body, timeout=self.connection.timeout
            ),
            on_sent=self.count_call,
        )
        self.after_response(decoded)
        checked(self.platform, decoded, lambda failed: self.classify_failure(failed, write=write))
        if decoded.status == 204:
            return {}
        return require_json_object(self.platform, decoded)
