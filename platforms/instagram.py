"""Instagram (Graph API) adapter for a professional account: comments and replies on its media,
direct messages when the channel has messaging enabled, replies to top-level comments and to
direct messages, hiding and deleting, account figures.

Instagram media carry no "last activity" time, but they do carry `comments_count` (replies
included). The cursor keeps each recent media's count and when it last changed; a media's
comments are read again only when its count moved, or while it changed within the overlap window
(a comment can be counted before it is readable).

The media listing asks for each media's newest comments (with their replies) by field expansion,
`comments.limit(50){…,replies{…}}`, so reading a changed media usually costs nothing more: only
a nested edge's `paging.next` is followed. An idle poll is that one listing call, also right
after activity, when the overlap window makes media be read again.

Comments name their author by an Instagram-scoped id (IGSID) in `from.id`, never by the
account's IG user id, so the account's own comments (our replies) are recognised by the
account's `username` (read in the same call: the media list is an edge expanded on the IG user
node), by `from.self_ig_scoped_id` where a payload carries it, and by the ids of the replies this
adapter sent.

Call budget per poll cycle: 1 media call for an idle account (media created within
`post_window_days`, default 30, up to `media_page_size`, default 50, with up to 50 comments each
inline); +1 per further media page; +1 per further page of comments of a media whose count
moved, and per further page of a thread's replies; +1 per top-level comment whose replies the
listing did not carry although the count says replies exist; +1 for the direct-message
conversations, only when `extra["messaging"]` is true, and +1 per further page of conversations
or messages that are newer than the watermark. Without the messaging permission the
conversations call is refused (code 10 or 200-299): the comments still count and the result says
messaging is unavailable.

Direct messages cannot ride in the media call. With the Page token this adapter uses (Facebook
Login), Instagram conversations are an edge of the linked Facebook Page,
`GET /{page-id}/conversations?platform=instagram`, not of the IG user whose media the poll lists,
and field expansion only nests edges of the node asked for. So messaging costs one more call per
cycle, like Messenger on a Facebook page; webhooks (`messages`) bring direct messages at once and
the poll reconciles. The conversations list is ordered by `updated_time`, so an idle list is read
in that one call: the first conversation is older than the watermark and nothing more is asked.

Answers to direct messages go through the Send API, `POST /{page-id}/messages` with `recipient`
and `message`; Instagram refuses them once 24 hours have passed since the person's last message
(`WriteRejectedError`, reason "outside_window").
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
from .counts import ChangeCounts
from .errors import (
    BadDataError,
    NeedsReconnectError,
    PlatformError,
    ThrottledError,
    TransientError,
    WriteRejectedError,
)
from .graph import CONVERSATION_PAGE_SIZE, MESSAGE_PAGE_SIZE, GraphAdapter
from .subscriptions import INSTAGRAM_APP_FIELDS, INSTAGRAM_PAGE_FIELDS
from .timeutil import optional_time
from .watermark import Watermark

REPLY_FIELDS = "id,text,timestamp,username,from,hidden,parent_id,like_count"
COMMENT_FIELDS = f"{REPLY_FIELDS},replies{{{REPLY_FIELDS}}}"
COMMENT_PAGE_SIZE = 50
# `caption`, `media_type`, `media_url` and `thumbnail_url` (videos) show the post a thread hangs
# under on the item's page (https://developers.facebook.com/docs/instagram-platform/reference/instagram-media).
MEDIA_FIELDS = "id,caption,media_type,media_url,thumbnail_url,timestamp,permalink,comments_count"
# Each media's newest comments, nested in the media listing (field expansion on the edge).
NESTED_COMMENTS = f"comments.limit({COMMENT_PAGE_SIZE}){{{COMMENT_FIELDS}}}"
# Instagram messages name people by username and Instagram-scoped id.
MESSAGE_FIELDS = "id,created_time,from,to,message"


class InstagramAdapter(GraphAdapter):
    """Adapter for one Instagram professional account; `account_id` is the IG user id, `token`
    the connected Facebook Page's token. `extra`: `messaging` (bool, read direct messages),
    `page_id` (the linked Page; default `me`, which a Page token resolves to that Page),
    `username` (the account's username, until a read brings it), `post_window_days`,
    `media_page_size`, `overlap_minutes`."""

    platform = "instagram"
    capabilities = Capabilities(
        reply=True,
        reply_to_replies=False,
        reply_to_messages=True,
        hide=True,
        unhide=True,
        delete=True,
        messages=True,
        hide_means="hidden from everyone except the author",
        publish=False,
        publish_means=(
            "Instagram publishes only photos and videos (a media container with an image or "
            "video is required), so a text-only post cannot be published"
        ),
        publish_image=True,
    )

    # Instagram Media Insights (https://developers.facebook.com/documentation/instagram-platform/
    # reference/instagram-media/insights): `reach`, `shares`, `views` (which replaced
    # `impressions`, answered for no media since 21 April 2025); likes and comments come as the
    # media's `like_count` and `comments_count` fields.
    post_figures = frozenset({"reach", "impressions", "reactions", "comments", "shares"})

    def __init__(self, connection: ChannelConnection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        extra = connection.extra or {}
        self.user_id = str(connection.account_id)
        self.messaging = bool(extra.get("messaging", False))
        self.page_node = str(extra.get("page_id") or "me")
        self.post_window = timedelta(days=int(extra.get("post_window_days", 30)))
        self.media_page_size = int(extra.get("media_page_size", 50))
        # The account's username (from the first read), how its own comments are recognised.
        self.username = str(extra.get("username") or "")

    # -- reading -------------------------------------------------------------------------

    def fetch_new(self, cursor: dict | None, since: datetime) -> FetchResult:
        now = self.clock()
        cursor = cursor if isinstance(cursor, dict) else {}
        calls_before = self.calls_made
        mark = Watermark.load(cursor.get("comments"), since=since, overlap=self.overlap)
        counts = ChangeCounts(cursor.get("media"), now=now, overlap=self.overlap)
        horizon = min(mark.cutoff, now - self.post_window)
        found: dict[str, FetchedItem] = {}
        skipped: list[SkippedRecord] = []

        # The account's username rides along: comments name their author by an
        # Instagram-scoped id, so the username is how the account's own comments are known.
        node = self.client.get(
            self.user_id,
            {
                "fields": f"username,media.limit({self.media_page_size})"
                f"{{{MEDIA_FIELDS},{NESTED_COMMENTS}}}",
            },
        )
        self._remember_username(node)
        first = node.get("media")
        if first is None:
            first = {"data": []}  # Graph leaves an empty edge out of the node
        elif not isinstance(first, dict):
            raise BadDataError(
                "the account's media edge is not an object", platform=self.platform, raw=node
            )
        for page in self.client.pages(first):
            reached_horizon = False
            for media in self.items_of(page):
                if not isinstance(media, dict) or not media.get("id"):
                    self.skip(skipped, media, "media without an id")
                    continue
                created = optional_time(media.get("timestamp"))
                if created is not None and created < horizon:
                    reached_horizon = True  # newest first: the rest is older still
                    break
                count = media.get("comments_count")
                if counts.needs_read(str(media["id"]), count):
                    self._read_media_comments(media, count, mark, found, skipped)
            if reached_horizon:
                break

        new_cursor = {
            "comments": self.advanced(mark, found, now),
            "media": counts.to_dict(),
        }
        messages: dict[str, FetchedItem] = {}
        messaging_unavailable = ""
        if self.messaging:
            messages_mark = Watermark.load(
                cursor.get("messages"), since=since, overlap=self.overlap
            )
            try:
                first = self.client.get(
                    f"{self.page_node}/conversations",
                    {
                        "platform": "instagram",
                        "fields": f"id,updated_time,messages.limit({MESSAGE_PAGE_SIZE})"
                        f"{{{MESSAGE_FIELDS}}}",
                        "limit": str(CONVERSATION_PAGE_SIZE),
                    },
                )
            except NeedsReconnectError as exc:
                if not is_missing_permission(exc):
                    raise
                # Without instagram_manage_messages the comments read above still count.
                messaging_unavailable = exc.message
                first = None
            if first is not None:
                self.read_conversations(first, MESSAGE_FIELDS, messages_mark, messages, skipped)
                new_cursor["messages"] = self.advanced(messages_mark, messages, now)
        if "messages" not in new_cursor and "messages" in cursor:
            new_cursor["messages"] = cursor["messages"]

        self.last_usage = self.client.last_usage
        result = self.result({**found, **messages}, new_cursor, calls_before, skipped)
        result.messaging_unavailable = messaging_unavailable
        return result

    def _read_media_comments(
        self,
        media: dict,
        count: object,
        mark: Watermark,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> None:
        """The media's comments and replies: the first page came nested in the media listing;
        its `paging.next` (and each thread's) is followed for the rest."""
        seen = 0
        without_replies: list[str] = []
        first = media.get("comments")
        if not isinstance(first, dict):
            # Graph leaves an empty edge out of the node. A count above zero without the edge
            # means comments that are counted but not listed yet: ask the edge itself.
            if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
                return
            first = self.client.get(
                f"{media['id']}/comments",
                {"fields": COMMENT_FIELDS, "limit": str(COMMENT_PAGE_SIZE)},
            )
        for page in self.client.pages(first):
            for raw in self.items_of(page):
                item = self._item(raw, media, None, skipped)
                if item is None:
                    continue
                seen += 1
                self.keep_if_new(item, mark, found)
                replies = raw.get("replies")
                if isinstance(replies, dict):
                    seen += self._read_replies(
                        replies, media, item.external_id, mark, found, skipped
                    )
                else:
                    without_replies.append(item.external_id)
        if isinstance(count, int) and count > seen:
            # The count includes replies the listing did not carry: ask each top-level comment
            # that came without a replies list for its own.
            for comment_id in without_replies:
                first = self.client.get(
                    f"{comment_id}/replies",
                    {"fields": REPLY_FIELDS, "limit": str(COMMENT_PAGE_SIZE)},
                )
                self._read_replies(first, media, comment_id, mark, found, skipped)

    def _read_replies(
        self,
        first: dict,
        media: dict,
        parent_id: str,
        mark: Watermark,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> int:
        seen = 0
        for page in self.client.pages(first):
            for raw in self.items_of(page):
                item = self._item(raw, media, parent_id, skipped)
                if item is not None:
                    seen += 1
                    self.keep_if_new(item, mark, found)
        return seen

    def _item(
        self, raw: object, media: dict, parent_id: str | None, skipped: list[SkippedRecord]
    ) -> FetchedItem | None:
        if not isinstance(raw, dict) or not raw.get("id"):
            self.skip(skipped, raw, "comment without an id")
            return None
        created = optional_time(raw.get("timestamp"))
        if created is None:
            self.skip(skipped, raw, "comment without a readable timestamp")
            return None
        author = raw.get("from") if isinstance(raw.get("from"), dict) else {}
        author_id = str(author["id"]) if author.get("id") else None
        parent = parent_id or raw.get("parent_id")
        own = self.is_own_comment(raw)
        return FetchedItem(
            external_id=str(raw["id"]),
            kind="reply" if parent else "comment",
            text=str(raw.get("text") or ""),
            author_id=author_id,
            author_name=raw.get("username") or author.get("username"),
            parent_external_id=str(parent) if parent else None,
            thread_external_id=str(media["id"]),
            permalink=media.get("permalink"),
            created_at=created,
            is_hidden=raw.get("hidden") is True,
            from_account=own,
            raw=raw,
            post=_media_post(media),
        )

    @property
    def own_id(self) -> str:
        return self.user_id

    # -- recognising the account's own comments ------------------------------------------

    def _remember_username(self, node: object) -> None:
        if isinstance(node, dict) and isinstance(node.get("username"), str):
            self.username = node["username"]

    def own_username(self) -> str:
        """The account's username, asked for once per adapter when a fetch did not bring it."""
        if not self.username:
            self._remember_username(self.client.get(self.user_id, {"fields": "id,username"}))
        return self.username

    def is_own_comment(self, raw: dict) -> bool:
        """Whether the account itself wrote the comment. A comment's `from.id` is the author's
        Instagram-scoped id (IGSID), never the account's IG user id, so the account is known by
        its username, by `from.self_ig_scoped_id` (set on the account's own comments in the
        `comments` webhook) or by the id of a reply this adapter sent. The IG user id is still
        accepted where a payload carries it."""
        author = raw.get("from") if isinstance(raw.get("from"), dict) else {}
        if author.get("self_ig_scoped_id"):
            return True
        if str(raw.get("id")) in self._sent_ids() or str(author.get("id")) == self.user_id:
            return True
        username = raw.get("username") or author.get("username")
        return bool(self.username) and str(username or "").lower() == self.username.lower()

    def _sent_ids(self) -> set[str]:
        return {str(result.external_id) for result in self._sent_replies.values()}

    # -- figures and health --------------------------------------------------------------

    def fetch_account_figures(self, start: datetime, end: datetime) -> AccountFigures:
        info = self.client.get(self.user_id, {"fields": "id,username,followers_count"})
        first = self.client.get(f"{self.user_id}/media", {"fields": "id,timestamp", "limit": "100"})
        return self.figures(info.get("followers_count"), first, "timestamp", start, end)

    def fetch_own_posts(self, since: datetime) -> list[OwnPostFigures]:
        first = self.client.get(
            f"{self.user_id}/media", {"fields": OWN_MEDIA_FIELDS, "limit": "25"}
        )
        found = []
        for page in self.client.pages(first):
            media = [raw for raw in self.items_of(page) if isinstance(raw, dict) and raw.get("id")]
            figures = [own_media_figures(raw) for raw in media]
            found += [post for post in figures if post.published_at and post.published_at >= since]
            if any(post.published_at and post.published_at < since for post in figures):
                break  # newest first: the rest is older
        self.last_usage = self.client.last_usage
        return found

    def fetch_post_figures(self, external_ids: list[str]) -> list[OwnPostFigures]:
        found = []
        for external_id in external_ids:
            try:
                raw = self.client.get(external_id, {"fields": OWN_MEDIA_FIELDS})
            except (NeedsReconnectError, ThrottledError, TransientError):
                raise
            except PlatformError:
                continue  # the media was deleted since
            if isinstance(raw, dict) and raw.get("id"):
                found.append(own_media_figures(raw))
        self.last_usage = self.client.last_usage
        return found

    def webhook_node(self) -> str:
        # Instagram's webhooks are switched on through the linked Facebook Page.
        return self.page_node

    def webhook_fields(self) -> tuple[str, ...]:
        return INSTAGRAM_PAGE_FIELDS

    def webhook_deliveries(self, page_fields: tuple[str, ...]) -> tuple[str, ...]:
        # The Instagram fields are set for the app; the Page subscription lets them through.
        if not page_fields:
            return ()
        return tuple(name for name in INSTAGRAM_APP_FIELDS if name != "messages" or self.messaging)

    def test_connection(self) -> dict:
        info = self.client.get(self.user_id, {"fields": "id,username"})
        self.last_usage = self.client.last_usage
        return {
            "ok": True,
            "account_id": str(info.get("id", self.user_id)),
            "name": info.get("username"),
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
            # Instagram refuses an answer sent more than 24 hours after the person's last
            # message (code 10, 2534022).
            return self.send_message(self.page_node, author_id, text)
        if kind == "reply":
            # Instagram threads are one level deep: only top-level comments take replies.
            raise WriteRejectedError(
                "Instagram accepts replies to top-level comments only",
                platform=self.platform,
                reason="invalid_target",
            )
        result = self.client.post(f"{target_external_id}/replies", {"message": text})
        return self.require_id(result)

    def find_own_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str = "comment",
        thread_external_id: str | None = None,
    ) -> WriteResult | None:
        if kind == "message":
            return self._find_own_message(target_external_id, text, thread_external_id)
        try:
            self.own_username()
            first = self.client.get(
                f"{target_external_id}/replies",
                {"fields": REPLY_FIELDS, "limit": str(COMMENT_PAGE_SIZE)},
            )
            for page in self.client.pages(first):
                for raw in self.items_of(page):
                    if not isinstance(raw, dict) or not raw.get("id"):
                        continue
                    if self.is_own_comment(raw) and self.is_own_text(
                        str(raw.get("text") or ""), text
                    ):
                        return WriteResult(external_id=str(raw["id"]), raw=raw)
            return None
        finally:
            self.last_usage = self.client.last_usage

    def _find_own_message(
        self, target_external_id: str, text: str, thread_external_id: str | None
    ) -> WriteResult | None:
        """Our answer in the conversation, on its newest page of messages. A message that came
        by webhook has no conversation id: its sender names the conversation instead."""
        try:
            if thread_external_id:
                page = self.client.get(
                    f"{thread_external_id}/messages",
                    {"fields": MESSAGE_FIELDS, "limit": str(MESSAGE_PAGE_SIZE)},
                )
            else:
                target = self.client.get(target_external_id, {"fields": "id,from"})
                sender = target.get("from") if isinstance(target.get("from"), dict) else {}
                if not sender.get("id"):
                    return None
                listing = self.client.get(
                    f"{self.page_node}/conversations",
                    {
                        "platform": "instagram",
                        "user_id": str(sender["id"]),
                        "fields": f"id,messages.limit({MESSAGE_PAGE_SIZE}){{{MESSAGE_FIELDS}}}",
                    },
                )
                conversations = [c for c in self.items_of(listing) if isinstance(c, dict)]
                messages = conversations[0].get("messages") if conversations else None
                page = messages if isinstance(messages, dict) else {"data": []}
            for raw in self.items_of(page):
                if not isinstance(raw, dict):
                    continue
                author = raw.get("from") if isinstance(raw.get("from"), dict) else {}
                if str(author.get("id")) == self.user_id and self.is_own_text(
                    str(raw.get("message") or ""), text
                ):
                    return WriteResult(external_id=str(raw["id"]), raw=raw)
            return None
        finally:
            self.last_usage = self.client.last_usage

    # -- publishing ----------------------------------------------------------------------
    # Content publishing in two steps: a media container for a picture Instagram fetches from
    # `image_url`, then `media_publish` with its id; the container's `status_code` says whether
    # it can be published yet (https://developers.facebook.com/docs/instagram-platform/content-publishing).

    def _send_post(
        self, text: str, *, link: str = "", image: PostImage | None = None
    ) -> WriteResult:
        if image is None:
            raise WriteRejectedError(
                "Instagram publishes only posts with a picture", platform=self.platform
            )
        container = self.require_id(
            self.client.post(f"{self.user_id}/media", {"image_url": image.url, "caption": text}),
            what="media container",
        )
        status = self.client.get(str(container.external_id), {"fields": "status_code"})
        code = str(status.get("status_code") or "")
        if code in ("ERROR", "EXPIRED"):
            raise WriteRejectedError(
                f"Instagram could not prepare the picture ({code})",
                platform=self.platform,
                raw=status,
            )
        if code not in ("FINISHED", "PUBLISHED"):
            # Still IN_PROGRESS: nothing is published yet, so trying again later is safe.
            raise TransientError(
                "the picture is still being prepared", platform=self.platform, raw=status
            )
        published = self.require_id(
            self.client.post(
                f"{self.user_id}/media_publish", {"creation_id": str(container.external_id)}
            ),
            what="post",
        )
        media = self.client.get(str(published.external_id), {"fields": "id,permalink"})
        self.last_usage = self.client.last_usage
        permalink = media.get("permalink") if isinstance(media.get("permalink"), str) else ""
        return WriteResult(
            external_id=published.external_id, raw=published.raw, permalink=permalink or ""
        )

    def find_own_post(self, text: str, *, since: datetime) -> WriteResult | None:
        page = self.client.get(
            f"{self.user_id}/media",
            {"fields": "id,caption,timestamp,permalink", "limit": str(self.media_page_size)},
        )
        self.last_usage = self.client.last_usage
        for raw in self.items_of(page):
            if not isinstance(raw, dict) or not raw.get("id"):
                continue
            created = optional_time(raw.get("timestamp"))
            if created is not None and created < since:
                continue
            if self.is_own_text(str(raw.get("caption") or ""), text):
                permalink = raw.get("permalink") if isinstance(raw.get("permalink"), str) else ""
                return WriteResult(external_id=str(raw["id"]), raw=raw, permalink=permalink)
        return None

    def hide(self, external_id: str) -> WriteResult:
        # Form-encoded: the string "true"; a Python True would arrive as "True".
        return self.require_success(self.client.post(external_id, {"hide": "true"}))

    def unhide(self, external_id: str) -> WriteResult:
        return self.require_success(self.client.post(external_id, {"hide": "false"}))

    def delete(self, external_id: str) -> WriteResult:
        return self.require_success(self.client.delete(external_id))


OWN_MEDIA_FIELDS = (
    "id,caption,timestamp,permalink,like_count,comments_count,insights.metric(reach,shares,views)"
)


def own_media_figures(raw: dict) -> OwnPostFigures:
    """A media read with OWN_MEDIA_FIELDS as the post and its figures. A metric left out of the
    insights (the documentation: "an empty data set instead of 0" while none is available,
    and none for an album's media) stays None."""
    insights = raw.get("insights")
    rows = insights.get("data") if isinstance(insights, dict) else None
    metrics = {}
    for row in rows if isinstance(rows, list) else []:
        values = row.get("values") if isinstance(row, dict) else None
        if isinstance(values, list) and values and isinstance(values[0], dict):
            metrics[row.get("name")] = count_or_none(values[0].get("value"))
    permalink = raw.get("permalink")
    return OwnPostFigures(
        external_id=str(raw["id"]),
        published_at=optional_time(raw.get("timestamp")),
        text=str(raw.get("caption") or ""),
        permalink=permalink if isinstance(permalink, str) and permalink else None,
        reach=metrics.get("reach"),
        impressions=metrics.get("views"),
        reactions=count_or_none(raw.get("like_count")),
        comments=count_or_none(raw.get("comments_count")),
        shares=metrics.get("shares"),
    )


def _media_post(media: dict) -> FetchedPost:
    """The media as the post of its comments' thread: a video shows its thumbnail, an image
    itself, an album nothing (its `media_url` is not returned)."""
    picture = media.get("thumbnail_url") if media.get("media_type") == "VIDEO" else None
    picture = picture or (media.get("media_url") if media.get("media_type") == "IMAGE" else None)
    permalink = media.get("permalink")
    return FetchedPost(
        external_id=str(media["id"]),
        text=str(media.get("caption") or ""),
        picture_url=picture if isinstance(picture, str) and picture else None,
        permalink=permalink if isinstance(permalink, str) and permalink else None,
        created_at=optional_time(media.get("timestamp")),
    )
