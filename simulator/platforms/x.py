"""X API v2 imitation: a user's mentions and own tweets with token paging, posting replies,
hiding replies, deleting own tweets, user lookups, and per-endpoint rate limits with the
`x-rate-limit-*` headers and 429 problem bodies.

Strict where X is: unknown query parameters and field names are rejected, `max_results` must be
5–100, only the newest 800 mentions can be reached, a reply can only be hidden in a
conversation the account started, only the account's own tweets can be deleted, and the same
text twice is refused as duplicate content. Tweet ids are increasing, snowflake-like strings.

Field names follow config `x_fields_naming`. "post" is the current specification (OpenAPI 2.168,
https://docs.x.com/x-api/users/get-users-by-usernames.md): `post.fields` without `author_id`,
`in_reply_to_user_id` and `referenced_posts`, which are expansions; answers carry
`referenced_posts` and `edit_history_post_ids`, user metrics `post_count`. "tweet" is the
older documents' `tweet.fields` / `referenced_tweets` / `edit_history_tweet_ids`. Only the
configured flavour's names are accepted.

A reply (POST /2/tweets with `reply`) is refused with X's 403 unless the post answered mentions
the account or is the account's own (X's rule since 2026-02-24: programmatic replies only where
the author mentioned or quoted you). A mention names the account in its text; the mentions
timeline lists only those.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from ..faults import Fault
from ..state import Account, Comment, Post, SimError, post_figures
from ..timefmt import parse_time, x_time
from ..wire import Request, Response, json_response
from . import listening
from .base import Abort, PlatformAPI, decode_token, encode_token, paginate
from .errors import invalid_request

NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"

TWEET_FIELDS = {
    "article", "attachments", "author_id", "card_uri", "community_id", "context_annotations",
    "conversation_id", "created_at", "display_text_range", "edit_controls",
    "edit_history_tweet_ids", "entities", "geo", "id", "in_reply_to_user_id", "lang",
    "media_metadata", "non_public_metrics", "note_tweet", "organic_metrics",
    "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
    "reply_settings", "scopes", "source", "text", "withheld",
}  # fmt: skip
USER_FIELDS = {
    "affiliation", "connection_status", "created_at", "description", "entities", "id",
    "is_identity_verified", "location", "most_recent_tweet_id", "name", "parody",
    "pinned_tweet_id", "profile_banner_url", "profile_image_url", "protected",
    "public_metrics", "receives_your_dm", "subscription", "subscription_type", "url",
    "username", "verified", "verified_followers_count", "verified_type", "withheld",
}  # fmt: skip
EXPANSIONS = {
    "article.cover_media", "article.media_entities", "attachments.media_keys",
    "attachments.media_source_tweet", "attachments.poll_ids", "author_id",
    "edit_history_tweet_ids", "entities.mentions.username", "geo.place_id",
    "in_reply_to_user_id", "entities.note.mentions.username", "referenced_tweets.id",
    "referenced_tweets.id.author_id", "pinned_tweet_id", "most_recent_tweet_id",
}  # fmt: skip
# The current specification's names (OpenAPI 2.168: PostFieldsParameter, UserFieldsParameter,
# the Post expansions), https://docs.x.com/x-api/users/get-users-by-usernames.md.
POST_FIELDS = {
    "article", "article_title", "attachments", "card_uri", "community_id",
    "context_annotations", "conversation_id", "created_at", "display_text_range",
    "edit_controls", "entities", "geo", "id", "lang", "matched_media_notes", "media_metadata",
    "non_public_metrics", "note_post", "note_request_suggestions", "organic_metrics",
    "paid_partnership", "possibly_sensitive", "promoted_metrics", "public_metrics",
    "reply_settings", "scopes", "source", "suggested_source_links",
    "suggested_source_links_with_counts", "text", "withheld",
}  # fmt: skip
POST_USER_FIELDS = {
    "confirmed_email", "connection_status", "created_at", "description", "entities", "id",
    "is_identity_verified", "location", "name", "parody", "profile_banner_url",
    "profile_image_url", "protected", "public_metrics", "receives_your_dm", "subscriber_count",
    "subscribes_to_you", "subscription", "subscription_type", "url", "username", "verified",
    "verified_followers_count", "verified_type", "withheld",
}  # fmt: skip
POST_EXPANSIONS = {
    "attachments.media_keys", "attachments.media_source_tweet", "author_id",
    "edit_history_post_ids", "in_reply_to_user_id", "referenced_posts", "username",
    "affiliation", "most_recent_post_id", "pinned_post_id",
}  # fmt: skip
_OTHER_FIELDS = ("media.fields", "place.fields", "poll.fields")
_LIST_ONLY = {"since_id", "until_id", "max_results", "pagination_token", "start_time", "end_time"}


class Naming:
    """The parameter and field names of one flavour of the specification."""

    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        post = flavour == "post"
        self.fields_param = "post.fields" if post else "tweet.fields"
        self.fields = POST_FIELDS if post else TWEET_FIELDS
        self.user_fields = POST_USER_FIELDS if post else USER_FIELDS
        self.expansions = POST_EXPANSIONS if post else EXPANSIONS
        self.references = "referenced_posts" if post else "referenced_tweets"
        self.edit_history = "edit_history_post_ids" if post else "edit_history_tweet_ids"
        self.count_name = "post_count" if post else "tweet_count"
        self.lookup_params = {self.fields_param, "expansions", "user.fields", *_OTHER_FIELDS}
        self.list_params = self.lookup_params | _LIST_ONLY

    def wanted(self, fields: set[str], expansions: set[str]) -> set[str]:
        """The Post object's keys to answer with: the fields asked for, and in the current
        specification the ids behind the expansions asked for."""
        if self.flavour != "post":
            return fields
        return fields | {
            name
            for name in ("author_id", "in_reply_to_user_id", "referenced_posts")
            if name in expansions
        }


TWEET_BODY_KEYS = {
    "text", "reply", "quote_tweet_id", "media", "poll", "reply_settings", "geo",
    "for_super_followers_only", "direct_message_deep_link", "nullcast", "card_uri",
    "community_id", "made_with_ai", "paid_partnership", "share_with_followers",
}  # fmt: skip
MAX_TEXT = 280


# X's answer to a reply to a post whose author did not mention or quote the account.
REPLY_NOT_ALLOWED = (
    "Reply to this conversation is not allowed because you have not been mentioned or "
    "otherwise engaged by the author of the post you are replying to."
)


def mentions_account(tweet: Comment, account: Account) -> bool:
    """Whether a citizen's post names the account (replies carry the handle, as X writes
    them, unless the author took it out)."""
    return f"@{account.username}".lower() in tweet.text.lower()


def problem(status: int, title: str, detail: str, problem_type: str = "about:blank") -> Response:
    return json_response(
        status, {"title": title, "detail": detail, "type": problem_type, "status": status}
    )


def _forbidden(detail: str) -> Response:
    return problem(403, "Forbidden", detail)


def _tweet_not_found(tweet_id: str) -> Response:
    return problem(
        404, "Not Found Error", f"Could not find tweet with id: [{tweet_id}].", NOT_FOUND
    )


def _user_not_found(user_id: str) -> Response:
    # X answers a lookup of an unknown user with 200 and an errors list.
    return json_response(
        200,
        {
            "errors": [
                {
                    "value": user_id,
                    "detail": f"Could not find user with id: [{user_id}].",
                    "title": "Not Found Error",
                    "resource_type": "user",
                    "parameter": "id",
                    "resource_id": user_id,
                    "type": NOT_FOUND,
                }
            ]
        },
    )


class XAPI(PlatformAPI):
    family = "x"

    def naming(self) -> Naming:
        return Naming(self.world.config["x_fields_naming"])

    def authenticate(self, request: Request) -> Account | Response:
        account = self.world.account_by_token(request.bearer_token(), ("x",))
        if account is None:
            return problem(401, "Unauthorized", "Unauthorized")
        return account

    # --- rate limits -------------------------------------------------------------------------

    @staticmethod
    def _group(request: Request) -> str:
        """Rate limits are counted per endpoint, as on X."""
        segments = request.segments[1:]
        if segments[:1] == ["users"]:
            return f"users/{segments[2]}" if len(segments) > 2 else "users"
        if segments[1:] == ["search", "recent"]:
            return "search/recent"
        if len(segments) == 3:
            return "tweets/hidden"
        return f"tweets/{request.method}"

    def _window(self, account: Account, group: str) -> list[Any]:
        now = self.world.now().timestamp()
        key = (account.token, group)
        window = self.world.x_windows.get(key)
        if window is None or window[0] <= now:
            window = [now + self.world.config["x_rate_window_seconds"], 0]
            self.world.x_windows[key] = window
        return window

    def admit(self, request: Request, account: Account) -> Response | None:
        window = self._window(account, self._group(request))
        if window[1] >= self.world.config["x_rate_limit"]:
            return problem(429, "Too Many Requests", "Too Many Requests")
        window[1] += 1
        return None

    def decorate(
        self, response: Response, request: Request, account: Account, fault: Fault | None
    ) -> None:
        limit = self.world.config["x_rate_limit"]
        window = self._window(account, self._group(request))
        remaining = max(0, limit - window[1])
        reset = math.ceil(window[0])
        if fault is not None and fault.kind == "throttle":
            remaining = 0
            reset = math.ceil(self.world.now().timestamp() + fault.reset_after_seconds)
        response.set_header("x-rate-limit-limit", str(limit))
        response.set_header("x-rate-limit-remaining", str(remaining))
        response.set_header("x-rate-limit-reset", str(reset))

    def platform_fault(self, fault: Fault, request: Request, account: Account) -> Response:
        if fault.kind == "throttle":
            return problem(429, "Too Many Requests", "Too Many Requests")
        if fault.kind == "token_expired":
            return problem(401, "Unauthorized", "Unauthorized")
        return problem(503, "Service Unavailable", "Service Unavailable")

    def invalid_cursor(self) -> Response:
        return invalid_request(
            "The `pagination_token` query parameter value is not valid", "pagination_token", ""
        )

    def bad_request(self, message: str) -> Response:
        return invalid_request(message)

    # --- routing -----------------------------------------------------------------------------

    def route(self, request: Request, account: Account) -> Response:
        segments = request.segments[1:]
        method = request.method
        naming = self.naming()
        if segments[:1] == ["users"] and len(segments) in (2, 3) and method == "GET":
            user_id = account.id if segments[1] == "me" else segments[1]
            user = self.world.account("x", user_id)
            if len(segments) == 2:
                self._check_params(request, naming.lookup_params)
                if user is None:
                    return _user_not_found(user_id)
                fields = self._field_set(request, "user.fields", naming.user_fields)
                return json_response(200, {"data": self._user_json(user, fields)})
            if segments[2] in ("mentions", "tweets"):
                allowed = naming.list_params | ({"exclude"} if segments[2] == "tweets" else set())
                self._check_params(request, allowed)
                if user is None:
                    return _user_not_found(user_id)
                return self._timeline(request, account, user, mentions=segments[2] == "mentions")
        if segments in (["tweets", "search", "recent"], ["posts", "search", "recent"]):
            if method != "GET":
                return problem(405, "Method Not Allowed", f"{method} is not allowed here")
            return listening.x_search(self, request, account)
        if segments == ["tweets"] and method == "POST":
            return self._create(request, account)
        if segments == ["tweets"] and method == "GET":
            return self._lookup_many(request)
        if segments[:1] == ["tweets"] and len(segments) == 2 and method == "GET":
            self._check_params(request, naming.lookup_params)
            tweet = self._tweet(segments[1])
            if tweet is None or not tweet.visible(self.world.now()):
                return _tweet_not_found(segments[1])
            fields = self._field_set(request, naming.fields_param, naming.fields)
            expansions = self._field_set(request, "expansions", naming.expansions)
            return json_response(
                200, {"data": self._tweet_json(tweet, naming.wanted(fields, expansions))}
            )
        if segments[:1] == ["tweets"] and len(segments) == 2 and method == "DELETE":
            return self._delete(account, segments[1])
        if segments[:1] == ["tweets"] and len(segments) == 3 and segments[2] == "hidden":
            if method != "PUT":
                return problem(405, "Method Not Allowed", f"{method} is not allowed here")
            return self._hide(request, account, segments[1])
        return problem(404, "Not Found Error", f"No resource at {request.path}", NOT_FOUND)

    def _lookup_many(self, request: Request) -> Response:
        """Post lookup by ids (GET /2/tweets?ids=, 1 to 100 ids): the posts found in `data`,
        the others as "Not Found Error" entries in `errors`
        (https://docs.x.com/x-api/posts/post-lookup-by-post-ids)."""
        naming = self.naming()
        self._check_params(request, naming.lookup_params | {"ids"})
        ids = [item for item in (request.query.get("ids") or "").split(",") if item]
        if not ids or len(ids) > 100 or not all(item.isdigit() for item in ids):
            return invalid_request(
                "The `ids` query parameter value must be 1 to 100 post ids.",
                "ids",
                request.query.get("ids"),
            )
        fields = self._field_set(request, naming.fields_param, naming.fields)
        expansions = self._field_set(request, "expansions", naming.expansions)
        data, errors = [], []
        now = self.world.now()
        for tweet_id in ids:
            tweet = self._tweet(tweet_id)
            if tweet is None or not tweet.visible(now):
                errors.append(
                    {
                        "value": tweet_id,
                        "detail": f"Could not find post with ids: [{tweet_id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": "ids",
                        "resource_id": tweet_id,
                        "type": NOT_FOUND,
                    }
                )
                continue
            data.append(self._tweet_json(tweet, naming.wanted(fields, expansions)))
        body: dict[str, Any] = {}
        if data:
            body["data"] = data
        if errors:
            body["errors"] = errors
        return json_response(200, body)

    @staticmethod
    def _check_params(request: Request, allowed: set[str]) -> None:
        for name, value in request.query.items():
            if name not in allowed:
                raise Abort(
                    invalid_request(
                        f"The query parameter [{name}] is not one of [{','.join(sorted(allowed))}]",
                        name,
                        value,
                    )
                )

    @staticmethod
    def _field_set(request: Request, name: str, known: set[str]) -> set[str]:
        value = request.query.get(name)
        if value is None:
            return set()
        chosen = {part.strip() for part in value.split(",")}
        for item in sorted(chosen):
            if item not in known:
                raise Abort(
                    invalid_request(
                        f"The `{name}` query parameter value [{item}] is not one of "
                        f"[{','.join(sorted(known))}]",
                        name,
                        item,
                    )
                )
        return chosen

    def _tweet(self, tweet_id: str) -> Post | Comment | None:
        return self.world.find_comment("x", tweet_id) or self.world.find_post("x", tweet_id)

    # --- reading -----------------------------------------------------------------------------

    def _user_json(self, account: Account, fields: set[str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": account.id,
            "name": account.name,
            "username": account.username,
        }
        own_tweets = sum(
            1 for post in self.world.posts["x"].values() if post.account_id == account.id
        )
        extra = {
            "created_at": x_time(account.created - timedelta(days=3000)),
            "description": f"{account.name}s officielle konto",
            "protected": False,
            "verified": False,
            "verified_type": "none",
            "public_metrics": {
                "followers_count": account.followers,
                "following_count": 150,
                self.naming().count_name: own_tweets,
                "listed_count": 12,
                "like_count": 0,
            },
        }
        data.update({name: value for name, value in extra.items() if name in fields})
        return data

    def _author_json(self, author_id: str, name: str, username: str, fields: set[str]) -> dict:
        # A citizen's figures are made up but stable, derived from the id.
        seed = int(author_id) % 997
        data: dict[str, Any] = {"id": author_id, "name": name, "username": username}
        extra = {
            "protected": False,
            "verified": False,
            "public_metrics": {
                "followers_count": seed,
                "following_count": seed // 2 + 10,
                self.naming().count_name: seed * 3,
                "listed_count": 0,
                "like_count": seed * 5,
            },
        }
        data.update({key: value for key, value in extra.items() if key in fields})
        return data

    def _author_of(self, tweet: Post | Comment) -> tuple[str, str, str]:
        if tweet.author is not None:
            return tweet.author.id, tweet.author.name, tweet.author.username
        account = self.world.account("x", tweet.account_id)
        return account.id, account.name, account.username

    def _public_metrics(self, tweet: Post | Comment) -> dict[str, int]:
        """Counts that grow with an own post's age (state.post_figures); citizens' posts and
        our replies keep zeros."""
        naming = self.naming()
        now = self.world.now()
        figures = (
            post_figures(tweet, now)
            if isinstance(tweet, Post) and tweet.own
            else dict.fromkeys(("impressions", "reactions", "shares", "saved"), 0)
        )
        replies = (
            sum(
                1
                for comment in self.world.comments["x"].values()
                if comment.post_id == tweet.id and comment.visible(now)
            )
            if isinstance(tweet, Post)
            else 0
        )
        return {
            # PostPublicMetrics in the current specification says repost_count.
            "repost_count" if naming.flavour == "post" else "retweet_count": figures["shares"],
            "reply_count": replies,
            "like_count": figures["reactions"],
            "quote_count": figures["shares"] // 4,
            "bookmark_count": figures["saved"],
            "impression_count": figures["impressions"],
        }

    def _tweet_json(self, tweet: Post | Comment, fields: set[str]) -> dict[str, Any]:
        naming = self.naming()
        data: dict[str, Any] = {
            "id": tweet.id,
            "text": tweet.text,
            naming.edit_history: [tweet.id],
        }
        reply_to_id = tweet.reply_to_id if isinstance(tweet, Comment) else None
        conversation = tweet.post_id if isinstance(tweet, Comment) else tweet.id
        replied = self._tweet(reply_to_id) if reply_to_id else None
        values: dict[str, Any] = {
            "author_id": self._author_of(tweet)[0],
            "created_at": x_time(tweet.created),
            "conversation_id": conversation,
            "lang": "da",
            "possibly_sensitive": False,
            "reply_settings": "everyone",
            "public_metrics": self._public_metrics(tweet),
        }
        if replied is not None:
            values["in_reply_to_user_id"] = self._author_of(replied)[0]
            values[naming.references] = [{"type": "replied_to", "id": reply_to_id}]
        mentions = []
        for account in self.world.accounts_for("x"):
            handle = f"@{account.username}"
            start = tweet.text.lower().find(handle.lower())
            if start >= 0:
                mentions.append(
                    {
                        "start": start,
                        "end": start + len(handle),
                        "username": account.username,
                        "id": account.id,
                    }
                )
        if mentions:
            values["entities"] = {"mentions": mentions}
        data.update({name: value for name, value in values.items() if name in fields})
        return data

    def _id_param(self, request: Request, name: str) -> int | None:
        value = request.query.get(name)
        if value in (None, ""):
            return None
        if not value.isdigit():
            raise Abort(
                invalid_request(
                    f"The `{name}` query parameter value [{value}] is not valid", name, value
                )
            )
        return int(value)

    def _time_param(self, request: Request, name: str) -> datetime | None:
        value = request.query.get(name)
        if value in (None, ""):
            return None
        try:
            return parse_time(value)
        except (ValueError, OverflowError, OSError) as exc:
            raise Abort(
                invalid_request(
                    f"Invalid '{name}':'{value}'. '{name}' must be a valid RFC 3339 date",
                    name,
                    value,
                )
            ) from exc

    def _timeline(
        self, request: Request, account: Account, user: Account, *, mentions: bool
    ) -> Response:
        raw_max = request.query.get("max_results") or "10"
        if not raw_max.isdigit() or not 5 <= int(raw_max) <= 100:
            return invalid_request(
                f"The `max_results` query parameter value [{raw_max}] is not between 5 and 100",
                "max_results",
                raw_max,
            )
        max_results = int(raw_max)
        naming = self.naming()
        tweet_fields = self._field_set(request, naming.fields_param, naming.fields)
        user_fields = self._field_set(request, "user.fields", naming.user_fields)
        expansions = self._field_set(request, "expansions", naming.expansions)
        tweet_fields = naming.wanted(tweet_fields, expansions)
        since_id = self._id_param(request, "since_id")
        until_id = self._id_param(request, "until_id")
        start_time = self._time_param(request, "start_time")
        end_time = self._time_param(request, "end_time")
        token = request.query.get("pagination_token")
        bound = None
        if token:
            decoded = decode_token("x", token)
            if decoded is None or not decoded.isdigit():
                return invalid_request(
                    f"The `pagination_token` query parameter value [{token}] is not valid",
                    "pagination_token",
                    token,
                )
            bound = int(decoded)
        short = self.list_faults(account, has_cursor=bool(token))
        now = self.world.now()
        if mentions:
            tweets: list[Post | Comment] = [
                comment
                for comment in self.world.comments["x"].values()
                if comment.account_id == user.id
                and comment.author is not None
                and comment.visible(now)
                and mentions_account(comment, user)
            ]
            tweets.sort(key=lambda tweet: int(tweet.id), reverse=True)
            tweets = tweets[: self.world.config["x_mentions_reachable"]]
        else:
            excluded = set((request.query.get("exclude") or "").split(","))
            tweets = [
                post
                for post in self.world.posts["x"].values()
                if post.account_id == user.id and post.visible(now)
            ]
            if "replies" not in excluded:
                tweets += [
                    comment
                    for comment in self.world.comments["x"].values()
                    if comment.account_id == user.id and comment.own and not comment.deleted
                ]
            tweets.sort(key=lambda tweet: int(tweet.id), reverse=True)
        tweets = [
            tweet
            for tweet in tweets
            if (since_id is None or int(tweet.id) > since_id)
            and (until_id is None or int(tweet.id) < until_id)
            and (start_time is None or tweet.created >= start_time)
            and (end_time is None or tweet.created <= end_time)
        ]
        start = 0
        if bound is not None:
            start = next(
                (i for i, tweet in enumerate(tweets) if int(tweet.id) < bound), len(tweets)
            )
        page = paginate(tweets, start, max_results, short=short, full_page_has_next=True)
        body: dict[str, Any] = {}
        if page.items:
            body["data"] = [self._tweet_json(tweet, tweet_fields) for tweet in page.items]
            users = self._included_users(page.items, expansions, user_fields)
            if users:
                body["includes"] = {"users": users}
        meta: dict[str, Any] = {}
        if page.items:
            meta["newest_id"] = page.items[0].id
            meta["oldest_id"] = page.items[-1].id
        meta["result_count"] = len(page.items)
        if page.has_next:
            if page.items:
                next_bound = int(page.items[-1].id)
            elif start > 0:
                next_bound = int(tweets[start - 1].id)
            else:
                next_bound = int(tweets[0].id) + 1
            meta["next_token"] = encode_token("x", str(next_bound))
        body["meta"] = meta
        return json_response(200, body)

    def _included_users(
        self, tweets: list[Post | Comment], expansions: set[str], fields: set[str]
    ) -> list[dict[str, Any]]:
        wanted: dict[str, tuple[str, str, str]] = {}
        for tweet in tweets:
            if "author_id" in expansions:
                author = self._author_of(tweet)
                wanted.setdefault(author[0], author)
            if "in_reply_to_user_id" in expansions and isinstance(tweet, Comment):
                replied = self._tweet(tweet.reply_to_id) if tweet.reply_to_id else None
                if replied is not None:
                    author = self._author_of(replied)
                    wanted.setdefault(author[0], author)
        users = []
        for user_id, name, username in wanted.values():
            account = self.world.account("x", user_id)
            if account is not None:
                users.append(self._user_json(account, fields))
            else:
                users.append(self._author_json(user_id, name, username, fields))
        return users

    # --- writing -----------------------------------------------------------------------------

    def _create(self, request: Request, account: Account) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            return invalid_request("The request body must be a JSON object")
        for key in body:
            if key not in TWEET_BODY_KEYS:
                return invalid_request(f"$.{key}: is not defined in the schema")
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            return invalid_request("$.text: a non-empty text is required")
        if len(text) > MAX_TEXT:
            return _forbidden("Your Tweet text is too long.")
        reply = body.get("reply")
        target_id = None
        if reply is not None:
            target_id = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
            if not isinstance(target_id, str) or not target_id.isdigit():
                return invalid_request("$.reply.in_reply_to_tweet_id: must be a tweet id string")
            target = self._tweet(target_id)
            if target is None or target.deleted or target.account_id != account.id:
                return _forbidden(
                    "You attempted to reply to a Tweet that is deleted or not visible to you."
                )
            if (
                isinstance(target, Comment)
                and not target.own
                and not mentions_account(target, account)
            ):
                return _forbidden(REPLY_NOT_ALLOWED)
        if self._is_duplicate(account, text):
            return _forbidden("You are not allowed to create a Tweet with duplicate content.")
        try:
            if target_id is not None:
                tweet: Post | Comment = self.world.add_comment(
                    "x", account.id, text, author_name=None, parent_id=target_id
                )
            else:
                tweet = self.world.publish_post("x", account, text)
        except SimError as exc:
            return invalid_request(exc.message)
        self.world.record_action(
            "x",
            account.id,
            "reply" if target_id else "post",
            target_id or tweet.id,
            text=text,
            result_id=tweet.id,
        )
        return json_response(
            201, {"data": {"id": tweet.id, "text": text, self.naming().edit_history: [tweet.id]}}
        )

    def _is_duplicate(self, account: Account, text: str) -> bool:
        horizon = self.world.now() - timedelta(
            seconds=self.world.config["duplicate_window_seconds"]
        )
        own: list[Post | Comment] = [
            *self.world.posts["x"].values(),
            *(comment for comment in self.world.comments["x"].values() if comment.own),
        ]
        return any(
            tweet.account_id == account.id
            and not tweet.deleted
            and tweet.text.strip() == text.strip()
            and tweet.created >= horizon
            for tweet in own
        )

    def _hide(self, request: Request, account: Account, tweet_id: str) -> Response:
        body = request.json()
        hidden = body.get("hidden") if isinstance(body, dict) else None
        if not isinstance(hidden, bool):
            return invalid_request("$.hidden: must be a boolean")
        tweet = self.world.find_comment("x", tweet_id)
        if tweet is None or tweet.deleted:
            return _tweet_not_found(tweet_id)
        root = self.world.find_post("x", tweet.post_id)
        if tweet.own or tweet.reply_to_id is None or root is None or root.account_id != account.id:
            return _forbidden(
                "You can only hide or unhide replies in a conversation the account started."
            )
        tweet.hidden = hidden
        self.world.record_action("x", account.id, "hide" if hidden else "unhide", tweet.id)
        return json_response(200, {"data": {"hidden": hidden}})

    def _delete(self, account: Account, tweet_id: str) -> Response:
        tweet = self._tweet(tweet_id)
        if tweet is None or tweet.deleted:
            return _tweet_not_found(tweet_id)
        if tweet.author is not None or tweet.account_id != account.id:
            return _forbidden("You are not allowed to delete this Tweet.")
        if isinstance(tweet, Comment):
            self.world.delete_comment(tweet)
        else:
            tweet.deleted = True
        self.world.record_action("x", account.id, "delete", tweet.id)
        return json_response(200, {"data": {"deleted": True}})
