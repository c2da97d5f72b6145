"""Error classes every adapter raises, so callers can tell "try again", "wait until",
"a human must reconnect", "the data is broken" and "the platform refused this write" apart.

Raw SDK and `requests` exceptions never leave an adapter: they are translated into these.
"""

from __future__ import annotations

from datetime import datetime


class PlatformError(Exception):
    """A platform call failed for a reason that retrying the same request will not fix.

    Subclasses say what the caller should do instead. `status` is the HTTP status when one was
    received, `code`/`subcode` the platform's own error numbers, `raw` the decoded error body (or
    the leading text of a non-JSON body) for the log. `outcome_unknown` is True when a reply or a
    post may have been published although the call failed (a timeout, a lost or garbled answer):
    call `find_own_reply` or `find_own_post` before sending it again.
    """

    def __init__(
        self,
        message: str,
        *,
        platform: str = "",
        status: int | None = None,
        code: int | str | None = None,
        subcode: int | None = None,
        raw: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.platform = platform
        self.status = status
        self.code = code
        self.subcode = subcode
        self.raw = raw
        self.outcome_unknown = False

    def __str__(self) -> str:
        parts = [self.message]
        if self.platform:
            parts.append(f"platform={self.platform}")
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.code is not None:
            parts.append(f"code={self.code}")
        if self.subcode is not None:
            parts.append(f"subcode={self.subcode}")
        return " ".join(parts)


class TransientError(PlatformError):
    """A passing failure (5xx, timeout, broken connection, HTML error page): retry with backoff.

    `retry_after` (seconds) is set when the platform said how long to wait.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ThrottledError(PlatformError):
    """The platform is rate limiting this app, page or token: make no calls before `resume_at`.

    The poller stores `resume_at` as the channel's pause instead of retrying with a countdown.
    """

    def __init__(self, message: str, *, resume_at: datetime, **kwargs) -> None:
        if resume_at.tzinfo is None:
            raise ValueError("resume_at must be timezone-aware")
        super().__init__(message, **kwargs)
        self.resume_at = resume_at


class NeedsReconnectError(PlatformError):
    """The token is expired, revoked or lacks a permission: stop polling, ask the owner to
    reconnect. Retrying cannot help."""


class BadDataError(PlatformError):
    """A whole response was unusable (malformed JSON, an unexpected shape). Single bad records
    are not raised but skipped into `FetchResult.skipped`."""


class NotSupportedError(PlatformError):
    """The platform has no such operation (LinkedIn cannot hide a comment, X cannot delete
    somebody else's post). Check `PlatformAdapter.capabilities` before offering the action."""


class WriteRejectedError(PlatformError):
    """The platform refused a reply, hide or delete for this target (a duplicate post, a reply to
    a hidden Instagram comment, a deleted target). Sending the same request again will fail again.

    `reason` is a short machine-readable word: "duplicate", "invalid_target", "forbidden",
    "outside_window" (a direct message answered after the 24-hour messaging window closed) or
    "rejected".
    """

    def __init__(self, message: str, *, reason: str = "rejected", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.reason = reason


class ActionNotAllowedError(PlatformError):
    """The platform does not allow this one action on this target, by its own policy (X takes
    programmatic replies only to posts that mention or quote the account). Nothing is wrong with
    the channel and trying again cannot help: the action fails for good, the channel stays
    connected.

    `code` is a short machine-readable word for the refusal (e.g. "x_reply_not_allowed"),
    `message` the sentence to show; the platform's own answer is in `raw`.
    """

    def __init__(self, message: str, *, code: str, **kwargs) -> None:
        super().__init__(message, code=code, **kwargs)


class TooMuchDataError(PlatformError):
    """The platform asks for a smaller request (Graph API code 1, "Please reduce the amount of
    data you're asking for, then retry your request"). The Graph client asks again for fewer
    items per page; it raises this only when even its smallest page is refused, so a poll never
    retries the same request for ever."""
