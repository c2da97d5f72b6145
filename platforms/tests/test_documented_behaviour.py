"""Graph API, Instagram and YouTube behaviour taken from the platforms' documentation, each test
built from the documented example payload and naming the page it came from: throttling code
341, "reduce the amount of data", conversations' unix `updated_time`, a token without the
messaging permission, Instagram-scoped comment authors, and YouTube's per-project quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platforms.classify import classify_graph_error, is_missing_permission
from platforms.config import GRAPH_VERSION
from platforms.errors import NeedsReconnectError, ThrottledError, TooMuchDataError
from platforms.graph import MIN_PAGE_LIMIT, smaller_request
from platforms.tests.canned import Canned
from platforms.tests.test_real_api_shapes import NOW, SINCE, graph_time, make, server  # noqa: F401
from platforms.timeutil import parse_iso_or_unix

# https://developers.facebook.com/docs/graph-api/guides/error-handling: the error response
# shape, and the table's codes used below.
ERROR_HANDLING = "https://developers.facebook.com/docs/graph-api/guides/error-handling"


def graph_error(code, message, subcode=None):
    error = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "EJplcsCHuLu",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


# -- Graph errors -----------------------------------------------------------------------------


def test_code_341_application_limit_reached_is_throttling():
    # ERROR_HANDLING: 341 "Application limit reached": a temporary issue due to downtime or
    # throttling; wait and retry, or examine the API request volume.
    error = classify_graph_error(
        platform="facebook",
        status=400,
        body=graph_error(341, "(#341) Application limit reached"),
        now=NOW,
    )
    assert isinstance(error, ThrottledError)
    assert error.code == 341
    assert error.resume_at == NOW + timedelta(minutes=15)


def test_code_341_pauses_a_poll_like_the_other_throttle_codes(server, make):  # noqa: F811
    server.answer(
        "GET",
        f"/{GRAPH_VERSION}/100",
        Canned(status=400, body=graph_error(341, "Application limit reached")),
    )
    with pytest.raises(ThrottledError) as caught:
        make("facebook").fetch_new(None, since=SINCE)
    assert caught.value.code == 341


# The message Graph answers with, as reported in singer-io/tap-facebook#65 (HTTP 500, code 1);
# the error-handling table lists code 1 as "API Unknown".
REDUCE = {
    "error": {
        "code": 1,
        "message": "Please reduce the amount of data you're asking for, then retry your request",
    }
}


def test_reduce_the_amount_of_data_is_its_own_kind_not_a_plain_retry():
    error = classify_graph_error(platform="facebook", status=500, body=REDUCE, now=NOW)
    assert isinstance(error, TooMuchDataError)


def test_smaller_request_halves_every_page_size_down_to_the_floor():
    params = {"fields": "feed.limit(50){id,comments.limit(100){id}}", "limit": "8"}
    assert smaller_request(params) == {
        "fields": "feed.limit(25){id,comments.limit(50){id}}",
        "limit": str(MIN_PAGE_LIMIT),
    }
    floor = {"fields": f"media.limit({MIN_PAGE_LIMIT}){{id}}", "limit": str(MIN_PAGE_LIMIT)}
    assert smaller_request(floor) is None


def test_reduce_the_amount_of_data_asks_for_the_same_page_with_half_the_page_sizes(
    server,  # noqa: F811
    make,  # noqa: F811
):
    page = {
        "id": "100",
        "feed": {
            "data": [
                {
                    "id": "100_1",
                    "created_time": graph_time(NOW - timedelta(hours=1)),
                    "updated_time": graph_time(NOW - timedelta(minutes=2)),
                    "comments": {
                        "data": [
                            {
                                "id": "100_1_7",
                                "message": "Hvornår åbner svømmehallen?",
                                "created_time": graph_time(NOW - timedelta(minutes=2)),
                                "from": {"id": "9", "name": "Borger 9"},
                            }
                        ]
                    },
                }
            ]
        },
    }
    server.answer(
        "GET", f"/{GRAPH_VERSION}/100", Canned(status=500, body=REDUCE), Canned(body=page)
    )

    result = make("facebook").fetch_new(None, since=SINCE)

    assert [item.external_id for item in result.items] == ["100_1_7"]
    first, second = (seen.query["fields"] for seen in server.seen)
    assert ".limit(50){" in first and ".limit(100){" in first
    assert ".limit(25){" in second and ".limit(50){" in second


def test_reduce_the_amount_of_data_gives_up_at_the_smallest_page(server, make):  # noqa: F811
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(status=500, body=REDUCE))

    with pytest.raises(TooMuchDataError) as caught:
        make("facebook").fetch_new(None, since=SINCE)

    assert f"even at {MIN_PAGE_LIMIT} items per page" in caught.value.message
    # 50/100 → 25/50 → 12/25 → 6/12 → 5/6 → 5/5: a bounded number of tries, not a loop.
    assert len(server.seen) == 6


# -- Conversations --------------------------------------------------------------------------


def test_updated_time_is_read_as_iso_or_as_unix_seconds():
    # https://developers.facebook.com/docs/messenger-platform/conversations lists
    # conversations as {"id": "CONVERSATION-ID-1", "updated_time": "UNIX-TIMESTAMP"}; the
    # Graph reference of the Conversation node gives ISO 8601 datetimes.
    moment = datetime(2026, 4, 14, 9, 58, 20, tzinfo=UTC)
    assert parse_iso_or_unix(str(int(moment.timestamp()))) == moment
    assert parse_iso_or_unix(int(moment.timestamp())) == moment
    assert parse_iso_or_unix("2026-04-14T09:58:20+0000") == moment
    with pytest.raises(ValueError):
        parse_iso_or_unix("soon")


def _messenger_page(conversations):
    return {"id": "100", "conversations": {"data": conversations}}


def test_conversations_with_unix_updated_time_are_read_and_end_at_the_watermark(
    server,  # noqa: F811
    make,  # noqa: F811
):
    fresh = {
        "id": "t_1",
        "updated_time": str(int((NOW - timedelta(minutes=3)).timestamp())),
        "messages": {
            "data": [
                {
                    "id": "m_1",
                    "message": "Kan I ringe mig op?",
                    "from": {"id": "555", "name": "Borger 5"},
                    "created_time": graph_time(NOW - timedelta(minutes=3)),
                }
            ]
        },
    }
    stale = {"id": "t_2", "updated_time": str(int((NOW - timedelta(days=9)).timestamp()))}
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body=_messenger_page([fresh, stale])))

    result = make("facebook", messaging=True).fetch_new(None, since=SINCE)

    assert [(item.external_id, item.kind) for item in result.items] == [("m_1", "message")]
    assert result.skipped == []
    # The stale conversation ended the listing: its messages were never asked for.
    assert server.paths() == [f"/{GRAPH_VERSION}/100"]


# -- A token without the messaging permission -------------------------------------------------

# https://developers.facebook.com/docs/messenger-platform/error-codes: 230 "Requires
# pages_messaging permission to manage the object"; ERROR_HANDLING: 10 and 200-299 are
# permission errors.
NO_MESSAGING = graph_error(230, "(#230) Requires pages_messaging permission to manage the object")


def test_a_missing_permission_is_told_apart_from_a_dead_token():
    def classified(code, subcode=None):
        return classify_graph_error(
            platform="facebook", status=403, body=graph_error(code, "x", subcode), now=NOW
        )

    assert is_missing_permission(classified(230))
    assert is_missing_permission(classified(10))
    assert is_missing_permission(classified(200))
    assert not is_missing_permission(classified(190, 460))


def test_facebook_comments_keep_flowing_when_messages_are_refused(server, make):  # noqa: F811
    comments_only = {
        "id": "100",
        "feed": {
            "data": [
                {
                    "id": "100_1",
                    "created_time": graph_time(NOW - timedelta(hours=2)),
                    "updated_time": graph_time(NOW - timedelta(minutes=4)),
                    "comments": {
                        "data": [
                            {
                                "id": "100_1_3",
                                "message": "Tak for info",
                                "created_time": graph_time(NOW - timedelta(minutes=4)),
                                "from": {"id": "9", "name": "Borger 9"},
                            }
                        ]
                    },
                }
            ]
        },
    }
    server.answer(
        "GET",
        f"/{GRAPH_VERSION}/100",
        Canned(status=403, body=NO_MESSAGING),
        Canned(body=comments_only),
    )
    earlier = {"time": (NOW - timedelta(days=2)).isoformat(), "seen": {}}

    result = make("facebook", messaging=True).fetch_new({"messages": earlier}, since=SINCE)

    assert [item.external_id for item in result.items] == ["100_1_3"]
    assert "pages_messaging" in result.messaging_unavailable
    assert "conversations" in server.seen[0].query["fields"]
    assert "conversations" not in server.seen[1].query["fields"]
    # The messages' watermark waits for the day messages can be read.
    assert result.new_cursor["messages"] == earlier


def test_facebook_dead_token_is_not_mistaken_for_a_missing_messaging_permission(
    server,  # noqa: F811
    make,  # noqa: F811
):
    expired = graph_error(190, "Error validating access token: Session has expired", 463)
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(status=400, body=expired))
    with pytest.raises(NeedsReconnectError):
        make("facebook", messaging=True).fetch_new(None, since=SINCE)
    assert len(server.seen) == 1


def _instagram_node(*comments, username="fjordbykommune"):
    media = {
        "id": "m1",
        "timestamp": graph_time(NOW - timedelta(hours=3)),
        "permalink": "https://www.instagram.com/p/abc/",
        "comments_count": len(comments),
        "comments": {"data": list(comments)},
    }
    return {"id": "100", "username": username, "media": {"data": [media]}}


def test_instagram_comments_keep_flowing_when_direct_messages_are_refused(
    server,  # noqa: F811
    make,  # noqa: F811
):
    citizen = {
        "id": "c1",
        "text": "Hvornår er der åbent?",
        "timestamp": graph_time(NOW - timedelta(minutes=6)),
        "username": "cykelmor",
        "from": {"id": "6543210987654321", "username": "cykelmor"},
    }
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body=_instagram_node(citizen)))
    refused = graph_error(10, "(#10) Application does not have permission for this action")
    server.answer("GET", f"/{GRAPH_VERSION}/me/conversations", Canned(status=403, body=refused))

    result = make("instagram", messaging=True).fetch_new(None, since=SINCE)

    assert [item.external_id for item in result.items] == ["c1"]
    assert result.messaging_unavailable.startswith("(#10)")
    assert "messages" not in result.new_cursor


# -- Instagram: who wrote a comment ---------------------------------------------------------

# https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment
# and https://developers.facebook.com/docs/graph-api/changelog/ooc-changes/oct-20-2021: `from`
# is "an object containing the IGSID (id) and username (username) of the comment creator".
OWN_IGSID = "17858893269000001"


def _ig_comment(comment_id, text, author_id, username, minutes_ago):
    return {
        "id": comment_id,
        "text": text,
        "timestamp": graph_time(NOW - timedelta(minutes=minutes_ago)),
        "username": username,
        "from": {"id": author_id, "username": username},
    }


def test_instagram_knows_its_own_replies_by_username_not_by_from_id(server, make):  # noqa: F811
    question = _ig_comment("c1", "Må man parkere her?", "6543210987654321", "cykelmor", 9)
    question["replies"] = {
        "data": [
            _ig_comment("c2", "Ja, efter kl. 17.", OWN_IGSID, "fjordbykommune", 4),
        ]
    }
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body=_instagram_node(question)))

    result = make("instagram").fetch_new(None, since=SINCE)

    assert [(i.external_id, i.from_account) for i in result.items] == [
        ("c1", False),
        ("c2", True),
    ]
    assert server.seen[0].query["fields"].startswith("username,media.limit(")


def test_instagram_finds_its_own_reply_after_a_lost_answer(server, make):  # noqa: F811
    server.answer(
        "GET", f"/{GRAPH_VERSION}/100", Canned(body={"id": "100", "username": "fjordbykommune"})
    )
    server.answer(
        "GET",
        f"/{GRAPH_VERSION}/c1/replies",
        Canned(
            body={
                "data": [
                    # A citizen repeating our words is not our reply.
                    _ig_comment("c3", "Ja, efter kl. 17.", "6543210987654321", "cykelmor", 2),
                    _ig_comment("c2", "Ja, efter kl. 17.", OWN_IGSID, "fjordbykommune", 4),
                ]
            }
        ),
    )

    found = make("instagram").find_own_reply("c1", "Ja, efter kl. 17.")

    assert found is not None and found.external_id == "c2"


def test_instagram_does_not_take_a_citizens_reply_for_its_own(server, make):  # noqa: F811
    server.answer(
        "GET", f"/{GRAPH_VERSION}/100", Canned(body={"id": "100", "username": "fjordbykommune"})
    )
    server.answer(
        "GET",
        f"/{GRAPH_VERSION}/c1/replies",
        Canned(body={"data": [_ig_comment("c3", "Tak!", "6543210987654321", "cykelmor", 2)]}),
    )

    assert make("instagram").find_own_reply("c1", "Tak!") is None
