"""Adapter behaviour on response shapes the real APIs produce and the simulator does not: empty
nested edges left out, partial errors, single broken records, and the SDK traps (module
globals, mutated headers)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import facebook
import pytest

from platforms.config import GRAPH_VERSION, LINKEDIN_VERSION, connection_for
from platforms.errors import BadDataError
from platforms.registry import get_adapter
from platforms.tests.canned import Canned, CannedServer

NOW = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=1)


def graph_time(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


@pytest.fixture
def server():
    with CannedServer() as canned:
        yield canned


@pytest.fixture
def make(server):
    """`make(platform, account_id="100", **extra)`: an adapter talking to the canned server."""
    adapters = []

    def build(platform, account_id="100", **extra):
        connection = connection_for(
            platform, account_id, "tok", simulator_url=server.url, timeout=2, extra=extra
        )
        adapters.append(get_adapter(platform, connection, clock=lambda: NOW))
        return adapters[-1]

    yield build
    for adapter in adapters:
        adapter.close()


def comment(comment_id, minutes_ago, **fields):
    return {
        "id": comment_id,
        "message": f"tekst {comment_id}",
        "created_time": graph_time(NOW - timedelta(minutes=minutes_ago)),
        "from": {"id": "9", "name": "Borger 9"},
        **fields,
    }


# -- Facebook -------------------------------------------------------------------------------


def test_facebook_reads_only_posts_active_since_the_cutoff_when_the_nested_edge_is_absent(
    server, make
):
    # Graph leaves an empty nested edge out; `updated_time` then tells which posts to read.
    server.answer(
        "GET",
        f"/{GRAPH_VERSION}/100",
        Canned(
            body={
                "id": "100",
                "feed": {
                    "data": [
                        {
                            "id": "100_1",
                            "created_time": graph_time(NOW - timedelta(days=3)),
                            "updated_time": graph_time(NOW - timedelta(minutes=20)),
                        },
                        {
                            "id": "100_2",
                            "created_time": graph_time(NOW - timedelta(days=4)),
                            "updated_time": graph_time(NOW - timedelta(days=2)),
                        },
                    ]
                },
            }
        ),
    )
    server.answer(
        "GET", f"/{GRAPH_VERSION}/100_1/comments", Canned(body={"data": [comment("1_5", 20)]})
    )
    adapter = make("facebook")

    result = adapter.fetch_new(None, since=SINCE)

    assert [item.external_id for item in result.items] == ["1_5"]
    assert server.paths() == [f"/{GRAPH_VERSION}/100", f"/{GRAPH_VERSION}/100_1/comments"]
    follow_up = server.seen[1].query
    assert follow_up["filter"] == "stream"
    assert follow_up["order"] == "chronological"
    assert follow_up["since"] == str(int(SINCE.timestamp()))
    assert result.calls_made == 2


def test_facebook_keeps_the_page_when_one_comment_is_broken(server, make):
    server.answer(
        "GET",
        f"/{GRAPH_VERSION}/100",
        Canned(
            body={
                "id": "100",
                "feed": {
                    "data": [
                        {
                            "id": "100_1",
                            "updated_time": graph_time(NOW),
                            "comments": {
                                "data": [
                                    comment("1_1", 30),
                                    {"id": "1_2", "message": "uden tid"},
                                    "not an object",
                                    comment("1_3", 10, parent={"id": "1_1"}),
                                ]
                            },
                        }
                    ]
                },
            }
        ),
    )
    adapter = make("facebook")

    result = adapter.fetch_new(None, since=SINCE)

    assert [(item.external_id, item.kind) for item in result.items] == [
        ("1_1", "comment"),
        ("1_3", "reply"),
    ]
    assert [reason for _, reason in result.skipped] == [
        "comment without a readable created_time",
        "comment without an id",
    ]
    assert result.skipped[0].raw == {"id": "1_2", "message": "uden tid"}


@pytest.mark.parametrize(
    "node",
    [
        {"id": "100", "feed": {"paging": {}}},
        {"id": "100", "feed": ["not", "a", "page"]},
        {"id": "100", "conversations": {"paging": {}}},
        {"id": "100", "conversations": "not a page"},
    ],
)
def test_facebook_an_expanded_edge_without_a_data_list_is_bad_data(server, make, node):
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body=node))
    adapter = make("facebook", messaging=True)

    with pytest.raises(BadDataError):
        adapter.fetch_new(None, since=SINCE)


def test_facebook_reads_feed_and_conversations_in_one_node_call(server, make):
    # Given a Page node that expands both edges, each with a next link back to its own edge
    # (as Graph writes them), and a conversation whose nested messages also page on
    message = {
        "id": "m_1",
        "message": "Hej kommune",
        "from": {"id": "9", "name": "Borger 9"},
        "created_time": graph_time(NOW - timedelta(minutes=4)),
    }
    older = {**message, "id": "m_0", "created_time": graph_time(NOW - timedelta(minutes=8))}
    server.answer(
        "GET",
        f"/{GRAPH_VERSION}/100",
        Canned(
            body={
                "id": "100",
                "feed": {
                    "data": [
                        {
                            "id": "100_1",
                            "updated_time": graph_time(NOW),
                            "comments": {"data": [comment("1_1", 5)]},
                        }
                    ],
                    "paging": {"next": f"{server.url}/{GRAPH_VERSION}/100/feed?limit=50&after=A"},
                },
                "conversations": {
                    "data": [
                        {
                            "id": "t_1",
                            "updated_time": graph_time(NOW - timedelta(minutes=4)),
                            "link": "/100/inbox/1/",
                            "messages": {
                                "data": [message],
                                "paging": {
                                    "next": f"{server.url}/{GRAPH_VERSION}/t_1/messages?after=M"
                                },
                            },
                        }
                    ],
                    "paging": {"next": f"{server.url}/{GRAPH_VERSION}/100/conversations?after=C"},
                },
            }
        ),
    )
    server.answer("GET", f"/{GRAPH_VERSION}/100/feed", Canned(body={"data": []}))
    server.answer("GET", f"/{GRAPH_VERSION}/t_1/messages", Canned(body={"data": [older]}))
    server.answer("GET", f"/{GRAPH_VERSION}/100/conversations", Canned(body={"data": []}))
    adapter = make("facebook", messaging=True)

    # When it is fetched
    result = adapter.fetch_new(None, since=SINCE)

    # Then one call asked for both edges, and each stream paged on from its own next link
    first = server.seen[0]
    assert first.path == f"/{GRAPH_VERSION}/100"
    cutoff = str(int(SINCE.timestamp()))
    horizon = str(int((NOW - timedelta(days=30)).timestamp()))
    assert first.query["fields"] == (
        f"id,feed.since({horizon}).limit(50){{id,created_time,updated_time,permalink_url,"
        f"comments.filter(stream).order(chronological).since({cutoff}).limit(100)"
        "{id,message,from{id,name},created_time,parent{id},is_hidden,can_hide,permalink_url}},"
        "conversations.limit(25){id,updated_time,link,"
        "messages.limit(50){id,message,from,to,created_time}}"
    )
    assert server.paths() == [
        f"/{GRAPH_VERSION}/100",
        f"/{GRAPH_VERSION}/100/feed",
        f"/{GRAPH_VERSION}/t_1/messages",
        f"/{GRAPH_VERSION}/100/conversations",
    ]
    assert server.seen[1].query["after"] == "A"
    assert sorted(item.external_id for item in result.items) == ["1_1", "m_0", "m_1"]
    assert result.items[-1].permalink == "https://www.facebook.com/100/inbox/1/"
    assert set(result.new_cursor) == {"comments", "messages"}
    assert result.calls_made == 4


def test_facebook_without_messaging_expands_only_the_feed_and_keeps_the_messages_cursor(
    server, make
):
    # Graph leaves an empty edge out of the node altogether
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body={"id": "100"}))
    adapter = make("facebook")
    kept = {"time": (NOW - timedelta(days=2)).isoformat(), "seen": {}}

    result = adapter.fetch_new({"messages": kept}, since=SINCE)

    assert "conversations" not in server.seen[0].query["fields"]
    assert server.seen[0].query["fields"].startswith("id,feed.since(")
    assert result.items == []
    assert result.new_cursor["messages"] == kept
    assert result.calls_made == 1


def test_facebook_sessions_rewrite_the_base_url_without_touching_the_sdk_global(server, make):
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body={"id": "100", "name": "Side"}))
    global_before = facebook.FACEBOOK_GRAPH_URL
    other = make("facebook")
    elsewhere_connection = connection_for("facebook", "1", "tok", base_url="http://127.0.0.1:9")
    elsewhere = get_adapter("facebook", elsewhere_connection)

    assert other.test_connection()["name"] == "Side"
    assert global_before == facebook.FACEBOOK_GRAPH_URL
    assert elsewhere.client.session.base_url == "http://127.0.0.1:9"
    elsewhere.close()
    # The SDK writes the token into the query string; it travels in the header instead.
    assert "access_token" not in server.seen[0].query
    assert server.seen[0].headers["Authorization"] == "Bearer tok"


def test_graph_moderation_writes_send_the_strings_true_and_false(server, make):
    server.answer("POST", f"/{GRAPH_VERSION}/1_2", Canned(body={"success": True}))
    facebook_adapter = make("facebook")
    instagram_adapter = make("instagram")

    facebook_adapter.hide("1_2")
    facebook_adapter.unhide("1_2")
    instagram_adapter.hide("1_2")

    forms = [parse_qs(seen.body.decode()) for seen in server.seen]
    assert [(form.get("is_hidden"), form.get("hide")) for form in forms] == [
        (["true"], None),
        (["false"], None),
        (None, ["true"]),
    ]
    assert all("access_token" not in form for form in forms)
    assert all(seen.headers["Authorization"] == "Bearer tok" for seen in server.seen)


def test_facebook_usage_is_unknown_without_headers(server, make):
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body={"id": "100"}))
    adapter = make("facebook")

    result = adapter.fetch_new(None, since=SINCE)

    assert result.usage.known is False
    assert result.items == []
    assert result.new_cursor == {"comments": {"time": NOW.isoformat(), "seen": {}}}


# -- Instagram ------------------------------------------------------------------------------


def test_instagram_asks_for_replies_the_count_says_it_has_not_seen(server, make):
    top = {"id": "c1", "text": "hej", "timestamp": graph_time(NOW - timedelta(minutes=9))}
    media = {
        "id": "m1",
        "timestamp": graph_time(NOW),
        "comments_count": 3,
        "comments": {"data": [top]},
    }
    node = {"id": "100", "username": "fjordby", "media": {"data": [media]}}
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body=node))
    replies = [
        {"id": f"r{n}", "text": "svar", "timestamp": graph_time(NOW - timedelta(minutes=n))}
        for n in (2, 1)
    ]
    server.answer("GET", f"/{GRAPH_VERSION}/c1/replies", Canned(body={"data": replies}))
    adapter = make("instagram")

    result = adapter.fetch_new(None, since=SINCE)

    assert [(i.external_id, i.parent_external_id) for i in result.items] == [
        ("c1", None),
        ("r2", "c1"),
        ("r1", "c1"),
    ]
    assert server.paths() == [f"/{GRAPH_VERSION}/100", f"/{GRAPH_VERSION}/c1/replies"]
    fields = server.seen[0].query["fields"]
    assert fields.startswith(
        "username,media.limit(50){id,timestamp,permalink,comments_count,comments.limit(50){"
    )


def test_instagram_reads_the_comments_edge_when_the_count_says_it_left_some_out(server, make):
    # Graph leaves an empty nested edge out; with a positive count, the edge itself is asked.
    counted = {"id": "m1", "timestamp": graph_time(NOW), "comments_count": 1}
    empty = {"id": "m2", "timestamp": graph_time(NOW), "comments_count": 0}
    node = {"id": "100", "username": "fjordby", "media": {"data": [counted, empty]}}
    server.answer("GET", f"/{GRAPH_VERSION}/100", Canned(body=node))
    late = {"id": "c9", "text": "sent", "timestamp": graph_time(NOW - timedelta(minutes=1))}
    server.answer("GET", f"/{GRAPH_VERSION}/m1/comments", Canned(body={"data": [late]}))
    adapter = make("instagram")

    result = adapter.fetch_new(None, since=SINCE)

    assert [item.external_id for item in result.items] == ["c9"]
    assert server.paths() == [f"/{GRAPH_VERSION}/100", f"/{GRAPH_VERSION}/m1/comments"]


# -- X --------------------------------------------------------------------------------------


def x_cursor(minutes_ago, **seen):
    """A stored X cursor: read up to `minutes_ago`, with these ids seen in the overlap."""
    return {
        "mentions": {
            "time": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
            "seen": {key: value.isoformat() for key, value in seen.items()},
        }
    }


def test_x_keeps_the_data_of_a_200_with_partial_errors(server, make):
    error = {"resource_id": "77", "title": "Not Found Error", "detail": "gone"}
    server.answer(
        "GET",
        "/2/users/100/mentions",
        Canned(
            body={
                "data": [
                    {
                        "id": "5",
                        "text": "@kommune hej",
                        "author_id": "77",
                        "created_at": "2026-04-14T09:55:00.000Z",
                        "conversation_id": "1",
                    },
                    {"id": "6", "text": "ingen tid", "author_id": "78"},
                ],
                "errors": [error],
                "meta": {"newest_id": "6", "oldest_id": "5", "result_count": 2},
            }
        ),
    )
    adapter = make("x")

    result = adapter.fetch_new(x_cursor(10), since=SINCE)

    assert [item.external_id for item in result.items] == ["5"]
    assert result.items[0].permalink == "https://x.com/i/status/5"
    assert result.skipped == [
        ({"id": "6", "text": "ingen tid", "author_id": "78"}, "post without a readable created_at"),
        (error, "Not Found Error"),
    ]
    assert result.new_cursor == {
        "mentions": {"time": NOW.isoformat(), "seen": {"5": "2026-04-14T09:55:00+00:00"}}
    }
    # Read from the watermark minus the 5-minute overlap, by time rather than since_id.
    assert server.seen[0].query["start_time"] == "2026-04-14T09:45:00Z"
    assert "since_id" not in server.seen[0].query
    assert server.seen[0].headers["Authorization"] == "Bearer tok"


def test_x_drops_what_it_has_seen_in_the_overlap_and_follows_next_tokens(server, make):
    seen = {"id": "8", "text": "set", "created_at": "2026-04-14T09:56:00.000Z"}
    mention = {"id": "9", "text": "hej", "created_at": "2026-04-14T09:57:00.000Z"}
    server.answer(
        "GET",
        "/2/users/100/mentions",
        Canned(body={"meta": {"result_count": 0, "next_token": "p2"}}),
        Canned(body={"data": [mention, seen], "meta": {"newest_id": "9", "result_count": 2}}),
    )
    adapter = make("x")

    result = adapter.fetch_new(
        x_cursor(2, **{"8": datetime(2026, 4, 14, 9, 56, tzinfo=UTC)}), since=SINCE
    )

    assert [item.external_id for item in result.items] == ["9"]
    assert sorted(result.new_cursor["mentions"]["seen"]) == ["8", "9"]
    assert server.seen[1].query["pagination_token"] == "p2"


def test_x_an_empty_answer_moves_the_watermark_to_now(server, make):
    server.answer("GET", "/2/users/100/mentions", Canned(body={"meta": {"result_count": 0}}))
    adapter = make("x")

    result = adapter.fetch_new(x_cursor(1), since=SINCE)

    assert result.items == []
    assert result.new_cursor == {"mentions": {"time": NOW.isoformat(), "seen": {}}}
    assert result.usage.known is False


# -- LinkedIn -------------------------------------------------------------------------------


def test_linkedin_sends_its_headers_and_encodes_urns(server, make):
    created = int((NOW - timedelta(hours=2)).timestamp() * 1000)
    server.answer(
        "GET",
        "/rest/organizationalEntityNotifications",
        Canned(body={"elements": [], "paging": {"start": 0, "count": 100, "total": 0}}),
    )
    server.answer(
        "GET",
        "/rest/posts",
        Canned(body={"elements": [{"id": "urn:li:share:1", "createdAt": created}], "paging": {}}),
    )
    server.answer(
        "GET",
        "/rest/socialMetadata",
        Canned(body={"results": {"urn:li:share:1": {"commentSummary": {"count": 2}}}}),
    )
    server.answer(
        "GET",
        "/rest/socialActions/urn%3Ali%3Ashare%3A1/comments",
        Canned(
            body={
                "elements": [
                    {
                        "id": "9",
                        "actor": "urn:li:person:a",
                        "object": "urn:li:share:1",
                        "created": {"time": created},
                        "message": {"text": "hej"},
                    },
                    {"id": "10", "actor": "urn:li:person:b", "object": "urn:li:share:1"},
                ],
                "paging": {"start": 0, "count": 100, "total": 2},
            }
        ),
    )
    # The listing gives no reply counts (commentsSummary), so the comment's thread is read.
    server.answer(
        "GET",
        "/rest/socialActions/urn%3Ali%3Acomment%3A%28urn%3Ali%3Ashare%3A1%2C9%29/comments",
        Canned(body={"elements": [], "paging": {"start": 0, "count": 100, "total": 0}}),
    )
    adapter = make("linkedin", account_id="555")

    result = adapter.fetch_new(None, since=SINCE)

    assert [item.external_id for item in result.items] == ["urn:li:comment:(urn:li:share:1,9)"]
    assert [reason for _, reason in result.skipped] == ["comment without a readable created time"]
    for seen in server.seen:
        assert seen.headers["LinkedIn-Version"] == LINKEDIN_VERSION
        assert seen.headers["X-Restli-Protocol-Version"] == "2.0.0"
        assert seen.headers["Authorization"] == "Bearer tok"
    # Rest.li structure unencoded, the URN inside a query value encoded once.
    start, end = int(SINCE.timestamp() * 1000), int((NOW + timedelta(minutes=5)).timestamp() * 1000)
    assert server.seen[0].raw_query.startswith(
        "q=criteria&organizationalEntity=urn%3Ali%3Aorganization%3A555"
        f"&actions=List(COMMENT,ADMIN_COMMENT)&timeRange=(start:{start},end:{end})&start=0&count=100"
    )
    assert server.seen[1].query["author"] == "urn:li:organization:555"
    assert server.seen[1].query["q"] == "author"
    assert server.seen[2].query["ids"] == "List(urn:li:share:1)"


def test_linkedin_reads_the_posts_its_notifications_name(server, make):
    # A notification as LinkedIn's pull API writes it: the post named by its activity and
    # (decorated) by its share, the comment short-written on the activity.
    cursor = {
        "comments": {"time": (NOW - timedelta(minutes=1)).isoformat(), "seen": {}},
        "posts": {},
        "threads": {},
        "swept_at": NOW.isoformat(),
    }
    written = int((NOW - timedelta(seconds=30)).timestamp() * 1000)
    notification = {
        "notificationId": 5603453321,
        "organizationalEntity": "urn:li:organization:555",
        "action": "COMMENT",
        "sourcePost": "urn:li:activity:71",
        "decoratedSourcePost": {"entity": "urn:li:share:70", "owner": "urn:li:organization:555"},
        "generatedActivity": "urn:li:comment:(activity:71,99)",
        "lastModifiedAt": written,
    }
    undecorated = {
        "action": "COMMENT",
        "sourcePost": "urn:li:activity:81",
        "lastModifiedAt": written,
    }
    server.answer(
        "GET",
        "/rest/organizationalEntityNotifications",
        Canned(body={"elements": [notification, undecorated, {"action": "COMMENT"}], "paging": {}}),
    )
    comment = {
        "id": "99",
        "$URN": "urn:li:comment:(urn:li:activity:71,99)",
        "actor": "urn:li:person:a",
        "object": "urn:li:activity:71",
        "created": {"time": written},
        "message": {"text": "hej"},
    }
    server.answer(
        "GET",
        "/rest/socialActions/urn%3Ali%3Ashare%3A70/comments",
        Canned(body={"elements": [comment], "paging": {"total": 1}}),
    )
    server.answer(
        "GET",
        "/rest/socialActions/urn%3Ali%3Aactivity%3A81/comments",
        Canned(body={"elements": [], "paging": {"total": 0}}),
    )
    adapter = make("linkedin", account_id="555")

    result = adapter.fetch_new(cursor, since=SINCE)
    # The comment is known now: its notification read again leads to no read of its post;
    # one that names no comment always does.
    server.seen.clear()
    again = adapter.fetch_new(result.new_cursor, since=SINCE)

    assert [item.external_id for item in result.items] == ["urn:li:comment:(urn:li:activity:71,99)"]
    assert [reason for _, reason in result.skipped] == ["notification without a post"]
    assert again.items == []
    assert server.paths() == [
        "/rest/organizationalEntityNotifications",
        "/rest/socialActions/urn%3Ali%3Aactivity%3A81/comments",
    ]


def test_linkedin_reply_body_is_json_with_actor_object_and_parent(server, make):
    # A nested comment is created under the parent comment's URN.
    server.answer(
        "POST",
        "/rest/socialActions/urn%3Ali%3Acomment%3A%28urn%3Ali%3Ashare%3A1%2C9%29/comments",
        Canned(status=201, body=None, headers={"x-restli-id": "77"}),
    )
    adapter = make("linkedin", account_id="555")

    result = adapter.reply("urn:li:comment:(urn:li:share:1,9)", "Tak!", idempotency_key="k")

    assert result.external_id == "urn:li:comment:(urn:li:share:1,77)"
    assert json.loads(server.seen[0].body) == {
        "actor": "urn:li:organization:555",
        "object": "urn:li:share:1",
        "message": {"text": "Tak!"},
        "parentComment": "urn:li:comment:(urn:li:share:1,9)",
    }


# -- YouTube --------------------------------------------------------------------------------


def test_youtube_skips_a_thread_without_a_readable_top_comment(server, make):
    good = {
        "id": "t1",
        "snippet": {
            "videoId": "v1",
            "totalReplyCount": 0,
            "topLevelComment": {
                "id": "t1",
                "snippet": {
                    "textDisplay": "hej",
                    "publishedAt": "2026-04-14T09:00:00Z",
                    "authorChannelId": {"value": "UCx"},
                },
            },
        },
    }
    broken = {"id": "t0", "snippet": {"topLevelComment": {"id": "t0", "snippet": {}}}}
    server.answer("GET", "/youtube/v3/commentThreads", Canned(body={"items": [good, broken]}))
    adapter = make("youtube", account_id="UCme")

    result = adapter.fetch_new(None, since=SINCE)

    assert [item.external_id for item in result.items] == ["t1"]
    assert [reason for _, reason in result.skipped] == ["comment without a readable publishedAt"]
