"""The LinkedIn and X adapters on the payloads and rules the platforms' documentation gives, each
test naming the page it comes from. A canned server answers exactly as documented and records
what the adapter sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from platforms.config import connection_for
from platforms.errors import ActionNotAllowedError, NeedsReconnectError, TransientError
from platforms.registry import get_adapter
from platforms.tests.canned import Canned, CannedServer

NOW = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)

COMMENTS_API = (
    "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api"
)
ORG = "urn:li:organization:2414183"
ACTIVITY = "urn:li:activity:6631349431612559360"
# A comment URN as the Comments API writes it: the activity and the comment's own id.
TOP = f"urn:li:comment:({ACTIVITY},6636062862760562688)"
REPLY = f"urn:li:comment:({ACTIVITY},6636063123456789012)"


def enc(urn: str) -> str:
    return quote(urn, safe="")


@pytest.fixture
def server():
    with CannedServer() as canned:
        yield canned


@pytest.fixture
def make(server):
    adapters = []

    def build(platform, account_id, **extra):
        connection = connection_for(
            platform, account_id, "tok", simulator_url=server.url, timeout=2, extra=extra
        )
        adapters.append(get_adapter(platform, connection, clock=lambda: NOW))
        return adapters[-1]

    yield build
    for adapter in adapters:
        adapter.close()


def li_comment(urn: str, text: str, minutes_ago: int, **fields) -> dict:
    """A comment in the Comments API's response shape (its documented fields: $URN, id,
    commentUrn, actor, object, message, created, lastModified, likesSummary)."""
    number = urn.rsplit(",", 1)[1].rstrip(")")
    moment = int((NOW - timedelta(minutes=minutes_ago)).timestamp() * 1000)
    actor = "urn:li:person:w3a8kGd7Iz"
    return {
        "$URN": urn,
        "id": number,
        "commentUrn": urn,
        "actor": actor,
        "object": ACTIVITY,
        "message": {"attributes": [], "text": text},
        "created": {"actor": actor, "time": moment},
        "lastModified": {"actor": actor, "time": moment},
        "likesSummary": {
            "selectedLikes": [],
            "aggregatedTotalLikes": 0,
            "likedByCurrentUser": False,
            "totalLikes": 0,
        },
        **fields,
    }


# -- LinkedIn -------------------------------------------------------------------------------


def test_linkedin_reply_is_created_under_the_comment_urn(server, make):
    # Comments API, "Create a Comment" (a nested comment): POST to the parent comment's URN,
    # url-encoded, with actor, object, message and parentComment; 201 with the comment.
    # COMMENTS_API
    created = li_comment(f"urn:li:comment:({ACTIVITY},6636064000000000000)", "Tak!", 0)
    created["actor"] = ORG
    created["parentComment"] = TOP
    server.answer("POST", f"/rest/socialActions/{enc(TOP)}/comments", Canned(201, created))
    adapter = make("linkedin", "2414183")

    result = adapter.reply(TOP, "Tak!", idempotency_key="k", thread_external_id=ACTIVITY)

    [sent] = server.seen
    assert sent.path == f"/rest/socialActions/{enc(TOP)}/comments"
    assert json.loads(sent.body) == {
        "actor": ORG,
        "object": ACTIVITY,
        "message": {"text": "Tak!"},
        "parentComment": TOP,
    }
    assert sent.headers["Authorization"] == "Bearer tok"
    assert sent.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert sent.raw_query == ""  # the token is never in the URL
    assert result.external_id == created["$URN"]


def test_linkedin_calls_carry_the_token_only_in_the_header(server, make):
    # python-linkedin-v2's make_request appends oauth2_access_token to the URL; the adapter
    # sends the token as "Authorization: Bearer" only, the way LinkedIn's authorization code
    # flow has API calls carry it:
    # https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
    server.answer(
        "GET",
        "/rest/organizations/2414183",
        Canned(body={"id": 2414183, "localizedName": "Fjordby Kommune"}),
    )
    adapter = make("linkedin", "2414183")

    adapter.test_connection()

    [sent] = server.seen
    assert "oauth2_access_token" not in sent.raw_query
    assert "tok" not in sent.raw_query
    assert sent.headers["Authorization"] == "Bearer tok"


def test_linkedin_replies_are_read_from_the_comment_urn_when_no_summary_is_given(server, make):
    # Comments API, "Get Comments on Comments": the replies of a comment are listed under the
    # comment's URN, each naming its parentComment. The top-level listing here carries no
    # commentsSummary, so the adapter cannot count replies and reads the thread itself.
    # COMMENTS_API
    notification = {
        "action": "COMMENT",
        "organizationalEntity": ORG,
        "sourcePost": ACTIVITY,
        "generatedActivity": REPLY,
        "decoratedGeneratedActivity": {"comment": {"entity": REPLY, "object": ACTIVITY}},
        "lastModifiedAt": int((NOW - timedelta(minutes=2)).timestamp() * 1000),
    }
    server.answer(
        "GET",
        "/rest/organizationalEntityNotifications",
        Canned(body={"paging": {"start": 0, "count": 100, "total": 1}, "elements": [notification]}),
    )
    server.answer(
        "GET",
        f"/rest/socialActions/{enc(ACTIVITY)}/comments",
        Canned(
            body={
                "paging": {"start": 0, "count": 100, "total": 1},
                "elements": [li_comment(TOP, "Hvornår åbner svømmehallen?", 600)],
            }
        ),
    )
    server.answer(
        "GET",
        f"/rest/socialActions/{enc(TOP)}/comments",
        Canned(
            body={
                "paging": {"start": 0, "count": 100, "total": 1},
                "elements": [li_comment(REPLY, "Også om søndagen?", 2, parentComment=TOP)],
            }
        ),
    )
    adapter = make("linkedin", "2414183", sweep_minutes=100_000)
    cursor = {"swept_at": NOW.isoformat(), "comments": {"time": NOW.isoformat(), "seen": {}}}

    result = adapter.fetch_new(cursor, since=NOW - timedelta(days=1))

    reply = next(item for item in result.items if item.external_id == REPLY)
    assert reply.kind == "reply"
    assert reply.parent_external_id == TOP
    assert reply.text == "Også om søndagen?"
    assert f"/rest/socialActions/{enc(TOP)}/comments" in server.paths()


# -- X --------------------------------------------------------------------------------------

# The mentions answer of https://docs.x.com/x-api/posts/timelines/quickstart/user-mention-quickstart
# ("Review the response"), with the reference list added in the shape of the specification's
# PostReferencedPosts (type replied_to, id).
X_MENTION = {
    "id": "1301573587187331074",
    "text": "Hey @XDevelopers, love the new API!",
    "author_id": "1234567890",
    "created_at": "2024-01-15T10:30:00.000Z",
    "public_metrics": {"retweet_count": 5, "reply_count": 2, "like_count": 42, "quote_count": 1},
}
X_PAGE = {
    "includes": {
        "users": [
            {"id": "1234567890", "username": "developer", "name": "Dev Person", "verified": False}
        ]
    },
    "meta": {
        "newest_id": "1301573587187331074",
        "oldest_id": "1301573587187331074",
        "result_count": 1,
    },
}
REFERENCE = [{"type": "replied_to", "id": "1301573000000000000"}]


@pytest.mark.parametrize(
    ("naming", "references", "fields_param", "expansions"),
    [
        # OpenAPI 2.168 (https://docs.x.com/x-api/users/get-users-by-usernames.md): post.fields
        # has no author_id, in_reply_to_user_id or referenced_posts; they are expansions.
        (
            "post",
            "referenced_posts",
            "post.fields",
            "author_id,in_reply_to_user_id,referenced_posts",
        ),
        # The older documents (the quickstart above): tweet.fields and referenced_tweets.
        ("tweet", "referenced_tweets", "tweet.fields", "author_id"),
    ],
)
def test_x_mentions_in_both_shapes(server, make, naming, references, fields_param, expansions):
    since = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)
    server.answer(
        "GET",
        "/2/users/2244994945/mentions",
        Canned(body={"data": [{**X_MENTION, references: REFERENCE}], **X_PAGE}),
    )
    adapter = make("x", "2244994945", fields_naming=naming)

    result = adapter.fetch_new(None, since=since)

    [item] = result.items
    assert item.external_id == "1301573587187331074"
    assert item.author_name == "@developer"
    assert item.parent_external_id == "1301573000000000000"
    assert item.permalink == "https://x.com/developer/status/1301573587187331074"
    [sent] = server.seen
    assert fields_param in sent.query
    assert "created_at" in sent.query[fields_param].split(",")
    assert sent.query["expansions"] == expansions
    other = "tweet.fields" if fields_param == "post.fields" else "post.fields"
    assert other not in sent.query


def test_x_reads_either_reference_list_whatever_it_asked_for(server, make):
    # An answer in the older shape to a request in the current names still yields the parent.
    server.answer(
        "GET",
        "/2/users/2244994945/mentions",
        Canned(body={"data": [{**X_MENTION, "referenced_tweets": REFERENCE}], **X_PAGE}),
    )
    adapter = make("x", "2244994945")

    [item] = adapter.fetch_new(None, since=datetime(2024, 1, 15, tzinfo=UTC)).items

    assert item.parent_external_id == "1301573000000000000"


def test_x_refuses_a_reply_to_a_post_that_did_not_mention_us(server, make):
    # Since 2026-02-24 X takes programmatic replies (POST /2/tweets with reply) only to posts
    # whose author mentioned or quoted the account (X Developers' announcement, reported at
    # https://www.odaily.news/en/newsflash/469433); api.x.com answers 403 with this problem.
    server.answer(
        "POST",
        "/2/tweets",
        Canned(
            403,
            {
                "title": "Forbidden",
                "status": 403,
                "detail": "Reply to this conversation is not allowed because you have not been "
                "mentioned or otherwise engaged by the author of the post you are replying to.",
                "type": "about:blank",
            },
        ),
    )
    adapter = make("x", "2244994945")

    with pytest.raises(ActionNotAllowedError) as refused:
        adapter.reply("1301573587187331074", "Tak!", idempotency_key="k")

    assert refused.value.code == "x_reply_not_allowed"
    assert refused.value.message == "X does not allow this reply"
    assert not isinstance(refused.value, TransientError | NeedsReconnectError)
    assert len(server.seen) == 1
    assert json.loads(server.seen[0].body) == {
        "text": "Tak!",
        "reply": {"in_reply_to_tweet_id": "1301573587187331074"},
    }


def test_x_other_403s_on_a_reply_stay_what_they_were(server, make):
    server.answer(
        "POST",
        "/2/tweets",
        Canned(
            403,
            {
                "title": "Forbidden",
                "status": 403,
                "detail": "You are not allowed to create a Tweet with duplicate content.",
                "type": "about:blank",
            },
        ),
    )
    adapter = make("x", "2244994945")

    with pytest.raises(Exception) as refused:
        adapter.reply("1301573587187331074", "Tak!", idempotency_key="k")

    assert not isinstance(refused.value, ActionNotAllowedError)
    assert refused.value.reason == "duplicate"
