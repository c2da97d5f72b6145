"""The one interface every platform adapter implements, and the plain records it speaks in.

Nothing here touches Django: the poller and the outbox turn these records into model rows.
"""

from __future__ import annotations

import html
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar, NamedTuple

from .errors import BadDataError, NotSupportedError, TransientError
from .timeutil import utc_now
from .usage import UsageReading
from .watermark import DEFAULT_OVERLAP, Watermark

logger = logging.getLogger("platforms")

ITEM_KINDS = ("comment", "reply", "message", "mention")


@dataclass(frozen=True)
class ChannelConnection:
    """Everything an adapter needs to talk to one connected account.

    `base_url` and `api_version` come from settings (or point at the simulator); `extra` holds
    per-channel switches such as `{"messaging": True}` (see each adapter's docstring).
    """

    platform: str
    account_id: str
    token: str = field(repr=False)
    base_url: str
    api_version: str = ""
    timeout: float = 20.0
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FetchedPost:
    """The post (or video) a comment was written under, as far as the read that found the
    comment already showed it: its text, a picture where the platform gives one, its link."""

    external_id: str
    text: str = ""
    picture_url: str | None = None
    permalink: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class FetchedItem:
    """One citizen-visible item normalised across platforms.

    `thread_external_id` is what the item belongs to: the post or video it was written under,
    the Messenger conversation, or the X conversation. `parent_external_id` is the item it
    directly answers (None for top-level comments). `from_account` is True when the connected
    account itself wrote it (our own replies), so the queue can close rather than open work.
    """

    external_id: str
    kind: str
    text: str
    author_id: str | None
    author_name: str | None
    parent_external_id: str | None
    thread_external_id: str | None
    permalink: str | None
    created_at: datetime
    is_hidden: bool = False
    from_account: bool = False
    raw: dict = field(default_factory=dict, repr=False)
    # The thread's post, where the read carried it (not for messages or mentions).
    post: FetchedPost | None = None

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise ValueError(f"unknown item kind {self.kind!r}")
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")


class SkippedRecord(NamedTuple):
    """A record that could not be normalised: kept raw so nothing is silently lost."""

    raw: object
    reason: str


@dataclass
class FetchResult:
    """What one `fetch_new` call produced.

    `new_cursor` is JSON-able; store it only in the transaction that stores `items`.
    `calls_made` counts HTTP requests, `usage` is the last usage reading seen.
    `messaging_unavailable` is the platform's refusal when the channel asked for private
    messages but the token lacks the messaging permission: the comments were still read, the
    messages were not (their watermark is unmoved).
    """

    items: list[FetchedItem]
    new_cursor: dict
    calls_made: int
    usage: UsageReading = field(default_factory=UsageReading)
    skipped: list[SkippedRecord] = field(default_factory=list)
    messaging_unavailable: str = ""


@dataclass(frozen=True)
class AccountFigures:
    """Numbers for goal tracking. `followers` is None when the platform did not report it."""

    followers: int | None
    posts_in_period: int
    period_start: datetime
    period_end: datetime


# The figures a post can have; each adapter's `post_figures` names those its platform gives.
POST_FIGURES = ("reach", "impressions", "reactions", "comments", "shares")


@dataclass(frozen=True)
class OwnPostFigures:
    """One of the account's own posts with its figures as the platform reports them now.

    A figure the platform does not give (see the adapter's `post_figures`), or did not give for
    this post, is None: never 0, which would read as "nobody reacted".
    """

    external_id: str
    published_at: datetime | None
    text: str = ""
    permalink: str | None = None
    reach: int | None = None
    impressions: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None

    def figures(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in POST_FIGURES}


def count_or_none(value: object) -> int | None:
    """A count from a platform payload: a whole number ≥ 0 (also as a numeric string), else
    None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class WriteResult:
    """The outcome of a reply, post, hide, unhide or delete. `external_id` is the new object's
    id for replies and posts, and None for moderation actions."""

    external_id: str | None
    raw: dict = field(default_factory=dict)
    # A published post's public address, where the platform returns one.
    permalink: str = ""


@dataclass(frozen=True)
class PostImage:
    """A picture for a post: `url`, a public address the platform fetches it from (Facebook,
    Instagram); `read()`, its bytes, for platforms that take an upload (LinkedIn); `alt`, its
    description for people who cannot see it."""

    url: str
    read: Callable[[], bytes]
    alt: str = ""


@dataclass(frozen=True)
class Capabilities:
    """What an adapter can do, so the UI only offers possible actions.

    `hide_means` describes the platform's nearest equivalent of hiding, for help texts.
    `publish` says whether the adapter can put a text post on the account's own page;
    `publish_means` says where such a post appears or, when it cannot, why not.
    `post_max_length` is the longest text post the platform takes (0: no limit that matters);
    where the platform counts every link as a fixed length, `post_url_length` is that length.
    """

    reply: bool = True
    reply_to_replies: bool = True
    reply_to_messages: bool = False
    hide: bool = False
    unhide: bool = False
    delete: bool = False
    messages: bool = False
    hide_means: str = ""
    publish: bool = False
    publish_means: str = ""
    # Whether a post may carry a picture (Instagram publishes only posts with one).
    publish_image: bool = False
    post_max_length: int = 0
    post_url_length: int = 0

    def post_length(self, text: str) -> int:
        """The length of `text` as the platform counts it against `post_max_length`."""
        if not self.post_url_length:
            return len(text)
        links = _URL.findall(text)
        return len(_URL.sub("", text)) + self.post_url_length * len(links)

    def post_too_long(self, text: str) -> bool:
        return bool(self.post_max_length) and self.post_length(text) > self.post_max_length


_URL = re.compile(r"https?://\S+")
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text as compared by `find_own_reply` and `find_own_post`: platforms escape HTML, shorten
    links and trim whitespace, so compare without those differences."""
    text = html.unescape(text or "")
    text = _URL.sub("<link>", text)
    return _SPACE.sub(" ", text).strip()


class PlatformAdapter(ABC):
    """Base class of the platform adapters.

    One instance serves one channel within one task; it is not thread-safe. It counts its HTTP
    requests (`calls_made`) and keeps the last usage reading (`last_usage`).
    """

    platform: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    # Which of POST_FIGURES the platform reports for the account's own posts.
    post_figures: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self, connection: ChannelConnection, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        if connection.platform != self.platform:
            raise ValueError(
                f"{type(self).__name__} cannot serve a {connection.platform!r} connection"
            )
        self.connection = connection
        self.clock = clock
        # How far back each fetch re-reads before its watermark, for comments that show up late.
        overlap_minutes = (connection.extra or {}).get("overlap_minutes")
        self.overlap = (
            timedelta(minutes=float(overlap_minutes))
            if overlap_minutes is not None
            else DEFAULT_OVERLAP
        )
        # Sessions and clients with pooled connections, closed by `close`.
        self._resources: list = []
        self.calls_made = 0
        self.last_usage = UsageReading()
        # Replies already sent by this instance, by idempotency key: a task that retries a step
        # in-process must not post twice. Across processes, `find_own_reply` is the guard.
        self._sent_replies: dict[str, WriteResult] = {}
        # The same for posts published by this instance; across processes `find_own_post`.
        self._sent_posts: dict[str, WriteResult] = {}

    # -- reading -------------------------------------------------------------------------

    @abstractmethod
    def fetch_new(self, cursor: dict | None, since: datetime) -> FetchResult:
        """Return the items that appeared after `cursor` (or, with no cursor yet, since `since`),
        following every page. The result's cursor moves past exactly what was returned."""

    @abstractmethod
    def fetch_account_figures(self, start: datetime, end: datetime) -> AccountFigures:
        """Followers now and the account's own posts published in [start, end)."""

    def fetch_own_posts(self, since: datetime) -> list[OwnPostFigures]:
        """The account's own posts published at or after `since`, newest first, each with its
        figures (`post_figures` says which the platform gives)."""
        raise NotSupportedError(
            f"{self.platform} cannot list its own posts", platform=self.platform
        )

    def fetch_post_figures(self, external_ids: list[str]) -> list[OwnPostFigures]:
        """The figures of the named own posts; a post the platform no longer shows is left
        out."""
        raise NotSupportedError(
            f"{self.platform} cannot read figures of posts", platform=self.platform
        )

    @abstractmethod
    def test_connection(self) -> dict:
        """Make one cheap authenticated call; return what it says about the account
        (`{"ok": True, "account_id", "name", ...}`) or raise the classified error."""

    # -- writing -------------------------------------------------------------------------

    def reply(
        self,
        target_external_id: str,
        text: str,
        *,
        idempotency_key: str,
        kind: str = "comment",
        thread_external_id: str | None = None,
        author_id: str | None = None,
    ) -> WriteResult:
        """Publish `text` as the account's answer to the item `target_external_id`.

        `kind`, `thread_external_id` and `author_id` are the target item's own fields: some
        platforms need them (a Messenger reply goes to the author, a LinkedIn reply names its
        post). Replies are not idempotent on any platform: after a timeout, call
        `find_own_reply` before sending again.
        """
        if not text or not text.strip():
            raise ValueError("a reply needs text")
        if not idempotency_key:
            raise ValueError("a reply needs an idempotency key")
        if idempotency_key in self._sent_replies:
            return self._sent_replies[idempotency_key]
        if kind == "message" and not self.capabilities.reply_to_messages:
            raise NotSupportedError(
                "this platform adapter cannot answer private messages", platform=self.platform
            )
        try:
            result = self._send_reply(
                target_external_id,
                text,
                kind=kind,
                thread_external_id=thread_external_id,
                author_id=author_id,
            )
        except (TransientError, BadDataError) as exc:
            # The request may have reached the platform and been carried out; only the answer
            # went missing. Replies are not idempotent, so the caller must look before resending.
            exc.outcome_unknown = True
            raise
        logger.info(
            "reply sent",
            extra={
                "platform": self.platform,
                "target": target_external_id,
                "reply_id": result.external_id,
                "idempotency_key": idempotency_key,
            },
        )
        self._sent_replies[idempotency_key] = result
        return result

    @abstractmethod
    def _send_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str,
        thread_external_id: str | None,
        author_id: str | None,
    ) -> WriteResult:
        """Post the reply; called by `reply` after the shared checks."""

    @abstractmethod
    def find_own_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str = "comment",
        thread_external_id: str | None = None,
    ) -> WriteResult | None:
        """Look for a reply with this text that the account already posted under the target.
        Used after a timed-out reply, because the first attempt may have landed."""

    def publish(
        self,
        text: str,
        *,
        idempotency_key: str,
        link: str = "",
        image: PostImage | None = None,
    ) -> WriteResult:
        """Publish `text` as a new post on the account's own page (an announcement, a planned
        post), with a `link` where the platform takes one apart from the text and an `image`
        where `capabilities.publish_image`; the result's `external_id` is the new post's id.

        Check `capabilities.publish` first: some platforms cannot publish a text-only post
        through their API. Posts are not idempotent on any platform: after a timeout, call
        `find_own_post` before publishing again.
        """
        if not text or not text.strip():
            raise ValueError("a post needs text")
        if not idempotency_key:
            raise ValueError("a post needs an idempotency key")
        if idempotency_key in self._sent_posts:
            return self._sent_posts[idempotency_key]
        if image is not None and not self.capabilities.publish_image:
            raise NotSupportedError(
                f"{self.platform} posts take no picture here", platform=self.platform
            )
        if image is None and not self.capabilities.publish:
            raise NotSupportedError(
                f"{self.platform} cannot publish posts: {self.capabilities.publish_means}",
                platform=self.platform,
            )
        try:
            result = self._send_post(text, link=link, image=image)
        except (TransientError, BadDataError) as exc:
            # As with replies: the post may be up although the answer went missing.
            exc.outcome_unknown = True
            raise
        logger.info(
            "post published",
            extra={
                "platform": self.platform,
                "post_id": result.external_id,
                "idempotency_key": idempotency_key,
            },
        )
        self._sent_posts[idempotency_key] = result
        return result

    def _send_post(
        self, text: str, *, link: str = "", image: PostImage | None = None
    ) -> WriteResult:
        """Publish the post; called by `publish` after the shared checks. Adapters whose
        capabilities say `publish` implement it."""
        raise NotSupportedError(f"{self.platform} cannot publish posts", platform=self.platform)

    def find_own_post(self, text: str, *, since: datetime) -> WriteResult | None:
        """Look for a post with this text that the account published at or after `since`.
        Used after a timed-out publish, because the first attempt may have landed."""
        raise NotSupportedError(f"{self.platform} cannot publish posts", platform=self.platform)

    def hide(self, external_id: str) -> WriteResult:
        raise NotSupportedError(f"{self.platform} cannot hide items", platform=self.platform)

    def unhide(self, external_id: str) -> WriteResult:
        raise NotSupportedError(f"{self.platform} cannot unhide items", platform=self.platform)

    def delete(self, external_id: str) -> WriteResult:
        raise NotSupportedError(
            f"{self.platform} cannot delete other people's items", platform=self.platform
        )

    # -- helpers for subclasses ----------------------------------------------------------

    def count_call(self) -> None:
        """Called once per HTTP request the adapter sends."""
        self.calls_made += 1

    @staticmethod
    def keep_if_new(item: FetchedItem, mark: Watermark, found: dict[str, FetchedItem]) -> None:
        """Add `item` to `found` unless it was seen before or lies before the watermark."""
        if item.external_id not in found and mark.is_new(item.external_id, item.created_at):
            found[item.external_id] = item

    @staticmethod
    def advanced(mark: Watermark, found: dict[str, FetchedItem], now: datetime) -> dict:
        """The stored form of `mark` moved past the items found."""
        entries = ((item.external_id, item.created_at) for item in found.values())
        return mark.advanced(entries, now).to_dict()

    def result(
        self,
        found: dict[str, FetchedItem],
        new_cursor: dict,
        calls_before: int,
        skipped: list[SkippedRecord],
    ) -> FetchResult:
        """The FetchResult of one fetch: items oldest first, calls counted since `calls_before`."""
        items = sorted(found.values(), key=lambda item: (item.created_at, item.external_id))
        return FetchResult(
            items=items,
            new_cursor=new_cursor,
            calls_made=self.calls_made - calls_before,
            usage=self.last_usage,
            skipped=skipped,
        )

    def is_own_text(self, candidate: str, text: str) -> bool:
        return normalise_text(candidate) == normalise_text(text)

    def skip(self, skipped: list[SkippedRecord], raw: object, reason: str) -> None:
        """Record a bad record and log it with its raw payload."""
        logger.warning(
            "skipping a record the adapter could not read",
            extra={"platform": self.platform, "reason": reason, "raw": raw},
        )
        skipped.append(SkippedRecord(raw, reason))

    def close(self) -> None:
        """Release pooled connections. Adapters are also context managers."""
        for resource in self._resources:
            resource.close()
        self._resources.clear()

    def __enter__(self) -> PlatformAdapter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
