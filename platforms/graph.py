"""The Graph API client shared by the Facebook and Instagram adapters, built on facebook-sdk 3.1.0
with its traps defused: per-channel base URL and version without touching module globals, a
timeout on every request, usage headers recorded, and every failure mode classified."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import facebook
import requests

from .base import (
    AccountFigures,
    ChannelConnection,
    FetchedItem,
    PlatformAdapter,
    SkippedRecord,
    WriteResult,
)
from .classify import classify_graph_error
from .errors import (
    BadDataError,
    NeedsReconnectError,
    PlatformError,
    TooMuchDataError,
    TransientError,
    WriteRejectedError,
)
from .http import further_page
from .subscriptions import MESSAGING_FIELDS, SubscriptionResult, confirmed, fields_of
from .timeutil import optional_iso_or_unix, optional_time
from .usage import UsageReading, graph_usage
from .watermark import Watermark

# Conversations (Messenger and Instagram direct messages) per page, and messages per
# conversation nested in each.
CONVERSATION_PAGE_SIZE = 25
MESSAGE_PAGE_SIZE = 50
# When Graph asks for less data (code 1), page sizes are halved down to this many items; a
# request refused even then is given up for this poll.
MIN_PAGE_LIMIT = 5
# Graph's page size when a request names none.
GRAPH_DEFAULT_LIMIT = 25
_LIMIT_MODIFIER = re.compile(r"\.limit\((\d+)\)")


def _halved(limit: int) -> int:
    return max(MIN_PAGE_LIMIT, limit // 2)


def smaller_request(params: dict) -> dict | None:
    """`params` asking for half as many items: the `limit` parameter and every `.limit(n)` of a
    field expansion in `fields` halved, none below `MIN_PAGE_LIMIT`. None when nothing can be
    made smaller."""
    smaller = dict(params)
    try:
        limit = int(params.get("limit") or GRAPH_DEFAULT_LIMIT)
    except ValueError:
        limit = GRAPH_DEFAULT_LIMIT
    if limit > MIN_PAGE_LIMIT:
        smaller["limit"] = str(_halved(limit))
    fields = params.get("fields")
    if isinstance(fields, str):
        smaller["fields"] = _LIMIT_MODIFIER.sub(
            lambda match: (
                f".limit({_halved(int(match.group(1)))})"
                if int(match.group(1)) > MIN_PAGE_LIMIT
                else match.group(0)
            ),
            fields,
        )
    return None if smaller == params else smaller


def page_data(page: dict, platform: str) -> list:
    """The `data` list of a Graph page; a page without one is unusable as a whole."""
    data = page.get("data")
    if not isinstance(data, list):
        raise BadDataError("a Graph page without a data list", platform=platform, raw=page)
    return data


def next_link(page: dict) -> str | None:
    paging = page.get("paging")
    if isinstance(paging, dict) and isinstance(paging.get("next"), str) and paging["next"]:
        return paging["next"]
    return None


class RecordingSession(requests.Session):
    """A `requests.Session` for one `GraphAPI` instance.

    The SDK prefixes every path with the module-global `FACEBOOK_GRAPH_URL`; patching that global
    would leak between channels, so this session swaps the prefix for the channel's base URL. It
    also applies a timeout when none is given and keeps the last response, whose status code and
    usage headers the SDK otherwise throws away. Not thread-safe, like the SDK.

    The SDK puts the token into the query string (GET, DELETE) or the form (POST); this session
    moves it into the `Authorization: Bearer` header, so no URL ever carries it.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.default_timeout = timeout
        self.last_response: requests.Response | None = None

    def request(self, method, url, *args, **kwargs):
        if isinstance(url, str) and url.startswith(facebook.FACEBOOK_GRAPH_URL):
            url = f"{self.base_url}/{url[len(facebook.FACEBOOK_GRAPH_URL) :]}"
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        token = None
        for name in ("params", "data"):
            if isinstance(kwargs.get(name), dict) and "access_token" in kwargs[name]:
                kwargs[name] = dict(kwargs[name])
                token = kwargs[name].pop("access_token") or token
        if token:
            kwargs["headers"] = {
                **(kwargs.get("headers") or {}),
                "Authorization": f"Bearer {token}",
            }
        self.last_response = None
        response = super().request(method, url, *args, **kwargs)
        self.last_response = response
        return response


class GraphClient:
    """Graph API calls for one channel. Returns decoded JSON objects or raises our errors."""

    def __init__(
        self,
        *,
        platform: str,
        base_url: str,
        version: str,
        token: str,
        timeout: float,
        clock: Callable[[], datetime],
        on_call: Callable[[], None],
    ) -> None:
        self.platform = platform
        self.clock = clock
        self.on_call = on_call
        self.session = RecordingSession(base_url, timeout)
        self.graph = facebook.GraphAPI(access_token=token, timeout=timeout, session=self.session)
        # The SDK rejects any version above 3.1 in its constructor; set the real one afterwards.
        self.version = version if version.startswith("v") else f"v{version}"
        self.graph.version = self.version
        self.base_path = urlsplit(self.session.base_url).path.rstrip("/")
        self.last_usage = UsageReading()

    def get(self, path: str, params: dict | None = None) -> dict:
        """GET `/{version}/{path}`."""
        return self._read(f"{self.version}/{path}", dict(params or {}))

    def get_next(self, next_url: str) -> dict:
        """Follow a `paging.next` URL through the configured base URL.

        Only the path and query are used, so a next link can never send the token elsewhere;
        the `access_token` Graph writes into it is dropped (the session sends the token in the
        header).
        """
        parts = urlsplit(next_url)
        path = parts.path
        if self.base_path and path.startswith(self.base_path + "/"):
            path = path[len(self.base_path) :]
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        params.pop("access_token", None)
        with further_page():
            return self._read(path.lstrip("/"), params)

    def pages(self, first: dict) -> Iterator[dict]:
        """`first` and every page after it. Pages may be short or even empty and still carry
        `next`: only a missing `next` ends the listing. Stop iterating to stop paging."""
        page = first
        while True:
            yield page
            link = next_link(page)
            if not link:
                return
            page = self.get_next(link)

    def post(self, path: str, data: dict, *, write: bool = True) -> dict:
        """POST form data to `/{version}/{path}`. Values must already be strings ("true").
        `write=False` for a change of the channel's own settings (a webhook subscription): a
        refusal there concerns the channel, not one target, and is classified like a read."""
        return self._call(f"{self.version}/{path}", {}, dict(data), "POST", write=write)

    def delete(self, path: str, *, write: bool = True) -> dict:
        return self._call(f"{self.version}/{path}", {}, None, "DELETE", write=write)

    def close(self) -> None:
        self.session.close()

    def _read(self, path: str, params: dict) -> dict:
        """A GET; when Graph answers that the request asks for too much data (code 1), the same
        page is asked for again with half the page sizes, down to `MIN_PAGE_LIMIT`."""
        while True:
            try:
                return self._call(path, params, None, None, write=False)
            except TooMuchDataError as exc:
                smaller = smaller_request(params)
                if smaller is None:
                    raise TooMuchDataError(
                        f"the Graph API asks for less data even at {MIN_PAGE_LIMIT} items per "
                        f"page; this read is given up ({exc.message})",
                        platform=self.platform,
                        status=exc.status,
                        code=exc.code,
                        raw=exc.raw,
                    ) from exc
                params = smaller

    def _call(
        self,
        path: str,
        args: dict,
        post_args: dict | None,
        method: str | None,
        *,
        write: bool,
    ) -> dict:
        self.on_call()
        try:
            result = self.graph.request(path, args=args, post_args=post_args, method=method)
        except facebook.GraphAPIError as exc:
            raise self._classify(exc.result, write=write) from exc
        except requests.exceptions.JSONDecodeError as exc:
            # Checked before RequestException, of which requests makes it a subclass.
            self._record_usage()
            if self._status() is None or self._status() >= 500:
                raise self._transient("a non-JSON error page with a JSON content type") from exc
            raise BadDataError(
                "the Graph API sent malformed JSON",
                platform=self.platform,
                status=self._status(),
                raw=self._text(),
            ) from exc
        except KeyError as exc:
            # facebook-sdk reads headers["content-type"] unguarded: a response without one
            # (typically a proxy's 502) surfaces as KeyError.
            self._record_usage()
            raise self._transient("a response without a Content-Type") from exc
        except requests.Timeout as exc:
            raise TransientError(
                f"{self.platform} did not answer in time", platform=self.platform
            ) from exc
        except requests.RequestException as exc:
            raise TransientError(
                f"could not reach {self.platform}: {type(exc).__name__}", platform=self.platform
            ) from exc
        self._record_usage()
        if not isinstance(result, dict):
            raise BadDataError(
                "the Graph API answered with something other than a JSON object",
                platform=self.platform,
                status=self._status(),
                raw=self._text(),
            )
        status = self._status()
        if status is not None and status >= 400:
            # A JSON error body without the usual "error" key still must not pass as data.
            raise self._classify(result, write=write)
        return result

    def _status(self) -> int | None:
        response = self.session.last_response
        return response.status_code if response is not None else None

    def _text(self) -> str:
        response = self.session.last_response
        return (response.text or "")[:200] if response is not None else ""

    def _record_usage(self) -> None:
        response = self.session.last_response
        if response is not None:
            self.last_usage = graph_usage(response.headers, self.clock())

    def _transient(self, what: str) -> TransientError:
        return TransientError(
            f"the Graph API answered with {what}",
            platform=self.platform,
            status=self._status(),
            raw=self._text(),
        )

    def _classify(self, result: object, *, write: bool) -> PlatformError:
        self._record_usage()
        response = self.session.last_response
        return classify_graph_error(
            platform=self.platform,
            status=self._status(),
            body=result if isinstance(result, dict) else None,
            now=self.clock(),
            usage=self.last_usage,
            headers=dict(response.headers) if response is not None else None,
            text=self._text(),
            write=write,
        )


def is_permission_error(error: PlatformError) -> bool:
    """A Graph refusal for a missing permission (codes 10 and 200-299), not a dead token."""
    code = error.code
    return isinstance(code, int) and (code == 10 or 200 <= code <= 299)


class GraphAdapter(PlatformAdapter):
    """What the Facebook and Instagram adapters share: the Graph client and write checks."""

    def __init__(self, connection: ChannelConnection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        self.client = GraphClient(
            platform=self.platform,
            base_url=connection.base_url,
            version=connection.api_version,
            token=connection.token,
            timeout=connection.timeout,
            clock=self.clock,
            on_call=self.count_call,
        )
        self._resources.append(self.client)

    def items_of(self, page: dict) -> list:
        return page_data(page, self.platform)

    def read_conversations(
        self,
        first: dict,
        message_fields: str,
        mark: Watermark,
        found: dict[str, FetchedItem],
        skipped: list[SkippedRecord],
    ) -> None:
        """The messages newer than the watermark from a conversations listing (`first`, its
        first page). Conversations come newest-updated first without time paging: stop at the
        first one last updated before the watermark's cutoff. Messages inside come newest
        first; a conversation without its nested messages is asked for them."""
        cutoff = mark.cutoff
        for page in self.client.pages(first):
            for conversation in self.items_of(page):
                if not isinstance(conversation, dict) or not conversation.get("id"):
                    self.skip(skipped, conversation, "conversation without an id")
                    continue
                # The Conversations API documents `updated_time` as a unix time in seconds;
                # the Graph reference as ISO 8601. Both are read.
                updated = optional_iso_or_unix(conversation.get("updated_time"))
                if updated is None:
                    self.skip(skipped, conversation, "conversation without updated_time")
                    continue
                if updated < cutoff:
                    return
                messages = conversation.get("messages")
                if not isinstance(messages, dict):
                    messages = self.client.get(
                        f"{conversation['id']}/messages",
                        {"fields": message_fields, "limit": str(MESSAGE_PAGE_SIZE)},
                    )
                for message_page in self.client.pages(messages):
                    oldest = None
                    for raw in self.items_of(message_page):
                        item = self.message_item(raw, conversation, skipped)
                        if item is not None:
                            self.keep_if_new(item, mark, found)
                            oldest = min(oldest or item.created_at, item.created_at)
                    if oldest is not None and oldest < cutoff:
                        break  # the rest of this conversation is older still

    # The id the account itself writes under (a Page's id, an Instagram account's id).
    own_id: str = ""

    def message_link(self, conversation: dict) -> str | None:
        """The address of a conversation for people with access to the inbox, if any."""
        return None

    def message_item(
        self, raw: object, conversation: dict, skipped: list[SkippedRecord]
    ) -> FetchedItem | None:
        """One message of a conversation as an item (Messenger and Instagram alike)."""
        if not isinstance(raw, dict) or not raw.get("id"):
            self.skip(skipped, raw, "message without an id")
            return None
        created = optional_iso_or_unix(raw.get("created_time"))
        if created is None:
            self.skip(skipped, raw, "message without a readable created_time")
            return None
        # `from` is left out for people who did not allow apps to see them.
        author = raw.get("from") if isinstance(raw.get("from"), dict) else {}
        author_id = str(author["id"]) if author.get("id") else None
        return FetchedItem(
            external_id=str(raw["id"]),
            kind="message",
            text=str(raw.get("message") or ""),
            author_id=author_id,
            author_name=author.get("username") or author.get("name"),
            parent_external_id=None,
            thread_external_id=str(conversation["id"]),
            permalink=self.message_link(conversation),
            created_at=created,
            from_account=author_id == self.own_id,
            raw=raw,
        )

    def send_message(self, node: str, recipient_id: str | None, text: str, **fields) -> WriteResult:
        """Answer a person through the Send API of `node` (the Page). The API takes JSON objects
        as form fields; `fields` adds the platform's own (Messenger's `messaging_type`)."""
        if not recipient_id:
            raise ValueError(f"a {self.platform} message reply needs the author's id as recipient")
        result = self.client.post(
            f"{node}/messages",
            {
                "recipient": json.dumps({"id": recipient_id}),
                **fields,
                "message": json.dumps({"text": text}),
            },
        )
        return self.require_id(result, "message_id")

    def figures(
        self, followers: object, first: dict, time_field: str, start: datetime, end: datetime
    ) -> AccountFigures:
        """Account figures from a follower count and a newest-first listing of own posts."""
        count = 0
        for page in self.client.pages(first):
            times = [
                optional_time(post.get(time_field))
                for post in self.items_of(page)
                if isinstance(post, dict)
            ]
            count += sum(1 for created in times if created and start <= created < end)
            if any(created and created < start for created in times):
                break  # newest first: everything after this is older
        self.last_usage = self.client.last_usage
        return AccountFigures(
            followers=followers if isinstance(followers, int) else None,
            posts_in_period=count,
            period_start=start,
            period_end=end,
        )

    # -- webhook subscription ----------------------------------------------------------------

    def webhook_node(self) -> str:
        """The Page whose `subscribed_apps` edge switches this channel's webhooks on."""
        raise NotImplementedError

    def webhook_fields(self) -> tuple[str, ...]:
        """The Page fields this channel subscribes to."""
        raise NotImplementedError

    def webhook_deliveries(self, page_fields: tuple[str, ...]) -> tuple[str, ...]:
        """What webhooks bring for the channel once `page_fields` are subscribed."""
        return page_fields

    def subscribe_webhooks(self, *, app_id: str = "") -> SubscriptionResult:
        """Install the app on the Page for this channel's fields (`POST /{page}/subscribed_apps`),
        then read back what the Page now lists for the app (`GET`, one more call).

        A permission refusal while messaging fields are asked for is tried once more without
        them: comments still come by webhook, and the result names the fields left out and the
        platform's reason. Any other failure raises the classified error."""
        node = self.webhook_node()
        wanted = self.webhook_fields()
        missing: tuple[str, ...] = ()
        reason = ""
        try:
            answer = self._subscribe(node, wanted)
        except NeedsReconnectError as exc:
            allowed = tuple(name for name in wanted if name not in MESSAGING_FIELDS)
            if not is_permission_error(exc) or not allowed or allowed == wanted:
                raise
            answer = self._subscribe(node, allowed)
            missing = tuple(name for name in wanted if name in MESSAGING_FIELDS)
            reason = exc.message
            wanted = allowed
        listed = fields_of(self.client.get(f"{node}/subscribed_apps"), app_id)
        self.last_usage = self.client.last_usage
        # The Page's own list wins when it names fields; the documentation's sample lists none.
        fields = tuple(listed) if listed else wanted
        return SubscriptionResult(
            fields=fields,
            missing=missing,
            missing_reason=reason,
            delivered=self.webhook_deliveries(fields),
            raw=answer,
        )

    def _subscribe(self, node: str, fields: tuple[str, ...]) -> dict:
        answer = self.client.post(
            f"{node}/subscribed_apps", {"subscribed_fields": ",".join(fields)}, write=False
        )
        if not confirmed(answer):
            raise BadDataError(
                "the Graph API did not confirm the subscription", platform=self.platform, raw=answer
            )
        return answer

    def unsubscribe_webhooks(self) -> None:
        """Remove the app from the Page (`DELETE /{page}/subscribed_apps`): no more webhooks."""
        answer = self.client.delete(f"{self.webhook_node()}/subscribed_apps", write=False)
        self.last_usage = self.client.last_usage
        if not confirmed(answer):
            raise BadDataError(
                "the Graph API did not confirm the unsubscription",
                platform=self.platform,
                raw=answer,
            )

    def require_success(self, result: dict) -> WriteResult:
        """Moderation writes answer `{"success": true}`; anything else did not happen."""
        self.last_usage = self.client.last_usage
        if result.get("success") is not True:
            raise WriteRejectedError(
                "the Graph API did not confirm the change", platform=self.platform, raw=result
            )
        return WriteResult(external_id=None, raw=result)

    def require_id(self, result: dict, key: str = "id", *, what: str = "reply") -> WriteResult:
        """A created object's id; a success without one cannot be tracked."""
        self.last_usage = self.client.last_usage
        if not result.get(key):
            raise BadDataError(
                f"the {what} was accepted without an id", platform=self.platform, raw=result
            )
        return WriteResult(external_id=str(result[key]), raw=result)
