"""X (API v2) adapter: mentions of the account, replies, hiding replies, account figures.

Mentions are read by time, not by `since_id`: a post can become readable after a newer one was
already read (read-after-write lag), and it keeps its older id, which `since_id` would pass
over for good. So each fetch asks for `start_time` = the watermark minus the overlap window
(`overlap_minutes`, default 5) and drops the ids it has already seen there; the watermark moves
only with the stored batch. The cursor holds that watermark, never a pagination token. (A
cursor from the `since_id` days is read once with its `since_id`, then replaced.)

Field names come in two flavours, chosen by `extra["fields_naming"]`. The current v2
specification (OpenAPI 2.168, https://docs.x.com/x-api/users/get-users-by-usernames.md) names the
Post fields parameter `post.fields`, carries `author_id`, `in_reply_to_user_id` and
`referenced_posts` as expansions rather than fields, and answers with `referenced_posts` and
`edit_history_post_ids`: that is "post", the default. Older documents and the guides' examples
(https://docs.x.com/x-api/posts/timelines/quickstart/user-mention-quickstart) use `tweet.fields`
and `referenced_tweets`: that is "tweet". Answers are read in either shape whatever was sent.

X takes a reply only to a post that mentioned or quoted the account (since 2026-02-24); a
refused reply raises `ActionNotAllowedError` (see `classify_x_error`).

Call budget per poll cycle: 1 mentions call when nothing is new (the overlap window's few
mentions fit on the first page), +1 per further page of 100 mentions.
"""

from __future__ import annotations

from datetime import datetime

from .base import (
    AccountFigures,
    Capabilities,
    ChannelConnection,
    FetchedItem,
    FetchResult,
    OwnPostFigures,
    PlatformAdapter,
    SkippedRecord,
    WriteResult,
    count_or_none,
)
from .classify import classify_x_error
from .errors import BadDataError, WriteRejectedError
from .http import BearerJsonTransport, further_page
from .timeutil import format_rfc3339, optional_time, parse_time
from .usage import x_usage
from .watermark import Watermark

# What a mention needs, per flavour of field names: (fields parameter, its value, expansions).
FIELD_NAMINGS = {
    "post": (
        "post.fields",
        "created_at,conversation_id",
        "author_id,in_reply_to_user_id,referenced_posts",
    ),
    "tweet": (
        "tweet.fields",
        "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets",
        "author_id",
    ),
}
DEFAULT_FIELDS_NAMING = "post"
PAGE_SIZE = 100
X_WEB = "https://x.com"


class XAdapter(BearerJsonTransport, PlatformAdapter):
    """Adapter for one X account; `account_id` is the numeric user id, `token` an OAuth 2.0 user
    token with tweet.read, tweet.write, users.read and tweet.moderate.write."""

    platform = "x"
    post_figures = frozenset({"impressions", "reactions", "comments", "shares"})
    api_prefix = "2"
    capabilities = Capabilities(
        reply=True,
        reply_to_replies=True,
        hide=True,
        unhide=True,
        delete=False,
        hide_means="a hidden reply; only replies in conversations the account started",
        publish=True,
        publish_means="a post on the account's timeline",
        post_max_length=280,
        post_url_length=23,
    )

    def __init__(self, connection: ChannelConnection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        self.user_id = str(connection.account_id)
        naming = str((connection.extra or {}).get("fields_naming") or DEFAULT_FIELDS_NAMING)
        if naming not in FIELD_NAMINGS:
            raise ValueError(
                f"unknown X fields naming {naming!r}; expected one of {', '.join(FIELD_NAMINGS)}"
            )
        self.fields_param, self.post_fields, self.post_expansions = FIELD_NAMINGS[naming]
        self.open_session(connection)

    # -- transport -----------------------------------------------------------------------

    def after_response(self, decoded) -> None:
        self.last_usage = x_usage(decoded.headers)

    def classify_failure(self, failed, *, write):
        return classify_x_error(
            status=failed.status,
            body=failed.body,
            now=self.clock(),
            usage=self.last_usage,
            headers=failed.headers,
            text=failed.text,
            write=write,
        )

    # -- reading -------------------------------------------------------------------------

    def fetch_new(self, cursor: dict | None, since: datetime) -> FetchResult:
        now = self.clock()
        cursor = cursor if isinstance(cursor, dict) else {}
        calls_before = self.calls_made
        mark = Watermark.load(cursor.get("mentions"), since=since, overlap=self.overlap)
        params = {
            "max_results": str(PAGE_SIZE),
            self.fields_param: self.post_fields,
            "expansions": self.post_expansions,
            "user.fields": "username,name",
        }
        legacy_since_id = cursor.get("since_id") if mark.time is None else None
        if legacy_since_id:
            params["since_id"] = str(legacy_since_id)
        else:
            params["start_time"] = format_rfc3339(mark.cutoff)

        found: dict[str, FetchedItem] = {}
        skipped: list[SkippedRecord] = []
        while True:
            with further_page("pagination_token" in params):
                page = self._request("GET", f"users/{self.user_id}/mentions", params=params)
            meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
            data = page.get("data", [])
            if not isinstance(data, list):
                raise BadDataError("mentions without a data list", platform=self.platform, raw=page)
            users = self._users(page)
            for raw in data:
                item = self._mention_item(raw, users, skipped)
                if item is not None:
                    self.keep_if_new(item, mark, found)
            # A 200 can carry partial errors (a deleted author, a withheld post): keep the data,
            # record each error so nothing disappears without a trace.
            for error in page.get("errors") or []:
                reason = "partial error"
                if isinstance(error, dict):
                    reason = str(error.get("title") or error.get("detail") or reason)
                self.skip(skipped, error, reason)
            next_token = meta.get("next_token")
            if not next_token:
                break
            params = {**params, "pagination_token": str(next_token)}

        return self.result(
            found, {"mentions": self.advanced(mark, found, now)}, calls_before, skipped
        )

    @staticmethod
    def _users(page: dict) -> dict[str, dict]:
        includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
        users = includes.get("users") if isinstance(includes.get("users"), list) else []
        return {str(user["id"]): user for user in users if isinstance(user, dict) and "id" in user}

    def _mention_item(
        self, raw: object, users: dict[str, dict], skipped: list[SkippedRecord]
    ) -> FetchedItem | None:
        if not isinstance(raw, dict) or not raw.get("id"):
            self.skip(skipped, raw, "post without an id")
            return None
        try:
            created = parse_time(raw.get("created_at"))
        except ValueError:
            self.skip(skipped, raw, "post without a readable created_at")
            return None
        author_id = str(raw["author_id"]) if raw.get("author_id") else None
        user = users.get(author_id or "", {})
        username = user.get("username")
        parent = next(iter(_replied_to(raw)), None)
        tweet_id = str(raw["id"])
        permalink = (
            f"{X_WEB}/{username}/status/{tweet_id}" if username else f"{X_WEB}/i/status/{tweet_id}"
        )
        return FetchedItem(
            external_id=tweet_id,
            kind="mention",
            text=str(raw.get("text") or ""),
            author_id=author_id,
            author_name=f"@{username}" if username else user.get("name"),
            parent_external_id=parent,
            thread_external_id=str(raw.get("conversation_id") or tweet_id),
            permalink=permalink,
            created_at=created,
            from_account=author_id == self.user_id,
            raw=raw,
        )

    # -- figures and health --------------------------------------------------------------

    def fetch_account_figures(self, start: datetime, end: datetime) -> AccountFigures:
        user = self._request(
            "GET", f"users/{self.user_id}", params={"user.fields": "public_metrics"}
        )
        data = user.get("data") if isinstance(user.get("data"), dict) else {}
        metrics = data.get("public_metrics") if isinstance(data.get("public_metrics"), dict) else {}
        followers = metrics.get("followers_count")
        params = {
            "start_time": format_rfc3339(start),
            "end_time": format_rfc3339(end),
            "max_results": str(PAGE_SIZE),
            # Answers to citizens and reposts are not the account's own publishing.
            "exclude": "replies,retweets",
            self.fields_param: "created_at",
        }
        count = 0
        while True:
            page = self._request("GET", f"users/{self.user_id}/tweets", params=params)
            data = page.get("data", [])
            count += len(data) if isinstance(data, list) else 0
            meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
            if not meta.get("next_token"):
                break
            params = {**params, "pagination_token": str(meta["next_token"])}
        return AccountFigures(
            followers=followers if isinstance(followers, int) else None,
            posts_in_period=count,
            period_start=start,
            period_end=end,
        )

    def fetch_own_posts(self, since: datetime) -> list[OwnPostFigures]:
        params = {
            "start_time": format_rfc3339(since),
            "max_results": str(PAGE_SIZE),
            "exclude": "replies,retweets",
            self.fields_param: OWN_POST_FIELDS,
        }
        found = []
        while True:
            page = self._request("GET", f"users/{self.user_id}/tweets", params=params)
            found += [own_post_figures(raw) for raw in _data_list(page)]
            meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
            if not meta.get("next_token"):
                return found
            params = {**params, "pagination_token": str(meta["next_token"])}

    def fetch_post_figures(self, external_ids: list[str]) -> list[OwnPostFigures]:
        # Post lookup by ids, up to 100 a request; a deleted post comes back in `errors`.
        found = []
        for first in range(0, len(external_ids), PAGE_SIZE):
            chunk = external_ids[first : first + PAGE_SIZE]
            page = self._request(
                "GET",
                "tweets",
                params={"ids": ",".join(chunk), self.fields_param: OWN_POST_FIELDS},
            )
            found += [own_post_figures(raw) for raw in _data_list(page)]
        return found

    def test_connection(self) -> dict:
        user = self._request(
            "GET", f"users/{self.user_id}", params={"user.fields": "username,name"}
        )
        data = user.get("data") if isinstance(user.get("data"), dict) else {}
        return {
            "ok": True,
            "account_id": str(data.get("id", self.user_id)),
            "name": data.get("name"),
            "username": data.get("username"),
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
        result = self._request(
            "POST",
            "tweets",
            json_body={"text": text, "reply": {"in_reply_to_tweet_id": target_external_id}},
            write=True,
        )
        data = result.get("data") if isinstance(result.get("data"), dict) else {}
        if not data.get("id"):
            raise BadDataError(
                "the reply was accepted without an id", platform=self.platform, raw=result
            )
        return WriteResult(external_id=str(data["id"]), raw=result)

    def find_own_reply(
        self,
        target_external_id: str,
        text: str,
        *,
        kind: str = "comment",
        thread_external_id: str | None = None,
    ) -> WriteResult | None:
        page = self._request(
            "GET",
            f"users/{self.user_id}/tweets",
            params={
                "max_results": str(PAGE_SIZE),
                self.fields_param: self.post_fields,
                "expansions": self.post_expansions,
            },
        )
        for raw in page.get("data") or []:
            if not isinstance(raw, dict):
                continue
            replied_to = set(_replied_to(raw))
            # X prefixes the text of a reply with the @handles it answers; drop them.
            own_text = " ".join(
                word for word in str(raw.get("text") or "").split() if not word.startswith("@")
            )
            plain = " ".join(word for word in text.split() if not word.startswith("@"))
            if target_external_id in replied_to and self.is_own_text(own_text, plain):
                return WriteResult(external_id=str(raw.get("id")), raw=raw)
        return None

    def _send_post(self, text: str, *, link: str = "", image=None) -> WriteResult:
        # The link is already in the text (see platforms.post_rules); pictures are not offered.
        result = self._request("POST", "tweets", json_body={"text": text}, write=True)
        data = result.get("data") if isinstance(result.get("data"), dict) else {}
        if not data.get("id"):
            raise BadDataError(
                "the post was accepted without an id", platform=self.platform, raw=result
            )
        return WriteResult(external_id=str(data["id"]), raw=result)

    def find_own_post(self, text: str, *, since: datetime) -> WriteResult | None:
        params = {
            "start_time": format_rfc3339(since),
            "max_results": str(PAGE_SIZE),
            "exclude": "replies,retweets",
            self.fields_param: "created_at",
        }
        while True:
            page = self._request("GET", f"users/{self.user_id}/tweets", params=params)
            for raw in page.get("data") or []:
                if not isinstance(raw, dict) or not raw.get("id"):
                    continue
                if self.is_own_text(str(raw.get("text") or ""), text):
                    return WriteResult(external_id=str(raw["id"]), raw=raw)
            meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
            if not meta.get("next_token"):
                return None
            params = {**params, "pagination_token": str(meta["next_token"])}

    def hide(self, external_id: str) -> WriteResult:
        return self._set_hidden(external_id, True)

    def unhide(self, external_id: str) -> WriteResult:
        return self._set_hidden(external_id, False)

    def _set_hidden(self, external_id: str, hidden: bool) -> WriteResult:
        result = self._request(
            "PUT", f"tweets/{external_id}/hidden", json_body={"hidden": hidden}, write=True
        )
        data = result.get("data") if isinstance(result.get("data"), dict) else {}
        if data.get("hidden") is not hidden:
            raise WriteRejectedError(
                "X did not confirm the hidden state", platform=self.platform, raw=result
            )
        return WriteResult(external_id=None, raw=result)


# Public metrics of a post (https://docs.x.com/x-api/fundamentals/metrics): the counts anyone
# can see. `impression_count` is given for the author's own posts; there is no reach.
OWN_POST_FIELDS = "created_at,text,public_metrics"


def _data_list(page: dict) -> list[dict]:
    data = page.get("data")
    return (
        [raw for raw in data if isinstance(raw, dict) and raw.get("id")]
        if isinstance(data, list)
        else []
    )


def own_post_figures(raw: dict) -> OwnPostFigures:
    """A post read with OWN_POST_FIELDS; reposts (`repost_count` in the current specification,
    `retweet_count` in the older documents) and quotes count as shares."""
    metrics = raw.get("public_metrics") if isinstance(raw.get("public_metrics"), dict) else {}
    reposts = count_or_none(metrics.get("repost_count", metrics.get("retweet_count")))
    quotes = count_or_none(metrics.get("quote_count"))
    return OwnPostFigures(
        external_id=str(raw["id"]),
        published_at=optional_time(raw.get("created_at")),
        text=str(raw.get("text") or ""),
        permalink=f"https://x.com/i/web/status/{raw['id']}",
        impressions=count_or_none(metrics.get("impression_count")),
        reactions=count_or_none(metrics.get("like_count")),
        comments=count_or_none(metrics.get("reply_count")),
        shares=None if reposts is None else reposts + (quotes or 0),
    )


def _replied_to(raw: dict) -> list[str]:
    """The ids of the posts `raw` answers, from `referenced_posts` (current specification) or
    `referenced_tweets` (older documents), whichever the answer carries."""
    references = raw.get("referenced_posts")
    if not isinstance(references, list):
        references = raw.get("referenced_tweets")
    if not isinstance(references, list):
        return []
    return [
        str(reference["id"])
        for reference in references
        if isinstance(reference, dict)
        and reference.get("type") == "replied_to"
        and reference.get("id") is not None
    ]
