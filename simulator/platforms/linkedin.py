"""LinkedIn Community Management REST imitation: versioned /rest/ calls for an organisation's
posts, the comments on them (offset paging), comment counts of many posts at once
(socialMetadata), the organisation's social action notifications (a comment on one of its posts
is a COMMENT notification, one written as the organisation an ADMIN_COMMENT), creating and
deleting comments, publishing text posts and posts with one picture, and follower counts.

Strict where LinkedIn is: every call needs a current `LinkedIn-Version` (426 otherwise: one the
version table in platforms/versions.py lists as not sunset on the world's date, unless the
`linkedin_versions` config names the accepted ones), `X-Restli-Protocol-Version: 2.0.0` and a
valid token in the `Authorization: Bearer` header (a token in the URL, such as
python-linkedin-v2's `oauth2_access_token`, is not taken); URNs in
the path must be URL-encoded; a comment is written as the organisation (`actor`) on the post it
names (`object`, its share or activity URN). Comments on a post are listed top-level only,
newest first; the replies to a comment are listed under the comment's own URN, and a reply is
created there, naming the comment as `parentComment` (Comments API, "Get Comments on Comments"
and "Create a Comment",
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api).
A top-level comment carries `commentsSummary` unless config `linkedin_comments_summary` is off.
`paging.total` counts nested replies too, so it is not the length of the list (the end is a
page shorter than `count`). There is no hide. A new post's `commentary` is "little" text: an
unescaped reserved character silently cuts the published text there; the same text again
within the duplicate window is refused (422 DUPLICATE_POST).

A picture goes up in two steps before the post (Images API,
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api):
`POST /rest/images?action=initializeUpload` with `initializeUploadRequest.owner` answers
`value.uploadUrl`, `value.image` (the image URN) and `value.uploadUrlExpiresAt`; the bytes are
then sent with PUT to the upload URL (here `/dms-uploads/…` on the simulator, with the bearer
token; 201). A post names the image in `content.media.id` (with `altText`); an image that was
never uploaded, or belongs to another owner, is refused.

Notifications (`organizationalEntityNotifications?q=criteria`) name a post by its activity URN
(`sourcePost`, which socialActions also accepts) and by its share URN (`decoratedSourcePost`),
and the comment by a URN on the activity. They come newest first, for 60 days, filtered by
`actions=List(…)`, `timeRange=(start:ms,end:ms)` and `sourcePost`; Rest.li structure stays
unencoded while the URNs in query values must be encoded. A notification exists from the moment
the comment is written, also while the comment itself cannot be read yet (read-after-write lag);
replies are notified like top-level comments; the `no_notification` fault leaves a comment out.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from platforms.versions import usable_versions

from ..faults import Fault
from ..state import Account, Comment, Post, SimError, post_figures
from ..timefmt import epoch_ms
from ..wire import Request, Response, empty_response, json_response
from .base import Abort, PlatformAPI, paginate

_COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<post>urn:li:[A-Za-z]+:[^,]+),(?P<id>\d+)\)$")
_ACTIVITY_URN = re.compile(r"^urn:li:activity:(?P<number>\d+)$")
_SHARE_URN = re.compile(r"^urn:li:share:(?P<number>\d+)$")
_TIME_RANGE = re.compile(
    r"^(?:\(|%28)start:(?P<start>\d+),end:(?P<end>\d+)(?:\)|%29)$", flags=re.IGNORECASE
)
_LIST = re.compile(r"^List(?:\(|%28)(?P<items>.*)(?:\)|%29)$", flags=re.IGNORECASE)
MAX_COUNT = 100
_IMAGE_URN = re.compile(r"^urn:li:image:(?P<id>[A-Za-z0-9_-]+)$")
# How long an upload URL is good for (a stand-in: LinkedIn gives `uploadUrlExpiresAt`).
UPLOAD_URL_LIFETIME = timedelta(hours=24)
# Posts API `content.media.altText`: up to 4,086 characters.
MAX_ALT_TEXT = 4086
UPLOADS = "dms-uploads"
POST_FIELDS = {
    "author", "commentary", "visibility", "distribution", "content", "contentLandingPage",
    "contentCallToActionLabel", "lifecycleState", "isReshareDisabledByAuthor", "adContext",
    "reshareContext", "container",
}  # fmt: skip
VISIBILITIES = {"PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"}
FEED_DISTRIBUTIONS = {"MAIN_FEED", "NONE"}
# "little" text: these characters are markup unless escaped with a backslash.
LITTLE_RESERVED = set("\\|{}@[]()<>#*_~")
_LITTLE_HASHTAG = re.compile(r"#[^\W_]\w*")
_LITTLE_MENTION = re.compile(r"@\[(?P<name>[^\]]*)\]\(urn:li:(?:person|organization):[^)]+\)")


def little_plain(commentary: str) -> str:
    """What LinkedIn shows for "little" commentary: escapes resolved, hashtags and mentions as
    their text, and everything from the first unescaped reserved character on silently cut off
    (LinkedIn accepts such a post and publishes only its beginning)."""
    shown = []
    index = 0
    while index < len(commentary):
        char = commentary[index]
        if (
            char == "\\"
            and index + 1 < len(commentary)
            and commentary[index + 1] in LITTLE_RESERVED
        ):
            shown.append(commentary[index + 1])
            index += 2
            continue
        if char in LITTLE_RESERVED:
            hashtag = _LITTLE_HASHTAG.match(commentary, index)
            mention = _LITTLE_MENTION.match(commentary, index)
            if hashtag:
                shown.append(hashtag.group())
                index = hashtag.end()
                continue
            if mention:
                shown.append(mention["name"])
                index = mention.end()
                continue
            break
        shown.append(char)
        index += 1
    return "".join(shown).rstrip()


def little_escaped(text: str) -> str:
    """Plain text as "little" commentary, the form LinkedIn reads a post back in."""
    return "".join(f"\\{char}" if char in LITTLE_RESERVED else char for char in text)


# The activity behind a share has its own number; here a fixed distance from the share's.
ACTIVITY_OFFSET = 402_000_000_000
NOTIFICATION_ACTIONS = frozenset(
    {"LIKE", "COMMENT", "SHARE", "SHARE_MENTION", "ADMIN_COMMENT", "COMMENT_EDIT", "COMMENT_DELETE"}
)
NOTIFICATION_RETENTION = timedelta(days=60)


def activity_urn(post_id: str) -> str:
    """The activity URN LinkedIn gives the feed update of a share."""
    match = _SHARE_URN.match(post_id)
    if match is None:
        return post_id
    return f"urn:li:activity:{int(match['number']) + ACTIVITY_OFFSET}"


def share_of(urn: str) -> str:
    """The share URN behind an activity URN (any other URN as it is)."""
    match = _ACTIVITY_URN.match(urn)
    if match is None:
        return urn
    return f"urn:li:share:{int(match['number']) - ACTIVITY_OFFSET}"


def raw_param(request: Request, name: str) -> str | None:
    """A query parameter as it was sent, still percent-encoded (the last one wins)."""
    value = None
    for part in request.query_string.split("&"):
        key, sep, raw = part.partition("=")
        if sep and key == name:
            value = raw
    return value


def li_error(
    status: int, message: str, *, service_code: int | None = None, code: str | None = None
) -> Response:
    body: dict[str, Any] = {"status": status}
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    if code is not None:
        body["code"] = code
    body["message"] = message
    return json_response(status, body)


def _bad(message: str) -> Response:
    return li_error(400, message, code="ILLEGAL_ARGUMENT")


def _not_found(what: str) -> Response:
    return li_error(404, f"Not found: {what}", code="NOT_FOUND")


def _denied(what: str) -> Response:
    return li_error(
        403, f"Not enough permissions to access: {what}", service_code=100, code="ACCESS_DENIED"
    )


class LinkedInAPI(PlatformAPI):
    family = "linkedin"

    def authenticate(self, request: Request) -> Account | Response:
        if request.raw_segments[:1] == [UPLOADS]:
            # The upload URL takes the bytes with the bearer token; no version headers.
            return self._token_account(request)
        version = (request.header("LinkedIn-Version") or "").strip()
        if not self.version_active(version):
            shown = version or "(none)"
            return li_error(
                426, f"Requested version {shown} is not active", code="NONEXISTENT_VERSION"
            )
        if (request.header("X-Restli-Protocol-Version") or "").strip() != "2.0.0":
            return _bad("X-Restli-Protocol-Version 2.0.0 is required for this resource")
        return self._token_account(request)

    def _token_account(self, request: Request) -> Account | Response:
        token = request.bearer_token()
        if not token:
            return li_error(
                401, "Empty oauth2 access token", service_code=65604, code="EMPTY_ACCESS_TOKEN"
            )
        account = self.world.account_by_token(token, ("linkedin",))
        if account is None:
            return li_error(
                401, "Invalid access token", service_code=65600, code="INVALID_ACCESS_TOKEN"
            )
        return account

    def version_active(self, version: str) -> bool:
        """A version listed in `linkedin_versions` when that is set, else one the version table
        (platforms/versions.py) lists as released and not yet sunset on the world's date."""
        listed = self.world.config["linkedin_versions"]
        if listed is not None:
            return version in listed
        return any(
            entry.version == version
            for entry in usable_versions("linkedin", self.world.now().date())
        )

    def platform_fault(self, fault: Fault, request: Request, account: Account) -> Response:
        if fault.kind == "throttle":
            return li_error(
                429,
                "Daily application limit for this resource has been reached",
                service_code=101,
                code="TOO_MANY_REQUESTS",
            )
        if fault.kind == "token_expired":
            return li_error(
                401,
                "The token used in the request has expired",
                service_code=65602,
                code="EXPIRED_ACCESS_TOKEN",
            )
        if fault.kind == "version_retired":
            version = request.header("LinkedIn-Version") or "(none)"
            return li_error(
                426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION"
            )
        return li_error(500, "Internal Server Error")

    def decorate(
        self, response: Response, request: Request, account: Account, fault: Fault | None
    ) -> None:
        response.set_header("X-RestLi-Protocol-Version", "2.0.0")

    def invalid_cursor(self) -> Response:
        return _bad("Invalid value for param start")

    def bad_request(self, message: str) -> Response:
        return _bad(message)

    # --- routing -----------------------------------------------------------------------------

    def route(self, request: Request, account: Account) -> Response:
        if request.raw_segments[:1] == [UPLOADS]:
            return self._upload(request, account)
        raw = request.raw_segments[1:]
        method = request.method
        resource = raw[0] if raw else ""
        if resource == "images" and len(raw) == 1 and method == "POST":
            if request.query.get("action") != "initializeUpload":
                return _bad("Unknown action on images: use action=initializeUpload")
            return self._initialize_upload(request, account)
        if resource == "posts" and len(raw) == 1 and method == "GET":
            return self._posts(request, account)
        if resource == "posts" and len(raw) == 1 and method == "POST":
            return self._publish(request, account)
        if resource == "posts" and len(raw) == 2 and method == "GET":
            post = self._post(self._urn(raw[1]), account)
            if not post.visible(self.world.now()):
                return _not_found(post.id)
            return json_response(200, self._post_json(post, account))
        if resource == "socialActions" and len(raw) in (3, 4) and raw[2] == "comments":
            post, parent = self._target(self._urn(raw[1]), account)
            if len(raw) == 3 and method == "GET":
                return self._comments(request, account, post, parent)
            if len(raw) == 3 and method == "POST":
                return self._create(request, account, post, parent)
            comment = self._comment_in(raw[3], post, parent)
            if method == "GET":
                return json_response(200, self._comment_json(comment, account))
            if method == "DELETE":
                return self._delete(request, account, comment)
        if resource == "socialMetadata" and method == "GET" and len(raw) in (1, 2):
            if len(raw) == 2:
                return json_response(200, self._metadata(self._post(self._urn(raw[1]), account)))
            return self._metadata_batch(request, account)
        if resource == "organizationalEntityShareStatistics" and len(raw) == 1 and method == "GET":
            return self._share_statistics(request, account)
        if resource == "organizationalEntityNotifications" and len(raw) == 1 and method == "GET":
            return self._notifications(request, account)
        if resource == "networkSizes" and len(raw) == 2 and method == "GET":
            return self._network_size(request, self._urn(raw[1]))
        if resource == "organizations" and len(raw) == 2 and method == "GET":
            organisation = self.world.account("linkedin", raw[1])
            if organisation is None:
                return _not_found(f"organization {raw[1]}")
            return json_response(
                200,
                {
                    "id": int(organisation.id),
                    "localizedName": organisation.name,
                    "vanityName": organisation.username,
                    "$URN": organisation.urn,
                },
            )
        if resource in (
            "images",
            "posts",
            "socialActions",
            "socialMetadata",
            "organizationalEntityNotifications",
            "organizationalEntityShareStatistics",
            "networkSizes",
            "organizations",
        ):
            return li_error(405, f"Method {method} is not supported on this resource")
        return li_error(404, f"No virtual resource found: {request.path}", code="NOT_FOUND")

    @staticmethod
    def _urn(raw_segment: str) -> str:
        if ":" in raw_segment:
            raise Abort(_bad(f"URNs in the path must be URL-encoded: {raw_segment}"))
        return unquote(raw_segment)

    def _post(self, urn: str, account: Account) -> Post:
        """The post a URN names: its share URN or the activity URN of its feed update."""
        post = self.world.find_post("linkedin", share_of(urn))
        if post is None or post.deleted:
            raise Abort(_not_found(urn))
        if post.account_id != account.id:
            raise Abort(_denied(f"socialActions {urn}"))
        return post

    def _target(self, urn: str, account: Account) -> tuple[Post, Comment | None]:
        """The post a socialActions path names, and the comment when it names a comment."""
        match = _COMMENT_URN.match(urn)
        if match is None:
            return self._post(urn, account), None
        post = self._post(match["post"], account)
        comment = self.world.find_comment("linkedin", match["id"])
        if comment is None or comment.post_id != post.id or not comment.visible(self.world.now()):
            raise Abort(_not_found(urn))
        return post, comment

    def _comment_in(self, raw_id: str, post: Post, parent: Comment | None) -> Comment:
        value = unquote(raw_id)
        match = _COMMENT_URN.match(value)
        comment_id = match["id"] if match else value
        comment = self.world.find_comment("linkedin", comment_id)
        if (
            comment is None
            or comment.deleted
            or comment.post_id != post.id
            or (parent is not None and comment.parent_id != parent.id)
        ):
            raise Abort(_not_found(f"comment {value}"))
        return comment

    @staticmethod
    def _paging(request: Request) -> tuple[int, int]:
        try:
            start = int(request.query.get("start") or 0)
            count = int(request.query.get("count") or 10)
        except ValueError as exc:
            raise Abort(_bad("start and count must be whole numbers")) from exc
        if start < 0 or not 0 <= count <= MAX_COUNT:
            raise Abort(_bad(f"start must be ≥ 0 and count between 0 and {MAX_COUNT}"))
        return start, count

    # --- reading -----------------------------------------------------------------------------

    def _post_json(self, post: Post, account: Account) -> dict[str, Any]:
        moment = epoch_ms(post.created)
        return {
            "id": post.id,
            "author": account.urn,
            "commentary": little_escaped(post.text),
            "visibility": "PUBLIC",
            "lifecycleState": "PUBLISHED",
            "createdAt": moment,
            "publishedAt": moment,
            "lastModifiedAt": moment,
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "isReshareDisabledByAuthor": False,
            **(
                {"content": {"media": {"id": post.image["id"], "altText": post.image["alt"]}}}
                if post.image
                else {}
            ),
        }

    def _comment_json(self, comment: Comment, account: Account) -> dict[str, Any]:
        actor = comment.author.id if comment.author else account.urn
        moment = epoch_ms(comment.created)
        data: dict[str, Any] = {
            "$URN": comment.urn,
            "id": comment.id,
            "commentUrn": comment.urn,
            "actor": actor,
            "object": comment.post_id,
            "message": {"text": comment.text, "attributes": []},
            "created": {"actor": actor, "time": moment},
            "lastModified": {"actor": actor, "time": moment},
            "likesSummary": {
                "selectedLikes": [],
                "aggregatedTotalLikes": 0,
                "likedByCurrentUser": False,
                "totalLikes": 0,
            },
        }
        if comment.parent_id:
            parent = self.world.comments["linkedin"][comment.parent_id]
            data["parentComment"] = parent.urn
        elif self.world.config["linkedin_comments_summary"]:
            replies = len(self.world.replies(comment))
            data["commentsSummary"] = {
                "aggregatedTotalComments": replies,
                "totalFirstLevelComments": replies,
            }
        return data

    def _posts(self, request: Request, account: Account) -> Response:
        if request.query.get("q") != "author":
            return _bad("This finder requires q=author")
        author = request.query.get("author", "")
        if author != account.urn:
            return _denied(f"posts of {author or '(no author)'}")
        start, count = self._paging(request)
        short = self.list_faults(account, has_cursor=start > 0)
        now = self.world.now()
        posts = sorted(
            (
                post
                for post in self.world.posts["linkedin"].values()
                if post.account_id == account.id and post.visible(now)
            ),
            key=lambda post: (post.created, post.seq),
            reverse=True,
        )
        page = paginate(posts, start, count, short=short)
        return json_response(
            200,
            {
                "paging": {"start": start, "count": count, "links": [], "total": len(posts)},
                "elements": [self._post_json(post, account) for post in page.items],
            },
        )

    def _comments(
        self, request: Request, account: Account, post: Post, parent: Comment | None
    ) -> Response:
        start, count = self._paging(request)
        short = self.list_faults(account, has_cursor=start > 0)
        now = self.world.now()
        if parent is not None:
            comments = self.world.replies(parent)
            total = len(comments)
        else:
            on_post = [
                comment
                for comment in self.world.comments["linkedin"].values()
                if comment.post_id == post.id and comment.visible(now)
            ]
            comments = [comment for comment in on_post if comment.parent_id is None]
            total = len(on_post)
        comments.sort(key=lambda comment: (comment.created, comment.seq), reverse=True)
        page = paginate(comments, start, count, short=short)
        return json_response(
            200,
            {
                "paging": {"start": start, "count": count, "links": [], "total": total},
                "elements": [self._comment_json(comment, account) for comment in page.items],
            },
        )

    def _metadata(self, post: Post) -> dict[str, Any]:
        """Comment counts of a post: all comments, and the top-level ones."""
        now = self.world.now()
        comments = [
            comment
            for comment in self.world.comments["linkedin"].values()
            if comment.post_id == post.id and comment.visible(now)
        ]
        return {
            "reactionSummaries": {},
            "commentsState": "OPEN",
            "commentSummary": {
                "count": len(comments),
                "topLevelCount": sum(1 for comment in comments if comment.parent_id is None),
            },
            "entity": post.id,
        }

    def _metadata_batch(self, request: Request, account: Account) -> Response:
        """BATCH_GET with Rest.li 2.0 syntax: ids=List(urn1,urn2), each URN URL-encoded."""
        raw_ids = next(
            (
                part.partition("=")[2]
                for part in request.query_string.split("&")
                if part.startswith("ids=")
            ),
            "",
        )
        # The List( ) markers may arrive encoded; the URNs inside must be, once.
        match = re.fullmatch(r"List(?:\(|%28)(.*)(?:\)|%29)", raw_ids, flags=re.IGNORECASE)
        if match is None:
            return _bad("ids must be given as List(urn1,urn2,…)")
        encoded = match[1]
        if ":" in encoded:
            return _bad("the URNs inside List(…) must be URL-encoded")
        results: dict[str, Any] = {}
        statuses: dict[str, int] = {}
        errors: dict[str, Any] = {}
        for item in filter(None, encoded.split(",")):
            urn = unquote(item)
            post = self.world.find_post("linkedin", urn)
            if post is None or post.deleted or post.account_id != account.id:
                statuses[urn] = 404
                errors[urn] = {"status": 404, "message": f"Not found: {urn}"}
                continue
            results[urn] = self._metadata(post)
            statuses[urn] = 200
        return json_response(200, {"results": results, "statuses": statuses, "errors": errors})

    def _share_statistics(self, request: Request, account: Account) -> Response:
        """The organizationalEntity finder of organizationalEntityShareStatistics: lifetime
        totals per post named in `shares=List(…)` / `ugcPosts=List(…)` (each URN encoded once),
        or the organisation's aggregate when none is named. `timeIntervals` is not imitated."""
        if request.query.get("q") != "organizationalEntity":
            return _bad("q must be organizationalEntity")
        if request.query.get("organizationalEntity") != account.urn:
            return _denied(f"statistics of {request.query.get('organizationalEntity')}")
        named: list[tuple[str, str]] = []
        for part in request.query_string.split("&"):
            key, _, value = part.partition("=")
            if key not in ("shares", "ugcPosts"):
                continue
            match = re.fullmatch(r"List(?:\(|%28)(.*)(?:\)|%29)", value, flags=re.IGNORECASE)
            if match is None:
                return _bad(f"{key} must be given as List(urn1,urn2,…)")
            if ":" in match[1]:
                return _bad("the URNs inside List(…) must be URL-encoded")
            named += [(key, unquote(item)) for item in filter(None, match[1].split(","))]
        now = self.world.now()
        if not named:
            posts = [
                post
                for post in self.world.posts["linkedin"].values()
                if post.account_id == account.id and post.visible(now)
            ]
            elements = [self._statistics_element(account, None, None, posts)]
        else:
            elements = []
            for key, urn in named:
                post = self.world.find_post("linkedin", urn)
                # A post of another organisation, or gone, has no element in the answer.
                if post is None or post.account_id != account.id or not post.visible(now):
                    continue
                field = "share" if key == "shares" else "ugcPost"
                elements.append(self._statistics_element(account, field, urn, [post]))
        return json_response(
            200, {"paging": {"count": 10, "start": 0, "links": []}, "elements": elements}
        )

    def _statistics_element(
        self, account: Account, field: str | None, urn: str | None, posts: list[Post]
    ) -> dict[str, Any]:
        now = self.world.now()
        totals = {"reach": 0, "impressions": 0, "reactions": 0, "shares": 0, "clicks": 0}
        comments = 0
        for post in posts:
            figures = post_figures(post, now)
            for name in totals:
                totals[name] += figures[name]
            comments += sum(
                1
                for comment in self.world.comments["linkedin"].values()
                if comment.post_id == post.id and comment.visible(now)
            )
        impressions = totals["impressions"]
        engaged = totals["reactions"] + comments + totals["shares"] + totals["clicks"]
        element: dict[str, Any] = {
            "organizationalEntity": account.urn,
            "totalShareStatistics": {
                "uniqueImpressionsCount": totals["reach"],
                "shareCount": totals["shares"],
                "engagement": round(engaged / impressions, 6) if impressions else 0.0,
                "clickCount": totals["clicks"],
                "likeCount": totals["reactions"],
                "impressionCount": impressions,
                "commentCount": comments,
            },
        }
        if field:
            element[field] = urn
        return element

    def _notifications(self, request: Request, account: Account) -> Response:
        """The criteria finder of organizationalEntityNotifications, newest first."""
        if request.query.get("q") != "criteria":
            return _bad("This finder requires q=criteria")
        entity = raw_param(request, "organizationalEntity")
        if not entity:
            return _bad("Query parameter organizationalEntity is required")
        if ":" in entity:
            return _bad("URNs in query parameters must be URL-encoded: organizationalEntity")
        if unquote(entity) != account.urn:
            return _denied(f"organizationalEntityNotifications of {unquote(entity)}")
        actions = self._actions(raw_param(request, "actions"))
        window = self._time_range(raw_param(request, "timeRange"))
        source = raw_param(request, "sourcePost")
        if source is not None and ":" in source:
            return _bad("URNs in query parameters must be URL-encoded: sourcePost")
        source_post = share_of(unquote(source)) if source else None
        start, count = self._paging(request)
        short = self.list_faults(account, has_cursor=start > 0)
        oldest = self.world.now() - NOTIFICATION_RETENTION
        found = []
        for comment in self.world.comments["linkedin"].values():
            post = self.world.posts["linkedin"].get(comment.post_id)
            if (
                comment.account_id != account.id
                or comment.deleted
                or not comment.notified
                or post is None
                or post.deleted
            ):
                continue
            action = "ADMIN_COMMENT" if comment.own else "COMMENT"
            moment = epoch_ms(comment.created)
            if (
                (actions is not None and action not in actions)
                or (source_post is not None and post.id != source_post)
                or comment.created < oldest
                or (window is not None and not window[0] <= moment <= window[1])
            ):
                continue
            found.append((moment, comment.seq, action, comment, post))
        found.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
        page = paginate(found, start, count, short=short)
        return json_response(
            200,
            {
                "paging": {"start": start, "count": count, "links": [], "total": len(found)},
                "elements": [
                    self._notification_json(account, action, comment, post, moment)
                    for moment, _, action, comment, post in page.items
                ],
            },
        )

    @staticmethod
    def _actions(raw: str | None) -> set[str] | None:
        if raw is None:
            return None
        match = _LIST.match(raw)
        if match is None:
            raise Abort(_bad("actions must be given as List(ACTION,…)"))
        actions = {unquote(item) for item in match["items"].split(",") if item}
        unknown = actions - NOTIFICATION_ACTIONS
        if not actions or unknown:
            shown = ", ".join(sorted(unknown)) or "(none)"
            raise Abort(_bad(f"Invalid value for param actions: {shown}"))
        return actions

    @staticmethod
    def _time_range(raw: str | None) -> tuple[int, int] | None:
        if raw is None:
            return None
        match = _TIME_RANGE.match(raw)
        if match is None:
            raise Abort(_bad("timeRange must be given as (start:<epoch ms>,end:<epoch ms>)"))
        start, end = int(match["start"]), int(match["end"])
        if start > end:
            raise Abort(_bad("timeRange start must not be after its end"))
        return start, end

    def _notification_json(
        self, account: Account, action: str, comment: Comment, post: Post, moment: int
    ) -> dict[str, Any]:
        activity = activity_urn(post.id)
        comment_urn = f"urn:li:comment:({activity},{comment.id})"
        actor = comment.author.id if comment.author else account.urn
        return {
            "notificationId": comment.seq,
            "organizationalEntity": account.urn,
            "action": action,
            "sourcePost": activity,
            "decoratedSourcePost": {
                "entity": post.id,
                "owner": account.urn,
                "text": post.text,
                "mediaCategory": "NONE",
            },
            "generatedActivity": comment_urn,
            "decoratedGeneratedActivity": {
                "comment": {
                    "entity": comment_urn,
                    "owner": actor,
                    "text": comment.text,
                    "object": activity,
                }
            },
            "lastModifiedAt": moment,
        }

    def _network_size(self, request: Request, urn: str) -> Response:
        if request.query.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
            return _bad("edgeType must be COMPANY_FOLLOWED_BY_MEMBER")
        match = re.fullmatch(r"urn:li:organization:(\d+)", urn)
        organisation = self.world.account("linkedin", match[1]) if match else None
        if organisation is None:
            return _not_found(urn)
        return json_response(200, {"firstDegreeSize": organisation.followers})

    # --- writing -----------------------------------------------------------------------------

    def _create(
        self, request: Request, account: Account, post: Post, parent: Comment | None
    ) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            return _bad("The request body must be a JSON object")
        actor = body.get("actor")
        if not actor:
            return _bad('Field "actor" is required but was not found')
        if actor != account.urn:
            return _denied(f"comments as {actor}")
        if body.get("object") not in (post.id, activity_urn(post.id)):
            return _bad(f'Field "object" must be the post the comment is on ({post.id})')
        message = body.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, str) or not text.strip():
            return _bad('Field "message/text" is required but was not found')
        named_parent = body.get("parentComment")
        if parent is None and named_parent is not None:
            return _bad(
                "A nested comment is created under its parent comment's URN "
                "(socialActions/{commentUrn}/comments)"
            )
        if parent is not None and named_parent != parent.urn:
            return _bad('Field "parentComment" must name the comment in the path')
        try:
            created = self.world.add_comment(
                "linkedin",
                account.id,
                text,
                author_name=None,
                post_id=post.id,
                parent_id=parent.id if parent else None,
            )
        except SimError as exc:
            return _bad(exc.message)
        self.world.record_action(
            "linkedin",
            account.id,
            "reply",
            parent.urn if parent else post.id,
            text=text,
            result_id=created.urn,
        )
        return json_response(201, self._comment_json(created, account), {"x-restli-id": created.id})

    def _publish(self, request: Request, account: Account) -> Response:
        """POST /rest/posts: a text post by the organisation. Answers 201 with an empty body
        and the new post's URN in `x-restli-id`, as LinkedIn does."""
        body = request.json()
        if not isinstance(body, dict):
            return _bad("The request body must be a JSON object")
        unknown = sorted(set(body) - POST_FIELDS)
        if unknown:
            return li_error(
                422, f"ERROR :: /{unknown[0]} :: unrecognized field found but not allowed"
            )
        for name in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
            if name not in body:
                return li_error(422, f"ERROR :: /{name} :: field is required but not found")
        if body["author"] != account.urn:
            return _denied(f"posts as {body['author']}")
        if body["visibility"] not in VISIBILITIES:
            return li_error(422, f"ERROR :: /visibility :: invalid value {body['visibility']!r}")
        distribution = body["distribution"]
        if (
            not isinstance(distribution, dict)
            or distribution.get("feedDistribution") not in FEED_DISTRIBUTIONS
        ):
            return li_error(
                422, "ERROR :: /distribution/feedDistribution :: field is required but not found"
            )
        if body["lifecycleState"] != "PUBLISHED":
            return li_error(422, "ERROR :: /lifecycleState :: only PUBLISHED posts can be created")
        commentary = body["commentary"]
        if not isinstance(commentary, str):
            return li_error(422, "ERROR :: /commentary :: expected a string")
        text = little_plain(commentary)
        if not text.strip():
            return _bad("A post without content needs commentary")
        image = None
        if "content" in body:
            image = self._post_image(body["content"], account)
            if isinstance(image, Response):
                return image
        existing = self.world.recent_own_post("linkedin", account.id, text)
        if existing is not None:
            return json_response(
                422,
                {
                    "errorDetailType": "com.linkedin.common.error.BadRequest",
                    "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
                    f"Content is a duplicate of {existing.id}",
                    "errorDetails": {
                        "inputErrors": [
                            {
                                "description": "Duplicate post is detected",
                                "input": {},
                                "code": "DUPLICATE_POST",
                            }
                        ]
                    },
                    "status": 422,
                },
            )
        post = self.world.publish_post("linkedin", account, text, image=image)
        # The commentary as sent when it was not simply escaped plain text (markup, or a text
        # LinkedIn cut short at an unescaped reserved character), and the picture.
        details = [] if commentary == little_escaped(text) else [f"commentary: {commentary}"]
        if image:
            details.append(f"image: {image['id']}")
        self.world.record_action(
            "linkedin",
            account.id,
            "post",
            account.urn,
            text=text,
            result_id=post.id,
            detail="; ".join(details) or None,
        )
        return empty_response(201, {"x-restli-id": post.id})

    def _post_image(self, content: object, account: Account) -> dict[str, Any] | Response:
        """The uploaded image a post's `content.media` names, as the post records it. Only a
        single image is simulated (articles, videos, documents, multi-image: refused)."""
        if not isinstance(content, dict) or set(content) != {"media"}:
            return li_error(
                422, "ERROR :: /content :: the simulator publishes only content.media (one image)"
            )
        media = content["media"]
        if not isinstance(media, dict) or not isinstance(media.get("id"), str):
            return li_error(422, "ERROR :: /content/media/id :: field is required but not found")
        alt = media.get("altText", "")
        if not isinstance(alt, str) or len(alt) > MAX_ALT_TEXT:
            return li_error(
                422, f"ERROR :: /content/media/altText :: at most {MAX_ALT_TEXT} characters"
            )
        urn = media["id"]
        if not _IMAGE_URN.match(urn):
            return li_error(422, f"ERROR :: /content/media/id :: not an image URN: {urn}")
        stored = self.world.li_images.get(urn)
        if stored is None or stored["owner"] != account.urn:
            return _denied(f"image {urn}")
        if stored["size"] is None:
            return li_error(
                422, f"ERROR :: /content/media/id :: image {urn} is not AVAILABLE (never uploaded)"
            )
        return {
            "id": urn,
            "alt": alt,
            "size": stored["size"],
            "content_type": stored["content_type"],
        }

    def _initialize_upload(self, request: Request, account: Account) -> Response:
        """POST /rest/images?action=initializeUpload: an image URN and the URL its bytes go to."""
        body = request.json()
        upload = body.get("initializeUploadRequest") if isinstance(body, dict) else None
        if not isinstance(upload, dict) or not isinstance(upload.get("owner"), str):
            return li_error(
                422,
                "ERROR :: /initializeUploadRequest/owner :: field is required but not found",
            )
        if upload["owner"] != account.urn:
            return _denied(f"images owned by {upload['owner']}")
        number = len(self.world.li_images) + 1
        image_id = f"C4E10AQ{number:010d}"
        urn = f"urn:li:image:{image_id}"
        secret = secrets.token_urlsafe(12)
        expires = self.world.now() + UPLOAD_URL_LIFETIME
        self.world.li_images[urn] = {
            "owner": account.urn,
            "secret": secret,
            "expires": expires,
            "size": None,
            "content_type": "",
        }
        upload_url = (
            f"{request.base_url}/{UPLOADS}/{image_id}/uploaded-image/0"
            f"?ca=vector_ads&cn=uploads&sync=0&v=beta&ut={secret}"
        )
        return json_response(
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": epoch_ms(expires),
                    "uploadUrl": upload_url,
                    "image": urn,
                }
            },
        )

    def _upload(self, request: Request, account: Account) -> Response:
        """PUT of the image bytes to the URL initializeUpload gave (201, empty)."""
        raw = request.raw_segments
        if request.method != "PUT":
            return li_error(405, f"Method {request.method} is not supported on this resource")
        urn = f"urn:li:image:{raw[1]}" if len(raw) >= 2 else ""
        stored = self.world.li_images.get(urn)
        if stored is None or stored["secret"] != request.query.get("ut"):
            return _not_found(f"upload {request.path}")
        if stored["owner"] != account.urn:
            return _denied(f"image {urn}")
        if self.world.now() > stored["expires"]:
            return li_error(400, "The upload URL has expired", code="ILLEGAL_ARGUMENT")
        if not request.body:
            return _bad("The upload has no content")
        stored["size"] = len(request.body)
        stored["content_type"] = request.header("Content-Type") or ""
        self.world.record_action(
            "linkedin",
            account.id,
            "upload",
            urn,
            detail=f"{stored['size']} bytes, {stored['content_type'] or 'no content type'}",
        )
        return empty_response(201)

    def _delete(self, request: Request, account: Account, comment: Comment) -> Response:
        actor = request.query.get("actor")
        if not actor:
            return _bad("Query parameter actor is required")
        if actor != account.urn:
            return _denied(f"comments as {actor}")
        self.world.delete_comment(comment)
        self.world.record_action("linkedin", account.id, "delete", comment.urn)
        return empty_response(204)
