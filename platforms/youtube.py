"""YouTube Data API v3 adapter: comment threads on the channel and its videos, replies,
moderation through `setModerationStatus`, channel figures.

The API has no `since`, and `order=time` sorts threads by their top-level comment only: a new
reply does not bring an old thread forward. So a fetch reads threads newest first down to the
watermark's cutoff, keeping what is new; each thread's `totalReplyCount` (kept in the cursor) is
the change signal for its replies, since a thread carries only its newest few inline. To find
new replies on older threads, a sweep every `reply_sweep_minutes` (default 30) reads further
back, over every thread started within `thread_window_days` (default 14).

Call budget per poll cycle (each list call costs 1 quota unit): 1 commentThreads call for an
idle channel, +1 per further page of 100 new threads, +1 per page of replies of a thread whose
count moved beyond what it carries inline. A sweep costs one call per 100 threads in the window.

The quota belongs to the Google Cloud project behind the OAuth client, not to the channel: by
default 10,000 units a day shared by every channel the product reads with that project, reset
at midnight Pacific time; every request costs at least one unit, also a refused one. The
adapter counts the units it spent (`quota_units`, `QUOTA_COSTS` from the documentation's quota
table) so the caller can budget the project's day across its channels. `search.list` has a
bucket of its own (100 calls a day), counted apart in `search_calls`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .base import (
    AccountFigures,
    Capabilities,
    ChannelConnection,
    FetchedItem,
    FetchedPost,
    FetchResult,
    OwnPostFigures,
    PlatformAdapter,
    SkippedRecord,
    WriteResult,
    count_or_none,
)
from .classify import classify_youtube_error
from .counts import ChangeCounts
from .errors import BadDataError
from .http import BearerJsonTransport, further_page
from .timeutil import format_iso, format_rfc3339, optional_time, parse_time
from .watermark import Watermark

PAGE_SIZE = 100
YOUTUBE_WEB = "https://www.youtube.com"
# Quota units per request, from https://developers.google.com/youtube/v3/determine_quota_cost:
# every list call 1, comments.insert and comments.setModerationStatus 50.
QUOTA_COSTS = {
    ("GET", "commentThreads"): 1,
    ("GET", "comments"): 1,
    ("GET", "channels"): 1,
    ("GET", "playlistItems"): 1,
    ("GET", "videos"): 1,
    ("POST", "comments"): 50,
    ("POST", "comments/setModerationStatus"): 50,
    ("DELETE", "comments"): 50,
}
# What a reply or a moderation action costs; the budget keeps units in reserve for them.
WRITE_COST = 50


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def own_video_figures(item: dict) -> OwnPostFigures:
    """A video resource read with part=snippet,statistics (Videos: list,
    https://developers.google.com/youtube/v3/docs/videos/list). The counts are strings."""
    snippet = _dict(item.get("snippet"))
    statistics = _dict(item.get("statistics"))
    return OwnPostFigures(
        external_id=str(item["id"]),
        published_at=optional_time(snippet.get("publishedAt")),
        text=str(snippet.get("title") or ""),
        permalink=f"https://www.youtube.com/watch?v={item['id']}",
        impressions=count_or_none(statistics.get("viewCount")),
        reactions=count_or_none(statistics.get("likeCount")),
        comments=count_or_none(statistics.get("commentCount")),
    )


class YouTubeAdapter(BearerJsonTransport, PlatformAdapter):
    """Adapter for one YouTube channel; `account_id` is the channel id (UC…), `token` an OAuth
    access token with the youtube.force-ssl scope. `extra`: `thread_window_days`,
    `reply_sweep_minutes`, `overlap_minutes`."""

    platform = "youtube"
    # videos.list part=statistics: viewCount, likeCount, commentCount (likes and comments left
    # out where the owner hid or switched them off); YouTube gives no reach and no shares.
    post_figures = frozenset({"impressions", "reactions", "comments"})
    api_prefix = "youtube/v3"
    capabilities = Capabilities(
        reply=True,
        reply_to_replies=True,
        hide=True,
        unhide=True,
        delete=True,
        hide_means="held for review: removed from public view until published again",
        publish=False,
        publish_means="the YouTube Data API cannot publish community posts",
    )

    def __init__(self, connection: ChannelConnection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        self.channel_id = str(connection.account_id)
        extra = connection.extra or {}
        self.thread_window = timedelta(days=int(extra.get("thread_window_days", 14)))
        self.sweep_interval = timedelta(minutes=int(extra.get("reply_sweep_minutes", 30)))
        # Quota units this adapter spent (all requests count, refused ones too), and calls on
        # the separate search.list bucket.
        self.quota_units = 0
        self.search_calls = 0
        self.open_session(connection)

    def _request(self, method: str, path: str, **kwargs) -> dict:
        if (method, path) == ("GET", "search"):
            self.search_calls += 1
        else:
            self.quota_units += QUOTA_COSTS.get((method, path), 1)
        return super()._request(method, path, **kwargs)

    # -- transport -----------------------------------------------------------------------

    def classify_failure(self, failed, *, write):
        return classify_youtube_error(
            status=failed.status,
            body=failed.body,
            now=self.clock(),
            headers=failed.headers,
            text=failed.text,
            write=write,
        )

    @staticmethod
    def _items(page: dict) -> list:
        items = page.get("items", [])
        if not isinstance(items, list):
            raise BadDataError("a YouTube page without an items list", platform="youtube")
        return items

    # -- reading -------------------------------------------------------------------------

    def fetch_new(self, cursor: dict | None, since: datetime) -> FetchResult:
        now = self.clock()
        cursor = cursor if isinstance(cursor, dict) else {}
        calls_before = self.calls_made
        mark = Watermark.load(cursor.get("comments"), since=since, overlap=self.overlap)
        reply_counts = ChangeCounts(cursor.get("threads"), now=now, overlap=self.overlap)
        sweep = self._sweep_due(cursor.get("swept_at"), now)
        horizon = min(mark.cutoff, now - self.thread_window) if sweep else mark.cutoff
        found: dict[str, FetchedItem] = {}
        skipped: list[SkippedRecord] = []
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.channel_id,
            "order": "time",
            "maxResults": str(PAGE_SIZE),
            "textFormat": "plainText",
        }
        while True:
            with further_page("pageToken" in params):
                page = self._request("GET", "commentThreads", params=params)
            reached_horizon = False
            for thread in self._items(page):
                started = self._read_thread(thread, mark, reply_counts, found, skipped)
                if started is not None and started < horizon:
                    reached_horizon = True  # threads come newest first: the rest is older
                    break
            token = page.get("nextPageToken")
            if not token or reached_horizon:
                break
            params = {**params, "pageToken": str(token)}
        new_cursor = {
            "comments": self.advanced(mark, found, now),
            "threads": reply_counts.to_dict(keep_unseen=not sweep),
            "swept_at": format_iso(now) if sweep else cursor["swept_at"],
        }
        return self.result(found, new_cursor, calls_before, skipped)

    def _sweep_due(self, swept_at: object, now: datetime) -> bool:
        try:
            return now - parse_time(swept_at) >= self.sweep_interval
        except ValueError:
            return True

    def _read_thread(
        self,
        thread: object,
        mark: Watermark,
        reply_counts: ChangeCounts,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> datetime | None:
        """Collect a thread's new comments; return when it started (None when unreadable).

        Replies are judged by the thread's own watermark, not the stream's: a sweep finds
        replies on older threads up to half an hour late, past the stream's cutoff.
        """
        if not isinstance(thread, dict) or not thread.get("id"):
            self.skip(skipped, thread, "comment thread without an id")
            return None
        snippet = _dict(thread.get("snippet"))
        # Comments on the channel itself (not on a video) have no videoId.
        video_id = snippet.get("videoId") or None
        top = self._comment_item(_dict(snippet.get("topLevelComment")), video_id, None, skipped)
        if top is None:
            return None
        self.keep_if_new(top, mark, found)
        total = snippet.get("totalReplyCount")
        if not reply_counts.needs_read(top.external_id, total):
            return top.created_at
        inline = _dict(thread.get("replies")).get("comments")
        inline = inline if isinstance(inline, list) else []
        if isinstance(total, int) and total <= len(inline):
            raws = inline
        else:
            raws = self._reply_pages(top.external_id)
        thread_mark = reply_counts.read_mark(top.external_id, since=mark.cutoff)
        new: dict[str, FetchedItem] = {}
        for raw in raws:
            reply = self._comment_item(_dict(raw), video_id, top.external_id, skipped)
            if reply is not None and reply.external_id not in found:
                self.keep_if_new(reply, thread_mark, new)
        found.update(new)
        reply_counts.mark_read(
            top.external_id,
            thread_mark,
            ((item.external_id, item.created_at) for item in new.values()),
        )
        return top.created_at

    def _reply_pages(self, parent_id: str) -> list:
        """Every reply of a thread, through comments.list."""
        params = {
            "part": "snippet",
            "parentId": parent_id,
            "maxResults": str(PAGE_SIZE),
            "textFormat": "plainText",
        }
        replies: list = []
        while True:
            with further_page("pageToken" in params):
                page = self._request("GET", "comments", params=params)
            replies += self._items(page)
            token = page.get("nextPageToken")
            if not token:
                return replies
            params = {**params, "pageToken": str(token)}

    def _comment_item(
        self,
        raw: dict,
        video_id: str | None,
        parent_id: str | None,
        skipped: list[SkippedRecord],
    ) -> FetchedItem | None:
        snippet = _dict(raw.get("snippet"))
        if not raw.get("id"):
            self.skip(skipped, raw, "comment without an id")
            return None
        try:
            created = parse_time(snippet.get("publishedAt"))
        except ValueError:
            self.skip(skipped, raw, "comment without a readable publishedAt")
            return None
        comment_id = str(raw["id"])
        author_id = _dict(snippet.get("authorChannelId")).get("value")
        parent = parent_id or snippet.get("parentId")
        return FetchedItem(
            external_id=comment_id,
            kind="reply" if parent else "comment",
            text=str(snippet.get("textDisplay") or snippet.get("textOriginal") or ""),
            author_id=str(author_id) if author_id else None,
            author_name=snippet.get("authorDisplayName"),
            parent_external_id=str(parent) if parent else None,
            thread_external_id=str(video_id or self.channel_id),
            permalink=f"{YOUTUBE_WEB}/watch?v={video_id}&lc={comment_id}" if video_id else None,
            created_at=created,
            is_hidden=snippet.get("moderationStatus") in ("heldForReview", "rejected"),
            from_account=author_id == self.channel_id,
            raw=raw,
            # The video's link is known without a call; its title would cost a videos.list.
            post=FetchedPost(
                external_id=str(video_id), permalink=f"{YOUTUBE_WEB}/watch?v={video_id}"
            )
            if video_id
            else None,
        )

    # -- figures and health --------------------------------------------------------------

    def fetch_account_figures(self, start: datetime, end: datetime) -> AccountFigures:
        channels = self._request(
            "GET", "channels", params={"part": "statistics", "id": self.channel_id}
        )
        statistics = _dict(_dict(next(iter(self._items(channels)), {})).get("statistics"))
        followers = None
        if not statistics.get("hiddenSubscriberCount"):
            try:
                followers = int(statistics["subscriberCount"])
            except (KeyError, TypeError, ValueError):
                followers = None
        # A search by publication date draws on search.list's own bucket (100 calls a day per
        # project); figures are read about once a day.
        params = {
            "part": "id",
            "channelId": self.channel_id,
            "type": "video",
            "publishedAfter": format_rfc3339(start),
            "publishedBefore": format_rfc3339(end),
            "maxResults": "50",
        }
        count = 0
        while True:
            with further_page("pageToken" in params):
                page = self._request("GET", "search", params=params)
            count += len(self._items(page))
            token = page.get("nextPageToken")
            if not token:
                break
            params = {**params, "pageToken": str(token)}
        return AccountFigures(
            followers=followers, posts_in_period=count, period_start=start, period_end=end
        )

    def fetch_own_posts(self, since: datetime) -> list[OwnPostFigures]:
        """The channel's uploads since `since` (1 unit for the channel's uploads playlist, 1 per
        page of it, 1 per 50 videos' statistics): never search.list, which costs 100."""
        channels = self._request(
            "GET", "channels", params={"part": "contentDetails", "id": self.channel_id}
        )
        details = _dict(_dict(next(iter(self._items(channels)), {})).get("contentDetails"))
        uploads = _dict(details.get("relatedPlaylists")).get("uploads")
        if not uploads:
            return []
        video_ids: list[str] = []
        params = {"part": "contentDetails", "playlistId": str(uploads), "maxResults": "50"}
        while True:
            with further_page("pageToken" in params):
                page = self._request("GET", "playlistItems", params=params)
            older = False
            for item in self._items(page):
                content = _dict(_dict(item).get("contentDetails"))
                published = optional_time(content.get("videoPublishedAt"))
                if published is not None and published < since:
                    older = True  # the uploads playlist lists the newest first
                elif content.get("videoId"):
                    video_ids.append(str(content["videoId"]))
            token = page.get("nextPageToken")
            if older or not token:
                break
            params = {**params, "pageToken": str(token)}
        return self.fetch_post_figures(video_ids)

    def fetch_post_figures(self, external_ids: list[str]) -> list[OwnPostFigures]:
        found = []
        for first in range(0, len(external_ids), 50):
            chunk = external_ids[first : first + 50]
            page = self._request(
                "GET", "videos", params={"part": "snippet,statistics", "id": ",".join(chunk)}
            )
            found += [
                own_video_figures(item) for item in self._items(page) if _dict(item).get("id")
            ]
        return found

    def test_connection(self) -> dict:
        channels = self._request(
            "GET", "channels", params={"part": "snippet", "id": self.channel_id}
        )
        items = self._items(channels)
        if not items:
            raise BadDataError(
                "YouTube does not know this channel", platform=self.platform, raw=channels
            )
        channel = _dict(items[0])
        return {
            "ok": True,
            "account_id": str(channel.get("id", self.channel_id)),
            "name": _dict(channel.get("snippet")).get("title"),
        }

    # -- writing -------------------------------------------------------------------------

    @staticmethod
    def _top_level_id(comment_id: str) -> str:
        # Reply ids are "<top-level id>.<suffix>", and YouTube only accepts a top-level comment
        # as parentId: an answer to a reply goes into the same thread.
        return comment_id.split(".", 1)[0]

    def _send_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str,
        thread_external_id: str | None,
        author_id: str | None,
    ) -> WriteResult:
        result = self._request(
            "POST",
            "comments",
            params={"part": "snippet"},
            json_body={
                "snippet": {
                    "parentId": self._top_level_id(target_external_id),
                    "textOriginal": text,
                }
            },
            write=True,
        )
        if not result.get("id"):
            raise BadDataError(
                "the reply was accepted without an id", platform=self.platform, raw=result
            )
        return WriteResult(external_id=str(result["id"]), raw=result)

    def find_own_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str = "comment",
        thread_external_id: str | None = None,
    ) -> WriteResult | None:
        params = {
            "part": "snippet",
            "parentId": self._top_level_id(target_external_id),
            "maxResults": str(PAGE_SIZE),
            "textFormat": "plainText",
        }
        while True:
            page = self._request("GET", "comments", params=params)
            for raw in self._items(page):
                snippet = _dict(_dict(raw).get("snippet"))
                author = _dict(snippet.get("authorChannelId")).get("value")
                own_text = str(snippet.get("textOriginal") or snippet.get("textDisplay") or "")
                if author == self.channel_id and self.is_own_text(own_text, text):
                    return WriteResult(external_id=str(raw.get("id")), raw=raw)
            token = page.get("nextPageToken")
            if not token:
                return None
            params = {**params, "pageToken": str(token)}

    def hide(self, external_id: str) -> WriteResult:
        return self._set_status(external_id, "heldForReview")

    def unhide(self, external_id: str) -> WriteResult:
        return self._set_status(external_id, "published")

    def delete(self, external_id: str) -> WriteResult:
        # The channel owner cannot delete a viewer's comment, only reject it, which removes it
        # from the video for everyone.
        return self._set_status(external_id, "rejected")

    def _set_status(self, external_id: str, status: str) -> WriteResult:
        result = self._request(
            "POST",
            "comments/setModerationStatus",
            params={"id": external_id, "moderationStatus": status},
            write=True,
        )
        return WriteResult(external_id=None, raw=result)
