"""Listening: reading public posts that match hashtags and keywords, or that tag the account,
through the channel's own adapter (its session, token, error classification and call count).

What each platform offers, from its documentation:
- X: recent search, `GET /2/tweets/search/recent` (posts of the last seven days; `query` with
  X's operators, `max_results` 10-100, `next_token`, `since_id`; `public_metrics` for likes,
  replies, reposts and quotes) - https://docs.x.com/x-api/posts/search/quickstart/recent-search.
  The fields parameter follows the channel's naming (`post.fields` or `tweet.fields`, see
  `platforms/x.py`); the path is the same in both, as for every other X path the adapter uses.
  Reads are billed per post returned: the caller passes how many posts it may still pay for.
- Instagram: `GET /ig_hashtag_search?user_id=&q=` gives a hashtag's id, then
  `/{hashtag-id}/recent_media` and `/top_media` with `user_id` and `fields`; at most 30 unique
  hashtags per account in a rolling 7 days (https://developers.facebook.com/docs/instagram-platform/
  instagram-api-with-facebook-login/hashtag-search). Media the account is tagged in:
  `GET /{ig-user-id}/tags` (https://developers.facebook.com/docs/graph-api/reference/shadow-ig-user/tags/).
- YouTube: `search.list` (`q`, `type=video`, `order=date`, `publishedAfter`), then
  `videos.list?part=statistics` (1 unit per call, up to 50 ids) for views, likes and comments
  (https://developers.google.com/youtube/v3/determine_quota_cost: search.list draws on a bucket
  of its own, 100 calls a day by default).

Each reader returns a `ListeningResult`: the posts, the cursor to store with them and what was
spent. Errors are the adapters' classified errors; nothing here catches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .base import SkippedRecord
from .errors import BadDataError
from .http import further_page
from .timeutil import format_rfc3339, parse_time

X_MIN_RESULTS = 10
X_MAX_RESULTS = 100
IG_MEDIA_FIELDS = "id,caption,like_count,comments_count,permalink,timestamp,media_type"
IG_PAGE_SIZE = 50
IG_HASHTAG_LIMIT = 30
IG_HASHTAG_WINDOW = timedelta(days=7)
YOUTUBE_SEARCH_PAGE = 50
YOUTUBE_WEB = "https://www.youtube.com/watch?v="
X_WEB = "https://x.com"

_HASHTAG = re.compile(r"^#?([^\s#]+)$")


def hashtags_in(query: str) -> list[str]:
    """The hashtags of an Instagram stream's query, lower case without '#', in order, once each.

    Instagram searches one hashtag at a time and takes no keywords: every word must be a
    hashtag. Raises ValueError for a word that is not one."""
    tags: list[str] = []
    for word in (query or "").replace(",", " ").split():
        match = _HASHTAG.match(word)
        if match is None or not re.fullmatch(r"\w+", match.group(1)):
            raise ValueError(word)
        tag = match.group(1).lower()
        if tag not in tags:
            tags.append(tag)
    return tags


@dataclass(frozen=True)
class PublicPost:
    """One public post found by listening, normalised across platforms."""

    external_id: str
    text: str
    author_id: str | None
    author_name: str | None
    url: str | None
    published_at: datetime
    likes: int = 0
    comments: int = 0
    shares: int = 0
    views: int = 0


@dataclass
class ListeningResult:
    posts: list[PublicPost]
    cursor: dict
    calls: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    # X: posts returned (billed per post). YouTube: search.list calls and other quota units.
    posts_read: int = 0
    search_calls: int = 0
    quota_units: int = 0
    # Instagram: (hashtag, its id) for every ig_hashtag_search call made.
    hashtags_searched: list[tuple[str, str]] = field(default_factory=list)


def _count(value: object) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    return max(number, 0)


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


# -- X ----------------------------------------------------------------------------------------


def search_x(adapter, query: str, cursor: dict | None, *, max_posts: int) -> ListeningResult:
    """New posts matching `query` since the cursor's `since_id`, newest first, at most
    `max_posts` (what the month's budget still pays for; at least one page of 10 is asked).

    The first call of a stream reads one page only (the newest posts), so a new stream does not
    spend a week's worth of posts at once."""
    cursor = cursor if isinstance(cursor, dict) else {}
    calls_before = adapter.calls_made
    result = ListeningResult(posts=[], cursor=dict(cursor))
    since_id = cursor.get("since_id")
    page_size = max(X_MIN_RESULTS, min(X_MAX_RESULTS, max_posts))
    params = {
        "query": query,
        "max_results": str(page_size),
        adapter.fields_param: "created_at,public_metrics",
        "expansions": "author_id",
        "user.fields": "username,name",
    }
    if adapter.fields_param == "tweet.fields":
        params[adapter.fields_param] = "created_at,public_metrics,author_id"
    if since_id:
        params["since_id"] = str(since_id)
    newest_id = None
    while True:
        with further_page("next_token" in params):
            page = adapter._request("GET", "tweets/search/recent", params=params)
        meta = _dict(page.get("meta"))
        if newest_id is None and meta.get("newest_id"):
            newest_id = str(meta["newest_id"])
        data = page.get("data", [])
        if not isinstance(data, list):
            raise BadDataError("a search page without a data list", platform="x", raw=page)
        result.posts_read += len(data)
        users = adapter._users(page)
        for raw in data:
            post = _x_post(raw, users)
            if post is None:
                adapter.skip(result.skipped, raw, "post without an id or a readable time")
            else:
                result.posts.append(post)
        next_token = meta.get("next_token")
        if not next_token or not since_id or result.posts_read + page_size > max_posts:
            break
        params = {**params, "next_token": str(next_token)}
    if newest_id:
        result.cursor["since_id"] = newest_id
    result.calls = adapter.calls_made - calls_before
    return result


def _x_post(raw: object, users: dict[str, dict]) -> PublicPost | None:
    if not isinstance(raw, dict) or not raw.get("id"):
        return None
    try:
        published = parse_time(raw.get("created_at"))
    except ValueError:
        return None
    author_id = str(raw["author_id"]) if raw.get("author_id") else None
    user = users.get(author_id or "", {})
    username = user.get("username")
    post_id = str(raw["id"])
    metrics = _dict(raw.get("public_metrics"))
    return PublicPost(
        external_id=post_id,
        text=str(raw.get("text") or ""),
        author_id=author_id,
        author_name=f"@{username}" if username else user.get("name"),
        url=f"{X_WEB}/{username}/status/{post_id}" if username else f"{X_WEB}/i/status/{post_id}",
        published_at=published,
        likes=_count(metrics.get("like_count")),
        comments=_count(metrics.get("reply_count")),
        shares=_count(metrics.get("retweet_count") or metrics.get("repost_count"))
        + _count(metrics.get("quote_count")),
        views=_count(metrics.get("impression_count")),
    )


# -- Instagram --------------------------------------------------------------------------------


def search_instagram(
    adapter,
    hashtags: list[str],
    cursor: dict | None,
    *,
    may_search: set[str],
    searched: list[tuple[str, str]] | None = None,
) -> ListeningResult:
    """Recent and top media of each hashtag. A hashtag's id comes from the cursor when known
    (ids are static); otherwise `ig_hashtag_search` is called, but only for hashtags in
    `may_search` (the caller checked the 30-a-week limit). Each search made is appended to
    `searched` as it happens, so the caller counts it even when a later call fails."""
    searched = searched if searched is not None else []
    cursor = cursor if isinstance(cursor, dict) else {}
    calls_before = adapter.calls_made
    ids = dict(_dict(cursor.get("hashtag_ids")))
    result = ListeningResult(posts=[], cursor={**cursor, "hashtag_ids": ids})
    user_id = str(adapter.connection.account_id)
    seen: set[str] = set()
    for tag in hashtags:
        hashtag_id = ids.get(tag)
        if not hashtag_id:
            if tag not in may_search:
                continue
            found = adapter.client.get("ig_hashtag_search", {"user_id": user_id, "q": tag})
            searched.append((tag, ""))
            data = adapter.items_of(found)
            first = _dict(data[0]) if data else {}
            if not first.get("id"):
                continue
            hashtag_id = str(first["id"])
            ids[tag] = hashtag_id
            searched[-1] = (tag, hashtag_id)
        for edge in ("recent_media", "top_media"):
            params = {"user_id": user_id, "fields": IG_MEDIA_FIELDS, "limit": str(IG_PAGE_SIZE)}
            page = adapter.client.get(f"{hashtag_id}/{edge}", params)
            # One page of each: recent media covers the last 24 hours newest first and a
            # stream is read far more often than that; top media are the most engaged ones.
            for raw in adapter.items_of(page):
                post = _ig_post(raw)
                if post is None:
                    adapter.skip(result.skipped, raw, "media without an id or a readable time")
                elif post.external_id not in seen:
                    seen.add(post.external_id)
                    result.posts.append(post)
    result.hashtags_searched = list(searched)
    result.calls = adapter.calls_made - calls_before
    return result


def instagram_tags(adapter, cursor: dict | None, *, since: datetime) -> ListeningResult:
    """Media the account is tagged in, newest first, down to the cursor's time (or `since`)."""
    cursor = cursor if isinstance(cursor, dict) else {}
    calls_before = adapter.calls_made
    result = ListeningResult(posts=[], cursor=dict(cursor))
    try:
        horizon = parse_time(cursor.get("newest")) - timedelta(minutes=5)
    except ValueError:
        horizon = since
    user_id = str(adapter.connection.account_id)
    params = {"fields": IG_MEDIA_FIELDS + ",username", "limit": str(IG_PAGE_SIZE)}
    first = adapter.client.get(f"{user_id}/tags", params)
    newest = None
    for page in adapter.client.pages(first):
        older = False
        for raw in adapter.items_of(page):
            post = _ig_post(raw)
            if post is None:
                adapter.skip(result.skipped, raw, "media without an id or a readable time")
                continue
            newest = max(newest, post.published_at) if newest else post.published_at
            if post.published_at < horizon:
                older = True
                continue
            result.posts.append(post)
        if older:
            break
    if newest is not None:
        result.cursor["newest"] = newest.isoformat()
    result.calls = adapter.calls_made - calls_before
    return result


def _ig_post(raw: object) -> PublicPost | None:
    if not isinstance(raw, dict) or not raw.get("id"):
        return None
    try:
        published = parse_time(raw.get("timestamp"))
    except ValueError:
        return None
    username = raw.get("username")
    return PublicPost(
        external_id=str(raw["id"]),
        text=str(raw.get("caption") or ""),
        author_id=None,
        # Hashtag media carry no author: the API does not name who posted them.
        author_name=f"@{username}" if username else None,
        url=raw.get("permalink") if isinstance(raw.get("permalink"), str) else None,
        published_at=published,
        likes=_count(raw.get("like_count")),
        comments=_count(raw.get("comments_count")),
    )


# -- YouTube ----------------------------------------------------------------------------------


def search_youtube(adapter, query: str, cursor: dict | None, *, since: datetime) -> ListeningResult:
    """Videos matching `query` published after the cursor's time (or `since`), newest first:
    one search.list call (up to 50 videos), then one videos.list call for their statistics."""
    cursor = cursor if isinstance(cursor, dict) else {}
    calls_before = adapter.calls_made
    units_before = adapter.quota_units
    searches_before = adapter.search_calls
    result = ListeningResult(posts=[], cursor=dict(cursor))
    try:
        after = parse_time(cursor.get("published_after"))
    except ValueError:
        after = since
    params = {
        "part": "snippet",
        "q": query,
        "type": "video",
        "order": "date",
        "publishedAfter": format_rfc3339(after),
        "maxResults": str(YOUTUBE_SEARCH_PAGE),
    }
    page = adapter._request("GET", "search", params=params)
    found: dict[str, dict] = {}
    for raw in adapter._items(page):
        video_id = _dict(_dict(raw).get("id")).get("videoId")
        if not video_id:
            adapter.skip(result.skipped, raw, "search result without a video id")
            continue
        found[str(video_id)] = _dict(_dict(raw).get("snippet"))
    statistics: dict[str, dict] = {}
    if found:
        videos = adapter._request(
            "GET", "videos", params={"part": "statistics", "id": ",".join(found)}
        )
        for raw in adapter._items(videos):
            if isinstance(raw, dict) and raw.get("id"):
                statistics[str(raw["id"])] = _dict(raw.get("statistics"))
    newest = None
    for video_id, snippet in found.items():
        try:
            published = parse_time(snippet.get("publishedAt"))
        except ValueError:
            adapter.skip(result.skipped, snippet, "search result without a readable time")
            continue
        newest = max(newest, published) if newest else published
        stats = statistics.get(video_id, {})
        title = str(snippet.get("title") or "")
        description = str(snippet.get("description") or "")
        result.posts.append(
            PublicPost(
                external_id=video_id,
                text="\n".join(part for part in (title, description) if part),
                author_id=snippet.get("channelId"),
                author_name=snippet.get("channelTitle"),
                url=YOUTUBE_WEB + video_id,
                published_at=published,
                likes=_count(stats.get("likeCount")),
                comments=_count(stats.get("commentCount")),
                views=_count(stats.get("viewCount")),
            )
        )
    if newest is not None:
        # publishedAfter is inclusive of nothing before it: keep the newest time as the bound,
        # the unique (stream, id) key drops the video found again at that very second.
        result.cursor["published_after"] = newest.isoformat()
    result.calls = adapter.calls_made - calls_before
    result.quota_units = adapter.quota_units - units_before
    result.search_calls = adapter.search_calls - searches_before
    return result
