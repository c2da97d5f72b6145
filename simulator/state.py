"""The simulated world: accounts, posts, comments, messages, injected faults, the product's
actions and call counters, held in memory behind one re-entrant lock.

Everything that creates content lives here so that the control API, the demo stream and the
platform endpoints (the product's replies) build ids, threads and timestamps the same way.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import math
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .chathooks import ChatHookBook
from .faults import NO_NOTIFICATION, PLATFORMS, READ_LAG, FaultBook
from .platforms.oauth import OAuthBook
from .timefmt import parse_time, utcnow

# The Google Cloud project every simulated YouTube channel is read with unless one is named.
DEFAULT_YOUTUBE_PROJECT = "sim-cloud-project"

DEFAULT_CONFIG: dict[str, Any] = {
    # How long the "timeout" fault holds the answer back.
    "timeout_seconds": 3.0,
    # Facebook refuses the same reply text to the same comment within this window (error 506).
    "duplicate_window_seconds": 300,
    # Graph usage: calls per window that count as 100 % in X-App-Usage / X-Business-Use-Case-Usage.
    "graph_call_budget": 4800,
    "graph_usage_window_seconds": 3600,
    # X: requests per endpoint and token per window.
    "x_rate_limit": 180,
    "x_rate_window_seconds": 900,
    # Only this many of the newest mentions can be read, as on X.
    "x_mentions_reachable": 800,
    # X's field names: "post" (post.fields, referenced_posts: the current specification) or
    # "tweet" (tweet.fields, referenced_tweets: the older documents).
    "x_fields_naming": "post",
    # LinkedIn: whether a top-level comment carries its `commentsSummary`.
    "linkedin_comments_summary": True,
    # YouTube: units a Google Cloud project may spend a day (shared by every channel the
    # project's OAuth client or API key reads), and search.list's own daily bucket of calls.
    "youtube_daily_quota": 10_000,
    "youtube_daily_search_calls": 100,
    # Graph answers code 1 "Please reduce the amount of data you're asking for" when the page
    # sizes a request names (`limit` and every `.limit(n)`) add up to more than this. Meta
    # publishes no threshold; this stands in for it.
    "graph_max_request_items": 100_000,
    # The LinkedIn-Version values accepted; None: those the version table (platforms/versions.py)
    # lists as not sunset on the world's date.
    "linkedin_versions": None,
    "request_log": False,
    # The fields of the app's own webhook settings (App Dashboard), per object: Meta delivers a
    # field only when both the app and the Page (its subscribed_apps) have it.
    "app_webhook_fields": {
        "page": ["feed", "messages"],
        "instagram": ["comments", "mentions", "messages"],
    },
}

# The platforms whose public posts listening can find.
PUBLIC_POSTS = ("x", "instagram", "youtube")

# How many platform API requests the request log keeps (the oldest drop out).
REQUEST_LOG_SIZE = 10_000

# Sort keys for the numeric parts of ids, chosen to look like the platforms' own.
_FB_OBJECT_BASE = 122_100_000_000_000_000
_IG_MEDIA_BASE = 17_900_000_000_000_000
_IG_COMMENT_BASE = 17_850_000_000_000_000
_LI_BASE = 7_400_000_000_000_000_000
_FB_USER_BASE = 26_000_000_000_000_000
_IG_USER_BASE = 17_841_470_000_000_000  # apart from the demo accounts (17841460…)
_X_USER_BASE = 1_700_000_000_000_000_000
_X_EPOCH_MS = 1_288_834_974_657
_ID_EPOCH_MS = 1_767_225_600_000  # 2026-01-01

_LINKEDIN_COMMENT_URN = re.compile(r"^urn:li:comment:\(urn:li:[A-Za-z]+:[^,]+,(?P<id>\d+)\)$")

# Shared by every world in the process (see World.next_seq).
_sequence_lock = threading.Lock()
_last_sequence = 0
_last_tweet_id = 0


class SimError(Exception):
    """A control-API request the world cannot carry out; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def handle_for(name: str, max_length: int = 30) -> str:
    """A username made from a display name: "Nabo på Østervej" → "nabo_paa_oestervej"."""
    text = name.lower()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe")):
        text = text.replace(letter, spelled)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return (text or "borger")[:max_length]


def instagram_scoped_id(account_id: str) -> str:
    """The Instagram-scoped id (IGSID) under which an Instagram professional account's own
    comments appear in `from.id`: a number of its own, never the account's IG user id
    (https://developers.facebook.com/docs/graph-api/changelog/ooc-changes/oct-20-2021)."""
    digest = hashlib.sha256(f"igsid:{account_id}".encode()).hexdigest()
    return str(10**16 + int(digest, 16) % (9 * 10**16))


@dataclass(eq=False)
class Author:
    """A citizen as one platform knows them."""

    platform: str
    id: str
    name: str
    username: str


@dataclass(eq=False)
class Account:
    """A page, Instagram professional account, LinkedIn organisation, X user or YouTube channel."""

    platform: str
    id: str
    name: str
    token: str
    followers: int = 0
    username: str = ""
    api_key: str = ""
    # YouTube: the Google Cloud project of the OAuth client and API key the account is read
    # with; the daily quota is the project's, shared by all its channels.
    project: str = ""
    # Facebook/Instagram: whether the token carries the messaging permission (pages_messaging,
    # instagram_manage_messages); without it conversations and the Send API are refused.
    messaging_permission: bool = True
    # Instagram: the Facebook Page the professional account is linked to. Its Page token is the
    # account's token; Instagram direct messages are read and sent through this Page.
    page_id: str = ""
    created: datetime = field(default_factory=utcnow)

    @property
    def scoped_id(self) -> str:
        """Instagram: the IGSID the account's own comments carry in `from.id`."""
        return instagram_scoped_id(self.id) if self.platform == "instagram" else ""

    @property
    def webhook_page(self) -> str:
        """The Page whose subscribed_apps switch this account's webhooks on, or ""."""
        if self.platform == "facebook":
            return self.id
        return self.page_id if self.platform == "instagram" else ""

    @property
    def urn(self) -> str:
        return f"urn:li:organization:{self.id}" if self.platform == "linkedin" else ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "platform": self.platform,
            "id": self.id,
            "name": self.name,
            "username": self.username,
            "followers": self.followers,
            "token": self.token,
        }
        if self.platform == "linkedin":
            data["urn"] = self.urn
        if self.platform == "youtube":
            data["api_key"] = self.api_key
            data["project"] = self.project
        if self.platform == "instagram":
            data["page_id"] = self.page_id
        return data


@dataclass(eq=False)
class Post:
    """A post, media item, share, tweet or video of an account; `author` is set for a visitor's
    post on a Facebook page."""

    platform: str
    account_id: str
    id: str
    text: str
    created: datetime
    seq: int
    author: Author | None = None
    deleted: bool = False
    # Set for a post the product published while a read_lag fault was pending: listings leave
    # it out until then, although it exists (and counts as a duplicate) at once.
    visible_at: datetime | None = None
    # A post the product published through the API, with what it carried besides the text.
    via_api: bool = False
    link: str = ""
    image_url: str = ""
    # An uploaded picture the post carries (LinkedIn): its URN, alt text, size and type.
    image: dict[str, Any] | None = None

    @property
    def own(self) -> bool:
        return self.author is None

    def visible(self, now: datetime) -> bool:
        return not self.deleted and (self.visible_at is None or self.visible_at <= now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account_id": self.account_id,
            "id": self.id,
            "message": self.text,
            "created_time": self.created.isoformat(),
            "author_name": self.author.name if self.author else None,
            "own": self.own,
            "deleted": self.deleted,
            "visible_at": self.visible_at.isoformat() if self.visible_at else None,
            "via_api": self.via_api,
            "link": self.link,
            "image_url": self.image_url,
            "image": dict(self.image) if self.image else None,
        }


# How fast an own post's figures approach their ceiling (hours to about 63 % of it).
FIGURES_GROWTH_HOURS = 36.0


def post_figures(post: Post, now: datetime) -> dict[str, int]:
    """The figures of an own post at `now`: each grows with the post's age towards a ceiling
    drawn from its id, so they are stable for a given moment and change as the clock runs (a
    stand-in: the platforms say nothing about how figures grow)."""
    digest = int(hashlib.sha256(f"figures:{post.platform}:{post.id}".encode()).hexdigest(), 16)
    hours = max(0.0, (now - post.created).total_seconds() / 3600)
    grown = 1.0 - math.exp(-hours / FIGURES_GROWTH_HOURS)
    reach = int((250 + digest % 2750) * grown)
    return {
        "reach": reach,
        "impressions": int(reach * (1.2 + (digest >> 16) % 60 / 100)),
        "reactions": int(reach * (5 + (digest >> 24) % 55) / 1000),
        "shares": int(reach * ((digest >> 32) % 12) / 1000),
        "saved": int(reach * ((digest >> 40) % 6) / 1000),
        "clicks": int(reach * (3 + (digest >> 48) % 30) / 1000),
    }


@dataclass(eq=False)
class PublicPost:
    """A post by somebody else, public on the platform, that listening can find: an X post, an
    Instagram media with hashtags, a YouTube video of another channel. `tagged` holds the
    Instagram accounts tagged in it (their `/tags` edge lists it)."""

    platform: str
    id: str
    text: str
    created: datetime
    seq: int
    author: Author
    likes: int = 0
    comments: int = 0
    shares: int = 0
    views: int = 0
    tagged: tuple[str, ...] = ()

    def hashtags(self) -> set[str]:
        return {tag.lower() for tag in re.findall(r"#(\w+)", self.text)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "id": self.id,
            "message": self.text,
            "created_time": self.created.isoformat(),
            "author_name": self.author.name,
            "author_id": self.author.id,
            "likes": self.likes,
            "comments": self.comments,
            "shares": self.shares,
            "views": self.views,
            "tagged": list(self.tagged),
        }


@dataclass(eq=False)
class Comment:
    """A comment or reply; on X a tweet in a conversation (a citizen's mention or our reply).

    `author` is None when the account itself wrote it. `parent_id` is the top-level comment a
    reply belongs to (threads are one level deep on every simulated platform). On X, `post_id` is
    the conversation root and `reply_to_id` the tweet answered.
    """

    platform: str
    account_id: str
    post_id: str
    id: str
    text: str
    created: datetime
    seq: int
    author: Author | None = None
    parent_id: str | None = None
    reply_to_id: str | None = None
    hidden: bool = False
    deleted: bool = False
    visible_at: datetime | None = None
    show_author: bool = True
    moderation_status: str = "published"
    like_count: int = 0
    # LinkedIn: whether the organisation's notifications tell about this comment.
    notified: bool = True

    @property
    def own(self) -> bool:
        return self.author is None

    def visible(self, now: datetime) -> bool:
        return not self.deleted and (self.visible_at is None or self.visible_at <= now)

    @property
    def scoped_id(self) -> str:
        """Instagram: the IGSID the account's own comments carry in `from.id`."""
        return instagram_scoped_id(self.id) if self.platform == "instagram" else ""

    @property
    def urn(self) -> str:
        """LinkedIn's composite comment URN."""
        return f"urn:li:comment:({self.post_id},{self.id})" if self.platform == "linkedin" else ""

    @property
    def parent_urn(self) -> str | None:
        if self.platform != "linkedin" or self.parent_id is None:
            return None
        return f"urn:li:comment:({self.post_id},{self.parent_id})"

    @property
    def external_id(self) -> str:
        """The id that names the comment everywhere: LinkedIn's URN (its numeric id only means
        something together with the post), elsewhere the platform id."""
        return self.urn or self.id

    def to_dict(self) -> dict[str, Any]:
        data = {
            "platform": self.platform,
            "account_id": self.account_id,
            "id": self.external_id,
            "post_id": self.post_id,
            "parent_id": self.parent_urn if self.platform == "linkedin" else self.parent_id,
            "message": self.text,
            "author_name": self.author.name if self.author else None,
            "author_id": self.author.id if self.author else None,
            "own": self.own,
            "created_time": self.created.isoformat(),
            "hidden": self.hidden,
            "deleted": self.deleted,
            "visible_at": self.visible_at.isoformat() if self.visible_at else None,
        }
        if self.platform == "linkedin":
            data["comment_id"] = self.id
        if self.platform == "x":
            data["in_reply_to_tweet_id"] = self.reply_to_id
            data["conversation_id"] = self.post_id
        if self.platform == "youtube":
            data["moderation_status"] = self.moderation_status
        return data


@dataclass(eq=False)
class Message:
    id: str
    text: str
    created: datetime
    seq: int
    author: Author | None = None  # None: the page wrote it
    visible_at: datetime | None = None

    def visible(self, now: datetime) -> bool:
        return self.visible_at is None or self.visible_at <= now


@dataclass(eq=False)
class Conversation:
    """A Messenger conversation between a Facebook page and one citizen, or an Instagram direct
    message thread between a professional account and one citizen (`platform`)."""

    id: str
    account_id: str
    author: Author
    messages: list[Message] = field(default_factory=list)
    platform: str = "facebook"

    def last_from_citizen(self, now: datetime) -> Message | None:
        """The citizen's newest message: Instagram's 24-hour reply window starts there."""
        return max(
            (m for m in self.messages if m.author is not None and m.visible(now)),
            key=lambda m: (m.created, m.seq),
            default=None,
        )

    def visible_messages(self, now: datetime) -> list[Message]:
        return [message for message in self.messages if message.visible(now)]


class CallStats:
    """API calls served, per platform and per account."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.by_account: dict[str, Counter[str]] = defaultdict(Counter)

    def record(self, platform: str, account_id: str | None, status: int) -> None:
        self.calls[platform] += 1
        if status >= 400:
            self.errors[platform] += 1
        if account_id is not None:
            self.by_account[platform][account_id] += 1

    def snapshot(self, quota: dict[str, int], searches: dict[str, int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for platform in PLATFORMS:
            entry: dict[str, Any] = {
                "calls": self.calls[platform],
                "errors": self.errors[platform],
                "accounts": dict(self.by_account[platform]),
            }
            if platform == "youtube":
                # Per Google Cloud project, not per channel.
                entry["quota_used"] = dict(quota)
                entry["search_calls_used"] = dict(searches)
            result[platform] = entry
        result["total"] = sum(self.calls.values())
        return result


def _config_error(name: str, expected: str) -> SimError:
    return SimError(f"config {name} must be {expected}")


def validate_config(changes: Any) -> dict[str, Any]:
    """Check a POST /_sim/config body; returns the cleaned changes."""
    if not isinstance(changes, dict):
        raise SimError("config must be a JSON object")
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in DEFAULT_CONFIG:
            raise SimError(f"unknown config {name}; known: {', '.join(sorted(DEFAULT_CONFIG))}")
        if name == "linkedin_versions":
            if value is None:
                cleaned[name] = None
                continue
            if not isinstance(value, list) or not all(
                isinstance(item, str) and re.fullmatch(r"\d{6}", item) for item in value
            ):
                raise _config_error(name, "a list of YYYYMM strings, or null for the version table")
            cleaned[name] = list(value)
        elif name == "app_webhook_fields":
            if (
                not isinstance(value, dict)
                or set(value) - {"page", "instagram"}
                or not all(
                    isinstance(names, list) and all(isinstance(n, str) for n in names)
                    for names in value.values()
                )
            ):
                raise _config_error(name, 'an object {"page": [...], "instagram": [...]}')
            cleaned[name] = {"page": [], "instagram": [], **value}
        elif name == "x_fields_naming":
            if value not in ("post", "tweet"):
                raise _config_error(name, '"post" or "tweet"')
            cleaned[name] = value
        elif name in ("request_log", "linkedin_comments_summary"):
            if not isinstance(value, bool):
                raise _config_error(name, "true or false")
            cleaned[name] = value
        elif name in ("timeout_seconds",):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise _config_error(name, "a number of seconds ≥ 0")
            cleaned[name] = float(value)
        else:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise _config_error(name, "a whole number ≥ 1")
            cleaned[name] = value
    return cleaned


class World:
    """All simulated state. Every read and write happens while holding `lock`."""

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        *,
        populate: Callable[[World], None] | None = None,
        seed: int = 0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.lock = threading.RLock()
        # Set when the server stops, so answers held back by the timeout fault end at once.
        self.stop_event = threading.Event()
        self.seed = seed
        self.clock = clock
        self._base_config = copy.deepcopy(DEFAULT_CONFIG)
        self._base_config.update(validate_config(config or {}))
        self._populate = populate
        self.reset()

    # --- lifecycle -------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.config: dict[str, Any] = copy.deepcopy(self._base_config)
            self.accounts: dict[tuple[str, str], Account] = {}
            self.posts: dict[str, dict[str, Post]] = {platform: {} for platform in PLATFORMS}
            self.comments: dict[str, dict[str, Comment]] = {platform: {} for platform in PLATFORMS}
            # Other people's public posts, found by listening (search, hashtags, tags).
            self.public_posts: dict[str, dict[str, PublicPost]] = {p: {} for p in PUBLIC_POSTS}
            # Instagram hashtags: name -> id, and per IG account the hashtags it searched, with
            # when it first did (30 unique in a rolling 7 days).
            self.hashtag_ids: dict[str, str] = {}
            self.hashtag_searches: dict[str, dict[str, datetime]] = defaultdict(dict)
            self.conversations: dict[str, Conversation] = {}
            self.messages: dict[str, tuple[Conversation, Message]] = {}
            self.authors: dict[tuple[str, str], Author] = {}
            self.actions: list[dict[str, Any]] = []
            # Instagram media containers by id (step one of publishing).
            self.ig_containers: dict[str, dict[str, Any]] = {}
            # LinkedIn images by URN (Images API initializeUpload, then the upload itself).
            self.li_images: dict[str, dict[str, Any]] = {}
            # The platform API requests served while config request_log is on (newest last).
            self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
            self.faults = FaultBook()
            self.stats = CallStats()
            # Graph usage: timestamps of recent calls per (platform, account id).
            self.graph_calls: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
            # X rate limits: (token, endpoint group) -> [window end, calls in window].
            self.x_windows: dict[tuple[str, str], list[Any]] = {}
            # YouTube quota: project -> [Pacific date, units used, search.list calls made].
            self.youtube_quota: dict[str, list[Any]] = {}
            # Page id -> the app's subscription on that Page: {"fields": [...], "since": time}.
            # A fresh world has none: the product switches webhooks on when it connects.
            self.page_subscriptions: dict[str, dict[str, Any]] = {}
            self.clock_offset = timedelta(0)
            # Codes and tokens handed out by the simulated OAuth providers.
            self.oauth = OAuthBook()
            # The chat receivers' posts and faults (simulator.chathooks).
            self.chat_hooks = ChatHookBook()
            if self._populate is not None:
                self._populate(self)

    def now(self) -> datetime:
        return self.clock() + self.clock_offset

    def log_request(self, method: str, path: str, query: str, authorization: str | None) -> None:
        """Keep what a platform API request looked like on the wire, while request_log is on:
        its URL as sent and the scheme of its Authorization header (the token is left out)."""
        with self.lock:
            if not self.config.get("request_log"):
                return
            scheme = (authorization or "").strip().partition(" ")[0] or None
            self.requests.append(
                {"method": method, "path": path, "query": query, "authorization": scheme}
            )

    def advance_clock(self, seconds: float) -> None:
        """Move the world's time on by `seconds`, as if they had passed: tests wait out a read
        lag this way instead of sleeping. A reset sets the clock back to real time."""
        with self.lock:
            self.clock_offset += timedelta(seconds=seconds)

    def update_config(self, changes: Any) -> dict[str, Any]:
        cleaned = validate_config(changes)
        with self.lock:
            self.config.update(cleaned)
            return copy.deepcopy(self.config)

    # --- ids -------------------------------------------------------------------------------

    def next_seq(self) -> int:
        """A number that grows with creation order and with wall-clock time.

        Ids are built from it, so they never repeat after a reset or a restart: the product's
        database outlives the simulator and would take a repeated id for an item it has seen.
        """
        global _last_sequence
        with _sequence_lock:
            floor = (int(time.time() * 1000) - _ID_EPOCH_MS) * 1000
            _last_sequence = max(_last_sequence + 1, floor)
            return _last_sequence

    def token(self, length: int, *parts: object) -> str:
        """A deterministic id fragment in YouTube's base64url alphabet."""
        digest = hashlib.sha256(":".join(str(p) for p in (self.seed, *parts)).encode()).digest()
        text = base64.urlsafe_b64encode(digest * 2).decode("ascii").rstrip("=")
        return text[:length]

    def _tweet_id(self) -> str:
        """Snowflake-like: the wall-clock time of creation in the high bits, strictly increasing
        (a backdated created_time does not move the id back: since_id must still see it)."""
        global _last_tweet_id
        with _sequence_lock:
            candidate = (int(time.time() * 1000) - _X_EPOCH_MS) << 22
            _last_tweet_id = max(_last_tweet_id + 1, candidate)
            return str(_last_tweet_id)

    # --- accounts and authors --------------------------------------------------------------

    def account(self, platform: str, account_id: str) -> Account | None:
        return self.accounts.get((platform, str(account_id)))

    def accounts_for(self, platform: str) -> list[Account]:
        return [account for account in self.accounts.values() if account.platform == platform]

    def account_by_token(self, token: str | None, platforms: tuple[str, ...]) -> Account | None:
        if not token:
            return None
        for account in self.accounts.values():
            if account.platform in platforms and account.token == token:
                return account
        # A token from the OAuth flow works for its account until it expires.
        key = self.oauth.account_key(token, self.now())
        if key is not None and key[0] in platforms:
            return self.account(*key)
        return None

    def account_by_api_key(self, key: str | None) -> Account | None:
        if not key:
            return None
        for account in self.accounts.values():
            if account.platform == "youtube" and account.api_key == key:
                return account
        return None

    def resolve_account(self, platform: str, account_id: Any) -> Account:
        """The account a control-API call names; when none is named, the platform's only one."""
        if platform not in PLATFORMS:
            raise SimError(f"unknown platform {platform}; use one of {', '.join(PLATFORMS)}", 404)
        with self.lock:
            if account_id in (None, ""):
                accounts = self.accounts_for(platform)
                if len(accounts) != 1:
                    raise SimError(f"account_id is required ({len(accounts)} {platform} accounts)")
                return accounts[0]
            account_id = str(account_id)
            if platform == "linkedin" and account_id.startswith("urn:li:organization:"):
                account_id = account_id.rsplit(":", 1)[1]
            account = self.account(platform, account_id)
            if account is None:
                raise SimError(f"no {platform} account {account_id}", 404)
            return account

    def add_account(self, spec: dict[str, Any]) -> Account:
        platform = spec.get("platform")
        if platform not in PLATFORMS:
            raise SimError(f"platform must be one of {', '.join(PLATFORMS)}")
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SimError("name is required")
        followers = spec.get("followers", 0)
        if isinstance(followers, bool) or not isinstance(followers, int) or followers < 0:
            raise SimError("followers must be a whole number ≥ 0")
        with self.lock:
            seq = self.next_seq()
            account_id = str(spec.get("id") or self._new_account_id(platform, seq))
            if platform == "linkedin" and not account_id.isdigit():
                raise SimError("a LinkedIn organisation id is numeric")
            if self.account(platform, account_id) is not None:
                raise SimError(f"{platform} account {account_id} already exists", 409)
            token = spec.get("token") or f"sim-{platform}-{self.token(24, 'token', platform, seq)}"
            if any(account.token == token for account in self.accounts.values()):
                raise SimError("that token is already in use", 409)
            default_username = handle_for(name, 15 if platform == "x" else 30)
            account = Account(
                platform=platform,
                id=account_id,
                name=name.strip(),
                token=str(token),
                followers=followers,
                username=str(spec.get("username") or default_username),
                api_key=str(spec.get("api_key") or "")
                or (f"AIza-sim-{self.token(20, 'key', seq)}" if platform == "youtube" else ""),
                messaging_permission=spec.get("messaging_permission", True) is not False,
                project=str(spec.get("project") or DEFAULT_YOUTUBE_PROJECT)
                if platform == "youtube"
                else "",
                page_id=str(spec.get("page_id") or "")
                or (str(100_000_000_000_000 + seq) if platform == "instagram" else ""),
                created=self.now(),
            )
            self.accounts[(platform, account_id)] = account
            return account

    # --- webhook subscriptions -----------------------------------------------------------------

    def subscribed_fields(self, page_id: str) -> list[str]:
        entry = self.page_subscriptions.get(page_id)
        return list(entry["fields"]) if entry else []

    def webhook_refusal(self, account: Account, field_name: str) -> str | None:
        """Why Meta would not deliver `field_name` for `account` now, or None when it would.

        A Facebook Page needs the field both in its subscribed_apps and in the app's settings;
        an Instagram account needs its linked Page to have the app installed (any field) and
        the Instagram field in the app's settings."""
        with self.lock:
            page = account.webhook_page
            page_fields = self.subscribed_fields(page)
            app_fields = self.config["app_webhook_fields"]
            if account.platform == "instagram":
                if not page_fields:
                    return (
                        f"the app is not subscribed on Page {page}, which Instagram account "
                        f"{account.id} is linked to: nothing is delivered until "
                        f"POST /{{version}}/{page}/subscribed_apps"
                    )
                if field_name not in app_fields["instagram"]:
                    return f"the app's Instagram webhook settings lack the {field_name} field"
                return None
            if field_name not in page_fields:
                listed = ", ".join(page_fields) or "none"
                return (
                    f"Page {page} has not subscribed the app to the {field_name} field "
                    f"(subscribed: {listed}); POST /{{version}}/{page}/subscribed_apps first"
                )
            if field_name not in app_fields["page"]:
                return f"the app's Page webhook settings lack the {field_name} field"
            return None

    def _new_account_id(self, platform: str, seq: int) -> str:
        if platform == "youtube":
            return "UC" + self.token(22, "channel", seq)
        if platform == "linkedin":
            return str(20_000_000 + seq)
        if platform == "x":
            return str(_X_USER_BASE + seq)
        if platform == "instagram":
            return str(17_841_400_000_000_000 + seq)
        return str(100_000_000_000_000 + seq)

    def author(self, platform: str, name: str) -> Author:
        """The same citizen name always maps to the same platform identity."""
        key = (platform, name)
        existing = self.authors.get(key)
        if existing is not None:
            return existing
        number = len(self.authors) + 1
        if platform == "facebook":
            author_id = str(_FB_USER_BASE + number)
        elif platform == "instagram":
            author_id = str(_IG_USER_BASE + number)
        elif platform == "x":
            author_id = str(_X_USER_BASE + 500_000 + number)
        elif platform == "youtube":
            author_id = "UC" + self.token(22, "author", name)
        else:
            author_id = "urn:li:person:" + self.token(10, "person", name)
        username = handle_for(name, 15 if platform == "x" else 30)
        author = Author(platform=platform, id=author_id, name=name, username=username)
        self.authors[key] = author
        return author

    # --- posts -----------------------------------------------------------------------------

    def _created(self, created: Any) -> datetime:
        if created in (None, ""):
            return self.now()
        try:
            return parse_time(created)
        except (ValueError, OverflowError, OSError) as exc:
            raise SimError(f"created_time is not a time: {created!r}") from exc

    def add_post(
        self,
        platform: str,
        account_id: Any,
        text: str,
        *,
        created: Any = None,
        author_name: str | None = None,
    ) -> Post:
        if not isinstance(text, str) or not text.strip():
            raise SimError("message is required")
        if author_name is not None and platform != "facebook":
            raise SimError("only a Facebook page has visitors' posts (author_name)")
        with self.lock:
            account = self.resolve_account(platform, account_id)
            moment = self._created(created)
            seq = self.next_seq()
            if platform == "facebook":
                post_id = f"{account.id}_{_FB_OBJECT_BASE + seq}"
            elif platform == "instagram":
                post_id = str(_IG_MEDIA_BASE + seq)
            elif platform == "linkedin":
                post_id = f"urn:li:share:{_LI_BASE + seq}"
            elif platform == "x":
                post_id = self._tweet_id()
            else:
                post_id = self.token(11, "video", seq)
            author = self.author(platform, author_name) if author_name else None
            post = Post(platform, account.id, post_id, text, moment, seq, author=author)
            self.posts[platform][post_id] = post
            return post

    def add_public_post(self, platform: str, spec: Any) -> PublicPost:
        """Another person's public post (control API `POST /_sim/{platform}/public_posts`)."""
        if platform not in PUBLIC_POSTS:
            raise SimError(f"public posts exist for {', '.join(PUBLIC_POSTS)} only")
        if not isinstance(spec, dict):
            raise SimError("the request body must be a JSON object")
        text = spec.get("message")
        if not isinstance(text, str) or not text.strip():
            raise SimError("message is required")
        name = spec.get("author_name") or "Borger"
        if not isinstance(name, str):
            raise SimError("author_name must be a string")
        numbers = {}
        for key in ("likes", "comments", "shares", "views"):
            value = spec.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SimError(f"{key} must be a whole number of at least 0")
            numbers[key] = value
        tagged = spec.get("tagged_account_ids") or []
        if not isinstance(tagged, list) or not all(isinstance(t, str) for t in tagged):
            raise SimError("tagged_account_ids must be a list of account ids")
        with self.lock:
            for account_id in tagged:
                self.resolve_account("instagram", account_id)
            moment = self._created(spec.get("created_time"))
            seq = self.next_seq()
            if platform == "x":
                post_id = self._tweet_id()
            elif platform == "instagram":
                post_id = str(_IG_MEDIA_BASE + seq)
            else:
                post_id = self.token(11, "public-video", seq)
            post = PublicPost(
                platform,
                post_id,
                text,
                moment,
                seq,
                author=self.author(platform, name),
                tagged=tuple(tagged),
                **numbers,
            )
            self.public_posts[platform][post_id] = post
            return post

    def hashtag_id(self, name: str) -> str:
        """The static, global id of a hashtag."""
        with self.lock:
            name = name.lower()
            if name not in self.hashtag_ids:
                digest = hashlib.sha256(f"hashtag:{name}".encode()).hexdigest()
                self.hashtag_ids[name] = str(17_843_000_000_000_000 + int(digest, 16) % 10**12)
            return self.hashtag_ids[name]

    def hashtag_by_id(self, hashtag_id: str) -> str | None:
        with self.lock:
            for name, known in self.hashtag_ids.items():
                if known == hashtag_id:
                    return name
            return None

    def publish_post(
        self,
        platform: str,
        account: Account,
        text: str,
        *,
        link: str = "",
        image_url: str = "",
        image: dict[str, Any] | None = None,
    ) -> Post:
        """A post the product published through a platform API, as the account itself. A
        pending read_lag fault keeps it out of listings for the fault's `seconds`."""
        with self.lock:
            post = self.add_post(platform, account.id, text)
            post.via_api, post.link, post.image_url = True, link, image_url
            post.image = image
            fault = self.faults.take(platform, account.id, {READ_LAG})
            if fault is not None:
                post.visible_at = self.now() + timedelta(seconds=fault.seconds)
            return post

    def published_posts(self, platform: str | None = None) -> list[dict[str, Any]]:
        """The posts the product published through the APIs, oldest first."""
        with self.lock:
            found = [
                post
                for name, posts in self.posts.items()
                if platform in (None, name)
                for post in posts.values()
                if post.via_api
            ]
            return [post.to_dict() for post in sorted(found, key=lambda post: post.seq)]

    def recent_own_post(self, platform: str, account_id: str, text: str) -> Post | None:
        """The account's own post with this text within the duplicate window, readable or not:
        platforms refuse to publish the same text again so soon."""
        horizon = self.now() - timedelta(seconds=self.config["duplicate_window_seconds"])
        return next(
            (
                post
                for post in self.posts[platform].values()
                if post.account_id == account_id
                and post.own
                and not post.deleted
                and post.text.strip() == text.strip()
                and post.created >= horizon
            ),
            None,
        )

    def newest_post(self, platform: str, account_id: str) -> Post | None:
        now = self.now()
        candidates = [
            post
            for post in self.posts[platform].values()
            if post.account_id == account_id and post.own and post.visible(now)
        ]
        return max(candidates, key=lambda post: (post.created, post.seq), default=None)

    def find_post(self, platform: str, post_id: str) -> Post | None:
        return self.posts[platform].get(post_id)

    def find_comment(self, platform: str, comment_id: str) -> Comment | None:
        """A comment by id; a LinkedIn comment also by its URN."""
        if platform == "linkedin":
            match = _LINKEDIN_COMMENT_URN.match(comment_id)
            comment_id = match["id"] if match else comment_id
        return self.comments[platform].get(comment_id)

    # --- comments --------------------------------------------------------------------------

    def add_comment(
        self,
        platform: str,
        account_id: Any,
        text: str,
        *,
        author_name: str | None,
        post_id: str | None = None,
        parent_id: str | None = None,
        created: Any = None,
        show_author: bool = True,
        standalone: bool = False,
        mention: bool = True,
    ) -> Comment:
        """Create a comment. `author_name` None means the account itself writes (a reply).

        On X, `standalone` makes a mention that answers no tweet, and `mention=False` a reply
        in the conversation whose text does not name the account.
        """
        if not isinstance(text, str) or not text.strip():
            raise SimError("message is required")
        if author_name is not None and (
            not isinstance(author_name, str) or not author_name.strip()
        ):
            raise SimError("author_name must be a non-empty string")
        with self.lock:
            account = self.resolve_account(platform, account_id)
            moment = self._created(created)
            author = self.author(platform, author_name.strip()) if author_name else None
            if platform == "x":
                comment = self._new_tweet(
                    account, text, author, moment, post_id, parent_id, standalone, mention
                )
            else:
                post, parent = self._thread_target(platform, account, post_id, parent_id)
                seq = self.next_seq()
                comment = Comment(
                    platform=platform,
                    account_id=account.id,
                    post_id=post.id,
                    id=self._comment_id(platform, post, parent, seq),
                    text=text,
                    created=moment,
                    seq=seq,
                    author=author,
                    parent_id=parent.id if parent else None,
                    show_author=show_author,
                )
            if author is not None:
                fault = self.faults.take(platform, account.id, {READ_LAG})
                if fault is not None:
                    comment.visible_at = self.now() + timedelta(seconds=fault.seconds)
                if self.faults.take(platform, account.id, {NO_NOTIFICATION}) is not None:
                    comment.notified = False
            self.comments[platform][comment.id] = comment
            return comment

    def _thread_target(
        self, platform: str, account: Account, post_id: str | None, parent_id: str | None
    ) -> tuple[Post, Comment | None]:
        parent = None
        if parent_id:
            parent = self.find_comment(platform, str(parent_id))
            if parent is None or parent.account_id != account.id or parent.deleted:
                raise SimError(f"no comment {parent_id} on {platform} account {account.id}", 404)
            # Every simulated platform keeps threads one level deep: a reply to a reply joins
            # the top-level comment's thread.
            if parent.parent_id:
                parent = self.comments[platform][parent.parent_id]
            if post_id and str(post_id) != parent.post_id:
                raise SimError(f"comment {parent_id} is not on post {post_id}")
            return self.posts[platform][parent.post_id], parent
        if post_id:
            post = self.find_post(platform, str(post_id))
            if post is None or post.account_id != account.id or post.deleted:
                raise SimError(f"no post {post_id} on {platform} account {account.id}", 404)
            return post, None
        post = self.newest_post(platform, account.id)
        if post is None:
            # An account without posts gets a first one, so a comment always has a home.
            post = self.add_post(platform, account.id, f"Velkommen til {account.name}")
        return post, None

    def _comment_id(self, platform: str, post: Post, parent: Comment | None, seq: int) -> str:
        if platform == "facebook":
            return f"{post.id.split('_')[-1]}_{_FB_OBJECT_BASE + seq}"
        if platform == "instagram":
            return str(_IG_COMMENT_BASE + seq)
        if platform == "linkedin":
            return str(_LI_BASE + seq)
        if parent is not None:
            return f"{parent.id}.{self.token(22, 'reply', seq)}"
        return "Ugz" + self.token(19, "comment", seq) + "4AaABAg"

    def _new_tweet(
        self,
        account: Account,
        text: str,
        author: Author | None,
        moment: datetime,
        post_id: str | None,
        parent_id: str | None,
        standalone: bool,
        mention: bool = True,
    ) -> Comment:
        """A tweet in a conversation: a citizen's mention of the account, or the account's reply;
        with `mention` False a citizen's tweet that leaves the account's handle out."""
        reply_to: Post | Comment | None
        if standalone:
            reply_to = None
        elif parent_id:
            reply_to = self.find_comment("x", str(parent_id)) or self.find_post("x", str(parent_id))
            if reply_to is None or reply_to.account_id != account.id or reply_to.deleted:
                raise SimError(f"no tweet {parent_id} for X account {account.id}", 404)
        elif post_id:
            reply_to = self.find_post("x", str(post_id))
            if reply_to is None or reply_to.account_id != account.id or reply_to.deleted:
                raise SimError(f"no tweet {post_id} of X account {account.id}", 404)
        else:
            reply_to = self.newest_post("x", account.id)
        handle = f"@{account.username}"
        if not mention:
            if standalone or handle.lower() in text.lower():
                raise SimError("a post that is not a mention answers a tweet and names no account")
        elif author is not None and handle.lower() not in text.lower():
            # A mention names the account; replies start with the handle, as X writes them.
            text = f"{handle} {text}"
        seq = self.next_seq()
        tweet_id = self._tweet_id()
        if reply_to is None:
            conversation = tweet_id
        elif isinstance(reply_to, Post):
            conversation = reply_to.id
        else:
            conversation = reply_to.post_id
        return Comment(
            platform="x",
            account_id=account.id,
            post_id=conversation,
            id=tweet_id,
            text=text,
            created=moment,
            seq=seq,
            author=author,
            reply_to_id=reply_to.id if reply_to is not None else None,
        )

    def replies(self, comment: Comment) -> list[Comment]:
        """The replies to a top-level comment that can be read now, oldest first."""
        now = self.now()
        return sorted(
            (
                reply
                for reply in self.comments[comment.platform].values()
                if reply.parent_id == comment.id and reply.visible(now)
            ),
            key=lambda reply: (reply.created, reply.seq),
        )

    def delete_comment(self, comment: Comment) -> None:
        """Delete a comment and, for a top-level one, its replies (as the platforms do)."""
        comment.deleted = True
        if comment.parent_id is None:
            for other in self.comments[comment.platform].values():
                if other.parent_id == comment.id:
                    other.deleted = True

    # --- messages --------------------------------------------------------------------------

    def add_message(
        self,
        account_id: Any,
        text: str,
        *,
        author_name: str | None,
        conversation_id: str | None = None,
        created: Any = None,
        platform: str = "facebook",
    ) -> tuple[Conversation, Message]:
        """A Messenger message (or, on `platform` "instagram", a direct message) from a citizen;
        with `author_name` None, from the account."""
        if platform not in ("facebook", "instagram"):
            raise SimError("messages exist on facebook and instagram only")
        if not isinstance(text, str) or not text.strip():
            raise SimError("message is required")
        with self.lock:
            account = self.resolve_account(platform, account_id)
            moment = self._created(created)
            conversation = None
            if conversation_id:
                conversation = self.conversations.get(str(conversation_id))
                if conversation is None or conversation.account_id != account.id:
                    raise SimError(
                        f"no conversation {conversation_id} on {platform} account {account.id}",
                        404,
                    )
            elif author_name:
                author = self.author(platform, author_name)
                conversation = next(
                    (
                        existing
                        for existing in self.conversations.values()
                        if existing.account_id == account.id and existing.author is author
                    ),
                    None,
                )
            if conversation is None:
                if not author_name:
                    raise SimError("author_name or conversation_id is required")
                seq = self.next_seq()
                conversation = Conversation(
                    id=self._conversation_id(platform, account, seq),
                    account_id=account.id,
                    author=self.author(platform, author_name),
                    platform=platform,
                )
                self.conversations[conversation.id] = conversation
            seq = self.next_seq()
            message = Message(
                id=self._message_id(platform, account, seq),
                text=text,
                created=moment,
                seq=seq,
                author=self.author(platform, author_name) if author_name else None,
            )
            if message.author is not None:
                fault = self.faults.take(platform, account.id, {READ_LAG})
                if fault is not None:
                    message.visible_at = self.now() + timedelta(seconds=fault.seconds)
            conversation.messages.append(message)
            self.messages[message.id] = (conversation, message)
            return conversation, message

    def _conversation_id(self, platform: str, account: Account, seq: int) -> str:
        if platform == "instagram":
            # Instagram thread ids are base64 of an internal thread reference.
            raw = f"ig_message_thread:1:IGMessageThread:{account.id}:{seq}"
            return base64.urlsafe_b64encode(raw.encode()).decode("ascii").rstrip("=")
        return f"t_{_FB_OBJECT_BASE + seq}"

    def _message_id(self, platform: str, account: Account, seq: int) -> str:
        if platform == "instagram":
            raw = f"ig_item:1:IGMessage:{account.id}:{seq}"
            return base64.urlsafe_b64encode(raw.encode()).decode("ascii").rstrip("=")
        return "m_" + self.token(40, "message", seq)

    # --- bookkeeping -----------------------------------------------------------------------

    def record_action(
        self,
        platform: str,
        account_id: str,
        kind: str,
        target_id: str,
        *,
        text: str | None = None,
        result_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self.lock:
            self.actions.append(
                {
                    "seq": len(self.actions) + 1,
                    "platform": platform,
                    "account_id": account_id,
                    "kind": kind,
                    "target_id": target_id,
                    "text": text,
                    "result_id": result_id,
                    "detail": detail,
                    "time": self.now().isoformat(),
                }
            )

    def stats_snapshot(self) -> dict[str, Any]:
        with self.lock:
            return self.stats.snapshot(
                {project: spent[1] for project, spent in self.youtube_quota.items()},
                {project: spent[2] for project, spent in self.youtube_quota.items()},
            )
