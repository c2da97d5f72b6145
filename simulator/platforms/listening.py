"""The platforms' listings of other people's public posts, as their documentation describes them
(sources in simulator/CONFORMANCE.md, "Listening"):

- X recent search, `GET /2/tweets/search/recent` (also answered at `/2/posts/search/recent`):
  `query` (plain words and #hashtags, all must match; `-word` excludes; `OR` between groups;
  operators with a colon such as `lang:da` or `-is:retweet` are accepted and not applied),
  `max_results` 10-100, `next_token`, `since_id`, the fields parameter of either naming with
  `public_metrics`, `expansions=author_id` with `includes.users`; `meta` with `newest_id`,
  `oldest_id`, `result_count`, `next_token`; an empty result is `{"meta": {"result_count": 0}}`.
- Instagram: `GET /{v}/ig_hashtag_search?user_id=&q=` → `{"data": [{"id"}]}`, at most 30
  unique hashtags per account in a rolling 7 days; `GET /{v}/{hashtag-id}/recent_media` (the
  last 24 hours, newest first) and `/top_media` (most liked and commented first) with `user_id`
  and `fields`, cursor paging; `GET /{v}/{ig-user-id}/tags`, media the account is tagged in.
- YouTube: `search.list` finds other channels' public videos too (see youtube.py), and
  `GET /youtube/v3/videos?part=statistics&id=a,b` gives their statistics as strings.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..state import Account, PublicPost
from ..timefmt import rfc3339
from ..wire import Request, Response, json_response, url_with
from .base import Abort, decode_token, encode_token
from .errors import graph_error, invalid_request

IG_FIELDS = {"id", "caption", "like_count", "comments_count", "permalink", "timestamp",
             "media_type", "media_url", "children", "username"}  # fmt: skip
IG_DEFAULT_LIMIT = 25
IG_MAX_LIMIT = 50
HASHTAG_LIMIT = 30
HASHTAG_WINDOW = timedelta(days=7)
RECENT_WINDOW = timedelta(hours=24)


# -- X ----------------------------------------------------------------------------------------


def _terms(query: str) -> list[tuple[list[str], list[str]]]:
    """The query as alternatives (split at OR), each (words that must appear, words that must
    not). Operators with a colon are left out."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for word in query.split():
        if word == "OR":
            groups.append(([], []))
            continue
        if ":" in word:
            continue
        word = word.strip('()"').lower()
        if not word or word == "-":
            continue
        if word.startswith("-"):
            groups[-1][1].append(word[1:])
        else:
            groups[-1][0].append(word)
    return [group for group in groups if group[0] or group[1]]


def matches(query: str, text: str) -> bool:
    text = text.lower()
    return any(
        all(word in text for word in wanted) and not any(word in text for word in unwanted)
        for wanted, unwanted in _terms(query)
    )


def x_search(api, request: Request, account: Account) -> Response:

    naming = api.naming()
    allowed = naming.lookup_params | {
        "query", "max_results", "next_token", "since_id", "until_id", "start_time", "end_time",
        "sort_order", "pagination_token",
    }  # fmt: skip
    api._check_params(request, allowed)
    query = request.query.get("query") or ""
    if not query.strip():
        return invalid_request("The `query` query parameter can not be empty", "query", "")
    if len(query) > 512:
        return invalid_request(
            "The `query` query parameter value must be at most 512 characters", "query", query
        )
    raw_max = request.query.get("max_results") or "10"
    if not raw_max.isdigit() or not 10 <= int(raw_max) <= 100:
        return invalid_request(
            f"The `max_results` query parameter value [{raw_max}] is not between 10 and 100",
            "max_results",
            raw_max,
        )
    limit = int(raw_max)
    since_id = api._id_param(request, "since_id")
    fields = api._field_set(request, naming.fields_param, naming.fields | {"public_metrics"})
    expansions = api._field_set(request, "expansions", naming.expansions | {"author_id"})
    user_fields = api._field_set(request, "user.fields", naming.user_fields)
    world = api.world
    now = world.now()
    posts = [
        post
        for post in world.public_posts["x"].values()
        if post.created >= now - timedelta(days=7)
        and (since_id is None or int(post.id) > since_id)
        and matches(query, post.text)
    ]
    posts.sort(key=lambda post: int(post.id), reverse=True)
    token = request.query.get("next_token") or request.query.get("pagination_token")
    start = 0
    if token:
        decoded = decode_token("xsearch", token)
        if decoded is None or not decoded.isdigit():
            return invalid_request(
                "The `next_token` query parameter value is not valid", "next_token", token
            )
        start = int(decoded)
    page = posts[start : start + limit]
    if not posts:
        return json_response(200, {"meta": {"result_count": 0}})
    data = []
    for post in page:
        item: dict[str, Any] = {
            "id": post.id,
            "text": post.text,
            naming.edit_history: [post.id],
        }
        if "created_at" in fields:
            item["created_at"] = rfc3339(post.created)
        if "author_id" in fields or "author_id" in expansions:
            item["author_id"] = post.author.id
        if "public_metrics" in fields:
            item["public_metrics"] = {
                "retweet_count": post.shares,
                "reply_count": post.comments,
                "like_count": post.likes,
                "quote_count": 0,
                "bookmark_count": 0,
                "impression_count": post.views,
            }
        data.append(item)
    body: dict[str, Any] = {"data": data}
    if "author_id" in expansions:
        users = []
        for author in {post.author.id: post.author for post in page}.values():
            user = {"id": author.id, "name": author.name, "username": author.username}
            users.append(
                {
                    key: value
                    for key, value in user.items()
                    if key in {"id", "name", "username"} | user_fields
                }
            )
        body["includes"] = {"users": users}
    meta: dict[str, Any] = {"result_count": len(page)}
    if page:
        meta["newest_id"] = page[0].id
        meta["oldest_id"] = page[-1].id
    if start + limit < len(posts):
        meta["next_token"] = encode_token("xsearch", str(start + limit))
    body["meta"] = meta
    return json_response(200, body)


# -- Instagram --------------------------------------------------------------------------------


def _graph_error(message: str, code: int = 100, subcode: int | None = None) -> Response:

    return graph_error(400, message, code, subcode)


def _ig_user(api, request: Request, account: Account) -> Account:
    user_id = request.query.get("user_id")
    if not user_id:
        raise Abort(_graph_error("(#100) The parameter user_id is required"))
    user = api.world.account("instagram", user_id)
    if user is None or user is not account:
        raise Abort(
            _graph_error(
                f"(#100) Tried accessing nonexisting field (user_id) for {user_id}", 100, 33
            )
        )
    return user


def hashtag_search(api, request: Request, account: Account) -> Response:
    user = _ig_user(api, request, account)
    name = (request.query.get("q") or "").strip().lstrip("#").lower()
    if not name:
        return _graph_error("(#100) The parameter q is required")
    world = api.world
    now = world.now()
    searched = world.hashtag_searches[user.id]
    for tag, first in list(searched.items()):
        if first <= now - HASHTAG_WINDOW:
            del searched[tag]
    if name not in searched:
        if len(searched) >= HASHTAG_LIMIT:
            # Meta documents the limit, not the error's code: a stand-in (CONFORMANCE.md).
            return _graph_error(
                "(#100) You have reached the maximum of 30 unique hashtags "
                "searched in a 7 day period",
            )
        searched[name] = now
    return json_response(200, {"data": [{"id": world.hashtag_id(name)}]})


def _limit(request: Request) -> int:
    value = request.query.get("limit")
    if value in (None, ""):
        return IG_DEFAULT_LIMIT
    if not value.isdigit() or int(value) < 1:
        raise Abort(_graph_error(f"(#100) Param limit must be a positive number, got {value}"))
    return min(int(value), IG_MAX_LIMIT)


def _fields(request: Request) -> set[str]:
    value = request.query.get("fields")
    chosen = {part.strip() for part in (value or "id").split(",") if part.strip()}
    unknown = sorted(chosen - IG_FIELDS)
    if unknown:
        raise Abort(
            _graph_error(
                f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (IGMedia)"
            )
        )
    return chosen | {"id"}


def _media(post: PublicPost, fields: set[str], *, with_username: bool) -> dict[str, Any]:
    values = {
        "id": post.id,
        "caption": post.text,
        "like_count": post.likes,
        "comments_count": post.comments,
        "permalink": f"https://www.instagram.com/p/{post.id[-11:]}/",
        "timestamp": post.created.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "media_type": "IMAGE",
        "media_url": f"https://scontent.cdninstagram.com/{post.id}.jpg",
    }
    if with_username:
        values["username"] = post.author.username
    return {key: value for key, value in values.items() if key in fields}


def _page(
    request: Request, posts: list[PublicPost], fields: set[str], *, with_username: bool, prefix: str
) -> Response:
    limit = _limit(request)
    start = 0
    after = request.query.get("after")
    if after:
        decoded = decode_token(prefix, after)
        if decoded is None or not decoded.isdigit():
            return _graph_error("(#100) The after cursor is not valid")
        start = int(decoded)
    page = posts[start : start + limit]
    body: dict[str, Any] = {"data": [_media(p, fields, with_username=with_username) for p in page]}
    if page:
        cursors = {
            "before": encode_token(prefix, str(start)),
            "after": encode_token(prefix, str(start + len(page))),
        }
        body["paging"] = {"cursors": cursors}
        if start + len(page) < len(posts):
            query = {k: v for k, v in request.query.items() if k != "after"}
            query["after"] = cursors["after"]
            body["paging"]["next"] = url_with(request.base_url, request.path, query)
    return json_response(200, body)


def hashtag_media(api, request: Request, account: Account, hashtag_id: str, edge: str) -> Response:
    _ig_user(api, request, account)
    world = api.world
    name = world.hashtag_by_id(hashtag_id)
    if name is None:
        return _graph_error(
            f"(#100) Unsupported get request. Object with ID '{hashtag_id}' does not exist", 100, 33
        )
    fields = _fields(request)
    if "username" in fields:
        return _graph_error(
            "(#100) Tried accessing nonexisting field (username) on node type (IGMedia)"
        )
    now = world.now()
    posts = [post for post in world.public_posts["instagram"].values() if name in post.hashtags()]
    if edge == "recent_media":
        posts = [post for post in posts if post.created >= now - RECENT_WINDOW]
        posts.sort(key=lambda post: (post.created, post.seq), reverse=True)
    else:
        posts.sort(key=lambda post: (post.likes + post.comments, post.seq), reverse=True)
    return _page(request, posts, fields, with_username=False, prefix=f"{edge}:{hashtag_id}")


def tags(api, request: Request, account: Account) -> Response:
    fields = _fields(request)
    posts = [
        post for post in api.world.public_posts["instagram"].values() if account.id in post.tagged
    ]
    posts.sort(key=lambda post: (post.created, post.seq), reverse=True)
    return _page(request, posts, fields, with_username=True, prefix=f"tags:{account.id}")
