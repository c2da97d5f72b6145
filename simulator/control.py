"""The simulator's control API under /_sim/: reset the world, list and add accounts, create
citizens' comments, messages and own posts, inject faults, change settings, and read back what the
product did (actions) and how often it called (stats). JSON in, JSON out; errors are
`{"error": "…"}` with a 4xx status.

Routes (a **contract** checked from outside, see DESIGN.md):
  POST /_sim/reset
  GET  /_sim/accounts                 POST /_sim/accounts {"platform","name",["id","followers",
                                                           "token","username"]}
  POST /_sim/{platform}/comments      {"account_id","message","author_name",["post_id",
                                       "parent_id","created_time"]}
                                      Answers with the comment; its "id" is the id the
                                      platform API names it by (a LinkedIn comment's URN,
                                      with the numeric id as "comment_id").
                                      "hide_author": true leaves Facebook's "from" out;
                                      "standalone": true makes an X mention that answers no
                                      tweet (by default a mention replies to the newest post);
                                      "mention": false makes an X reply in the conversation
                                      whose text does not name the account (not a mention).
                                      Facebook and Instagram also take "kind": "message" (a
                                      Messenger or Instagram direct message from author_name;
                                      optional "conversation_id").
  GET  /_sim/{platform}/comments      every comment with its state (hidden, deleted, …)
  POST /_sim/{platform}/posts         {"account_id","message",["created_time","author_name"]}
                                      (author_name: a visitor's post on a Facebook page)
  GET  /_sim/{platform}/posts
  POST /_sim/{platform}/public_posts  {"message",["author_name","created_time","likes","comments",
                                      "shares","views","tagged_account_ids"]}: another person's
                                      public post for listening (x, instagram, youtube)
  GET  /_sim/{platform}/public_posts
  POST /_sim/faults                   {"platform","kind",["count","account_id","after",
                                       "reset_after_seconds","seconds","page_size"]}
  GET  /_sim/faults                   DELETE /_sim/faults
  GET  /_sim/config                   POST /_sim/config {"timeout_seconds": …, …}
  GET  /_sim/actions                  [?platform=&account_id=&kind=]
  GET  /_sim/posts                    [?platform=] the posts the product published through
                                      the APIs, with their link and image_url
  GET  /_sim/stats
  GET  /_sim/requests                 the platform API requests served since the reset while
                                      config request_log is on: method, path, query (as sent)
                                      and the Authorization scheme (never a token)
  POST /_sim/webhooks/build           {"platform","comment_id" or (Instagram) "message_id",
                                      "app_secret"}; 409 when the account's Page has not
                                      subscribed the app to the field (subscribed_apps)
  POST /_sim/webhooks/deliver         {… as build, "target_url",["repeat"]}
  POST /_sim/hooks/{teams|teams-webhook|slack}/{id}, GET /_sim/hooks, POST /_sim/hooks/faults
                                      the chat receivers alerts are posted to
                                      (simulator.chathooks)
"""

from __future__ import annotations

from typing import Any

from .chathooks import ChatHooks
from .faults import PLATFORMS, FaultError
from .state import SimError, World
from .webhooks import build_message_delivery, build_webhook_delivery, deliver
from .wire import BadBody, Request, Response, json_response

ROUTES = [
    "POST /_sim/reset",
    "GET|POST /_sim/accounts",
    "GET|POST /_sim/{platform}/comments",
    "GET|POST /_sim/{platform}/posts",
    "GET|POST /_sim/{platform}/public_posts",
    "GET|POST|DELETE /_sim/faults",
    "GET|POST /_sim/config",
    "GET /_sim/actions",
    "GET /_sim/posts",
    "GET /_sim/stats",
    "GET /_sim/requests",
    "POST /_sim/webhooks/build",
    "POST /_sim/webhooks/deliver",
    "POST /_sim/hooks/{teams|teams-webhook|slack}/{id}",
    "GET /_sim/hooks",
    "POST /_sim/hooks/faults",
]


def _method_not_allowed(allowed: str) -> Response:
    return json_response(
        405, {"error": f"method not allowed; use {allowed}"}, {"Allow": allowed.replace("|", ", ")}
    )


class ControlAPI:
    def __init__(self, world: World) -> None:
        self.world = world
        self.chat_hooks = ChatHooks(world)

    def handle(self, request: Request) -> Response:
        try:
            return self._route(request)
        except (SimError, FaultError, BadBody) as exc:
            status = exc.status if isinstance(exc, SimError) else 400
            return json_response(status, {"error": str(exc)})

    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        if not request.body.strip():
            return {}
        body = request.json()
        if not isinstance(body, dict):
            raise BadBody("the request body must be a JSON object")
        return body

    def _route(self, request: Request) -> Response:
        parts = request.segments[1:]
        method = request.method
        world = self.world
        if not parts:
            return json_response(200, {"simulator": "platform simulator", "routes": ROUTES})
        head = parts[0]
        if head == "hooks":
            return self.chat_hooks.handle(request, parts)
        if parts == ["reset"]:
            if method != "POST":
                return _method_not_allowed("POST")
            world.reset()
            return json_response(200, {"ok": True, "accounts": self._accounts()})
        if parts == ["accounts"]:
            if method == "GET":
                return json_response(200, self._accounts())
            if method == "POST":
                return json_response(200, world.add_account(self._body(request)).to_dict())
            return _method_not_allowed("GET|POST")
        if parts == ["faults"]:
            return self._faults(request)
        if parts == ["config"]:
            if method == "GET":
                with world.lock:
                    return json_response(200, dict(world.config))
            if method == "POST":
                return json_response(200, world.update_config(self._body(request)))
            return _method_not_allowed("GET|POST")
        if parts == ["posts"]:
            if method != "GET":
                return _method_not_allowed("GET")
            platform = request.query.get("platform") or None
            return json_response(200, {"posts": world.published_posts(platform)})
        if parts == ["actions"]:
            if method != "GET":
                return _method_not_allowed("GET")
            return json_response(200, self._actions(request.query))
        if parts == ["stats"]:
            if method != "GET":
                return _method_not_allowed("GET")
            return json_response(200, world.stats_snapshot())
        if parts == ["requests"]:
            if method != "GET":
                return _method_not_allowed("GET")
            with world.lock:
                return json_response(200, list(world.requests))
        if head == "webhooks" and len(parts) == 2 and parts[1] in ("build", "deliver"):
            if method != "POST":
                return _method_not_allowed("POST")
            return self._webhook(self._body(request), send=parts[1] == "deliver")
        if head in PLATFORMS and len(parts) == 2 and parts[1] == "public_posts":
            if method == "GET":
                with world.lock:
                    posts = sorted(world.public_posts.get(head, {}).values(), key=lambda p: p.seq)
                    return json_response(200, [post.to_dict() for post in posts])
            if method != "POST":
                return _method_not_allowed("GET|POST")
            return json_response(200, world.add_public_post(head, self._body(request)).to_dict())
        if head in PLATFORMS and len(parts) == 2 and parts[1] in ("comments", "posts"):
            if method == "GET":
                return json_response(200, self._content(head, parts[1], request.query))
            if method != "POST":
                return _method_not_allowed("GET|POST")
            body = self._body(request)
            if parts[1] == "posts":
                return self._create_post(head, body)
            return self._create_comment(head, body)
        return json_response(404, {"error": f"no control route {request.path}", "routes": ROUTES})

    def _accounts(self) -> list[dict[str, Any]]:
        with self.world.lock:
            return [account.to_dict() for account in self.world.accounts.values()]

    def _faults(self, request: Request) -> Response:
        world = self.world
        with world.lock:
            if request.method == "GET":
                return json_response(200, world.faults.pending())
            if request.method == "DELETE":
                cleared = len(world.faults.pending())
                world.faults.clear()
                return json_response(200, {"cleared": cleared})
            if request.method == "POST":
                fault = world.faults.add(self._body(request), self._account_key)
                return json_response(200, fault.to_dict())
        return _method_not_allowed("GET|POST|DELETE")

    def _account_key(self, platform: str, account_id: str) -> str | None:
        try:
            return self.world.resolve_account(platform, account_id).id
        except SimError:
            return None

    def _actions(self, query: dict[str, str]) -> list[dict[str, Any]]:
        with self.world.lock:
            actions = list(self.world.actions)
        for name in ("platform", "account_id", "kind"):
            if query.get(name):
                actions = [action for action in actions if action[name] == query[name]]
        return actions

    def _content(self, platform: str, what: str, query: dict[str, str]) -> list[dict[str, Any]]:
        with self.world.lock:
            store = self.world.posts if what == "posts" else self.world.comments
            items = sorted(store[platform].values(), key=lambda item: item.seq)
            account_id = query.get("account_id")
            return [
                item.to_dict() for item in items if not account_id or item.account_id == account_id
            ]

    def _create_post(self, platform: str, body: dict[str, Any]) -> Response:
        post = self.world.add_post(
            platform,
            body.get("account_id"),
            body.get("message"),
            created=body.get("created_time"),
            author_name=body.get("author_name"),
        )
        return json_response(200, post.to_dict())

    def _create_comment(self, platform: str, body: dict[str, Any]) -> Response:
        kind = body.get("kind", "comment")
        author_name = body.get("author_name")
        if not isinstance(author_name, str) or not author_name.strip():
            raise SimError("author_name is required (a citizen's handle)")
        if kind == "message":
            if platform not in ("facebook", "instagram"):
                raise SimError("messages exist on facebook and instagram only")
            conversation, message = self.world.add_message(
                body.get("account_id"),
                body.get("message"),
                author_name=author_name,
                conversation_id=body.get("conversation_id"),
                created=body.get("created_time"),
                platform=platform,
            )
            return json_response(
                200,
                {
                    "id": message.id,
                    "conversation_id": conversation.id,
                    "platform": platform,
                    "account_id": conversation.account_id,
                    "author_id": conversation.author.id,
                },
            )
        if kind != "comment":
            raise SimError('kind must be "comment" or "message"')
        hide_author = body.get("hide_author", False)
        standalone = body.get("standalone", False)
        mention = body.get("mention", True)
        if not all(isinstance(flag, bool) for flag in (hide_author, standalone, mention)):
            raise SimError("hide_author, standalone and mention must be true or false")
        if (standalone or not mention) and platform != "x":
            raise SimError("standalone and mention exist on x only")
        comment = self.world.add_comment(
            platform,
            body.get("account_id"),
            body.get("message"),
            author_name=author_name,
            post_id=body.get("post_id"),
            parent_id=body.get("parent_id"),
            created=body.get("created_time"),
            show_author=not hide_author,
            standalone=standalone,
            mention=mention,
        )
        return json_response(200, comment.to_dict())

    def _refuse_unsubscribed(self, platform: str, account_id: str, field: str) -> None:
        """Meta sends nothing for a Page the app is not subscribed on: neither does the
        simulator (409, and no request leaves)."""
        account = self.world.account(platform, account_id)
        reason = self.world.webhook_refusal(account, field) if account else "unknown account"
        if reason:
            raise SimError(f"no {platform} webhook is sent: {reason}", 409)

    def _webhook(self, body: dict[str, Any], *, send: bool) -> Response:
        platform = body.get("platform", "facebook")
        if platform not in ("facebook", "instagram"):
            raise SimError("webhooks exist for facebook and instagram")
        secret = body.get("app_secret")
        if not isinstance(secret, str) or not secret:
            raise SimError("app_secret is required")
        world = self.world
        with world.lock:
            if body.get("message_id") is not None:
                found = world.messages.get(str(body["message_id"]))
                if found is None or found[0].platform != "instagram" or platform != "instagram":
                    raise SimError(f"no instagram message {body['message_id']}", 404)
                self._refuse_unsubscribed(platform, found[0].account_id, "messages")
                payload, headers = build_message_delivery(
                    found[0], found[1], secret, now=world.now()
                )
            else:
                comment = world.find_comment(platform, str(body.get("comment_id")))
                if comment is None:
                    raise SimError(f"no {platform} comment {body.get('comment_id')}", 404)
                field = "comments" if platform == "instagram" else "feed"
                self._refuse_unsubscribed(platform, comment.account_id, field)
                payload, headers = build_webhook_delivery(comment, secret, world=world)
        result: dict[str, Any] = {"body": payload.decode("utf-8"), "headers": headers}
        if send:
            target = body.get("target_url")
            repeat = body.get("repeat", 1)
            if not isinstance(target, str):
                raise SimError("target_url is required")
            if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= 20:
                raise SimError("repeat must be a whole number from 1 to 20")
            try:
                result["deliveries"] = deliver(payload, headers, target, repeat=repeat)
            except ValueError as exc:
                raise SimError(str(exc)) from exc
        return json_response(200, result)
