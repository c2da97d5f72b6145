"""LinkedIn (Community Management REST API) adapter for an organisation page: comments on the
organisation's posts, replies as the organisation, deleting comments, figures.

Built on python-linkedin-v2 0.9.4, used only for `make_request`, which calls `requests`
directly. Its traps are avoided here: every call gets a fresh headers dict (the SDK mutates
it), the JSON body is serialised by us, and status and body are read here rather than through
its `raise_for_error`, which crashes on LinkedIn's error bodies under Python 3.

LinkedIn has no way to hide a comment, and its comment listings have no "since". The change
signal is the comment count: one batch `socialMetadata` call gives the count of every recent
post, and each top-level comment carries the count of its replies (both kept in the cursor like
Instagram's media counts). So the call budget per poll cycle is 1 posts call (posts created
within `post_window_days`, default 14) + 1 `socialMetadata` call per 50 such posts; then, only
for a post whose count moved, 1 call per page of 100 top-level comments, and 1 per thread whose
reply count moved. An idle organisation costs 2 calls: LinkedIn has no listing that carries
both the posts and their counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import quote, unquote

from linkedin_v2.linkedin import LinkedInApplication

from .base import (
    AccountFigures,
    Capabilities,
    ChannelConnection,
    FetchedItem,
    FetchResult,
    PlatformAdapter,
    SkippedRecord,
    WriteResult,
)
from .classify import classify_linkedin_error
from .counts import ChangeCounts
from .errors import BadDataError
from .http import Decoded, checked, require_json_object, send
from .timeutil import optional_time, parse_time
from .watermark import Watermark

COMMENT_PAGE_SIZE = 100
POST_PAGE_SIZE = 50
METADATA_BATCH = 50
LINKEDIN_WEB = "https://www.linkedin.com"
# urn:li:comment:(urn:li:activity:123,456) -> the post (or activity) URN and the comment id.
COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>urn:li:[A-Za-z]+:[^,]+),(?P<id>[^)]+)\)$")
POST_URN = re.compile(r"^urn:li:(share|ugcPost):\S+$")
# A post's `commentary` is in LinkedIn's "little" text format, where these characters mark
# mentions, hashtags and templates. Unescaped, LinkedIn accepts the post and silently cuts its
# text at the first one; escaped with a backslash they are plain text.
LITTLE_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
LITTLE_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")
LINK = re.compile(r"https?://\S+")


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


def plain_text(commentary: str) -> str:
    """The text a reader sees for "little" commentary (escapes removed)."""
    return LITTLE_ESCAPED.sub(r"\1", commentary)


def _elements(body: dict) -> list:
    elements = body.get("elements")
    if not isinstance(elements, list):
        raise BadDataError("a LinkedIn page without an elements list", platform="linkedin")
    return elements


class LinkedInAdapter(PlatformAdapter):
    """Adapter for one LinkedIn organisation; `account_id` is its numeric id or organisation
    URN, `token` a member token of a page admin with the community management scopes.
    `extra`: `post_window_days`, `overlap_minutes`."""

    platform = "linkedin"
    capabilities = Capabilities(
        reply=True,
        reply_to_replies=True,
        hide=False,
        unhide=False,
        delete=True,
        hide_means="",
        publish=True,
        publish_means="a public post on the organisation's page",
        post_max_length=3000,
    )

    def __init__(self, connection: ChannelConnection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        account = str(connection.account_id)
        self.org_urn = (
            account if account.startswith("urn:li:") else f"urn:li:organization:{account}"
        )
        self.base_url = connection.base_url.rstrip("/")
        self.post_window = timedelta(days=int((connection.extra or {}).get("post_window_days", 14)))
        self.app = LinkedInApplication(token=connection.token)

    # -- transport -----------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        # A new dict per call: make_request updates the one it is given.
        return {
            "Authorization": f"Bearer {self.connection.token}",
            "LinkedIn-Version": self.connection.api_version,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        write: bool = False,
    ) -> Decoded:
        url = f"{self.base_url}/{path}"
        decoded = send(
            self.platform,
            lambda: self.app.make_request(
                method,
                url,
                data=json.dumps(body) if body is not None else None,
                params=dict(params or {}),
                headers=self._headers(),
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
        short while more remain, though, so a short page only ends the listing when
        `paging.total` does not say there is more; an empty page always ends it. (`total` can
        count more than the list holds, e.g. nested replies: that costs one empty page.)
        """
        start = 0
        while True:
            body = self._get(path, {**params, "start": str(start), "count": str(page_size)})
            elements = _elements(body)
            yield elements
            paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
            total = paging.get("total") if isinstance(paging.get("total"), int) else 0
            start += len(elements)
            if not elements or (len(elements) < page_size and start >= total):
                return

    # -- reading -------------------------------------------------------------------------

    def fetch_new(self, cursor: dict | None, since: datetime) -> FetchResult:
        now = self.clock()
        cursor = cursor if isinstance(cursor, dict) else {}
        calls_before = self.calls_made
        mark = Watermark.load(cursor.get("comments"), since=since, overlap=self.overlap)
        post_counts = ChangeCounts(cursor.get("posts"), now=now, overlap=self.overlap)
        reply_counts = ChangeCounts(cursor.get("threads"), now=now, overlap=self.overlap)
        horizon = min(mark.cutoff, now - self.post_window)
        found: dict[str, FetchedItem] = {}
        skipped: list[SkippedRecord] = []
        posts = self._recent_posts(horizon, skipped)
        counts = self._comment_counts(posts)
        for post_urn in posts:
            if post_counts.needs_read(post_urn, counts.get(post_urn)):
                self._read_comments(post_urn, mark, reply_counts, found, skipped)
        # Threads of posts not read this time keep their counts while the post is recent.
        threads = {
            urn: entry
            for urn, entry in reply_counts.to_dict(keep_unseen=True).items()
            if (match := COMMENT_URN.match(urn)) and match.group("object") in counts
        }
        new_cursor = {
            "comments": self.advanced(mark, found, now),
            "posts": post_counts.to_dict(),
            "threads": threads,
        }
        return self.result(found, new_cursor, calls_before, skipped)

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

    def _read_comments(
        self,
        post_urn: str,
        mark: Watermark,
        reply_counts: ChangeCounts,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> None:
        """The top-level comments on a post, and the replies of threads whose count moved."""
        for elements in self._pages(
            f"socialActions/{_encoded(post_urn)}/comments", {}, COMMENT_PAGE_SIZE
        ):
            for raw in elements:
                item = self._comment_item(raw, post_urn, skipped)
                if item is None:
                    continue
                self.keep_if_new(item, mark, found)
                summary = raw.get("commentsSummary")
                replies = summary.get("totalFirstLevelComments") if isinstance(summary, dict) else 0
                if reply_counts.needs_read(item.external_id, replies or 0):
                    self._read_replies(item.external_id, post_urn, mark, found, skipped)

    def _read_replies(
        self,
        comment_urn: str,
        post_urn: str,
        mark: Watermark,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> None:
        for elements in self._pages(
            f"socialActions/{_encoded(comment_urn)}/comments", {}, COMMENT_PAGE_SIZE
        ):
            for raw in elements:
                item = self._comment_item(raw, post_urn, skipped, parent_urn=comment_urn)
                if item is not None:
                    self.keep_if_new(item, mark, found)

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
        decoded = self._request(
            "POST",
            f"socialActions/{_encoded(post_urn)}/comments",
            body={
                "actor": self.org_urn,
                "object": post_urn,
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

    def _send_post(self, text: str) -> WriteResult:
        decoded = self._request(
            "POST",
            "posts",
            body={
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
            },
            write=True,
        )
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


def _post_time(post: object) -> datetime | None:
    """When a post went out (drafts have only a creation time)."""
    if not isinstance(post, dict):
        return None
    return optional_time(post.get("publishedAt") or post.get("createdAt"))
