"""Facebook Pages and Instagram Graph API imitation: nodes, edges, field selection, cursor paging
with `next` links back to the simulator, writes, Graph error bodies and usage headers.

Strict where Graph is strict: unknown fields are errors, booleans in form writes must be the
strings "true"/"false", a cursor dies with the item it points at, the only end signal is a
missing `next` (a page ending exactly at the last item still links to an empty page), the same
reply or page post twice in a short time is refused with error 506, and Instagram replies only go
to top-level comments that are not hidden. A call to an expired version (by the version table in
platforms/versions.py and the world's date) or to no version is answered by the oldest usable
version, named in the `facebook-api-version` header, as Graph does.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from platforms.config import GRAPH_VERSION as GRAPH_DEFAULT
from platforms.versions import find, is_retired, oldest_usable

from ..faults import Fault
from ..state import Account, Comment, Conversation, Message, Post, SimError, post_figures
from ..timefmt import graph_time, parse_time
from ..wire import BadBody, Request, Response, json_response, url_with
from . import listening
from .base import Abort, PlatformAPI, decode_token, encode_token, paginate
from .errors import graph_error
from .graphfields import FieldsError, FieldSpec, fields_text, parse_fields

GRAPH_VERSION = re.compile(r"v\d+\.\d+")
MAX_LIMIT = 100
DEFAULT_LIMIT = 25
_MISSING = object()
# Instagram answers a message sent more than 24 hours after the citizen's last one with this.
MESSAGING_WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW_SUBCODE = 2534022

TYPE_NAMES = {
    "page": "Page",
    "ig_page": "Page",
    "post": "PagePost",
    "comment": "Comment",
    "conversation": "UnifiedThread",
    "message": "Message",
    "ig_user": "IGUser",
    "ig_media": "IGMedia",
    "ig_comment": "IGComment",
    "ig_container": "IGContainer",
}
KNOWN_FIELDS = {
    # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
    "ig_container": {"id", "status_code", "status"},
    "page": {
        "id", "name", "username", "link", "about", "category", "fan_count", "followers_count",
        "new_like_count", "talking_about_count", "website", "verification_status", "picture",
        "emails", "phone", "feed", "published_posts", "posts", "conversations",
    },
    # The Facebook Page an Instagram account is linked to, as its Page token sees it (`me`).
    "ig_page": {
        "id", "name", "username", "link", "category", "followers_count",
        "instagram_business_account", "conversations",
    },
    "post": {
        "id", "message", "story", "created_time", "updated_time", "from", "permalink_url",
        "status_type", "is_published", "is_hidden", "is_expired", "full_picture", "attachments",
        "shares", "message_tags", "privacy", "place", "icon", "to", "parent_id",
        "promotable_id", "timeline_visibility", "comments", "reactions", "likes", "insights",
    },
    "comment": {
        "id", "message", "created_time", "from", "parent", "is_hidden", "can_hide",
        "can_remove", "can_reply_privately", "can_comment", "can_like", "permalink_url",
        "like_count", "comment_count", "attachment", "message_tags", "object", "user_likes",
        "is_private", "private_reply_conversation", "application", "admin_creator", "comments",
        "reactions", "likes",
    },
    "conversation": {
        "id", "updated_time", "link", "message_count", "unread_count", "participants",
        "senders", "can_reply", "snippet", "former_participants", "is_subscribed", "name",
        "messages",
    },
    "message": {
        "id", "message", "from", "to", "created_time", "attachments", "tags", "sticker",
        "shares", "story",
    },
    "ig_user": {
        "id", "ig_id", "username", "name", "biography", "followers_count", "follows_count",
        "media_count", "profile_picture_url", "website", "media",
    },
    "ig_media": {
        "id", "ig_id", "caption", "timestamp", "media_type", "media_url", "media_product_type",
        "permalink", "shortcode", "thumbnail_url", "comments_count", "like_count", "username",
        "owner", "is_comment_enabled", "is_shared_to_feed", "children", "comments", "insights",
    },
    "ig_comment": {
        "id", "text", "timestamp", "username", "from", "hidden", "parent_id", "like_count",
        "media", "user", "replies", "legacy_instagram_comment_id",
    },
}  # fmt: skip
DEFAULT_FIELDS = {
    "ig_container": ["id"],
    "page": ["name", "id"],
    "ig_page": ["name", "id"],
    "post": ["created_time", "message", "id"],
    "comment": ["created_time", "from", "message", "id"],
    "conversation": ["id", "link", "updated_time"],
    "message": ["id", "created_time"],
    "ig_user": ["id"],
    "ig_media": ["id"],
    "ig_comment": ["timestamp", "text", "id"],
}
# (node type, edge) -> type of the items on that edge.
EDGES = {
    ("page", "feed"): "post",
    ("page", "published_posts"): "post",
    ("page", "posts"): "post",
    ("page", "conversations"): "conversation",
    ("ig_page", "conversations"): "conversation",
    ("post", "comments"): "comment",
    ("comment", "comments"): "comment",
    ("conversation", "messages"): "message",
    ("ig_user", "media"): "ig_media",
    ("ig_media", "comments"): "ig_comment",
    ("ig_comment", "replies"): "ig_comment",
}
# Insights metrics a post or media answers (the rest are refused with code 100, as Graph
# refuses a deprecated one): Page post metrics still valid after the deprecations of
# 15 June and 15 November 2025
# (https://developers.facebook.com/documentation/pages-api/platforminsights/page/deprecated-metrics),
# and Instagram media metrics after `impressions` went on 21 April 2025
# (https://developers.facebook.com/documentation/instagram-platform/reference/instagram-media/insights).
INSIGHT_METRICS = {
    "post": {
        "post_total_media_view_unique": "reach",
        "post_media_view": "impressions",
        "post_clicks": "clicks",
        "post_reactions_like_total": "reactions",
    },
    "ig_media": {
        "reach": "reach",
        "views": "impressions",
        "likes": "reactions",
        "comments": "comments",
        "shares": "shares",
        "saved": "saved",
        "total_interactions": "interactions",
    },
}
# The Send API: POST /{page-id}/messages (Messenger, and Instagram through the linked Page).
SEND_EDGES = {("page", "messages"), ("ig_page", "messages")}
# Publishing: a Page's photo post (https://developers.facebook.com/docs/graph-api/reference/page/photos/),
# and Instagram's two steps, a media container then its publication
# (https://developers.facebook.com/docs/instagram-platform/content-publishing).
PUBLISH_EDGES = {("page", "photos"), ("ig_user", "media"), ("ig_user", "media_publish")}

# Page Subscribed Apps (https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/):
# the Page fields an app may subscribe to (a part of Graph's list; Instagram fields are not
# among them), and the permission each needs
# (https://developers.facebook.com/docs/pages-api/webhooks-for-pages).
PAGE_WEBHOOK_FIELDS = (
    "feed", "mention", "name", "picture", "category", "description", "conversations",
    "standby", "messages", "message_echoes", "message_deliveries", "message_reads",
    "message_reactions", "messaging_optins", "messaging_postbacks", "messaging_referrals",
    "messaging_handovers", "ratings", "live_videos", "videos",
)  # fmt: skip
MESSAGING_WEBHOOK_FIELDS = frozenset(
    name for name in PAGE_WEBHOOK_FIELDS if name.startswith(("message", "messaging", "standby"))
)
# The app the simulated Page tokens belong to, as subscribed_apps lists it.
SIM_APP = {"category": "Business", "link": "https://example.org/", "name": "Kommune SoMe"}
SIM_APP_ID = "990000000000001"


def _unsupported(method: str, node_id: str) -> Response:
    return graph_error(
        400,
        f"Unsupported {method.lower()} request. Object with ID '{node_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation.",
        100,
        33,
        error_type="GraphMethodException",
    )


def _missing_messaging_permission(account: Account) -> Response:
    """What Graph answers a token without the messaging permission for a Page's conversations
    or the Send API: code 230
    (https://developers.facebook.com/docs/messenger-platform/error-codes)."""
    permission = (
        "instagram_manage_messages" if account.platform == "instagram" else "pages_messaging"
    )
    return graph_error(403, f"(#230) Requires {permission} permission to manage the object", 230)


_LIMIT_MODIFIER = re.compile(r"\.limit\((\d+)\)")


def _requested_items(request: Request) -> int:
    """The page sizes a GET names, added up: its `limit` (25 when none) and every
    `.limit(n)` of a field expansion."""
    try:
        total = int(request.query.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        total = DEFAULT_LIMIT
    fields = request.query.get("fields") or ""
    return total + sum(int(n) for n in _LIMIT_MODIFIER.findall(fields))


def _reduce_data() -> Response:
    # As Graph answers it: HTTP 500, code 1, no type (see singer-io/tap-facebook#65).
    return json_response(
        500,
        {
            "error": {
                "code": 1,
                "message": "Please reduce the amount of data you're asking for, then retry "
                "your request",
                "fbtrace_id": "A" + secrets.token_urlsafe(16)[:21],
            }
        },
    )


def _by_time(item: Any) -> tuple[datetime, int]:
    return item.created, item.seq


def _param_error(message: str) -> Response:
    return graph_error(400, f"(#100) {message}", 100)


def _as_bool(value: Any, name: str) -> bool:
    """Graph's booleans in writes: JSON true/false or the strings "true"/"false", nothing else."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise Abort(_param_error(f"Param {name} must be a boolean, got {value!r}"))


def _json_param(value: Any, name: str) -> dict[str, Any]:
    """Send API parameters arrive as JSON objects, or as JSON text inside a form."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise Abort(_param_error(f"Param {name} must be a JSON object")) from exc
    if not isinstance(value, dict):
        raise Abort(_param_error(f"Param {name} must be a JSON object"))
    return value


@dataclass
class Call:
    """One Graph call: what the next links and renderers need to know."""

    request: Request
    account: Account
    version: str
    token: str


class GraphAPI(PlatformAPI):
    family = "facebook"

    # --- authentication, usage and faults ---------------------------------------------------

    @staticmethod
    def _token(request: Request) -> str | None:
        token = request.query.get("access_token")
        if not token and request.method in ("POST", "DELETE"):
            try:
                token = request.form().get("access_token")
            except BadBody:
                token = None
        return token or request.bearer_token()

    def unauthenticated_platform(self, request: Request) -> str:
        segments = request.segments
        node = segments[1] if segments and GRAPH_VERSION.fullmatch(segments[0]) else None
        if node and (
            node in self.world.posts["instagram"] or node in self.world.comments["instagram"]
        ):
            return "instagram"
        return "facebook"

    def authenticate(self, request: Request) -> Account | Response:
        token = self._token(request)
        if not token:
            return graph_error(400, "An access token is required to request this resource.", 104)
        account = self.world.account_by_token(token, ("facebook", "instagram"))
        if account is None:
            return graph_error(400, "Invalid OAuth access token - Cannot parse access token", 190)
        return account

    def _recent_calls(self, account: Account) -> list[datetime]:
        window = timedelta(seconds=self.world.config["graph_usage_window_seconds"])
        horizon = self.world.now() - window
        for calls in self.world.graph_calls.values():
            while calls and calls[0] <= horizon:
                calls.popleft()
        return self.world.graph_calls[(account.platform, account.id)]

    def _usage(self, account: Account) -> tuple[int, int, int]:
        """(app %, this account's %, minutes until it may call again)."""
        budget = self.world.config["graph_call_budget"]
        calls = self._recent_calls(account)
        app_calls = sum(len(entries) for entries in self.world.graph_calls.values())
        regain = 0
        if len(calls) >= budget:
            window = self.world.config["graph_usage_window_seconds"]
            free_at = calls[0] + timedelta(seconds=window)
            regain = max(1, math.ceil((free_at - self.world.now()).total_seconds() / 60))
        return app_calls * 100 // budget, len(calls) * 100 // budget, regain

    def _throttled(self, account: Account) -> Response:
        if account.platform == "instagram":
            return graph_error(
                400,
                "There have been too many calls to this Instagram account. Wait a while and "
                "try again.",
                80002,
                transient=True,
            )
        return graph_error(
            400,
            "There have been too many calls to this Page account. Wait a while and try again.",
            80001,
            transient=True,
        )

    def admit(self, request: Request, account: Account) -> Response | None:
        calls = self._recent_calls(account)
        if len(calls) >= self.world.config["graph_call_budget"]:
            return self._throttled(account)
        calls.append(self.world.now())
        return None

    def decorate(
        self, response: Response, request: Request, account: Account, fault: Fault | None
    ) -> None:
        # Graph names the version that answered in every response.
        response.set_header("facebook-api-version", self.served_version(request))
        app, page, regain = self._usage(account)
        if fault is not None and fault.kind == "throttle":
            page = max(page, 100)
            app = max(app, 100)
            regain = max(1, math.ceil(fault.reset_after_seconds / 60))
        response.set_header(
            "X-App-Usage",
            json.dumps({"call_count": app, "total_cputime": app // 3, "total_time": app // 2}),
        )
        usage_type = "instagram" if account.platform == "instagram" else "pages"
        response.set_header(
            "X-Business-Use-Case-Usage",
            json.dumps(
                {
                    account.id: [
                        {
                            "type": usage_type,
                            "call_count": page,
                            "total_cputime": page // 3,
                            "total_time": page // 2,
                            "estimated_time_to_regain_access": regain,
                        }
                    ]
                }
            ),
        )

    def platform_fault(self, fault: Fault, request: Request, account: Account) -> Response:
        if fault.kind == "throttle":
            return self._throttled(account)
        if fault.kind == "token_expired":
            now = self.world.now()
            return graph_error(
                400,
                "Error validating access token: Session has expired on "
                f"{(now - timedelta(hours=1)).strftime('%A, %d-%b-%y %H:%M:%S UTC')}. "
                f"The current time is {now.strftime('%A, %d-%b-%y %H:%M:%S UTC')}.",
                190,
                463,
            )
        return graph_error(
            500,
            "An unexpected error has occurred. Please retry your request later.",
            2,
            transient=True,
        )

    def invalid_cursor(self) -> Response:
        return _param_error("The cursor is not valid: the item it points to no longer exists")

    def bad_request(self, message: str) -> Response:
        return _param_error(message)

    # --- routing -----------------------------------------------------------------------------

    def served_version(self, request: Request) -> str:
        """The version that answers: the one in the path while it is usable on the world's date;
        for an expired one or none, the oldest usable version, as Graph does (Platform
        Versioning, "Version Schedules"). A version the table does not list is served as
        asked."""
        segments = request.segments
        asked = segments[0] if segments and GRAPH_VERSION.fullmatch(segments[0]) else None
        today = self.world.now().date()
        entry = find("graph", asked) if asked else None
        if asked and (entry is None or not is_retired(entry, today)):
            return asked
        oldest = oldest_usable("graph", today)
        return oldest.version if oldest else (asked or GRAPH_DEFAULT)

    def route(self, request: Request, account: Account) -> Response:
        segments = request.segments
        version = self.served_version(request)
        if segments and GRAPH_VERSION.fullmatch(segments[0]):
            segments = segments[1:]
        if not segments or len(segments) > 2:
            return _unsupported(request.method, "/".join(segments))
        node_id = segments[0]
        edge = segments[1] if len(segments) == 2 else None
        if request.method == "GET" and account.platform == "instagram":
            # Listening: hashtag search, hashtag media and the account's tags.
            if segments == ["ig_hashtag_search"]:
                return listening.hashtag_search(self, request, account)
            if edge in ("recent_media", "top_media") and self.world.hashtag_by_id(node_id):
                return listening.hashtag_media(self, request, account, node_id, edge)
            if edge == "tags" and node_id == account.id:
                return listening.tags(self, request, account)
        call = Call(request, account, version, self._token(request) or "")
        if (
            request.method == "GET"
            and _requested_items(request) > self.world.config["graph_max_request_items"]
        ):
            return _reduce_data()
        node = self._lookup(account, node_id, writing=request.method != "GET")
        if node is None:
            return _unsupported(request.method, node_id)
        kind, obj = node
        if edge == "subscribed_apps":
            if kind not in ("page", "ig_page"):
                return _unsupported(request.method, f"{node_id}/{edge}")
            return self._subscribed_apps(call)
        if edge is None:
            if request.method == "GET":
                return json_response(200, self._render(call, kind, obj, self._fields(request)))
            if request.method == "POST":
                return self._update(call, kind, obj)
            if request.method == "DELETE":
                return self._delete(call, kind, obj)
            return _unsupported(request.method, node_id)
        if (kind, edge) in PUBLISH_EDGES and request.method == "POST":
            return self._create(call, kind, obj, edge)
        if edge == "insights" and kind in INSIGHT_METRICS and request.method == "GET":
            return json_response(
                200, self._figure_field(call, kind, obj, "insights", dict(request.query))
            )
        if (kind, edge) not in EDGES and (kind, edge) not in SEND_EDGES:
            return _param_error(
                f"Tried accessing nonexisting field ({edge}) on node type ({TYPE_NAMES[kind]})"
            )
        if edge in ("conversations", "messages") and not account.messaging_permission:
            return _missing_messaging_permission(account)
        if request.method == "GET" and (kind, edge) in EDGES:
            return json_response(200, self._list(call, kind, obj, edge))
        if request.method == "POST":
            return self._create(call, kind, obj, edge)
        return _unsupported(request.method, f"{node_id}/{edge}")

    def _lookup(self, account: Account, node_id: str, *, writing: bool) -> tuple[str, Any] | None:
        world = self.world
        now = world.now()
        platform = account.platform
        if platform == "instagram" and node_id in ("me", account.page_id):
            # The token is the linked Page's: `me` is that Page, which holds the messaging.
            return ("ig_page", account)
        if node_id in ("me", account.id):
            return ("page" if platform == "facebook" else "ig_user", account)
        container = world.ig_containers.get(node_id) if platform == "instagram" else None
        if container is not None and container["account_id"] == account.id:
            return ("ig_container", {"id": node_id, **container})
        post = world.posts[platform].get(node_id)
        if (
            post is not None
            and post.account_id == account.id
            and (post.visible(now) or (writing and not post.deleted))
        ):
            return ("post" if platform == "facebook" else "ig_media", post)
        comment = world.comments[platform].get(node_id)
        # A write may name a comment a read cannot see yet (a webhook told about it).
        if (
            comment is not None
            and comment.account_id == account.id
            and (comment.visible(now) or (writing and not comment.deleted))
        ):
            return ("comment" if platform == "facebook" else "ig_comment", comment)
        conversation = world.conversations.get(node_id)
        if (
            conversation is not None
            and conversation.account_id == account.id
            and conversation.platform == platform
        ):
            return ("conversation", conversation)
        found = world.messages.get(node_id)
        if (
            found is not None
            and found[0].account_id == account.id
            and found[0].platform == platform
            and found[1].visible(now)
        ):
            return ("message", found[1])
        return None

    @staticmethod
    def _fields(request: Request) -> dict[str, FieldSpec] | None:
        try:
            return parse_fields(request.query.get("fields"))
        except FieldsError as exc:
            raise Abort(_param_error(str(exc))) from exc

    # --- reading -----------------------------------------------------------------------------

    def _render(
        self, call: Call, kind: str, obj: Any, fields: dict[str, FieldSpec] | None
    ) -> dict[str, Any]:
        if fields is None:
            fields = {name: FieldSpec(name) for name in DEFAULT_FIELDS[kind]}
        self._check_fields(kind, fields)
        values = getattr(self, f"_{kind}_values")(call, obj)
        result: dict[str, Any] = {}
        for name, spec in fields.items():
            if name == "conversations" and not call.account.messaging_permission:
                # One field the token may not read fails the whole request.
                raise Abort(_missing_messaging_permission(call.account))
            if kind in INSIGHT_METRICS and name in ("reactions", "insights"):
                figure = self._figure_field(call, kind, obj, name, spec.modifiers)
                if figure is not None:
                    result[name] = figure
                continue
            if (kind, name) in EDGES:
                edge = self._list(call, kind, obj, name, spec)
                # Graph leaves an empty edge out of the node altogether.
                if edge["data"] or "paging" in edge or "summary" in edge:
                    result[name] = edge
                continue
            value = values.get(name, _MISSING)
            if callable(value):
                value = value()
            if value is _MISSING or value is None:
                continue
            if isinstance(value, dict) and spec.sub is not None:
                value = {key: val for key, val in value.items() if key in spec.sub}
            result[name] = value
        result.setdefault("id", values["id"])
        return result

    def _own_figures(self, kind: str, obj: Post) -> dict[str, int]:
        figures = post_figures(obj, self.world.now())
        platform = "facebook" if kind == "post" else "instagram"
        figures["comments"] = sum(
            1
            for comment in self.world.comments[platform].values()
            if comment.post_id == obj.id and comment.visible(self.world.now())
        )
        figures["interactions"] = (
            figures["reactions"] + figures["comments"] + figures["shares"] + figures["saved"]
        )
        return figures

    def _figure_field(
        self, call: Call, kind: str, obj: Post, name: str, options: dict[str, str]
    ) -> dict[str, Any] | None:
        """A post's `reactions` edge (its summary only: single reactions are not imitated) or
        its `insights` (asked as a field, `insights.metric(a,b)`, or as the edge
        `/{id}/insights?metric=a,b`)."""
        figures = self._own_figures(kind, obj)
        if name == "reactions":
            if kind != "post":
                raise Abort(_param_error(f"Tried accessing nonexisting field ({name})"))
            total = figures["reactions"]
            summary = options.get("summary") in ("true", "1", "total_count")
            if not total and not summary:
                return None  # an edge with nothing on it is left out
            result: dict[str, Any] = {"data": []}
            if summary:
                result["summary"] = {"total_count": total, "viewer_reaction": "NONE"}
            return result
        metrics = [m.strip() for m in (options.get("metric") or "").split(",") if m.strip()]
        if not metrics:
            raise Abort(
                graph_error(
                    400,
                    "(#100) No metric was specified to be fetched. Please specify one or more "
                    "metrics to be fetched and try again.",
                    code=100,
                    subcode=1504028,
                )
            )
        known = INSIGHT_METRICS[kind]
        for metric in metrics:
            if metric not in known:
                raise Abort(
                    graph_error(
                        400, f"(#100) The value must be a valid insights metric: {metric}", code=100
                    )
                )
        rows = [
            {
                "name": metric,
                "period": "lifetime",
                "values": [{"value": figures[known[metric]]}],
                "title": metric.replace("_", " ").capitalize(),
                "description": "",
                "id": f"{obj.id}/insights/{metric}/lifetime",
            }
            for metric in metrics
        ]
        return {"data": rows}

    @staticmethod
    def _check_fields(kind: str, fields: dict[str, FieldSpec] | None) -> None:
        for name in fields or ():
            if name not in KNOWN_FIELDS[kind]:
                node_type = TYPE_NAMES[kind]
                raise Abort(
                    _param_error(
                        f"Tried accessing nonexisting field ({name}) on node type ({node_type})"
                    )
                )

    def _page_values(self, call: Call, account: Account) -> dict[str, Any]:
        return {
            "id": account.id,
            "name": account.name,
            "username": account.username,
            "link": f"https://www.facebook.com/{account.id}",
            "category": "Government organization",
            "followers_count": account.followers,
            # Likes trail followers on most pages.
            "fan_count": account.followers * 9 // 10,
            "verification_status": "not_verified",
        }

    def _ig_page_values(self, call: Call, account: Account) -> dict[str, Any]:
        return {
            "id": account.page_id,
            "name": account.name,
            "username": account.username,
            "link": f"https://www.facebook.com/{account.page_id}",
            "category": "Government organization",
            "followers_count": account.followers,
            "instagram_business_account": {"id": account.id},
        }

    def _author_ref(self, comment_or_post: Comment | Post, account: Account) -> dict[str, str]:
        author = comment_or_post.author
        if author is None:
            return {"name": account.name, "id": account.id}
        return {"name": author.name, "id": author.id}

    def _post_values(self, call: Call, post: Post) -> dict[str, Any]:
        page_id, _, number = post.id.partition("_")
        now = self.world.now()

        def updated() -> str:
            # A new comment counts as activity on the post, as on Facebook.
            latest = max(
                (
                    comment.created
                    for comment in self.world.comments["facebook"].values()
                    if comment.post_id == post.id and comment.visible(now)
                ),
                default=post.created,
            )
            return graph_time(max(latest, post.created))

        return {
            "id": post.id,
            "message": post.text,
            "created_time": graph_time(post.created),
            "updated_time": updated,
            "from": self._author_ref(post, call.account),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{number}",
            # Graph leaves `shares` out of a post nobody shared.
            "shares": lambda: (
                {"count": shares}
                if post.own and (shares := post_figures(post, now)["shares"])
                else None
            ),
            "status_type": "mobile_status_update",
            "is_published": True,
            "is_hidden": False,
            "is_expired": False,
        }

    def _comment_values(self, call: Call, comment: Comment) -> dict[str, Any]:
        page_id = call.account.id
        post_number = comment.post_id.partition("_")[2]
        number = comment.id.partition("_")[2]
        if comment.parent_id:
            parent_number = comment.parent_id.partition("_")[2]
            link = (
                f"https://www.facebook.com/{page_id}/posts/{post_number}/"
                f"?comment_id={parent_number}&reply_comment_id={number}"
            )
        else:
            link = f"https://www.facebook.com/{page_id}/posts/{post_number}/?comment_id={number}"
        parent = self.world.comments["facebook"].get(comment.parent_id or "")
        return {
            "id": comment.id,
            "message": comment.text,
            "created_time": graph_time(comment.created),
            # Graph leaves "from" out for some commenters; the control API can ask for that.
            "from": self._author_ref(comment, call.account) if comment.show_author else None,
            "parent": (
                {
                    "created_time": graph_time(parent.created),
                    "from": self._author_ref(parent, call.account),
                    "message": parent.text,
                    "id": parent.id,
                }
                if parent is not None
                else None
            ),
            "is_hidden": comment.hidden,
            "can_hide": not comment.own,
            "can_remove": True,
            "can_reply_privately": not comment.own and comment.parent_id is None,
            "can_comment": True,
            "can_like": True,
            "like_count": comment.like_count,
            "comment_count": lambda: 0 if comment.parent_id else len(self.world.replies(comment)),
            "permalink_url": link,
            "user_likes": False,
            "is_private": False,
        }

    def _conversation_values(self, call: Call, conversation: Conversation) -> dict[str, Any]:
        account = call.account
        messages = conversation.visible_messages(self.world.now())
        last = max(messages, key=lambda m: (m.created, m.seq), default=None)
        if conversation.platform == "instagram":
            # Instagram threads name people by username and Instagram-scoped id, and have no
            # Facebook inbox link.
            people = {
                "data": [
                    {"username": conversation.author.username, "id": conversation.author.id},
                    {"username": account.username, "id": account.id},
                ]
            }
            return {
                "id": conversation.id,
                "updated_time": graph_time(last.created) if last else None,
                "message_count": len(messages),
                "unread_count": 0,
                "participants": people,
                "senders": people,
                "can_reply": True,
            }
        people = {
            "data": [
                {
                    "name": conversation.author.name,
                    "email": f"{conversation.author.id}@facebook.com",
                    "id": conversation.author.id,
                },
                {"name": account.name, "email": f"{account.id}@facebook.com", "id": account.id},
            ]
        }
        return {
            "id": conversation.id,
            "updated_time": graph_time(last.created) if last else None,
            "link": f"/{account.id}/inbox/{conversation.id.removeprefix('t_')}/",
            "message_count": len(messages),
            "unread_count": 0,
            "participants": people,
            "senders": people,
            "can_reply": True,
            "snippet": last.text[:100] if last else "",
            "is_subscribed": True,
        }

    def _message_values(self, call: Call, message: Message) -> dict[str, Any]:
        account = call.account
        conversation = self.world.messages[message.id][0]
        if conversation.platform == "instagram":
            citizen = {"username": conversation.author.username, "id": conversation.author.id}
            own = {"username": account.username, "id": account.id}
            sender, receiver = (citizen, own) if message.author is not None else (own, citizen)
            return {
                "id": message.id,
                "message": message.text,
                "created_time": graph_time(message.created),
                "from": sender,
                "to": {"data": [receiver]},
            }
        citizen = {
            "name": conversation.author.name,
            "email": f"{conversation.author.id}@facebook.com",
            "id": conversation.author.id,
        }
        page = {"name": account.name, "email": f"{account.id}@facebook.com", "id": account.id}
        sender, receiver = (citizen, page) if message.author is not None else (page, citizen)
        return {
            "id": message.id,
            "message": message.text,
            "created_time": graph_time(message.created),
            "from": sender,
            "to": {"data": [receiver]},
        }

    def _ig_user_values(self, call: Call, account: Account) -> dict[str, Any]:
        return {
            "id": account.id,
            "ig_id": int(account.id) % 10_000_000_000 if account.id.isdigit() else None,
            "username": account.username,
            "name": account.name,
            "biography": f"{account.name} på Instagram",
            "followers_count": account.followers,
            "follows_count": 120,
            "media_count": sum(
                1
                for post in self.world.posts["instagram"].values()
                if post.account_id == account.id and not post.deleted
            ),
        }

    def _ig_container_values(self, call: Call, container: dict[str, Any]) -> dict[str, Any]:
        published = container["media_id"] is not None
        return {
            "id": container["id"],
            "status_code": "PUBLISHED" if published else container["status_code"],
            "status": "Published" if published else "Finished",
        }

    def _ig_media_values(self, call: Call, post: Post) -> dict[str, Any]:
        shortcode = self.world.token(11, "shortcode", post.id)
        return {
            "id": post.id,
            "caption": post.text,
            "timestamp": graph_time(post.created),
            "media_type": "IMAGE",
            "media_product_type": "FEED",
            "permalink": f"https://www.instagram.com/p/{shortcode}/",
            "shortcode": shortcode,
            "comments_count": lambda: sum(
                1
                for comment in self.world.comments["instagram"].values()
                if comment.post_id == post.id and comment.visible(self.world.now())
            ),
            "like_count": lambda: post_figures(post, self.world.now())["reactions"],
            "username": call.account.username,
            "owner": {"id": call.account.id},
            "is_comment_enabled": True,
            "is_shared_to_feed": True,
        }

    def _ig_comment_values(self, call: Call, comment: Comment) -> dict[str, Any]:
        author = comment.author
        # `from.id` is the author's Instagram-scoped id: for the account's own comments too,
        # which therefore never carry the IG user id (the username names the account).
        who = (
            {"id": author.id, "username": author.username}
            if author is not None
            else {"id": call.account.scoped_id, "username": call.account.username}
        )
        return {
            "id": comment.id,
            "text": comment.text,
            "timestamp": graph_time(comment.created),
            "username": who["username"],
            "from": who,
            "hidden": comment.hidden,
            "parent_id": comment.parent_id,
            "like_count": comment.like_count,
            "media": {"id": comment.post_id, "media_product_type": "FEED"},
        }

    def _edge_items(
        self, call: Call, kind: str, obj: Any, edge: str, options: dict[str, str]
    ) -> tuple[list[Any], dict[str, Any] | None]:
        """The items on an edge in the platform's order, and the edge's summary."""
        world = self.world
        now = world.now()
        account = call.account
        since = self._time_option(options, "since")
        until = self._time_option(options, "until")

        def in_range(moment: datetime) -> bool:
            return (since is None or moment >= since) and (until is None or moment <= until)

        if kind in ("page", "ig_user") and edge != "conversations":
            own_only = edge != "feed"
            items = [
                post
                for post in world.posts[account.platform].values()
                if post.account_id == account.id
                and post.visible(now)
                and (post.own or not own_only)
                and in_range(post.created)
            ]
            items.sort(key=_by_time, reverse=True)
            return items, {"total_count": len(items)}
        if edge == "conversations":
            # `platform` picks the Page's Messenger inbox (the default) or the linked Instagram
            # account's direct messages; `user_id` narrows it to one person's thread.
            wanted = options.get("platform") or "messenger"
            if wanted not in ("messenger", "instagram"):
                raise Abort(_param_error("platform must be one of messenger, instagram"))
            platform = "facebook" if wanted == "messenger" else "instagram"
            user_id = options.get("user_id")
            conversations = [
                (max((m.created, m.seq) for m in visible), conversation)
                for conversation in world.conversations.values()
                if conversation.account_id == account.id
                and conversation.platform == account.platform == platform
                and (not user_id or conversation.author.id == user_id)
                and (visible := conversation.visible_messages(now))
            ]
            conversations.sort(key=lambda pair: pair[0], reverse=True)
            return [conversation for _, conversation in conversations], None
        if edge == "messages":
            messages = sorted(obj.visible_messages(now), key=_by_time, reverse=True)
            return messages, None
        platform = account.platform
        if kind in ("comment", "ig_comment"):
            # Threads are one level deep: a reply has no replies of its own.
            replies = [] if obj.parent_id else self.world.replies(obj)
            items = [reply for reply in replies if in_range(reply.created)]
            return items, {"order": "chronological", "total_count": len(items)}
        order = options.get("order") or ("chronological" if platform == "facebook" else "")
        stream = options.get("filter", "toplevel")
        if stream not in ("toplevel", "stream"):
            raise Abort(_param_error("filter must be one of toplevel, stream"))
        if order not in ("", "chronological", "reverse_chronological", "ranked"):
            raise Abort(
                _param_error("order must be one of chronological, reverse_chronological, ranked")
            )
        items = [
            comment
            for comment in world.comments[platform].values()
            if comment.post_id == obj.id
            and comment.visible(now)
            and (stream == "stream" or comment.parent_id is None)
            and in_range(comment.created)
        ]
        # Instagram lists a media's comments newest first; Facebook oldest first unless asked.
        reverse = order == "reverse_chronological" or platform == "instagram" and not order
        items.sort(key=_by_time, reverse=reverse)
        summary = {
            "order": order or "reverse_chronological",
            "total_count": len(items),
            "can_comment": True,
        }
        return items, summary

    @staticmethod
    def _time_option(options: dict[str, str], name: str) -> datetime | None:
        value = options.get(name)
        if value in (None, ""):
            return None
        try:
            return parse_time(value)
        except (ValueError, OverflowError, OSError) as exc:
            raise Abort(
                _param_error(f"The parameter {name} must be a unix time or a date")
            ) from exc

    @staticmethod
    def _limit(value: str | None) -> int:
        if value in (None, ""):
            return DEFAULT_LIMIT
        try:
            limit = int(value)
        except ValueError as exc:
            raise Abort(_param_error("The parameter limit must be a whole number")) from exc
        if limit < 0:
            raise Abort(_param_error("The parameter limit must not be negative"))
        return min(limit, MAX_LIMIT)

    def _list(
        self, call: Call, kind: str, obj: Any, edge: str, spec: FieldSpec | None = None
    ) -> dict[str, Any]:
        """An edge as a page of items: from the query string for a GET on the edge itself, or
        from the field's modifiers when the edge is asked for as a field of its node."""
        request = call.request
        if spec is None:
            options = dict(request.query)
            item_fields = self._fields(request)
            link_params = {
                name: value
                for name, value in request.query.items()
                if name not in ("access_token", "after", "before", "limit")
            }
            after, before = options.get("after"), options.get("before")
        else:
            options = dict(spec.modifiers)
            item_fields = spec.sub
            link_params = {name: value for name, value in spec.modifiers.items() if name != "limit"}
            if spec.sub:
                link_params["fields"] = fields_text(spec.sub)
            after = before = None
        limit = self._limit(options.get("limit"))
        item_kind = EDGES[(kind, edge)]
        self._check_fields(item_kind, item_fields)
        short = self.list_faults(call.account, has_cursor=bool(after or before))
        items, summary = self._edge_items(call, kind, obj, edge, options)
        start = 0
        stop = None
        if after:
            start = self._cursor_position(items, after) + 1
        elif before:
            stop = max(0, self._cursor_position(items, before))
            start = max(0, stop - limit)
        if limit == 0:
            page_items, has_next, has_previous = [], False, False
        elif stop is not None:
            page_items, has_next, has_previous = items[start:stop], True, start > 0
        else:
            page = paginate(items, start, limit, short=short, full_page_has_next=True)
            page_items, has_next, has_previous = page.items, page.has_next, page.has_previous
        data = [self._render(call, item_kind, item, item_fields) for item in page_items]
        result: dict[str, Any] = {"data": data}
        if data or has_next or has_previous:
            if page_items:
                first = encode_token("c", page_items[0].id)
                last = encode_token("c", page_items[-1].id)
            else:
                first = last = encode_token("c", items[start - 1].id if start > 0 else "")
            paging: dict[str, Any] = {"cursors": {"before": first, "after": last}}
            node_id = obj.page_id if kind == "ig_page" else obj.id
            path = f"/{call.version}/{node_id}/{edge}"
            common = {**link_params, "access_token": call.token, "limit": str(limit)}
            if has_previous:
                paging["previous"] = url_with(request.base_url, path, {**common, "before": first})
            if has_next:
                paging["next"] = url_with(request.base_url, path, {**common, "after": last})
            result["paging"] = paging
        if summary is not None and options.get("summary") in ("true", "1", "total_count"):
            result["summary"] = summary
        return result

    def _cursor_position(self, items: list[Any], cursor: str) -> int:
        """Index of the item a cursor points at; -1 for "before the first"."""
        value = decode_token("c", cursor)
        if value == "":
            return -1
        for index, item in enumerate(items):
            if item.id == value:
                return index
        raise Abort(self.invalid_cursor())

    # --- webhook subscriptions ----------------------------------------------------------------

    def _subscribed_apps(self, call: Call) -> Response:
        """GET lists the app with its fields (`[]` when not installed), POST installs it with
        `subscribed_fields` (required, Page fields only, each needing its permission), DELETE
        removes it. The Page is the token's own: a Facebook Page, or an Instagram account's
        linked Page."""
        account, method = call.account, call.request.method
        page = account.webhook_page
        world = self.world
        if method == "GET":
            entry = world.page_subscriptions.get(page)
            data = []
            if entry:
                data = [{**SIM_APP, "id": SIM_APP_ID, "subscribed_fields": list(entry["fields"])}]
            return json_response(200, {"data": data})
        if method == "DELETE":
            world.page_subscriptions.pop(page, None)
            world.record_action(account.platform, account.id, "unsubscribe", page)
            return json_response(200, {"success": True})
        if method != "POST":
            return _unsupported(method, f"{page}/subscribed_apps")
        fields = self._subscription_fields(self._params(call.request).get("subscribed_fields"))
        lacking = [
            name
            for name in fields
            if name in MESSAGING_WEBHOOK_FIELDS and not account.messaging_permission
        ]
        if lacking:
            return self._permission_error(lacking, "pages_messaging")
        world.page_subscriptions[page] = {"fields": fields, "since": world.now()}
        world.record_action(account.platform, account.id, "subscribe", page, text=",".join(fields))
        return json_response(200, {"success": True})

    @staticmethod
    def _subscription_fields(value: Any) -> list[str]:
        """`subscribed_fields` as Graph takes it: comma-separated text or a JSON list."""
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise Abort(_param_error("Param subscribed_fields must be an array")) from exc
        if isinstance(value, str):
            value = [name.strip() for name in value.split(",")]
        if not isinstance(value, list) or not value or value == [""]:
            raise Abort(_param_error("The parameter subscribed_fields is required"))
        fields: list[str] = []
        for index, name in enumerate(value):
            if name not in PAGE_WEBHOOK_FIELDS:
                raise Abort(
                    _param_error(
                        f"Param subscribed_fields[{index}] must be one of "
                        f"{{{', '.join(PAGE_WEBHOOK_FIELDS)}}}"
                    )
                )
            if name not in fields:
                fields.append(name)
        return fields

    @staticmethod
    def _permission_error(fields: list[str], permission: str) -> Response:
        # One line per field, as Graph words it.
        lines = [
            f"To subscribe to the {name} field, one of these permissions is needed: {permission}"
            for name in fields
        ]
        return graph_error(403, "(#200) " + ".\n".join(lines), 200)

    # --- writing -----------------------------------------------------------------------------

    @staticmethod
    def _params(request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {
            name: value for name, value in request.query.items() if name != "access_token"
        }
        params.update(
            {name: value for name, value in request.form().items() if name != "access_token"}
        )
        return params

    def _message_param(self, params: dict[str, Any]) -> str:
        message = params.get("message")
        if not isinstance(message, str) or not message.strip():
            raise Abort(_param_error("The parameter message is required"))
        return message

    def _create(self, call: Call, kind: str, obj: Any, edge: str) -> Response:
        params = self._params(call.request)
        account = call.account
        if (kind, edge) in SEND_EDGES:
            return self._send_message(call, params)
        if (kind, edge) == ("page", "feed"):
            return self._publish(call, params)
        if (kind, edge) == ("page", "photos"):
            return self._publish_photo(call, params)
        if (kind, edge) == ("ig_user", "media"):
            return self._ig_container(call, params)
        if (kind, edge) == ("ig_user", "media_publish"):
            return self._ig_publish(call, params)
        if (kind, edge) in (("post", "comments"), ("comment", "comments")):
            text = self._message_param(params)
            self._refuse_duplicate(account, kind, obj, text)
            reply = self._add_own_comment(account, obj, kind == "comment", text)
            self.world.record_action(
                "facebook", account.id, "reply", obj.id, text=text, result_id=reply.id
            )
            return json_response(200, {"id": reply.id})
        if (kind, edge) == ("ig_media", "comments"):
            text = self._message_param(params)
            reply = self._add_own_comment(account, obj, False, text)
            self.world.record_action(
                "instagram", account.id, "reply", obj.id, text=text, result_id=reply.id
            )
            return json_response(200, {"id": reply.id})
        if (kind, edge) == ("ig_comment", "replies"):
            text = self._message_param(params)
            if obj.parent_id is not None:
                return _param_error("Replies can only be posted to top-level comments")
            if obj.hidden:
                return _param_error("Cannot reply to a hidden comment")
            reply = self._add_own_comment(account, obj, True, text)
            self.world.record_action(
                "instagram", account.id, "reply", obj.id, text=text, result_id=reply.id
            )
            return json_response(200, {"id": reply.id})
        return _unsupported("POST", f"{obj.id}/{edge}")

    def _publish_photo(self, call: Call, params: dict[str, Any]) -> Response:
        """A photo post on the page: the picture by `url` (a public address Facebook fetches),
        the caption in `message`. Answers the photo's `id` and the feed post's `post_id`."""
        account = call.account
        url = params.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return _param_error("(#100) Missing or invalid image file")
        if "published" in params and not _as_bool(params["published"], "published"):
            return _param_error("The simulator publishes only published photos (published=true)")
        message = params.get("message") if isinstance(params.get("message"), str) else ""
        post = self.world.publish_post("facebook", account, message or " ", image_url=url)
        photo_id = str(self.world.next_seq() + 900_000_000_000)
        self.world.record_action(
            "facebook",
            account.id,
            "post",
            account.id,
            text=message,
            result_id=post.id,
            detail=f"photo: {url}",
        )
        return json_response(200, {"id": photo_id, "post_id": post.id})

    def _ig_container(self, call: Call, params: dict[str, Any]) -> Response:
        """Step one of Instagram publishing: a container for a picture at `image_url` with
        its `caption`; it is FINISHED at once in the simulator (status_code on the node)."""
        image_url = params.get("image_url")
        if not isinstance(image_url, str) or not image_url.startswith(("http://", "https://")):
            return graph_error(
                400,
                "The parameter image_url is required",
                100,
                2207052,
                transient=False,
                user_title="Media download has failed.",
                user_msg="The media could not be fetched from this uri.",
            )
        caption = params.get("caption") if isinstance(params.get("caption"), str) else ""
        if len(caption) > 2200:
            return _param_error("The caption is longer than 2,200 characters")
        if len(re.findall(r"(?<![\w&])#\w+", caption)) > 30:
            return _param_error("The caption has more than 30 hashtags")
        container_id = str(self.world.next_seq() + 17_800_000_000_000_000)
        self.world.ig_containers[container_id] = {
            "account_id": call.account.id,
            "image_url": image_url,
            "caption": caption,
            "status_code": "FINISHED",
            "media_id": None,
        }
        return json_response(200, {"id": container_id})

    def _ig_publish(self, call: Call, params: dict[str, Any]) -> Response:
        """Step two: publish the container named by `creation_id`; answers the new media's id.
        A container is published once (error 9007 after)."""
        account = call.account
        container_id = params.get("creation_id")
        container = self.world.ig_containers.get(str(container_id or ""))
        if container is None or container["account_id"] != account.id:
            return _param_error("The parameter creation_id is required")
        if container["media_id"] is not None:
            return graph_error(
                400,
                "Media ID is not available",
                9007,
                2207006,
                transient=False,
                user_title="The media is not ready to be published",
                user_msg="The media was published already.",
            )
        post = self.world.publish_post(
            "instagram", account, container["caption"] or " ", image_url=container["image_url"]
        )
        container["media_id"] = post.id
        self.world.record_action(
            "instagram",
            account.id,
            "post",
            account.id,
            text=container["caption"],
            result_id=post.id,
            detail=f"photo: {container['image_url']}",
        )
        return json_response(200, {"id": post.id})

    def _publish(self, call: Call, params: dict[str, Any]) -> Response:
        """A post on the page's own timeline: `message` (and a `link`), and `published` as a
        form boolean."""
        account = call.account
        message = params.get("message")
        link = params.get("link") if isinstance(params.get("link"), str) else ""
        if link and not link.startswith(("http://", "https://")):
            return _param_error("(#100) The parameter link must be a valid URL")
        if not isinstance(message, str) or not message.strip():
            return _param_error("Missing message or attachment")
        if "published" in params and not _as_bool(params["published"], "published"):
            # Unpublished (dark or scheduled) posts are not simulated.
            return _param_error("The simulator publishes only published posts (published=true)")
        if self.world.recent_own_post("facebook", account.id, message) is not None:
            return graph_error(
                400,
                "Duplicate status message",
                506,
                1455006,
                transient=False,
                user_title="Duplicate Post",
                user_msg="This status update is identical to one the Page has just posted.",
            )
        post = self.world.publish_post("facebook", account, message, link=link)
        self.world.record_action(
            "facebook",
            account.id,
            "post",
            account.id,
            text=message,
            result_id=post.id,
            detail=f"link: {link}" if link else None,
        )
        return json_response(200, {"id": post.id})

    def _add_own_comment(
        self, account: Account, target: Any, on_comment: bool, text: str
    ) -> Comment:
        try:
            return self.world.add_comment(
                account.platform,
                account.id,
                text,
                author_name=None,
                post_id=None if on_comment else target.id,
                parent_id=target.id if on_comment else None,
            )
        except SimError as exc:
            raise Abort(_unsupported("POST", target.id)) from exc

    def _refuse_duplicate(self, account: Account, kind: str, target: Any, text: str) -> None:
        """Error 506: the page already said exactly this in this thread a moment ago."""
        window = timedelta(seconds=self.world.config["duplicate_window_seconds"])
        now = self.world.now()
        if kind == "comment":
            thread = target.parent_id or target.id
            post_id, parent = target.post_id, thread
        else:
            post_id, parent = target.id, None
        for comment in self.world.comments["facebook"].values():
            if (
                comment.own
                and not comment.deleted
                and comment.account_id == account.id
                and comment.post_id == post_id
                and comment.parent_id == parent
                and comment.text.strip() == text.strip()
                and now - comment.created < window
            ):
                raise Abort(
                    graph_error(
                        400,
                        "Duplicate status message",
                        506,
                        1455006,
                        transient=False,
                        user_title="Duplicate Post",
                        user_msg="This reply repeats one the Page has just posted.",
                    )
                )

    def _send_message(self, call: Call, params: dict[str, Any]) -> Response:
        account = call.account
        recipient = _json_param(params.get("recipient"), "recipient")
        message = _json_param(params.get("message"), "message")
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            return _param_error("The parameter message.text is required")
        conversation = next(
            (
                existing
                for existing in self.world.conversations.values()
                if existing.account_id == account.id
                and existing.platform == account.platform
                and existing.author.id == str(recipient.get("id"))
            ),
            None,
        )
        if conversation is None:
            return graph_error(400, "(#100) No matching user found", 100, 2018001)
        if account.platform == "instagram":
            now = self.world.now()
            last = conversation.last_from_citizen(now)
            if last is None or now - last.created > MESSAGING_WINDOW:
                return graph_error(
                    403,
                    "This message is sent outside of allowed window.",
                    10,
                    OUTSIDE_WINDOW_SUBCODE,
                    error_type="IGApiException",
                )
        _, sent = self.world.add_message(
            account.id,
            text,
            author_name=None,
            conversation_id=conversation.id,
            platform=account.platform,
        )
        self.world.record_action(
            account.platform,
            account.id,
            "reply",
            conversation.id,
            text=text,
            result_id=sent.id,
            detail="message",
        )
        return json_response(200, {"recipient_id": conversation.author.id, "message_id": sent.id})

    def _update(self, call: Call, kind: str, obj: Any) -> Response:
        params = self._params(call.request)
        if kind not in ("comment", "ig_comment"):
            return _unsupported("POST", obj.id)
        name = "is_hidden" if kind == "comment" else "hide"
        if name not in params:
            return _param_error(f"The parameter {name} is required")
        hidden = _as_bool(params[name], name)
        if obj.own:
            return _param_error("A comment made by the account itself cannot be hidden")
        obj.hidden = hidden
        self.world.record_action(
            call.account.platform, call.account.id, "hide" if hidden else "unhide", obj.id
        )
        return json_response(200, {"success": True})

    def _delete(self, call: Call, kind: str, obj: Any) -> Response:
        if kind not in ("comment", "ig_comment"):
            return _unsupported("DELETE", obj.id)
        self.world.delete_comment(obj)
        self.world.record_action(call.account.platform, call.account.id, "delete", obj.id)
        return json_response(200, {"success": True})
