"""LinkedIn (Community Management REST API) adapter for an organisation page: comments on the
organisation's posts, replies as the organisation, deleting comments, figures, and publishing
the organisation's own posts (with a picture uploaded through the Images API first).

Calls go through a plain `requests` session whose headers carry the token (`Authorization:
Bearer`), `LinkedIn-Version` and `X-Restli-Protocol-Version`. python-linkedin-v2's
`make_request` is not used: it also puts the token into the URL (`oauth2_access_token=`), where
proxies and server logs keep it.

LinkedIn has no way to hide a comment, and its comment listings have no "since". What tells
that a post has new comments is the organisation's social action notifications
(`organizationalEntityNotifications?q=criteria`, the pull side of the webhook LinkedIn offers):
one call lists the COMMENT and ADMIN_COMMENT notifications of a time range, each naming the post
and the comment. A fetch asks for the range from its watermark minus the overlap window, and
reads the comments of a post only when a notification names a comment it has not seen yet; a
comment that is notified before it is readable is looked for again while its notification is
inside the overlap.

Replies live under their top-level comment's URN (`socialActions/{commentUrn}/comments`, where
a reply is also created, with `parentComment`). A top-level comment's `commentsSummary` gives
its reply count, kept in the cursor like Instagram's media counts, and its thread is read when
the count moves. The summary may be missing: then the threads themselves are read, at most
`reply_probe_budget` (default 20) per post read, those never read first and then the least
recently read (the cursor's `probed`), stopping early once every reply a notification named
is found.

Every `sweep_minutes` (default 30, and on the first fetch) a sweep checks the comment counts of
all posts created within `post_window_days` (default 14) with one batch `socialMetadata` call,
and reads any post whose count moved since the last sweep: a safety net for what notifications
do not carry (LinkedIn documents them for public posts only) or carry later than the overlap.
Each post keeps its own read watermark, so a comment found late by a sweep is still returned,
and once.

Call budget per poll cycle: 1 notifications call for an idle organisation, +1 per further page
of 100 notifications; for each post with new comments, 1 call per page of 100 top-level
comments and 1 per thread whose reply count moved (or, without counts, up to the probe budget).
A sweep adds 1 posts call per 50 posts and 1
`socialMetadata` call per 50 of them, plus the reads of posts whose count moved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import quote, unquote

import requests

from .base import (
    AccountFigures,
    Capabilities,
    ChannelConnection,
    FetchedItem,
    FetchResult,
    OwnPostFigures,
    PlatformAdapter,
    PostImage,
    SkippedRecord,
    WriteResult,
    count_or_none,
)
from .classify import classify_linkedin_error
from .counts import ChangeCounts
from .errors import (
    BadDataError,
    NeedsReconnectError,
    PlatformError,
    ThrottledError,
    TransientError,
)
from .http import Decoded, checked, require_json_object, send
from .timeutil import format_iso, optional_time, parse_time
from .watermark import Watermark

COMMENT_PAGE_SIZE = 100
POST_PAGE_SIZE = 50
METADATA_BATCH = 50
NOTIFICATION_PAGE_SIZE = 100
# Threads read per post read when the comments carry no reply count (`commentsSummary`).
REPLY_PROBE_BUDGET = 20
# Comments by citizens on the organisation's posts, and comments written as the organisation.
NOTIFIED_ACTIONS = ("COMMENT", "ADMIN_COMMENT")
LINKEDIN_WEB = "https://www.linkedin.com"
# urn:li:comment:(urn:li:activity:123,456) -> the post (or activity) URN and the comment id.
COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>urn:li:[A-Za-z]+:[^,]+),(?P<id>[^)]+)\)$")
POST_URN = re.compile(r"^urn:li:(share|ugcPost):\S+$")
IMAGE_URN = re.compile(r"^urn:li:image:[A-Za-z0-9_-]+$")
# Posts API `content.media.altText`: at most 4,086 characters.
MAX_ALT_TEXT = 4086
# A post's `commentary` is in LinkedIn's "little" text format, where these characters mark
# mentions, hashtags and templates. Unescaped, LinkedIn accepts the post and silently cuts its
# text at the first one; escaped with a backslash they are plain text.
LITTLE_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
LITTLE_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")
LINK = re.compile(r"https?://\S+")

# Notifications also write the object short ("urn:li:comment:(activity:123,456)").
ANY_COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>[^,()]+),(?P<id>[^,()]+)\)$")


def _encoded(urn: str) -> str:
    """URNs go into paths fully percent-encoded (colons, parentheses and commas included)."""
    return quote(urn, safe="")


def little_text(text: str) -> str:
    """Plain `text` as "little" commentary: reserved characters escaped, links left as they
    are so that LinkedIn still turns them into links."""
    parts = []
    last = 0
    for link in LINK.finditer(text):
        parts.append(LITTLE_RESERVED.sub(r"\\\1", text[last : link.start()]))
        parts.append(link.group())
        last = link.end()
    parts.append(LITTLE_RESERVED.sub(r"\\\1", text[last:]))
    return "".join(parts)


def picture_type(content: bytes) -> str:
    """The media type of an uploaded picture, from its first bytes (JPEG, PNG or GIF, the
    formats LinkedIn's Images API takes)."""
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return "application/octet-stream"


def plain_text(commentary: str) -> str:
    """The text a reader sees for "little" commentary (escapes removed)."""
    return LITTLE_ESCAPED.sub(r"\1", commentary)


def _comment_number(urn: object) -> str | None:
    """The comment's own id inside any form of its URN: the same comment is named on the
    activity in notifications and on the share in comment listings."""
    match = ANY_COMMENT_URN.match(urn) if isinstance(urn, str) else None
    return match.group("id") if match else None


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _elements(body: dict) -> list:
    elements = body.get("elements")
    if not isinstance(elements, list):
        raise BadDataError("a LinkedIn page without an elements list", platform="linkedin")
    return elements


class LinkedInAdapter(PlatformAdapter):
    """Adapter for one LinkedIn organisation; `account_id` is its numeric id or organisation
    URN, `token` a member token of a page admin with the community management scopes
    (rw_organization_admin for the notifications). `extra`: `post_window_days`,
    `sweep_minutes`, `overlap_minutes`."""

    platform = "linkedin"
    # totalShareStatistics: uniqueImpressionsCount, impressionCount, likeCount, commentCount,
    # shareCount.
    post_figures = frozenset({"reach", "impressions", "reactions", "comments", "shares"})
    capabilities = Capabilities(
        reply=True,
        reply_to_replies=True,
        hide=False,
        unhide=False,
        delete=True,
        hide_means="",
        publish=True,
        publish_means="a public post on the organisation's page",
        publish_image=True,
        post_max_length=3000,
    )

    def __init__(self, connection: ChannelConnection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        account = str(connection.account_id)
        self.org_urn = (
            account if account.startswith("urn:li:") else f"urn:li:organization:{account}"
        )
        self.base_url = connection.base_url.rstrip("/")
        extra = connection.extra or {}
        self.post_window = timedelta(days=int(extra.get("post_window_days", 14)))
        self.sweep_interval = timedelta(minutes=float(extra.get("sweep_minutes", 30)))
        self.reply_probe_budget = int(extra.get("reply_probe_budget", REPLY_PROBE_BUDGET))
        self.session = requests.Session()
        # The token travels in this header only, never in a URL.
        self.session.headers.update(
            {
                "Authorization": f"Bearer {connection.token}",
                "LinkedIn-Version": connection.api_version,
                "X-Restli-Protocol-Version": "2.0.0",
            }
        )
        self._resources.append(self.session)

    # -- transport -----------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        write: bool = False,
        url: str | None = None,
        data: bytes | None = None,
        headers: dict | None = None,
    ) -> Decoded:
        """One call to `path` under the API's base address, or to a full `url` (an upload
        address LinkedIn handed out), with a JSON `body` or raw `data`."""
        url = url or f"{self.base_url}/{path}"
        decoded = send(
            self.platform,
            lambda: self.session.request(
                method,
                url,
                json=body,
                data=data,
                headers=headers,
                params=dict(params or {}),
                timeout=self.connection.timeout,
            ),
            on_sent=self.count_call,
        )
        return checked(
            self.platform,
            decoded,
            lambda failed: classify_linkedin_error(
                status=failed.status,
                body=failed.body,
                now=self.clock(),
                headers=failed.headers,
                text=failed.text,
                write=write,
            ),
        )

    def _get(self, path: str, params: dict) -> dict:
        return require_json_object(self.platform, self._request("GET", path, params=params))

    def _pages(self, path: str, params: dict, page_size: int) -> Iterator[list]:
        """Each page of a start/count collection, as its list of elements.

        LinkedIn's end signal is a page with fewer than `count` elements. Pages can come back
        short, even empty, while more remain, though, so a short page only ends the listing
        when `paging.total` does not say there is more. `total` can also count more than the
        list holds (the comments of a post count their nested replies): an empty page right
        after a short one ends the listing, and so does a second empty page in a row.
        """
        start = 0
        previous_short = False
        empty_in_a_row = 0
        while True:
            body = self._get(path, {**params, "start": str(start), "count": str(page_size)})
            elements = _elements(body)
            yield elements
            paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
            total = paging.get("total") if isinstance(paging.get("total"), int) else 0
            start += len(elements)
            if start >= total and len(elements) < page_size:
                return
            if not elements:
                empty_in_a_row += 1
                if previous_short or empty_in_a_row >= 2:
                    return
            else:
                empty_in_a_row = 0
            previous_short = 0 < len(elements) < page_size

    # -- reading -------------------------------------------------------------------------

    def fetch_new(self, cursor: dict | None, since: datetime) -> FetchResult:
        now = self.clock()
        cursor = cursor if isinstance(cursor, dict) else {}
        calls_before = self.calls_made
        mark = Watermark.load(cursor.get("comments"), since=since, overlap=self.overlap)
        posts = ChangeCounts(cursor.get("posts"), now=now, overlap=self.overlap)
        reply_counts = ChangeCounts(cursor.get("threads"), now=now, overlap=self.overlap)
        sweep = self._sweep_due(cursor.get("swept_at"), now)
        found: dict[str, FetchedItem] = {}
        skipped: list[SkippedRecord] = []

        probed = _probed(cursor.get("probed"))
        # Posts to read, in order: those with a notified comment not seen yet, then (on a
        # sweep) those whose comment count moved. Each with the comment numbers it must
        # yield, or None when that is not known (a sweep, a notification without a comment).
        to_read: dict[str, set[str] | None] = {}
        seen = {_comment_number(key) for key in mark.seen}
        for post_urn, comment in self._notified(mark.cutoff, now, skipped):
            if comment is None:
                to_read[post_urn] = None
            elif comment not in seen:
                wanted = to_read.setdefault(post_urn, set())
                if wanted is not None:
                    wanted.add(comment)
        if sweep:
            recent = self._recent_posts(min(mark.cutoff, now - self.post_window), skipped)
            counts = self._comment_counts(recent)
            for post_urn in recent:
                if posts.needs_read(post_urn, counts.get(post_urn)):
                    to_read[post_urn] = None
        for post_urn, wanted in to_read.items():
            posts.keep(post_urn)
            self._read_post(
                post_urn, mark, posts, reply_counts, found, skipped, wanted=wanted, probed=probed
            )

        # Between sweeps every post keeps its entry; a sweep keeps the recent posts and those
        # read now. Threads stay while their count changed within the post window.
        horizon = now - self.post_window
        threads = {
            urn: entry
            for urn, entry in reply_counts.to_dict(keep_unseen=True).items()
            if isinstance(entry, dict)
            and (changed := optional_time(entry.get("changed"))) is not None
            and changed >= horizon
        }
        new_cursor = {
            "comments": self.advanced(mark, found, now),
            "posts": posts.to_dict(keep_unseen=not sweep),
            "threads": threads,
            "probed": {
                urn: moment
                for urn, moment in probed.items()
                if (read := optional_time(moment)) is not None and read >= horizon
            },
            "swept_at": format_iso(now) if sweep else cursor["swept_at"],
        }
        return self.result(found, new_cursor, calls_before, skipped)

    def _sweep_due(self, swept_at: object, now: datetime) -> bool:
        try:
            return now - parse_time(swept_at) >= self.sweep_interval
        except ValueError:
            return True

    def _notified(
        self, start: datetime, now: datetime, skipped: list[SkippedRecord]
    ) -> list[tuple[str, str | None]]:
        """(post URN, comment id or None) of every comment notification from `start` on.

        Rest.li 2.0 query syntax: the List(…) and (start:…,end:…) structure stays unencoded,
        the organisation URN is encoded once, so the query is written here rather than by
        requests. The range ends a little after now, for clocks that run apart.
        """
        query = (
            "organizationalEntityNotifications?q=criteria"
            f"&organizationalEntity={_encoded(self.org_urn)}"
            f"&actions=List({','.join(NOTIFIED_ACTIONS)})"
            f"&timeRange=(start:{_epoch_ms(start)},end:{_epoch_ms(now + self.overlap)})"
        )
        notified: list[tuple[str, str | None]] = []
        for elements in self._pages(query, {}, NOTIFICATION_PAGE_SIZE):
            for note in elements:
                post_urn = self._notified_post(note)
                if post_urn is None:
                    self.skip(skipped, note, "notification without a post")
                    continue
                decorated = note.get("decoratedGeneratedActivity")
                comment = decorated.get("comment") if isinstance(decorated, dict) else None
                entity = comment.get("entity") if isinstance(comment, dict) else None
                number = _comment_number(entity) or _comment_number(note.get("generatedActivity"))
                notified.append((post_urn, number))
        return notified

    @staticmethod
    def _notified_post(note: object) -> str | None:
        """The post a notification is about: the share (or ugcPost) URN the posts API uses when
        the notification is decorated with it, else its activity URN (socialActions takes
        both)."""
        if not isinstance(note, dict):
            return None
        decorated = note.get("decoratedSourcePost")
        entity = decorated.get("entity") if isinstance(decorated, dict) else None
        for candidate in (entity, note.get("sourcePost")):
            if isinstance(candidate, str) and candidate.startswith("urn:li:"):
                return candidate
        return None

    def _comment_counts(self, posts: list[str]) -> dict[str, int | None]:
        """Each post's comment count (replies included), by a batch `socialMetadata` call per
        `METADATA_BATCH` posts. A post the batch has no answer for counts as unknown."""
        counts: dict[str, int | None] = dict.fromkeys(posts)
        for first in range(0, len(posts), METADATA_BATCH):
            chunk = posts[first : first + METADATA_BATCH]
            # Rest.li list syntax: the URNs inside List(…) are encoded once, so the query is
            # built here rather than by requests, which would encode them a second time.
            ids = ",".join(_encoded(urn) for urn in chunk)
            body = self._get(f"socialMetadata?ids=List({ids})", {})
            results = body.get("results") if isinstance(body.get("results"), dict) else {}
            for urn in chunk:
                result = results.get(urn)
                summary = result.get("commentSummary") if isinstance(result, dict) else None
                count = summary.get("count") if isinstance(summary, dict) else None
                counts[urn] = count if isinstance(count, int) else None
        return counts

    def _recent_posts(self, horizon: datetime, skipped: list[SkippedRecord]) -> list[str]:
        """The organisation's posts created at or after `horizon`, newest first."""
        urns: list[str] = []
        for elements in self._pages(
            "posts", {"author": self.org_urn, "q": "author"}, POST_PAGE_SIZE
        ):
            older = 0
            for post in elements:
                if not isinstance(post, dict) or not post.get("id"):
                    self.skip(skipped, post, "post without an id")
                    continue
                created = _post_time(post)
                if created is not None and created < horizon:
                    older += 1
                    continue
                urns.append(str(post["id"]))
            if elements and older == len(elements):
                break  # a whole page before the horizon: the rest is older still
        return urns

    def _read_post(
        self,
        post_urn: str,
        mark: Watermark,
        posts: ChangeCounts,
        reply_counts: ChangeCounts,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
        *,
        wanted: set[str] | None,
        probed: dict[str, str],
    ) -> None:
        """The top-level comments on a post, and the replies of threads whose count moved or
        whose count is not given (see `_probe_threads`).

        Judged by the post's own watermark (where its last complete read ended, or when its
        count was last seen to change), so a comment a sweep finds after the stream's
        watermark has moved past it is still new; a post the cursor does not know yet is
        judged by the stream's watermark.
        """
        post_mark = posts.read_mark(post_urn, since=mark.cutoff) if posts.known(post_urn) else mark
        new: dict[str, FetchedItem] = {}
        uncounted: list[str] = []
        for elements in self._pages(
            f"socialActions/{_encoded(post_urn)}/comments", {}, COMMENT_PAGE_SIZE
        ):
            for raw in elements:
                item = self._comment_item(raw, post_urn, skipped)
                if item is None:
                    continue
                if item.external_id not in found:
                    self.keep_if_new(item, post_mark, new)
                if item.parent_external_id:
                    continue  # a reply has no thread of its own
                summary = raw.get("commentsSummary")
                summary = summary if isinstance(summary, dict) else {}
                replies = summary.get("totalFirstLevelComments")
                if not isinstance(replies, int) or isinstance(replies, bool):
                    uncounted.append(item.external_id)
                elif reply_counts.needs_read(item.external_id, replies):
                    self._read_replies(item.external_id, post_urn, post_mark, found, new, skipped)
        if uncounted:
            self._probe_threads(
                uncounted, post_urn, post_mark, found, new, skipped, wanted=wanted, probed=probed
            )
        found.update(new)
        posts.mark_read(
            post_urn, post_mark, ((item.external_id, item.created_at) for item in new.values())
        )

    def _probe_threads(
        self,
        uncounted: list[str],
        post_urn: str,
        post_mark: Watermark,
        found: dict[str, FetchedItem],
        new: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
        *,
        wanted: set[str] | None,
        probed: dict[str, str],
    ) -> None:
        """Read the threads of top-level comments that came without a reply count, within the
        probe budget: never-read threads first (newest first, as listed), then those read
        longest ago. When notifications named the comments to find (`wanted`), stop once all
        of them are found, and read nothing when the top-level listing already held them."""

        def missing() -> set[str]:
            have = {_comment_number(urn) for urn in (*found, *new)}
            return (wanted or set()) - have

        if wanted is not None and not missing():
            return
        order = sorted(uncounted, key=lambda urn: (urn in probed, probed.get(urn, "")))
        for comment_urn in order[: max(self.reply_probe_budget, 0)]:
            self._read_replies(comment_urn, post_urn, post_mark, found, new, skipped)
            probed[comment_urn] = format_iso(self.clock())
            if wanted is not None and not missing():
                return

    def _read_replies(
        self,
        comment_urn: str,
        post_urn: str,
        post_mark: Watermark,
        found: dict[str, FetchedItem],
        new: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> None:
        for elements in self._pages(
            f"socialActions/{_encoded(comment_urn)}/comments", {}, COMMENT_PAGE_SIZE
        ):
            for raw in elements:
                item = self._comment_item(raw, post_urn, skipped, parent_urn=comment_urn)
                if item is not None and item.external_id not in found:
                    self.keep_if_new(item, post_mark, new)

    def _comment_item(
        self,
        raw: object,
        post_urn: str,
        skipped: list[SkippedRecord],
        *,
        parent_urn: str | None = None,
    ) -> FetchedItem | None:
        if not isinstance(raw, dict) or not raw.get("id"):
            self.skip(skipped, raw, "comment without an id")
            return None
        created_field = raw.get("created") if isinstance(raw.get("created"), dict) else {}
        try:
            created = parse_time(created_field.get("time"))
        except ValueError:
            self.skip(skipped, raw, "comment without a readable created time")
            return None
        object_urn = str(raw.get("object") or post_urn)
        urn = str(raw.get("$URN") or f"urn:li:comment:({object_urn},{raw['id']})")
        message = raw.get("message") if isinstance(raw.get("message"), dict) else {}
        actor = str(raw["actor"]) if raw.get("actor") else None
        parent = raw.get("parentComment") or parent_urn
        return FetchedItem(
            external_id=urn,
            kind="reply" if parent else "comment",
            text=str(message.get("text") or ""),
            author_id=actor,
            author_name=raw.get("actorName") if isinstance(raw.get("actorName"), str) else None,
            parent_external_id=str(parent) if parent else None,
            thread_external_id=object_urn,
            permalink=f"{LINKEDIN_WEB}/feed/update/{object_urn}?commentUrn={_encoded(urn)}",
            created_at=created,
            from_account=actor == self.org_urn,
            raw=raw,
        )

    # -- figures and health --------------------------------------------------------------

    def fetch_account_figures(self, start: datetime, end: datetime) -> AccountFigures:
        sizes = self._get(
            f"networkSizes/{_encoded(self.org_urn)}", {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
        )
        followers = sizes.get("firstDegreeSize")
        count = 0
        for elements in self._pages(
            "posts", {"author": self.org_urn, "q": "author"}, POST_PAGE_SIZE
        ):
            times = [moment for moment in map(_post_time, elements) if moment is not None]
            count += sum(1 for moment in times if start <= moment < end)
            if times and all(moment < start for moment in times):
                break  # a whole page before the period: the rest is older still
        return AccountFigures(
            followers=followers if isinstance(followers, int) else None,
            posts_in_period=count,
            period_start=start,
            period_end=end,
        )

    def fetch_own_posts(self, since: datetime) -> list[OwnPostFigures]:
        posts: list[dict] = []
        for elements in self._pages(
            "posts", {"author": self.org_urn, "q": "author"}, POST_PAGE_SIZE
        ):
            dated = [(post, _post_time(post)) for post in elements if isinstance(post, dict)]
            posts += [
                post for post, moment in dated if post.get("id") and moment and moment >= since
            ]
            if dated and all(moment is not None and moment < since for _, moment in dated):
                break  # a whole page before `since`: the rest is older still
        statistics = self._share_statistics([str(post["id"]) for post in posts])
        return [self._own_post(post, statistics.get(str(post["id"]))) for post in posts]

    def fetch_post_figures(self, external_ids: list[str]) -> list[OwnPostFigures]:
        statistics = self._share_statistics(list(external_ids))
        found = []
        for urn in external_ids:
            try:
                post = self._get(f"posts/{_encoded(urn)}", {})
            except (NeedsReconnectError, ThrottledError, TransientError):
                raise
            except PlatformError:
                continue  # deleted since
            found.append(self._own_post(post, statistics.get(urn)))
        return found

    def _own_post(self, post: dict, statistics: dict | None) -> OwnPostFigures:
        urn = str(post.get("id"))
        totals = statistics or {}
        return OwnPostFigures(
            external_id=urn,
            published_at=_post_time(post),
            text=plain_text(str(post.get("commentary") or "")),
            permalink=f"{LINKEDIN_WEB}/feed/update/{urn}/",
            reach=count_or_none(totals.get("uniqueImpressionsCount")),
            impressions=count_or_none(totals.get("impressionCount")),
            reactions=count_or_none(totals.get("likeCount")),
            comments=count_or_none(totals.get("commentCount")),
            shares=count_or_none(totals.get("shareCount")),
        )

    def _share_statistics(self, urns: list[str]) -> dict[str, dict]:
        """Lifetime `totalShareStatistics` per post, by organizationalEntityShareStatistics
        with `shares=List(…)` and `ugcPosts=List(…)` (no `timeIntervals`: lifetime figures;
        Organization Share Statistics,
        https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics).
        A post the answer has no element for (older than the API's rolling 12 months) is
        left out."""
        found: dict[str, dict] = {}
        for first in range(0, len(urns), METADATA_BATCH):
            chunk = urns[first : first + METADATA_BATCH]
            shares = [urn for urn in chunk if urn.startswith("urn:li:share:")]
            ugc = [urn for urn in chunk if urn.startswith("urn:li:ugcPost:")]
            if not shares and not ugc:
                continue
            # Rest.li list syntax, built here so the URNs are encoded exactly once.
            query = f"q=organizationalEntity&organizationalEntity={_encoded(self.org_urn)}"
            if shares:
                query += "&shares=List(" + ",".join(map(_encoded, shares)) + ")"
            if ugc:
                query += "&ugcPosts=List(" + ",".join(map(_encoded, ugc)) + ")"
            body = self._get(f"organizationalEntityShareStatistics?{query}", {})
            for element in _elements(body):
                if not isinstance(element, dict):
                    continue
                urn = element.get("share") or element.get("ugcPost")
                totals = element.get("totalShareStatistics")
                if isinstance(urn, str) and isinstance(totals, dict):
                    found[urn] = totals
        return found

    def test_connection(self) -> dict:
        org_id = self.org_urn.rsplit(":", 1)[-1]
        info = self._get(f"organizations/{org_id}", {})
        return {
            "ok": True,
            "account_id": self.org_urn,
            "name": info.get("localizedName") or info.get("name"),
        }

    # -- writing -------------------------------------------------------------------------

    def _post_of(self, comment_urn: str, thread_external_id: str | None) -> str:
        if thread_external_id:
            return thread_external_id
        match = COMMENT_URN.match(comment_urn)
        if match is None:
            raise ValueError(f"not a LinkedIn comment URN: {comment_urn!r}")
        return match.group("object")

    def _thread_of(self, comment_urn: str, post_urn: str, kind: str) -> str:
        """The top-level comment whose thread a reply to `comment_urn` joins: threads are one
        level deep, so an answer to a reply goes under the reply's parent."""
        if kind != "reply":
            return comment_urn
        comment_id = COMMENT_URN.match(comment_urn)
        if comment_id is None:
            raise ValueError(f"not a LinkedIn comment URN: {comment_urn!r}")
        comment = self._get(
            f"socialActions/{_encoded(post_urn)}/comments/{comment_id.group('id')}", {}
        )
        return str(comment.get("parentComment") or comment_urn)

    def _send_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str,
        thread_external_id: str | None,
        author_id: str | None,
    ) -> WriteResult:
        post_urn = self._post_of(target_external_id, thread_external_id)
        parent_urn = self._thread_of(target_external_id, post_urn, kind)
        parent = COMMENT_URN.match(parent_urn)
        # A nested comment is created under its parent comment's URN, on the object the parent
        # names (the share or its activity), with `parentComment`.
        decoded = self._request(
            "POST",
            f"socialActions/{_encoded(parent_urn)}/comments",
            body={
                "actor": self.org_urn,
                "object": parent.group("object") if parent else post_urn,
                "message": {"text": text},
                "parentComment": parent_urn,
            },
            write=True,
        )
        body = decoded.body if isinstance(decoded.body, dict) else {}
        new_urn = body.get("$URN")
        created_id = body.get("id") or decoded.headers.get("x-restli-id")
        if not new_urn and created_id:
            new_urn = f"urn:li:comment:({post_urn},{created_id})"
        if not new_urn:
            raise BadDataError(
                "the reply was accepted without an id", platform=self.platform, raw=body
            )
        return WriteResult(external_id=str(new_urn), raw=body)

    def find_own_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str = "comment",
        thread_external_id: str | None = None,
    ) -> WriteResult | None:
        post_urn = self._post_of(target_external_id, thread_external_id)
        parent_urn = self._thread_of(target_external_id, post_urn, kind)
        for elements in self._pages(
            f"socialActions/{_encoded(parent_urn)}/comments", {}, COMMENT_PAGE_SIZE
        ):
            for raw in elements:
                if not isinstance(raw, dict):
                    continue
                message = raw.get("message") if isinstance(raw.get("message"), dict) else {}
                if raw.get("actor") == self.org_urn and self.is_own_text(
                    str(message.get("text") or ""), text
                ):
                    urn = raw.get("$URN") or f"urn:li:comment:({post_urn},{raw.get('id')})"
                    return WriteResult(external_id=str(urn), raw=raw)
        return None

    def _send_post(
        self, text: str, *, link: str = "", image: PostImage | None = None
    ) -> WriteResult:
        # The link is already in the text (see platforms.post_rules). A picture is uploaded
        # first (Images API) and the post names it.
        body = {
            "author": self.org_urn,
            "commentary": little_text(text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if image is not None:
            media = {"id": self._upload_image(image)}
            if image.alt:
                media["altText"] = image.alt[:MAX_ALT_TEXT]
            body["content"] = {"media": media}
        decoded = self._request("POST", "posts", body=body, write=True)
        # 201 with an empty body: the new post's URN comes only in the x-restli-id header.
        urn = unquote(decoded.headers.get("x-restli-id") or "").strip()
        if not POST_URN.match(urn):
            raise BadDataError(
                "the post was accepted without a post URN",
                platform=self.platform,
                status=decoded.status,
                raw={"x-restli-id": urn, "body": decoded.body},
            )
        return WriteResult(external_id=urn, raw={"x-restli-id": urn})

    def _upload_image(self, image: PostImage) -> str:
        """Upload the picture through the Images API and return its image URN: initializeUpload
        for the organisation gives the URN and an upload address, and the bytes go there with
        PUT (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/
        images-api). An image that was uploaded but never posted is left unused on LinkedIn."""
        content = image.read()
        if not content:
            raise ValueError("the picture is empty")
        answer = require_json_object(
            self.platform,
            self._request(
                "POST",
                "images?action=initializeUpload",
                body={"initializeUploadRequest": {"owner": self.org_urn}},
                write=True,
            ),
        )
        value = answer.get("value") if isinstance(answer.get("value"), dict) else {}
        upload_url = value.get("uploadUrl")
        urn = value.get("image")
        if not (
            isinstance(upload_url, str)
            and upload_url.startswith(("https://", "http://"))
            and isinstance(urn, str)
            and IMAGE_URN.match(urn)
        ):
            raise BadDataError(
                "LinkedIn gave no upload address or image URN",
                platform=self.platform,
                raw=answer,
            )
        self._request(
            "PUT",
            "",
            url=upload_url,
            data=content,
            headers={"Content-Type": picture_type(content)},
            write=True,
        )
        return urn

    def find_own_post(self, text: str, *, since: datetime) -> WriteResult | None:
        for elements in self._pages(
            "posts", {"author": self.org_urn, "q": "author"}, POST_PAGE_SIZE
        ):
            older = 0
            for post in elements:
                if not isinstance(post, dict) or not post.get("id"):
                    continue
                created = _post_time(post)
                if created is not None and created < since:
                    older += 1
                    continue
                commentary = plain_text(str(post.get("commentary") or ""))
                if post.get("author") == self.org_urn and self.is_own_text(commentary, text):
                    return WriteResult(external_id=str(post["id"]), raw=post)
            if elements and older == len(elements):
                return None  # newest first: the rest is older still
        return None

    def delete(self, external_id: str) -> WriteResult:
        match = COMMENT_URN.match(external_id)
        if match is None:
            raise ValueError(f"not a LinkedIn comment URN: {external_id!r}")
        self._request(
            "DELETE",
            f"socialActions/{_encoded(match.group('object'))}/comments/{match.group('id')}",
            params={"actor": self.org_urn},
            write=True,
        )
        return WriteResult(external_id=None, raw={})


def _probed(stored: object) -> dict[str, str]:
    """The cursor's record of when each uncounted thread was last read."""
    if not isinstance(stored, dict):
        return {}
    return {
        str(urn): moment
        for urn, moment in stored.items()
        if isinstance(moment, str) and optional_time(moment) is not None
    }


def _post_time(post: object) -> datetime | None:
    """When a post went out (drafts have only a creation time)."""
    if not isinstance(post, dict):
        return None
    return optional_time(post.get("publishedAt") or post.get("createdAt"))
