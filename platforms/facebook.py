"""Facebook Page adapter: comments and replies on the page's posts, Messenger conversations when
the channel has messaging enabled, replies and moderation, page figures.

Call budget per poll cycle (the target is one call for an idle page):
- 1 read of the Page node that expands its edges (field expansion): `feed` lists the posts
  created within the post window (`post_window_days`, default 30, page size `feed_page_size`,
  default 50) with their `updated_time` and, nested, the comments created since the watermark;
  with `extra["messaging"]` true, `conversations` lists the newest-updated Messenger
  conversations with their newest messages nested. An idle page costs exactly this one call,
  with or without messaging. When the token lacks the messaging permission (code 10 or
  200-299, e.g. 230), Graph refuses the whole node: it is read again without the
  conversations (+1 call) and the result says messaging is unavailable; the caller then asks
  without messaging until it tries again (daily, or after a reconnect).
- +1 per extra page of posts (only when the window holds more posts than one page), +1 per
  extra page of new comments on a post, +1 per further page of conversations or messages newer
  than the watermark: each expanded edge pages on its own from its `paging.next`.
- +1 per active post whose comments the feed did not carry (the Graph API leaves the nested
  edge out when it is empty, so a post edited since the watermark costs one check).

Posts older than the window are not scanned: comments on them arrive through the webhook, which
is the reason the window can stay short.
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
    PostImage,
    SkippedRecord,
    WriteResult,
    count_or_none,
)
from .classify import is_missing_permission
from .errors import (
    BadDataError,
    NeedsReconnectError,
    PlatformError,
    ThrottledError,
    TransientError,
)
from .graph import CONVERSATION_PAGE_SIZE, MESSAGE_PAGE_SIZE, GraphAdapter
from .subscriptions import FACEBOOK_PAGE_FIELDS
from .timeutil import epoch_seconds, optional_time
from .watermark import Watermark

# `message` and `full_picture` show the post a thread hangs under on the item's page (Page Post
# fields: https://developers.facebook.com/docs/graph-api/reference/page-post).
POST_FIELDS = "id,message,full_picture,created_time,updated_time,permalink_url"
COMMENT_FIELDS = "id,message,from{id,name},created_time,parent{id},is_hidden,can_hide,permalink_url"
CONVERSATION_FIELDS = "id,updated_time,link"
MESSAGE_FIELDS = "id,message,from,to,created_time"
COMMENT_PAGE_SIZE = 100
# An own post with its figures in one read (field expansion): reactions and comments as their
# edges' summaries with no items (Page Post reference: reactions and comments edges,
# https://developers.facebook.com/docs/graph-api/reference/post/reactions and .../comments),
# `shares` as the post field Graph leaves out when nobody shared, and the reach as the post
# insights metric `post_total_media_view_unique`, the documented replacement of
# `post_impressions_unique`, which no version answers since 15 June 2025
# (https://developers.facebook.com/documentation/pages-api/platforminsights/page/deprecated-metrics).
REACH_METRIC = "post_total_media_view_unique"
OWN_POST_FIELDS = (
    "id,message,created_time,permalink_url,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(true).limit(0),"
    f"insights.metric({REACH_METRIC})"
)
OWN_POST_PAGE_SIZE = 25
FACEBOOK_WEB = "https://www.facebook.com"


def _author(raw: dict) -> tuple[str | None, str | None]:
    # `from` is left out for people who did not allow apps to see them.
    author = raw.get("from") if isinstance(raw.get("from"), dict) else {}
    return (str(author["id"]) if author.get("id") else None), author.get("name")


class FacebookAdapter(GraphAdapter):
    """Adapter for one Facebook Page; `account_id` is the page id, `token` a page token.

    `extra`: `messaging` (bool, read Messenger conversations), `post_window_days` (int),
    `feed_page_size` (int), `overlap_minutes` (re-read window for late comments).
    """

    platform = "facebook"
    # No impressions: Meta replaced them with views on 15 November 2025.
    post_figures = frozenset({"reach", "reactions", "comments", "shares"})
    capabilities = Capabilities(
        reply=True,
        reply_to_replies=True,
        reply_to_messages=True,
        hide=True,
        unhide=True,
        delete=True,
        messages=True,
        hide_means="hidden from everyone except the author and their friends",
        publish=True,
        publish_means="a post on the page's timeline",
        publish_image=True,
        post_max_length=63206,
    )

    def __init__(self, connection: ChannelConnection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        extra = connection.extra or {}
        self.page_id = str(connection.account_id)
        self.messaging = bool(extra.get("messaging", False))
        self.post_window = timedelta(days=int(extra.get("post_window_days", 30)))
        self.feed_page_size = int(extra.get("feed_page_size", 50))

    # -- reading -------------------------------------------------------------------------

    def fetch_new(self, cursor: dict | None, since: datetime) -> FetchResult:
        now = self.clock()
        cursor = cursor if isinstance(cursor, dict) else {}
        calls_before = self.calls_made
        skipped: list[SkippedRecord] = []

        comments: dict[str, FetchedItem] = {}
        comments_mark = Watermark.load(cursor.get("comments"), since=since, overlap=self.overlap)
        messages: dict[str, FetchedItem] = {}
        messages_mark = (
            Watermark.load(cursor.get("messages"), since=since, overlap=self.overlap)
            if self.messaging
            else None
        )
        horizon = min(comments_mark.cutoff, now - self.post_window)
        messaging_unavailable = ""
        try:
            node = self.client.get(
                self.page_id, {"fields": self._page_fields(comments_mark, horizon, messages_mark)}
            )
        except NeedsReconnectError as exc:
            if messages_mark is None or not is_missing_permission(exc):
                raise
            # Graph refuses the whole node when one expanded edge needs a permission the token
            # lacks (pages_messaging for `conversations`): comments must keep flowing, so read
            # the node again without the conversations. A token that cannot read the feed
            # either fails this second call too, and that error is the channel's.
            messaging_unavailable = exc.message
            messages_mark = None
            node = self.client.get(
                self.page_id, {"fields": self._page_fields(comments_mark, horizon, None)}
            )

        self._read_feed(self._edge(node, "feed"), comments_mark, horizon, comments, skipped)
        new_cursor = {"comments": self.advanced(comments_mark, comments, now)}
        if messages_mark is not None:
            self.read_conversations(
                self._edge(node, "conversations"), MESSAGE_FIELDS, messages_mark, messages, skipped
            )
            new_cursor["messages"] = self.advanced(messages_mark, messages, now)
        elif "messages" in cursor:
            new_cursor["messages"] = cursor["messages"]

        self.last_usage = self.client.last_usage
        result = self.result({**comments, **messages}, new_cursor, calls_before, skipped)
        result.messaging_unavailable = messaging_unavailable
        return result

    def _page_fields(
        self, comments_mark: Watermark, horizon: datetime, messages_mark: Watermark | None
    ) -> str:
        """The Page node's `fields`: the feed with its new comments nested and, with messaging,
        the conversations with their newest messages nested, so that one call reads both."""
        comments = (
            f"comments.filter(stream).order(chronological)"
            f".since({epoch_seconds(comments_mark.cutoff)})"
            f".limit({COMMENT_PAGE_SIZE}){{{COMMENT_FIELDS}}}"
        )
        fields = (
            f"id,feed.since({epoch_seconds(horizon)}).limit({self.feed_page_size})"
            f"{{{POST_FIELDS},{comments}}}"
        )
        if messages_mark is not None:
            fields += (
                f",conversations.limit({CONVERSATION_PAGE_SIZE}){{{CONVERSATION_FIELDS},"
                f"messages.limit({MESSAGE_PAGE_SIZE}){{{MESSAGE_FIELDS}}}}}"
            )
        return fields

    def _edge(self, node: dict, name: str) -> dict:
        """The first page of an edge expanded on the Page node; Graph leaves an empty edge out
        of the node altogether, which reads as an empty page."""
        edge = node.get(name)
        if edge is None:
            return {"data": []}
        if not isinstance(edge, dict):
            raise BadDataError(
                f"the Page's {name} edge is not an object", platform=self.platform, raw=node
            )
        return edge

    def _read_feed(
        self,
        first: dict,
        mark: Watermark,
        horizon: datetime,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> None:
        cutoff = mark.cutoff
        comment_since = str(epoch_seconds(cutoff))
        for page in self.client.pages(first):
            reached_horizon = False
            for post in self.items_of(page):
                if not isinstance(post, dict) or not post.get("id"):
                    self.skip(skipped, post, "post without an id")
                    continue
                created = optional_time(post.get("created_time"))
                updated = optional_time(post.get("updated_time"))
                if created is not None and created < horizon:
                    # The feed is newest first and `since` should have ended it already; this
                    # guards against the filter being ignored.
                    reached_horizon = True
                comments = post.get("comments")
                if not isinstance(comments, dict):
                    if updated is not None and updated < cutoff:
                        continue  # no activity since the cutoff
                    comments = self.client.get(
                        f"{post['id']}/comments",
                        {
                            "filter": "stream",
                            "order": "chronological",
                            "since": comment_since,
                            "fields": COMMENT_FIELDS,
                            "limit": str(COMMENT_PAGE_SIZE),
                        },
                    )
                for comment_page in self.client.pages(comments):
                    for raw in self.items_of(comment_page):
                        item = self._comment_item(raw, post, skipped)
                        if item is not None:
                            self.keep_if_new(item, mark, found)
            if reached_horizon:
                return

    def _comment_item(
        self, raw: object, post: dict, skipped: list[SkippedRecord]
    ) -> FetchedItem | None:
        if not isinstance(raw, dict) or not raw.get("id"):
            self.skip(skipped, raw, "comment without an id")
            return None
        created = optional_time(raw.get("created_time"))
        if created is None:
            self.skip(skipped, raw, "comment without a readable created_time")
            return None
        author_id, author_name = _author(raw)
        parent = raw.get("parent") if isinstance(raw.get("parent"), dict) else {}
        parent_id = str(parent["id"]) if parent.get("id") else None
        return FetchedItem(
            external_id=str(raw["id"]),
            kind="reply" if parent_id else "comment",
            text=str(raw.get("message") or ""),
            author_id=author_id,
            author_name=author_name,
            parent_external_id=parent_id,
            thread_external_id=str(post["id"]),
            permalink=raw.get("permalink_url") or post.get("permalink_url"),
            created_at=created,
            is_hidden=raw.get("is_hidden") is True,
            from_account=author_id == self.page_id,
            raw=raw,
            post=FetchedPost(
                external_id=str(post["id"]),
                text=str(post.get("message") or ""),
                picture_url=_text_or_none(post.get("full_picture")),
                permalink=_text_or_none(post.get("permalink_url")),
                created_at=optional_time(post.get("created_time")),
            ),
        )

    @property
    def own_id(self) -> str:
        return self.page_id

    def message_link(self, conversation: dict) -> str | None:
        link = conversation.get("link")
        if isinstance(link, str) and link.startswith("/"):
            link = FACEBOOK_WEB + link
        return link if isinstance(link, str) else None

    # -- figures and health --------------------------------------------------------------

    def fetch_account_figures(self, start: datetime, end: datetime) -> AccountFigures:
        page_info = self.client.get(self.page_id, {"fields": "id,followers_count,fan_count"})
        followers = page_info.get("followers_count", page_info.get("fan_count"))
        first = self.client.get(
            f"{self.page_id}/published_posts",
            {
                "fields": "id,created_time",
                "since": str(epoch_seconds(start)),
                "until": str(epoch_seconds(end)),
                "limit": "100",
            },
        )
        return self.figures(followers, first, "created_time", start, end)

    def fetch_own_posts(self, since: datetime) -> list[OwnPostFigures]:
        first = self.client.get(
            f"{self.page_id}/published_posts",
            {
                "fields": OWN_POST_FIELDS,
                "since": str(epoch_seconds(since)),
                "limit": str(OWN_POST_PAGE_SIZE),
            },
        )
        found = []
        for page in self.client.pages(first):
            found += [own_post_figures(raw) for raw in self.items_of(page) if _has_id(raw)]
        self.last_usage = self.client.last_usage
        return found

    def fetch_post_figures(self, external_ids: list[str]) -> list[OwnPostFigures]:
        found = []
        for external_id in external_ids:
            try:
                raw = self.client.get(external_id, {"fields": OWN_POST_FIELDS})
            except (NeedsReconnectError, ThrottledError, TransientError):
                raise
            except PlatformError:
                # A post deleted since (Graph answers code 100): there is nothing to read.
                continue
            if _has_id(raw):
                found.append(own_post_figures(raw))
        self.last_usage = self.client.last_usage
        return found

    def webhook_node(self) -> str:
        return self.page_id

    def webhook_fields(self) -> tuple[str, ...]:
        # Messenger deliveries only for a channel that reads its messages.
        return tuple(name for name in FACEBOOK_PAGE_FIELDS if name != "messages" or self.messaging)

    def test_connection(self) -> dict:
        info = self.client.get(self.page_id, {"fields": "id,name"})
        self.last_usage = self.client.last_usage
        return {
            "ok": True,
            "account_id": str(info.get("id", self.page_id)),
            "name": info.get("name"),
        }

    # -- writing -------------------------------------------------------------------------

    def _send_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str,
        thread_external_id: str | None,
        author_id: str | None,
    ) -> WriteResult:
        if kind == "message":
            # RESPONSE marks an answer inside the 24-hour window the citizen's message opened.
            return self.send_message(self.page_id, author_id, text, messaging_type="RESPONSE")
        parent = self._thread_root(target_external_id, kind)
        result = self.client.post(f"{parent}/comments", {"message": text})
        return self.require_id(result)

    def _thread_root(self, comment_id: str, kind: str) -> str:
        """The top-level comment a reply to `comment_id` belongs under: Page comment threads are
        one level deep, so an answer to a reply goes to the reply's parent."""
        if kind != "reply":
            return comment_id
        comment = self.client.get(comment_id, {"fields": "id,parent{id}"})
        parent = comment.get("parent") if isinstance(comment.get("parent"), dict) else {}
        return str(parent.get("id") or comment_id)

    def find_own_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str = "comment",
        thread_external_id: str | None = None,
    ) -> WriteResult | None:
        if kind == "message":
            if not thread_external_id:
                raise ValueError("looking for a Messenger reply needs the conversation id")
            page = self.client.get(
                f"{thread_external_id}/messages",
                {"fields": MESSAGE_FIELDS, "limit": str(MESSAGE_PAGE_SIZE)},
            )
        else:
            page = self.client.get(
                f"{self._thread_root(target_external_id, kind)}/comments",
                {
                    "filter": "stream",
                    "order": "reverse_chronological",
                    "fields": "id,message,from{id,name},created_time",
                    "limit": str(COMMENT_PAGE_SIZE),
                },
            )
        self.last_usage = self.client.last_usage
        # Our reply is recent: the newest page is enough.
        for raw in self.items_of(page):
            if not isinstance(raw, dict):
                continue
            author_id, _ = _author(raw)
            if author_id == self.page_id and self.is_own_text(str(raw.get("message") or ""), text):
                return WriteResult(external_id=str(raw.get("id")), raw=raw)
        return None

    def _send_post(
        self, text: str, *, link: str = "", image: PostImage | None = None
    ) -> WriteResult:
        # A page token posts as the page. Form-encoded, so `published` is the string "true".
        if image is not None:
            # A photo post (Page Photos: `url` of a picture Facebook fetches, `message` its
            # caption); a photo carries no link preview, so the link goes in the caption.
            caption = f"{text}\n\n{link}" if link and link not in text else text
            result = self.client.post(
                f"{self.page_id}/photos",
                {"url": image.url, "message": caption, "published": "true"},
            )
            # `id` is the photo; `post_id` the feed post people see and comment on.
            return self.require_id(result, "post_id", what="photo post")
        fields = {"message": text, "published": "true"}
        if link:
            fields["link"] = link
        result = self.client.post(f"{self.page_id}/feed", fields)
        return self.require_id(result, what="post")

    def find_own_post(self, text: str, *, since: datetime) -> WriteResult | None:
        first = self.client.get(
            f"{self.page_id}/published_posts",
            {
                "fields": "id,message,created_time",
                "since": str(epoch_seconds(since)),
                "limit": str(self.feed_page_size),
            },
        )
        for page in self.client.pages(first):
            for raw in self.items_of(page):
                if not isinstance(raw, dict) or not raw.get("id"):
                    continue
                if self.is_own_text(str(raw.get("message") or ""), text):
                    self.last_usage = self.client.last_usage
                    return WriteResult(external_id=str(raw.get("id")), raw=raw)
        self.last_usage = self.client.last_usage
        return None

    def hide(self, external_id: str) -> WriteResult:
        # Form-encoded: the string "true"; a Python True would arrive as "True".
        return self.require_success(self.client.post(external_id, {"is_hidden": "true"}))

    def unhide(self, external_id: str) -> WriteResult:
        return self.require_success(self.client.post(external_id, {"is_hidden": "false"}))

    def delete(self, external_id: str) -> WriteResult:
        return self.require_success(self.client.delete(external_id))


def _has_id(raw: object) -> bool:
    return isinstance(raw, dict) and bool(raw.get("id"))


def _summary_count(raw: dict, edge: str) -> int | None:
    node = raw.get(edge)
    if node is None:
        # Graph leaves an edge with nothing on it out of the node, summary and all.
        return 0
    summary = node.get("summary") if isinstance(node, dict) else None
    return count_or_none(summary.get("total_count")) if isinstance(summary, dict) else None


def _insight(raw: dict, metric: str) -> int | None:
    insights = raw.get("insights")
    rows = insights.get("data") if isinstance(insights, dict) else None
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get("name") == metric:
            values = row.get("values")
            if isinstance(values, list) and values and isinstance(values[-1], dict):
                return count_or_none(values[-1].get("value"))
    # Page Insights needs a page with 100 or more likes: a small page gets no rows.
    return None


def own_post_figures(raw: dict) -> OwnPostFigures:
    """A Page post read with OWN_POST_FIELDS as the post and its figures."""
    shares = raw.get("shares")
    return OwnPostFigures(
        external_id=str(raw["id"]),
        published_at=optional_time(raw.get("created_time")),
        text=str(raw.get("message") or ""),
        permalink=_text_or_none(raw.get("permalink_url")),
        reach=_insight(raw, REACH_METRIC),
        # Left out when nobody shared the post.
        shares=count_or_none(shares.get("count")) if isinstance(shares, dict) else 0,
        reactions=_summary_count(raw, "reactions"),
        comments=_summary_count(raw, "comments"),
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
