"""YouTube Data API v3 imitation: comment threads of a channel (newest first, page tokens),
replies, replying, moderation, deleting own comments, channel statistics and video search, with
the daily quota in units and Google's error bodies.

Strict where YouTube is: `part` is required and checked, a list needs exactly one filter, writes
need an OAuth token (an API key only reads), replies go to top-level comments only, only the
author may delete a comment (others are removed with setModerationStatus), a thread carries at
most five replies (the rest through comments.list), `textOriginal` is only shown to its author,
and the quota is spent per call from the Google Cloud project's day (10,000 units by default,
shared by every channel read with that project, reset at midnight Pacific time): 1 unit per
list, 50 per write; search.list has its own bucket of 100 calls a day.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..faults import Fault
from ..state import Account, Comment, Post, PublicPost, SimError, post_figures
from ..timefmt import parse_time, rfc3339
from ..wire import Request, Response, empty_response, json_response
from . import listening
from .base import Abort, PlatformAPI, decode_token, encode_token, paginate

PACIFIC = ZoneInfo("America/Los_Angeles")
REPLIES_IN_THREAD = 5
MAX_TEXT = 10_000
# https://developers.google.com/youtube/v3/determine_quota_cost; search.list is not here: it
# has its own bucket of 100 calls a day.
COSTS = {
    ("GET", "commentThreads"): 1,
    ("GET", "comments"): 1,
    ("GET", "channels"): 1,
    ("GET", "playlistItems"): 1,
    ("GET", "videos"): 1,
    ("POST", "comments"): 50,
    ("POST", "comments/setModerationStatus"): 50,
    ("DELETE", "comments"): 50,
}
STATUSES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
}


def yt_error(
    status: int,
    message: str,
    reason: str,
    domain: str = "global",
    *,
    location: str | None = None,
    location_type: str = "parameter",
) -> Response:
    detail: dict[str, Any] = {"message": message, "domain": domain, "reason": reason}
    if location:
        detail["location"] = location
        detail["locationType"] = location_type
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [detail],
            "status": STATUSES.get(status, "UNKNOWN"),
        }
    }
    return json_response(status, body)


def quota_exceeded() -> Response:
    return yt_error(
        403,
        "The request cannot be completed because you have exceeded your quota.",
        "quotaExceeded",
        "youtube.quota",
    )


def login_required() -> Response:
    return yt_error(
        401, "Login Required.", "required", location="Authorization", location_type="header"
    )


def invalid_credentials() -> Response:
    return yt_error(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential.",
        "authError",
        location="Authorization",
        location_type="header",
    )


def _bad(message: str, reason: str = "invalidParameter", location: str | None = None) -> Response:
    return yt_error(400, message, reason, "youtube.parameter", location=location)


def _micro(item: Post | Comment) -> tuple[int, int]:
    return int(item.created.timestamp() * 1_000_000), item.seq


class YouTubeAPI(PlatformAPI):
    family = "youtube"

    # --- authentication, quota and faults ---------------------------------------------------

    def authenticate(self, request: Request) -> Account | Response:
        token = request.bearer_token()
        if token:
            account = self.world.account_by_token(token, ("youtube",))
            if account is None:
                return invalid_credentials()
            return account
        key = request.query.get("key")
        if key:
            account = self.world.account_by_api_key(key)
            if account is None:
                return yt_error(
                    400, "API key not valid. Please pass a valid API key.", "badRequest"
                )
            if request.method != "GET":
                return login_required()
            return account
        return yt_error(403, "The request is missing a valid API key.", "forbidden")

    @staticmethod
    def _resource(request: Request) -> str:
        return "/".join(request.segments[2:])

    def admit(self, request: Request, account: Account) -> Response | None:
        """Spend the call's cost from its Google Cloud project's day (every channel read with
        that project shares it), which starts again at midnight Pacific time. search.list
        draws on a bucket of its own, counted in calls."""
        resource = (request.method, self._resource(request))
        today = self.world.now().astimezone(PACIFIC).date()
        spent = self.world.youtube_quota.get(account.project)
        if spent is None or spent[0] != today:
            spent = [today, 0, 0]
            self.world.youtube_quota[account.project] = spent
        if resource == ("GET", "search"):
            if spent[2] + 1 > self.world.config["youtube_daily_search_calls"]:
                return quota_exceeded()
            spent[2] += 1
            return None
        cost = COSTS.get(resource, 1)
        if spent[1] + cost > self.world.config["youtube_daily_quota"]:
            return quota_exceeded()
        spent[1] += cost
        return None

    def platform_fault(self, fault: Fault, request: Request, account: Account) -> Response:
        if fault.kind == "quota_exceeded":
            return quota_exceeded()
        if fault.kind == "throttle":
            response = yt_error(
                429, "The request was sent too often.", "rateLimitExceeded", "youtube.quota"
            )
            response.set_header("Retry-After", str(int(fault.reset_after_seconds)))
            return response
        if fault.kind == "token_expired":
            return invalid_credentials()
        return yt_error(500, "Backend Error", "backendError")

    def invalid_cursor(self) -> Response:
        return _bad("The request specifies an invalid page token.", "invalidPageToken", "pageToken")

    def bad_request(self, message: str) -> Response:
        return yt_error(400, message, "parseError")

    # --- routing -----------------------------------------------------------------------------

    def route(self, request: Request, account: Account) -> Response:
        resource = self._resource(request)
        method = request.method
        handlers = {
            ("GET", "commentThreads"): self._threads,
            ("GET", "comments"): self._comments,
            ("POST", "comments"): self._insert,
            ("DELETE", "comments"): self._delete,
            ("POST", "comments/setModerationStatus"): self._moderate,
            ("GET", "channels"): self._channels,
            ("GET", "search"): self._search,
            ("GET", "playlistItems"): self._playlist_items,
            ("GET", "videos"): self._videos,
        }
        handler = handlers.get((method, resource))
        if handler is not None:
            return handler(request, account)
        if any(known == resource for _, known in handlers):
            return yt_error(405, f"Method {method} is not allowed here.", "methodNotAllowed")
        return yt_error(404, "Not Found", "notFound")

    @staticmethod
    def _parts(request: Request, known: set[str]) -> set[str]:
        value = request.query.get("part")
        if not value:
            raise Abort(_bad("Required parameter: part", "required", "part"))
        parts = {part.strip() for part in value.split(",")}
        for part in sorted(parts):
            if part not in known:
                raise Abort(_bad(f"'{part}'", "unknownPart", "part"))
        return parts

    @staticmethod
    def _max_results(request: Request, default: int, highest: int, lowest: int = 1) -> int:
        value = request.query.get("maxResults")
        if value in (None, ""):
            return default
        if not value.isdigit() or not lowest <= int(value) <= highest:
            raise Abort(
                _bad(
                    f"Invalid value '{value}'. Values must be within the range: "
                    f"[{lowest}, {highest}]",
                    location="maxResults",
                )
            )
        return int(value)

    def _page(
        self,
        request: Request,
        account: Account,
        items: list[Any],
        limit: int,
        *,
        newest_first: bool,
    ) -> tuple[list[Any], str | None]:
        """A page of items in the list's order, and the token for the next one."""
        token = request.query.get("pageToken")
        start = 0
        if token:
            value = decode_token("y", token)
            parts = value.split(":") if value else []
            if value is None or (
                value and (len(parts) != 2 or not all(p.isdigit() for p in parts))
            ):
                raise Abort(self.invalid_cursor())
            if value:
                bound = (int(parts[0]), int(parts[1]))
                start = next(
                    (
                        index
                        for index, item in enumerate(items)
                        if (_micro(item) < bound if newest_first else _micro(item) > bound)
                    ),
                    len(items),
                )
        short = self.list_faults(account, has_cursor=bool(token))
        page = paginate(items, start, limit, short=short)
        next_token = None
        if page.has_next:
            if page.items:
                anchor: Any = page.items[-1]
            else:
                anchor = items[start - 1] if start > 0 else None
            value = "" if anchor is None else "{}:{}".format(*_micro(anchor))
            next_token = encode_token("y", value)
        return page.items, next_token

    # --- rendering ---------------------------------------------------------------------------

    def _etag(self, *parts: object) -> str:
        return self.world.token(27, "etag", *parts)

    def _comment_json(
        self, comment: Comment, account: Account, text_format: str, moderator: bool
    ) -> dict[str, Any]:
        owner = self.world.account("youtube", comment.account_id)
        if comment.author is not None:
            author_id, handle = comment.author.id, comment.author.username
        else:
            author_id, handle = owner.id, owner.username
        text = comment.text
        display = html.escape(text).replace("\n", "<br>") if text_format == "html" else text
        snippet: dict[str, Any] = {
            "channelId": comment.account_id,
            "videoId": comment.post_id,
            "textDisplay": display,
        }
        if comment.author is None and account.id == comment.account_id:
            # Only the author gets the raw text back.
            snippet["textOriginal"] = text
        if comment.parent_id:
            snippet["parentId"] = comment.parent_id
        snippet.update(
            {
                "authorDisplayName": f"@{handle}",
                "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{author_id}=s48",
                "authorChannelUrl": f"http://www.youtube.com/@{handle}",
                "authorChannelId": {"value": author_id},
                "canRate": True,
                "viewerRating": "none",
                "likeCount": comment.like_count,
            }
        )
        if moderator and comment.moderation_status != "published":
            snippet["moderationStatus"] = comment.moderation_status
        snippet["publishedAt"] = rfc3339(comment.created)
        snippet["updatedAt"] = rfc3339(comment.created)
        return {
            "kind": "youtube#comment",
            "etag": self._etag(comment.id, comment.moderation_status),
            "id": comment.id,
            "snippet": snippet,
        }

    def _published_replies(self, comment: Comment) -> list[Comment]:
        return [
            reply for reply in self.world.replies(comment) if reply.moderation_status == "published"
        ]

    def _thread_json(
        self,
        comment: Comment,
        account: Account,
        parts: set[str],
        text_format: str,
        moderator: bool,
    ) -> dict[str, Any]:
        thread: dict[str, Any] = {
            "kind": "youtube#commentThread",
            "etag": self._etag("thread", comment.id, comment.moderation_status),
            "id": comment.id,
        }
        replies = self._published_replies(comment)
        if "snippet" in parts:
            thread["snippet"] = {
                "channelId": comment.account_id,
                "videoId": comment.post_id,
                "topLevelComment": self._comment_json(comment, account, text_format, moderator),
                "canReply": True,
                "totalReplyCount": len(replies),
                "isPublic": True,
            }
        if "replies" in parts and replies:
            # A thread carries only the newest few replies; comments.list has them all.
            newest = sorted(replies, key=_micro, reverse=True)[:REPLIES_IN_THREAD]
            thread["replies"] = {
                "comments": [
                    self._comment_json(reply, account, text_format, moderator) for reply in newest
                ]
            }
        return thread

    @staticmethod
    def _text_format(request: Request) -> str:
        value = request.query.get("textFormat") or "html"
        if value not in ("html", "plainText"):
            raise Abort(_bad(f"Invalid value '{value}' for textFormat", location="textFormat"))
        return value

    # --- reading -----------------------------------------------------------------------------

    def _threads(self, request: Request, account: Account) -> Response:
        parts = self._parts(request, {"id", "snippet", "replies"})
        filters = [
            name
            for name in ("allThreadsRelatedToChannelId", "videoId", "id", "channelId")
            if request.query.get(name)
        ]
        if len(filters) != 1:
            return _bad(
                "No filter selected. Expected one of: allThreadsRelatedToChannelId, channelId, "
                "id, videoId",
                "missingRequiredParameter" if not filters else "incompatibleParameters",
            )
        chosen = filters[0]
        if chosen == "id" and request.query.get("maxResults"):
            return _bad("maxResults cannot be used with id", "incompatibleParameters")
        limit = self._max_results(request, 20, 100)
        order = request.query.get("order") or "time"
        if order not in ("time", "relevance"):
            return _bad(f"Invalid value '{order}' for order", location="order")
        text_format = self._text_format(request)
        status = request.query.get("moderationStatus") or "published"
        if status not in ("published", "heldForReview", "likelySpam"):
            return _bad(
                f"Invalid value '{status}' for moderationStatus", location="moderationStatus"
            )
        value = request.query[chosen]
        now = self.world.now()
        candidates = [
            comment
            for comment in self.world.comments["youtube"].values()
            if comment.parent_id is None and comment.visible(now)
        ]
        if chosen in ("allThreadsRelatedToChannelId", "channelId"):
            channel = self.world.account("youtube", value)
            if channel is None:
                return yt_error(
                    404,
                    "The channel could not be found.",
                    "channelNotFound",
                    "youtube.commentThread",
                )
            candidates = [c for c in candidates if c.account_id == channel.id]
            owner = channel
        elif chosen == "videoId":
            video = self.world.find_post("youtube", value)
            if video is None or video.deleted:
                return yt_error(
                    404, "The video could not be found.", "videoNotFound", "youtube.commentThread"
                )
            candidates = [c for c in candidates if c.post_id == video.id]
            owner = self.world.account("youtube", video.account_id)
        else:
            wanted = set(value.split(","))
            candidates = [c for c in candidates if c.id in wanted]
            owner = account
        moderator = (
            owner is not None and owner.id == account.id and request.bearer_token() is not None
        )
        if status != "published" and not moderator:
            return yt_error(
                403,
                "The request is not properly authorized to list comments held for review.",
                "forbidden",
                "youtube.commentThread",
            )
        terms = (request.query.get("searchTerms") or "").lower()
        threads = [
            comment
            for comment in candidates
            if comment.moderation_status == status and terms in comment.text.lower()
        ]
        threads.sort(key=_micro, reverse=True)
        items, next_token = self._page(request, account, threads, limit, newest_first=True)
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "etag": self._etag("threads", now),
        }
        if next_token:
            body["nextPageToken"] = next_token
        body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": limit}
        body["items"] = [
            self._thread_json(c, account, parts, text_format, moderator) for c in items
        ]
        return json_response(200, body)

    def _comments(self, request: Request, account: Account) -> Response:
        parts = self._parts(request, {"id", "snippet"})
        text_format = self._text_format(request)
        ids, parent_id = request.query.get("id"), request.query.get("parentId")
        if bool(ids) == bool(parent_id):
            return _bad(
                "Exactly one of id and parentId is required",
                "missingRequiredParameter" if not (ids or parent_id) else "incompatibleParameters",
            )
        now = self.world.now()
        next_token = None
        limit = 20
        if ids:
            if request.query.get("maxResults"):
                return _bad("maxResults cannot be used with id", "incompatibleParameters")
            wanted = ids.split(",")
            items = [
                comment
                for comment_id in wanted
                if (comment := self.world.find_comment("youtube", comment_id)) is not None
                and comment.visible(now)
            ]
        else:
            limit = self._max_results(request, 20, 100)
            parent = self.world.find_comment("youtube", parent_id)
            if parent is None or not parent.visible(now):
                return yt_error(
                    404,
                    "The comment could not be found.",
                    "commentNotFound",
                    "youtube.comment",
                    location="parentId",
                )
            items, next_token = self._page(
                request, account, self._published_replies(parent), limit, newest_first=False
            )
        moderator = request.bearer_token() is not None
        rendered = []
        for comment in items:
            entry = self._comment_json(
                comment, account, text_format, moderator and comment.account_id == account.id
            )
            if "snippet" not in parts:
                entry.pop("snippet")
            rendered.append(entry)
        body: dict[str, Any] = {
            "kind": "youtube#commentListResponse",
            "etag": self._etag("comments", now),
        }
        if next_token:
            body["nextPageToken"] = next_token
        body["pageInfo"] = {"totalResults": len(rendered), "resultsPerPage": limit}
        body["items"] = rendered
        return json_response(200, body)

    def _channels(self, request: Request, account: Account) -> Response:
        parts = self._parts(
            request,
            {
                "id", "snippet", "statistics", "contentDetails", "brandingSettings", "status",
                "topicDetails", "localizations", "contentOwnerDetails", "auditDetails",
            },
        )  # fmt: skip
        ids, mine, handle = (
            request.query.get("id"),
            request.query.get("mine"),
            request.query.get("forHandle"),
        )
        if sum(1 for value in (ids, mine, handle) if value) != 1:
            return _bad(
                "Exactly one of id, mine and forHandle is required", "missingRequiredParameter"
            )
        if mine:
            if mine != "true" or request.bearer_token() is None:
                return login_required()
            channels = [account]
        elif handle:
            name = handle.removeprefix("@")
            channels = [a for a in self.world.accounts_for("youtube") if a.username == name]
        else:
            channels = [
                channel
                for channel_id in ids.split(",")
                if (channel := self.world.account("youtube", channel_id)) is not None
            ]
        items = []
        for channel in channels:
            videos = [
                post
                for post in self.world.posts["youtube"].values()
                if post.account_id == channel.id and not post.deleted
            ]
            item: dict[str, Any] = {
                "kind": "youtube#channel",
                "etag": self._etag("channel", channel.id),
                "id": channel.id,
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "title": channel.name,
                    "description": f"{channel.name}s kanal",
                    "customUrl": f"@{channel.username}",
                    "publishedAt": rfc3339(channel.created),
                }
            if "statistics" in parts:
                item["statistics"] = {
                    "viewCount": str(channel.followers * 40),
                    "subscriberCount": str(channel.followers),
                    "hiddenSubscriberCount": False,
                    "videoCount": str(len(videos)),
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {
                    "relatedPlaylists": {"likes": "", "uploads": "UU" + channel.id[2:]}
                }
            items.append(item)
        body: dict[str, Any] = {
            "kind": "youtube#channelListResponse",
            "etag": self._etag("channels", ids, mine, handle),
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        }
        # YouTube leaves "items" out entirely when nothing matched.
        if items:
            body["items"] = items
        return json_response(200, body)

    def _search(self, request: Request, account: Account) -> Response:
        self._parts(request, {"id", "snippet"})
        kind = request.query.get("type") or "video"
        if kind != "video":
            return _bad("Only type=video is supported here", location="type")
        limit = self._max_results(request, 5, 50, lowest=0)
        bounds: dict[str, datetime | None] = {}
        for name in ("publishedAfter", "publishedBefore"):
            value = request.query.get(name)
            try:
                bounds[name] = parse_time(value) if value else None
            except (ValueError, OverflowError, OSError):
                return _bad(f"Invalid value '{value}' for {name}", location=name)
        channel_id = request.query.get("channelId")
        query = (request.query.get("q") or "").lower()
        after, before = bounds["publishedAfter"], bounds["publishedBefore"]
        # Our channels' videos and other channels' public ones (listening's finds).
        candidates = [
            (post, post.account_id)
            for post in self.world.posts["youtube"].values()
            if not post.deleted
        ] + [(post, post.author.id) for post in self.world.public_posts["youtube"].values()]
        videos = [
            post
            for post, owner in candidates
            if (not channel_id or owner == channel_id)
            and (not query or listening.matches(query, post.text))
            and (after is None or post.created >= after)
            and (before is None or post.created < before)
        ]
        videos.sort(key=_micro, reverse=True)
        items, next_token = self._page(request, account, videos, limit, newest_first=True)
        body: dict[str, Any] = {
            "kind": "youtube#searchListResponse",
            "etag": self._etag("search", len(videos)),
        }
        if next_token:
            body["nextPageToken"] = next_token
        body["regionCode"] = "DK"
        body["pageInfo"] = {"totalResults": len(videos), "resultsPerPage": limit}
        body["items"] = []
        for video in items:
            public = video.author if isinstance(video, PublicPost) else None
            if public is not None:
                channel_id_of, channel_title = public.id, public.name
            else:
                channel = self.world.account("youtube", video.account_id)
                channel_id_of, channel_title = video.account_id, channel.name if channel else ""
            body["items"].append(
                {
                    "kind": "youtube#searchResult",
                    "etag": self._etag("result", video.id),
                    "id": {"kind": "youtube#video", "videoId": video.id},
                    "snippet": {
                        "publishedAt": rfc3339(video.created),
                        "channelId": channel_id_of,
                        "title": video.text,
                        "description": "",
                        "channelTitle": channel_title,
                        "liveBroadcastContent": "none",
                        "publishTime": rfc3339(video.created),
                    },
                }
            )
        return json_response(200, body)

    def _playlist_items(self, request: Request, account: Account) -> Response:
        """PlaylistItems: list for a channel's uploads playlist ("UU" + the channel id after
        "UC"), newest upload first (https://developers.google.com/youtube/v3/docs/playlistItems/list).
        Other playlists are not imitated."""
        parts = self._parts(request, {"id", "snippet", "contentDetails", "status"})
        playlist = request.query.get("playlistId") or ""
        channel = next(
            (c for c in self.world.accounts_for("youtube") if "UU" + c.id[2:] == playlist), None
        )
        if channel is None:
            return yt_error(
                404,
                "The playlist identified with the request's playlistId parameter cannot be found.",
                "playlistNotFound",
            )
        limit = self._max_results(request, 5, 50, lowest=0)
        videos = [
            post
            for post in self.world.posts["youtube"].values()
            if post.account_id == channel.id and post.visible(self.world.now())
        ]
        videos.sort(key=_micro, reverse=True)
        items, next_token = self._page(request, account, videos, limit, newest_first=True)
        body: dict[str, Any] = {
            "kind": "youtube#playlistItemListResponse",
            "etag": self._etag("playlistItems", playlist, len(videos)),
        }
        if next_token:
            body["nextPageToken"] = next_token
        body["pageInfo"] = {"totalResults": len(videos), "resultsPerPage": limit}
        body["items"] = []
        for video in items:
            item: dict[str, Any] = {
                "kind": "youtube#playlistItem",
                "etag": self._etag("playlistItem", video.id),
                "id": self.world.token(40, "playlistItem", video.id),
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": rfc3339(video.created),
                    "channelId": channel.id,
                    "title": video.text,
                    "playlistId": playlist,
                    "resourceId": {"kind": "youtube#video", "videoId": video.id},
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {
                    "videoId": video.id,
                    "videoPublishedAt": rfc3339(video.created),
                }
            body["items"].append(item)
        return json_response(200, body)

    def _videos(self, request: Request, account: Account) -> Response:
        """Videos: list by id (up to 50), with `statistics` as strings: viewCount, likeCount,
        favoriteCount (always "0") and commentCount
        (https://developers.google.com/youtube/v3/docs/videos/list). Unknown ids are left
        out."""
        parts = self._parts(request, {"id", "snippet", "statistics", "contentDetails", "status"})
        ids = [item for item in (request.query.get("id") or "").split(",") if item]
        if not ids:
            return _bad("No filter selected. Expected one of: id", "missingRequiredParameter")
        if len(ids) > 50:
            return _bad("Too many ids: at most 50", location="id")
        now = self.world.now()
        items = []
        for video_id in ids:
            video = self.world.find_post("youtube", video_id)
            if video is None and video_id in self.world.public_posts["youtube"]:
                # other channels' videos, found by listening's search
                items.append(
                    self._public_video(self.world.public_posts["youtube"][video_id], parts)
                )
                continue
            if video is None or not video.visible(now):
                continue
            item: dict[str, Any] = {
                "kind": "youtube#video",
                "etag": self._etag("video", video.id),
                "id": video.id,
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": rfc3339(video.created),
                    "channelId": video.account_id,
                    "title": video.text,
                    "description": "",
                }
            if "statistics" in parts:
                figures = post_figures(video, now)
                comments = sum(
                    1
                    for comment in self.world.comments["youtube"].values()
                    if comment.post_id == video.id and comment.visible(now)
                )
                item["statistics"] = {
                    "viewCount": str(figures["impressions"]),
                    "likeCount": str(figures["reactions"]),
                    "favoriteCount": "0",
                    "commentCount": str(comments),
                }
            items.append(item)
        return json_response(
            200,
            {
                "kind": "youtube#videoListResponse",
                "etag": self._etag("videos", *ids),
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
                "items": items,
            },
        )

    def _public_video(self, public: PublicPost, parts) -> dict[str, Any]:
        item: dict[str, Any] = {
            "kind": "youtube#video",
            "etag": self._etag("video", public.id),
            "id": public.id,
        }
        if "statistics" in parts:
            item["statistics"] = {
                "viewCount": str(public.views),
                "likeCount": str(public.likes),
                "favoriteCount": "0",
                "commentCount": str(public.comments),
            }
        return item

    # --- writing -----------------------------------------------------------------------------

    def _own_channel_token(self, request: Request) -> None:
        if request.bearer_token() is None:
            raise Abort(login_required())

    def _insert(self, request: Request, account: Account) -> Response:
        self._own_channel_token(request)
        parts = self._parts(request, {"id", "snippet"})
        if "snippet" not in parts:
            return _bad("The snippet part is required to insert a comment", location="part")
        body = request.json()
        snippet = body.get("snippet") if isinstance(body, dict) else None
        if not isinstance(snippet, dict):
            return _bad("The request body needs a snippet", "invalidCommentMetadata", "body")
        text = snippet.get("textOriginal")
        parent_id = snippet.get("parentId")
        if not isinstance(parent_id, str) or not parent_id:
            return _bad(
                "snippet.parentId is required for a reply",
                "parentIdMissing",
                "body.snippet.parentId",
            )
        if not isinstance(text, str) or not text.strip():
            return _bad(
                "The comment text is required", "commentTextRequired", "body.snippet.textOriginal"
            )
        if len(text) > MAX_TEXT:
            return _bad(
                "The comment text is too long", "commentTextTooLong", "body.snippet.textOriginal"
            )
        parent = self.world.find_comment("youtube", parent_id)
        if parent is None or parent.deleted or parent.account_id != account.id:
            return yt_error(
                404,
                "The parent comment could not be found.",
                "parentCommentNotFound",
                "youtube.comment",
                location="body.snippet.parentId",
            )
        if parent.parent_id is not None:
            return _bad(
                "Replies can only be added to top-level comments",
                "operationNotSupported",
                "body.snippet.parentId",
            )
        try:
            reply = self.world.add_comment(
                "youtube", account.id, text, author_name=None, parent_id=parent.id
            )
        except SimError as exc:
            return _bad(exc.message, "processingFailure")
        self.world.record_action(
            "youtube", account.id, "reply", parent.id, text=text, result_id=reply.id
        )
        return json_response(200, self._comment_json(reply, account, "html", True))

    def _moderate(self, request: Request, account: Account) -> Response:
        self._own_channel_token(request)
        ids = [part for part in (request.query.get("id") or "").split(",") if part]
        if not ids:
            return _bad("Required parameter: id", "required", "id")
        status = request.query.get("moderationStatus")
        if status not in ("heldForReview", "published", "rejected"):
            return _bad(
                f"Invalid value '{status}' for moderationStatus",
                "invalidModerationStatus",
                "moderationStatus",
            )
        ban = request.query.get("banAuthor", "false")
        if ban not in ("true", "false"):
            return _bad(f"Invalid value '{ban}' for banAuthor", location="banAuthor")
        if ban == "true" and status != "rejected":
            return _bad(
                "banAuthor can only be used with moderationStatus=rejected",
                "banWithoutReject",
                "banAuthor",
            )
        comments = []
        for comment_id in ids:
            comment = self.world.find_comment("youtube", comment_id)
            if comment is None or comment.deleted:
                return yt_error(
                    404,
                    "The comment could not be found.",
                    "commentNotFound",
                    "youtube.comment",
                    location="id",
                )
            if comment.account_id != account.id:
                return yt_error(
                    403,
                    "The comment is not on a channel this token may moderate.",
                    "forbidden",
                    "youtube.comment",
                )
            comments.append(comment)
        kind = {"heldForReview": "hide", "rejected": "delete", "published": "unhide"}[status]
        for comment in comments:
            comment.moderation_status = status
            comment.hidden = status != "published"
            detail = status + (" banAuthor" if ban == "true" else "")
            self.world.record_action("youtube", account.id, kind, comment.id, detail=detail)
        return empty_response(204)

    def _delete(self, request: Request, account: Account) -> Response:
        self._own_channel_token(request)
        comment_id = request.query.get("id")
        if not comment_id:
            return _bad("Required parameter: id", "required", "id")
        comment = self.world.find_comment("youtube", comment_id)
        if comment is None or comment.deleted:
            return yt_error(
                404,
                "The comment could not be found.",
                "commentNotFound",
                "youtube.comment",
                location="id",
            )
        if not comment.own or comment.account_id != account.id:
            return yt_error(
                403,
                "The comment could not be deleted. Only its author may delete it; use "
                "setModerationStatus to remove other people's comments.",
                "forbidden",
                "youtube.comment",
            )
        self.world.delete_comment(comment)
        self.world.record_action("youtube", account.id, "delete", comment.id)
        return empty_response(204)
