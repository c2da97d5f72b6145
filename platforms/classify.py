"""Pure functions that turn a failed platform response (status, decoded body, headers) into one of
our error classes. Kept apart from the HTTP code so every rule can be tested on canned bodies.

`body` is the decoded JSON when the response was JSON, otherwise None (`text` then carries the
start of the raw body for the log). `write` is True for replies, hides and deletes: a request the
platform refuses for this target is a `WriteRejectedError` there, not a channel-wide failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from .errors import (
    ActionNotAllowedError,
    BadDataError,
    NeedsReconnectError,
    PlatformError,
    ThrottledError,
    TooMuchDataError,
    TransientError,
    WriteRejectedError,
)
from .timeutil import PACIFIC, next_midnight
from .usage import UsageReading

# Graph API error codes (https://developers.facebook.com/docs/graph-api/guides/error-handling).
GRAPH_TRANSIENT_CODES = frozenset({1, 2})
# 341 "Application limit reached" is throttling too ("Temporary issue due to downtime or
# throttling. Wait and retry the operation, or examine your API request volume").
GRAPH_THROTTLE_CODES = frozenset({4, 17, 32, 341, 613}) | frozenset(range(80000, 80015))
# Code 1 with this message asks for fewer items per request, not for a plain retry.
GRAPH_REDUCE_DATA_MESSAGE = "reduce the amount of data"
# Code 10 (permission denied) and 200-299 (a named permission is missing, e.g. 230 "Requires
# pages_messaging permission to manage the object").
GRAPH_PERMISSION_CODES = frozenset({10}) | frozenset(range(200, 300))
GRAPH_BLOCKED_CODE = 368
GRAPH_TOKEN_CODES = frozenset({102, 190})
GRAPH_DUPLICATE_CODE = 506
GRAPH_INVALID_PARAMETER_CODE = 100
# Code 10 with these subcodes is the Send API refusing a message outside the 24-hour window the
# person's last message opened (2534022 Instagram, 2018278 Messenger): not a missing permission.
GRAPH_OUTSIDE_WINDOW_SUBCODES = frozenset({2534022, 2018278})

# Without a regain time, a throttled Graph app is tried again after this long: the usage window
# is a rolling hour, so a short pause followed by one probing call costs little.
GRAPH_THROTTLE_DEFAULT = timedelta(minutes=15)
GRAPH_BLOCKED_DEFAULT = timedelta(hours=1)
# X rate-limit windows are 15 minutes long.
X_THROTTLE_DEFAULT = timedelta(minutes=15)
# YouTube's per-minute limits (not the daily quota) clear quickly.
YOUTUBE_RATE_DEFAULT = timedelta(minutes=1)

YOUTUBE_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
YOUTUBE_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
YOUTUBE_RECONNECT_REASONS = frozenset(
    {
        "forbidden",
        "insufficientPermissions",
        "authError",
        "accountDelegationForbidden",
        "youtubeSignupRequired",
        "channelClosed",
        "channelSuspended",
    }
)
# Older X error codes that still appear in 401/403 bodies: 32 could not authenticate, 89 invalid
# or expired token, 64 suspended account.
X_TOKEN_CODES = frozenset({32, 64, 89})
# Since 2026-02-24 X takes a programmatic reply (POST /2/tweets with `reply`) only to a post whose
# author mentioned or quoted the account; elsewhere it answers 403 with this detail:
# "Reply to this conversation is not allowed because you have not been mentioned or otherwise
# engaged by the author of the post you are replying to."
X_REPLY_NOT_ALLOWED_MARKERS = (
    "reply to this conversation is not allowed",
    "not been mentioned or otherwise engaged",
)
X_REPLY_NOT_ALLOWED_CODE = "x_reply_not_allowed"


def _retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    for name, value in (headers or {}).items():
        if str(name).lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _non_json(
    platform: str, status: int | None, text: str, headers: Mapping[str, str] | None
) -> PlatformError:
    """A response whose body is not JSON: HTML error pages from proxies, empty bodies."""
    snippet = (text or "")[:200]
    if status is None or status >= 500:
        return TransientError(
            "the platform answered with a non-JSON error page",
            platform=platform,
            status=status,
            raw=snippet,
            retry_after=_retry_after_seconds(headers),
        )
    if 200 <= status < 300:
        return BadDataError(
            "the platform answered 2xx with a body that is not JSON",
            platform=platform,
            status=status,
            raw=snippet,
        )
    return PlatformError(
        "the platform answered with a non-JSON error",
        platform=platform,
        status=status,
        raw=snippet,
    )


def classify_graph_error(
    *,
    platform: str,
    status: int | None,
    body: object,
    now: datetime,
    usage: UsageReading | None = None,
    headers: Mapping[str, str] | None = None,
    text: str = "",
    write: bool = False,
) -> PlatformError:
    """Classify a Facebook or Instagram Graph API failure."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        if status == 429:
            return ThrottledError(
                "throttled without an error body",
                platform=platform,
                status=status,
                resume_at=(usage.regain_at if usage and usage.regain_at else None)
                or now + GRAPH_THROTTLE_DEFAULT,
            )
        if isinstance(body, Mapping) and status is not None and status < 500:
            return BadDataError(
                "the Graph API answered with an unexpected shape",
                platform=platform,
                status=status,
                raw=body,
            )
        return _non_json(platform, status, text, headers)

    code = _as_int(error.get("code"))
    subcode = _as_int(error.get("error_subcode"))
    message = str(error.get("message") or "Graph API error")
    common = {"platform": platform, "status": status, "code": code, "subcode": subcode, "raw": body}

    if code in GRAPH_TOKEN_CODES:
        return NeedsReconnectError(message, **common)
    if code == 10 and subcode in GRAPH_OUTSIDE_WINDOW_SUBCODES:
        return WriteRejectedError(
            f"{message} More than 24 hours have passed since the person's last message, so "
            "the platform no longer accepts an answer in this conversation.",
            reason="outside_window",
            **common,
        )
    if code in GRAPH_PERMISSION_CODES:
        return NeedsReconnectError(message, **common)
    if code in GRAPH_THROTTLE_CODES or code == GRAPH_BLOCKED_CODE:
        default = GRAPH_BLOCKED_DEFAULT if code == GRAPH_BLOCKED_CODE else GRAPH_THROTTLE_DEFAULT
        regain = usage.regain_at if usage else None
        return ThrottledError(message, resume_at=regain or now + default, **common)
    if code == 1 and GRAPH_REDUCE_DATA_MESSAGE in message.lower():
        return TooMuchDataError(message, **common)
    if code in GRAPH_TRANSIENT_CODES or error.get("is_transient") is True:
        return TransientError(message, retry_after=_retry_after_seconds(headers), **common)
    if code == GRAPH_DUPLICATE_CODE:
        return WriteRejectedError(message, reason="duplicate", **common)
    if status is not None and status >= 500:
        return TransientError(message, retry_after=_retry_after_seconds(headers), **common)
    if write:
        reason = "invalid_target" if code == GRAPH_INVALID_PARAMETER_CODE else "rejected"
        return WriteRejectedError(message, reason=reason, **common)
    return PlatformError(message, **common)


def is_missing_permission(error: PlatformError) -> bool:
    """A Graph refusal for a permission the token lacks (code 10 or 200-299), as opposed to a
    dead token (190): the rest of what the token may read still works."""
    return isinstance(error, NeedsReconnectError) and error.code in GRAPH_PERMISSION_CODES


def classify_linkedin_error(
    *,
    status: int,
    body: object,
    now: datetime,
    headers: Mapping[str, str] | None = None,
    text: str = "",
    write: bool = False,
) -> PlatformError:
    """Classify a LinkedIn REST failure (`{"message", "serviceErrorCode", "status"}` bodies)."""
    platform = "linkedin"
    if status == 429:
        retry_after = _retry_after_seconds(headers)
        # Daily application and member limits reset at midnight UTC; a 429 without a hint is
        # assumed to be one of those.
        resume_at = now + timedelta(seconds=retry_after) if retry_after else next_midnight(now)
        return ThrottledError(
            "LinkedIn throttled the request",
            platform=platform,
            status=status,
            resume_at=resume_at,
            raw=body if body is not None else text[:200],
        )
    if not isinstance(body, Mapping):
        return _non_json(platform, status, text, headers)
    code = body.get("serviceErrorCode", body.get("code"))
    message = str(body.get("message") or f"LinkedIn answered {status}")
    common = {"platform": platform, "status": status, "code": code, "raw": body}
    if status == 401:
        return NeedsReconnectError(message, **common)
    if status >= 500:
        return TransientError(message, retry_after=_retry_after_seconds(headers), **common)
    if write:
        if status == 409 or _linkedin_duplicate(body):
            return WriteRejectedError(message, reason="duplicate", **common)
        if status == 404:
            return WriteRejectedError(message, reason="invalid_target", **common)
        if status == 403:
            return WriteRejectedError(message, reason="forbidden", **common)
        if 400 <= status < 500 and status != 426:
            return WriteRejectedError(message, **common)
    if status == 403:
        return NeedsReconnectError(message, **common)
    # 426 NONEXISTENT_VERSION and other 4xx: a configuration problem, not passing and not the
    # token's fault.
    return PlatformError(message, **common)


def _linkedin_duplicate(body: Mapping) -> bool:
    """A post LinkedIn refuses as a copy of a recent one: 422 with the input error code
    DUPLICATE_POST ("Content is a duplicate of urn:li:share:…")."""
    details = body.get("errorDetails") if isinstance(body.get("errorDetails"), Mapping) else {}
    for error in details.get("inputErrors") or []:
        if isinstance(error, Mapping) and error.get("code") == "DUPLICATE_POST":
            return True
    return "content is a duplicate of" in str(body.get("message") or "").lower()


def classify_x_error(
    *,
    status: int,
    body: object,
    now: datetime,
    usage: UsageReading | None = None,
    headers: Mapping[str, str] | None = None,
    text: str = "",
    write: bool = False,
) -> PlatformError:
    """Classify an X API v2 failure (problem objects, or the older `{"errors": [...]}` form)."""
    platform = "x"
    legacy_codes: set[int] = set()
    if isinstance(body, Mapping) and isinstance(body.get("errors"), list):
        for item in body["errors"]:
            if isinstance(item, Mapping) and _as_int(item.get("code")) is not None:
                legacy_codes.add(_as_int(item.get("code")))
    if status == 429 or 88 in legacy_codes:
        reset_at = usage.reset_at if usage else None
        return ThrottledError(
            "X rate limit reached",
            platform=platform,
            status=status,
            resume_at=reset_at if reset_at and reset_at > now else now + X_THROTTLE_DEFAULT,
            raw=body if body is not None else text[:200],
        )
    if not isinstance(body, Mapping):
        return _non_json(platform, status, text, headers)
    message = str(body.get("detail") or body.get("title") or f"X answered {status}")
    if isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        if isinstance(first, Mapping):
            message = str(first.get("message") or first.get("detail") or message)
    common = {"platform": platform, "status": status, "code": body.get("type"), "raw": body}
    if status == 401 or legacy_codes & X_TOKEN_CODES:
        return NeedsReconnectError(message, **common)
    if status >= 500:
        return TransientError(message, retry_after=_retry_after_seconds(headers), **common)
    if write:
        lowered = message.lower()
        if status == 403 and any(marker in lowered for marker in X_REPLY_NOT_ALLOWED_MARKERS):
            return ActionNotAllowedError(
                "X does not allow this reply",
                code=X_REPLY_NOT_ALLOWED_CODE,
                platform=platform,
                status=status,
                raw=body,
            )
        if "duplicate" in lowered:
            return WriteRejectedError(message, reason="duplicate", **common)
        if status == 404:
            return WriteRejectedError(message, reason="invalid_target", **common)
        if status == 403:
            return WriteRejectedError(message, reason="forbidden", **common)
        if 400 <= status < 500:
            return WriteRejectedError(message, **common)
    if status == 403:
        return NeedsReconnectError(message, **common)
    return PlatformError(message, **common)


def classify_youtube_error(
    *,
    status: int,
    body: object,
    now: datetime,
    headers: Mapping[str, str] | None = None,
    text: str = "",
    write: bool = False,
) -> PlatformError:
    """Classify a YouTube Data API failure (`{"error": {"code", "message", "errors": [...]}}`)."""
    platform = "youtube"
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        if status == 429:
            return ThrottledError(
                "YouTube throttled the request",
                platform=platform,
                status=status,
                resume_at=now + YOUTUBE_RATE_DEFAULT,
                raw=text[:200],
            )
        if isinstance(body, Mapping) and status < 500:
            return BadDataError(
                "YouTube answered with an unexpected shape",
                platform=platform,
                status=status,
                raw=body,
            )
        return _non_json(platform, status, text, headers)
    reasons = [
        str(item.get("reason"))
        for item in error.get("errors") or []
        if isinstance(item, Mapping) and item.get("reason")
    ]
    reason_set = set(reasons)
    message = str(error.get("message") or f"YouTube answered {status}")
    common = {
        "platform": platform,
        "status": status,
        "code": reasons[0] if reasons else error.get("code"),
        "raw": body,
    }
    if reason_set & YOUTUBE_QUOTA_REASONS:
        # The daily quota resets at midnight Pacific time; retrying before then only fails.
        return ThrottledError(message, resume_at=next_midnight(now, PACIFIC), **common)
    if reason_set & YOUTUBE_RATE_REASONS or status == 429:
        retry_after = _retry_after_seconds(headers)
        resume_at = now + (timedelta(seconds=retry_after) if retry_after else YOUTUBE_RATE_DEFAULT)
        return ThrottledError(message, resume_at=resume_at, **common)
    if status == 401 or reason_set & YOUTUBE_RECONNECT_REASONS:
        return NeedsReconnectError(message, **common)
    if status >= 500:
        return TransientError(message, retry_after=_retry_after_seconds(headers), **common)
    if write and 400 <= status < 500:
        reason = "invalid_target" if status == 404 else "rejected"
        return WriteRejectedError(message, reason=reason, **common)
    if status == 403:
        return NeedsReconnectError(message, **common)
    return PlatformError(message, **common)
