"""The Facebook Graph API imitation: paging, field selection, writes, errors and usage headers."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from platforms.config import GRAPH_VERSION
from simulator.webhooks import build_webhook_delivery

from .helpers import (
    TIMEOUT,
    account,
    actions,
    add_comment,
    add_fault,
    control,
    subscribe_app,
)

FIELDS = "id,message,from{id,name},created_time,parent{id},is_hidden,can_hide,permalink_url"


def graph(sim, path: str, token: str, **params) -> requests.Response:
    return requests.get(
        f"{sim.url}/{GRAPH_VERSION}/{path}",
        params={"access_token": token, **params},
        timeout=TIMEOUT,
    )


def newest_post(sim, page: dict) -> str:
    posts = graph(sim, f"{page['id']}/published_posts", page["token"]).json()
    return posts["data"][0]["id"]


def read_all(first: requests.Response) -> tuple[list[dict], list[int]]:
    """Follow `paging.next` until it is missing; returns the items and each page's size."""
    body = first.json()
    items, sizes = [], []
    while True:
        items.extend(body["data"])
        sizes.append(len(body["data"]))
        next_url = body.get("paging", {}).get("next")
        if not next_url:
            return items, sizes
        body = requests.get(next_url, timeout=TIMEOUT).json()


def test_stream_comments_page_through_next_links_until_next_is_missing(sim):
    # Given 23 top-level comments and 2 replies on the newest post
    page = account(sim, "facebook")
    created = [add_comment(sim, "facebook", f"Spørgsmål {n}")["id"] for n in range(23)]
    replies = [
        add_comment(sim, "facebook", "Enig", "Nabo", parent_id=created[0])["id"],
        add_comment(sim, "facebook", "Også mig", "Nabo", parent_id=created[5])["id"],
    ]
    # When the stream is read 10 at a time
    first = graph(
        sim,
        f"{newest_post(sim, page)}/comments",
        page["token"],
        filter="stream",
        order="chronological",
        fields=FIELDS,
        limit="10",
    )
    items, sizes = read_all(first)
    # Then every comment arrives once, oldest first, replies carrying their parent
    assert sizes == [10, 10, 5]
    assert [item["id"] for item in items] == created + replies
    assert items[-1]["parent"] == {"id": created[5]}
    assert "parent" not in items[0]
    assert items[0]["from"]["name"] == "Borger 1"
    assert first.json()["paging"]["next"].startswith(f"{sim.url}/{GRAPH_VERSION}/")
    assert f"access_token={page['token']}" in first.json()["paging"]["next"]


def test_toplevel_filter_leaves_replies_out(sim):
    # Given one comment with a reply
    page = account(sim, "facebook")
    top = add_comment(sim, "facebook", "Hvornår tømmes containerne?")["id"]
    add_comment(sim, "facebook", "Godt spørgsmål", "Nabo", parent_id=top)
    # When the default (top-level) filter is used, and the comment's own edge is read
    post = newest_post(sim, page)
    toplevel = graph(sim, f"{post}/comments", page["token"]).json()
    replies = graph(sim, f"{top}/comments", page["token"], fields="message").json()
    # Then the post lists only the top-level comment and the comment lists its reply
    assert [item["id"] for item in toplevel["data"]] == [top]
    assert [item["message"] for item in replies["data"]] == ["Godt spørgsmål"]


def test_a_page_ending_at_the_last_item_still_links_to_an_empty_last_page(sim):
    # Given exactly 20 comments
    page = account(sim, "facebook")
    for n in range(20):
        add_comment(sim, "facebook", f"Kommentar {n}")
    # When read 10 at a time
    items, sizes = read_all(
        graph(sim, f"{newest_post(sim, page)}/comments", page["token"], limit="10")
    )
    # Then the end is an empty page without next
    assert sizes == [10, 10, 0]
    assert len(items) == 20


def test_short_page_fault_returns_an_empty_page_that_still_has_next(sim):
    # Given 3 comments and a short-page fault
    page = account(sim, "facebook")
    ids = [add_comment(sim, "facebook", f"Kommentar {n}")["id"] for n in range(3)]
    post = newest_post(sim, page)
    add_fault(sim, "facebook", "short_page", count=1, page_size=0)
    # When the comments are read
    items, sizes = read_all(graph(sim, f"{post}/comments", page["token"], limit="25"))
    # Then the first page is empty but linked onward, and nothing is lost
    assert sizes == [0, 3]
    assert [item["id"] for item in items] == ids


def test_a_cursor_dies_with_the_comment_it_points_to(sim):
    # Given a first page whose last comment is then deleted
    page = account(sim, "facebook")
    ids = [add_comment(sim, "facebook", f"Kommentar {n}")["id"] for n in range(4)]
    first = graph(sim, f"{newest_post(sim, page)}/comments", page["token"], limit="2").json()
    deleted = requests.delete(
        f"{sim.url}/{GRAPH_VERSION}/{ids[1]}",
        params={"access_token": page["token"]},
        timeout=TIMEOUT,
    )
    # When the next link is followed
    answer = requests.get(first["paging"]["next"], timeout=TIMEOUT)
    # Then Graph answers with an invalid-parameter error
    assert deleted.json() == {"success": True}
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100


def test_invalid_cursor_fault_hits_only_calls_that_carry_a_cursor(sim):
    # Given 3 comments and an invalid-cursor fault
    page = account(sim, "facebook")
    for n in range(3):
        add_comment(sim, "facebook", f"Kommentar {n}")
    add_fault(sim, "facebook", "invalid_cursor")
    post = newest_post(sim, page)
    # When a first page (no cursor) and then its next link are read
    first = graph(sim, f"{post}/comments", page["token"], limit="2")
    second = requests.get(first.json()["paging"]["next"], timeout=TIMEOUT)
    retry = requests.get(first.json()["paging"]["next"], timeout=TIMEOUT)
    # Then only the cursor call fails, once
    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["error"]["code"] == 100
    assert retry.status_code == 200
    assert len(retry.json()["data"]) == 1


def test_since_accepts_unix_seconds_and_iso_dates(sim):
    # Given an old and a new comment
    page = account(sim, "facebook")
    old = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    add_comment(sim, "facebook", "Gammel", created_time=old.isoformat())
    new = add_comment(sim, "facebook", "Ny")["id"]
    post = newest_post(sim, page)
    cutoff = old + timedelta(days=1)
    # When reading since a time after the old one, as unix seconds and as ISO
    by_unix = graph(sim, f"{post}/comments", page["token"], since=str(int(cutoff.timestamp())))
    by_iso = graph(sim, f"{post}/comments", page["token"], since=cutoff.isoformat())
    broken = graph(sim, f"{post}/comments", page["token"], since="last tuesday")
    # Then only the new comment comes back; an unreadable time is a parameter error
    assert [item["id"] for item in by_unix.json()["data"]] == [new]
    assert [item["id"] for item in by_iso.json()["data"]] == [new]
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == 100


def test_unknown_fields_and_bad_field_syntax_are_errors(sim):
    page = account(sim, "facebook")
    post = newest_post(sim, page)
    unknown = graph(sim, f"{post}/comments", page["token"], fields="id,mesage")
    broken = graph(sim, f"{post}/comments", page["token"], fields="id,from{id")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == (
        "(#100) Tried accessing nonexisting field (mesage) on node type (Comment)"
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == 100


def test_comment_without_from_leaves_the_field_out(sim):
    page = account(sim, "facebook")
    add_comment(sim, "facebook", "Anonym", hide_author=True)
    data = graph(sim, f"{newest_post(sim, page)}/comments", page["token"], fields=FIELDS).json()
    assert "from" not in data["data"][0]
    assert data["data"][0]["message"] == "Anonym"


def test_reply_hide_unhide_and_delete_are_carried_out_and_recorded(sim):
    # Given a citizen's comment
    page = account(sim, "facebook")
    comment = add_comment(sim, "facebook", "Hvornår åbner svømmehallen?")["id"]
    token = {"access_token": page["token"]}
    # When the page replies (form-encoded), hides, unhides and deletes it
    reply = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{comment}/comments",
        data={"message": "Den åbner kl. 6", **token},
        timeout=TIMEOUT,
    )
    hide = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{comment}", data={"is_hidden": "true", **token}, timeout=TIMEOUT
    )
    hidden_state = graph(sim, comment, page["token"], fields="is_hidden").json()
    unhide = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{comment}",
        data={"is_hidden": "false", **token},
        timeout=TIMEOUT,
    )
    delete = requests.delete(f"{sim.url}/{GRAPH_VERSION}/{comment}", params=token, timeout=TIMEOUT)
    after = graph(sim, comment, page["token"])
    # Then each answer has Graph's shape and the actions log holds them in order
    reply_id = reply.json()["id"]
    assert reply.status_code == 200
    assert hide.json() == {"success": True}
    assert hidden_state["is_hidden"] is True
    assert unhide.json() == {"success": True}
    assert delete.json() == {"success": True}
    assert after.status_code == 400
    assert after.json()["error"]["error_subcode"] == 33
    log = actions(sim, platform="facebook")
    assert [(a["kind"], a["target_id"]) for a in log] == [
        ("reply", comment),
        ("hide", comment),
        ("unhide", comment),
        ("delete", comment),
    ]
    assert log[0]["text"] == "Den åbner kl. 6"
    assert log[0]["result_id"] == reply_id


def test_is_hidden_must_be_the_string_true_or_false(sim):
    # Given a comment
    page = account(sim, "facebook")
    comment = add_comment(sim, "facebook", "Tekst")["id"]
    # When is_hidden is sent the way Python prints a boolean
    answer = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{comment}",
        data={"is_hidden": True, "access_token": page["token"]},
        timeout=TIMEOUT,
    )
    # Then Graph refuses it and nothing is hidden or recorded
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100
    assert graph(sim, comment, page["token"], fields="is_hidden").json()["is_hidden"] is False
    assert actions(sim) == []


def test_the_same_reply_twice_is_refused_as_duplicate(sim):
    # Given a comment the page has answered
    page = account(sim, "facebook")
    comment = add_comment(sim, "facebook", "Hvor kan jeg parkere?")["id"]
    url = f"{sim.url}/{GRAPH_VERSION}/{comment}/comments"
    payload = {"message": "P-pladsen ved hallen er gratis.", "access_token": page["token"]}
    first = requests.post(url, data=payload, timeout=TIMEOUT)
    # When the same text is sent again, and then a different one
    again = requests.post(url, data=payload, timeout=TIMEOUT)
    other = requests.post(url, data={**payload, "message": "Og ved skolen."}, timeout=TIMEOUT)
    # Then only the repeat is refused, with error 506
    assert first.status_code == 200
    assert again.status_code == 400
    assert again.json()["error"]["code"] == 506
    assert other.status_code == 200
    assert [a["kind"] for a in actions(sim)] == ["reply", "reply"]


def test_reply_to_a_reply_joins_the_top_level_thread(sim):
    page = account(sim, "facebook")
    top = add_comment(sim, "facebook", "Spørgsmål")["id"]
    reply = add_comment(sim, "facebook", "Svar", "Nabo", parent_id=top)["id"]
    answer = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{reply}/comments",
        data={"message": "Tak begge to", "access_token": page["token"]},
        timeout=TIMEOUT,
    )
    ours = graph(sim, answer.json()["id"], page["token"], fields="parent{id},from").json()
    assert ours["parent"] == {"id": top}
    assert ours["from"] == {"name": page["name"], "id": page["id"]}


def test_tokens_missing_unknown_and_in_a_bearer_header(sim):
    page = account(sim, "facebook")
    url = f"{sim.url}/{GRAPH_VERSION}/{page['id']}"
    missing = requests.get(url, timeout=TIMEOUT)
    unknown = requests.get(url, params={"access_token": "nope"}, timeout=TIMEOUT)
    bearer = requests.get(
        url, headers={"Authorization": f"Bearer {page['token']}"}, timeout=TIMEOUT
    )
    other_page = requests.get(
        f"{sim.url}/{GRAPH_VERSION}/{account(sim, 'instagram')['id']}",
        params={"access_token": page["token"]},
        timeout=TIMEOUT,
    )
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == 104
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == 190
    assert bearer.json() == {"name": page["name"], "id": page["id"]}
    assert other_page.json()["error"]["error_subcode"] == 33


def test_usage_headers_rise_with_calls_until_the_page_is_throttled(sim):
    # Given a budget of 4 calls per window
    page = account(sim, "facebook")
    control(sim, "POST", "config", {"graph_call_budget": 4})
    # When the page is called five times
    answers = [graph(sim, page["id"], page["token"]) for _ in range(5)]
    # Then the usage climbs by 25 % per call and the fifth call is throttled
    usage = [json.loads(a.headers["X-Business-Use-Case-Usage"])[page["id"]][0] for a in answers]
    assert [entry["call_count"] for entry in usage] == [25, 50, 75, 100, 100]
    assert [json.loads(a.headers["X-App-Usage"])["call_count"] for a in answers[:4]] == [
        25,
        50,
        75,
        100,
    ]
    assert usage[0]["type"] == "pages"
    assert usage[3]["estimated_time_to_regain_access"] == 60
    assert answers[4].status_code == 400
    assert answers[4].json()["error"]["code"] == 80001


def test_account_figures_and_posts_in_a_period(sim):
    # Given the demo page with 3 own posts and one visitor post
    page = account(sim, "facebook")
    control(
        sim,
        "POST",
        "facebook/posts",
        {"message": "Tak for en god dag", "author_name": "Besøgende 3"},
    )
    since = int((datetime.now(UTC) - timedelta(hours=48)).timestamp())
    # When figures and posts are asked for
    figures = graph(sim, page["id"], page["token"], fields="followers_count,fan_count").json()
    recent = graph(
        sim, f"{page['id']}/published_posts", page["token"], since=str(since), summary="total_count"
    ).json()
    feed = graph(sim, f"{page['id']}/feed", page["token"], fields="from,message").json()
    # Then the counts match the world
    assert figures == {"followers_count": 8214, "fan_count": 7392, "id": page["id"]}
    assert len(recent["data"]) == 2
    assert recent["summary"] == {"total_count": 2}
    assert feed["data"][0]["from"]["name"] == "Besøgende 3"
    assert len(feed["data"]) == 4


def test_conversations_are_ordered_by_last_message(sim):
    # Given two conversations, the older one answered last
    page = account(sim, "facebook")
    first = add_comment(sim, "facebook", "Hej, jeg har et spørgsmål", "Borger 2", kind="message")
    add_comment(sim, "facebook", "Om skoleindskrivning", "Borger 3", kind="message")
    add_comment(sim, "facebook", "Er I der?", "Borger 2", kind="message")
    # When the conversations are read with their messages
    data = graph(
        sim,
        f"{page['id']}/conversations",
        page["token"],
        fields="updated_time,messages{id,message,from,created_time}",
    ).json()["data"]
    # Then Borger 2's conversation is first and lists the newest message first
    assert data[0]["id"] == first["conversation_id"]
    assert [m["message"] for m in data[0]["messages"]["data"]] == [
        "Er I der?",
        "Hej, jeg har et spørgsmål",
    ]
    assert data[0]["messages"]["data"][0]["from"]["name"] == "Borger 2"
    assert [m["message"] for m in data[1]["messages"]["data"]] == ["Om skoleindskrivning"]


def test_page_answers_a_conversation_through_the_send_api(sim):
    page = account(sim, "facebook")
    sent = add_comment(sim, "facebook", "Hvornår har I åbent?", "Borger 4", kind="message")
    answer = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{page['id']}/messages",
        data={
            "recipient": json.dumps({"id": sent["author_id"]}),
            "message": json.dumps({"text": "Vi har åbent 8-15."}),
            "messaging_type": "RESPONSE",
            "access_token": page["token"],
        },
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200
    assert answer.json()["recipient_id"] == sent["author_id"]
    log = actions(sim)
    assert [(a["kind"], a["target_id"], a["detail"]) for a in log] == [
        ("reply", sent["conversation_id"], "message")
    ]


def test_read_lag_hides_a_new_comment_for_a_while(sim):
    # Given a read-lag fault of half a second
    page = account(sim, "facebook")
    add_fault(sim, "facebook", "read_lag", seconds=0.5)
    comment = add_comment(sim, "facebook", "Forsinket")
    post = newest_post(sim, page)
    # When the comments are read at once and after the lag
    at_once = graph(sim, f"{post}/comments", page["token"]).json()["data"]
    sim.state.advance_clock(0.6)  # past the half-second read lag
    later = graph(sim, f"{post}/comments", page["token"]).json()["data"]
    # Then it appears only later, with its original creation time
    assert at_once == []
    assert [item["id"] for item in later] == [comment["id"]]
    assert later[0]["created_time"] == datetime.fromisoformat(comment["created_time"]).strftime(
        "%Y-%m-%dT%H:%M:%S+0000"
    )


class _Catcher(BaseHTTPRequestHandler):
    received: list[tuple[bytes, str]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Catcher.received.append((body, self.headers["X-Hub-Signature-256"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_deliveries_are_signed_and_can_repeat(sim):
    # Given a comment on a Page the app is subscribed on, and a receiver standing in for the
    # product's webhook endpoint
    assert subscribe_app(sim, "facebook", "feed").status_code == 200
    comment = add_comment(sim, "facebook", "Hul i vejen på Østervej")
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Catcher)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    _Catcher.received = []
    try:
        # When the simulator delivers it twice
        answer = control(
            sim,
            "POST",
            "webhooks/deliver",
            {
                "platform": "facebook",
                "comment_id": comment["id"],
                "app_secret": "hemmelig",
                "target_url": f"http://127.0.0.1:{receiver.server_address[1]}/webhooks/meta/",
                "repeat": 2,
            },
        )
    finally:
        receiver.shutdown()
        receiver.server_close()
    # Then both deliveries carry the same body with a valid signature
    assert answer.json()["deliveries"] == [{"status": 200}, {"status": 200}]
    assert len(_Catcher.received) == 2
    body, signature = _Catcher.received[0]
    assert _Catcher.received[1] == (body, signature)
    expected = "sha256=" + hmac.new(b"hemmelig", body, hashlib.sha256).hexdigest()
    assert signature == expected
    value = json.loads(body)["entry"][0]["changes"][0]["value"]
    assert value["comment_id"] == comment["id"]
    assert value["item"] == "comment"
    assert value["verb"] == "add"
    assert value["from"]["name"] == "Borger 1"


def test_build_webhook_delivery_is_importable(sim):
    comment = sim.state.find_comment("facebook", add_comment(sim, "facebook", "Fra en test")["id"])
    body, headers = build_webhook_delivery(comment, "s3cret")
    assert headers["X-Hub-Signature-256"] == (
        "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    )
    assert json.loads(body)["object"] == "page"


def test_feed_nests_comments_and_leaves_empty_edges_out(sim):
    # Given comments on the newest post only
    page = account(sim, "facebook")
    old = datetime(2026, 1, 1, tzinfo=UTC)
    first = add_comment(sim, "facebook", "Første")["id"]
    add_comment(sim, "facebook", "Gammel", created_time=old.isoformat())
    second = add_comment(sim, "facebook", "Anden")["id"]
    since = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    nested = (
        f"comments.filter(stream).order(chronological).since({since}).limit(1)"
        "{id,message,parent{id}}"
    )
    # When the feed is read with the comments nested
    feed = graph(
        sim, f"{page['id']}/feed", page["token"], fields=f"id,updated_time,{nested}"
    ).json()["data"]
    newest, *others = feed
    following = requests.get(newest["comments"]["paging"]["next"], timeout=TIMEOUT).json()
    # Then the newest post carries its recent comments, paged, and the others no edge at all
    assert [c["id"] for c in newest["comments"]["data"]] == [first]
    assert [c["id"] for c in following["data"]] == [second]
    assert all("comments" not in post for post in others)
    latest = graph(sim, second, page["token"], fields="created_time").json()["created_time"]
    assert newest["updated_time"] == latest


def test_the_page_node_expands_feed_and_conversations_each_paging_on_its_own(sim):
    # Given new comments on the newest post and three citizens writing to the page, the first
    # of them twice
    page = account(sim, "facebook")
    comments = [add_comment(sim, "facebook", f"Spørgsmål {n}")["id"] for n in range(3)]
    messages = [
        add_comment(sim, "facebook", text, author, kind="message")
        for text, author in [
            ("Hej", "Borger 2"),
            ("Hallo", "Borger 3"),
            ("Goddag", "Borger 4"),
            ("Er I der?", "Borger 2"),
        ]
    ]
    since = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    horizon = int((datetime.now(UTC) - timedelta(days=30)).timestamp())
    fields = (
        f"id,feed.since({horizon}).limit(1){{id,updated_time,"
        f"comments.filter(stream).order(chronological).since({since}).limit(2)"
        "{id,message}},"
        "conversations.limit(2){id,updated_time,messages.limit(1){id,message,from}}"
    )

    # When the Page node is read with both edges expanded
    response = graph(sim, page["id"], page["token"], fields=fields)

    # Then one answer holds the node with both edges, and every nested edge links on to itself
    assert response.status_code == 200, response.text
    node = response.json()
    assert set(node) == {"id", "feed", "conversations"}
    assert node["id"] == page["id"]
    feed_next = node["feed"]["paging"]["next"]
    assert f"/{GRAPH_VERSION}/{page['id']}/feed?" in feed_next
    assert f"since={horizon}" in feed_next
    [newest] = node["feed"]["data"]
    assert [c["id"] for c in newest["comments"]["data"]] == comments[:2]
    more_comments, _ = read_all(requests.get(newest["comments"]["paging"]["next"], timeout=TIMEOUT))
    assert [c["id"] for c in more_comments] == comments[2:]
    further_posts, _ = read_all(requests.get(feed_next, timeout=TIMEOUT))
    assert all(post["id"] != newest["id"] for post in further_posts)

    conversations = node["conversations"]
    assert f"/{GRAPH_VERSION}/{page['id']}/conversations?" in conversations["paging"]["next"]
    first, second = conversations["data"]
    assert first["id"] == messages[0]["conversation_id"]
    assert [m["message"] for m in first["messages"]["data"]] == ["Er I der?"]
    assert f"/{GRAPH_VERSION}/{first['id']}/messages?" in first["messages"]["paging"]["next"]
    older, _ = read_all(requests.get(first["messages"]["paging"]["next"], timeout=TIMEOUT))
    assert [m["message"] for m in older] == ["Hej"]
    assert second["id"] == messages[2]["conversation_id"]
    rest, _ = read_all(requests.get(conversations["paging"]["next"], timeout=TIMEOUT))
    assert [c["id"] for c in rest] == [messages[1]["conversation_id"]]
    assert [m["message"] for m in rest[0]["messages"]["data"]] == ["Hallo"]


def test_the_page_node_leaves_an_empty_conversations_edge_out(sim):
    page = account(sim, "facebook")

    node = graph(
        sim, page["id"], page["token"], fields="id,conversations.limit(5){id,updated_time}"
    ).json()

    assert node == {"id": page["id"]}


def test_unknown_fields_inside_the_page_nodes_expanded_edges_are_errors(sim):
    page = account(sim, "facebook")
    add_comment(sim, "facebook", "Hej", "Borger 2", kind="message")

    answers = [
        graph(sim, page["id"], page["token"], fields=fields)
        for fields in (
            "id,feed.limit(5){id,comments{id,texts}}",
            "id,conversations.limit(5){id,messages{id,body}}",
            "id,conversations.limit(5){id,inbox}",
            "id,feed.since(yesterday){id}",
            "id,inbox.limit(5){id}",
        )
    ]

    assert [answer.status_code for answer in answers] == [400] * 5
    assert [answer.json()["error"]["code"] for answer in answers] == [100] * 5
    assert "(texts)" in answers[0].json()["error"]["message"]
    assert "(body)" in answers[1].json()["error"]["message"]
    assert "UnifiedThread" in answers[2].json()["error"]["message"]
    assert "since" in answers[3].json()["error"]["message"]


def test_a_token_without_pages_messaging_is_refused_the_conversations_even_when_nested(sim):
    # https://developers.facebook.com/docs/messenger-platform/error-codes: 230 "Requires
    # pages_messaging permission to manage the object"; one refused field fails the request.
    page = account(sim, "facebook")
    sim.state.account("facebook", page["id"]).messaging_permission = False
    nested = graph(sim, page["id"], page["token"], fields="id,feed{id},conversations{id}")
    edge = graph(sim, f"{page['id']}/conversations", page["token"])
    feed_only = graph(sim, page["id"], page["token"], fields="id,feed{id}")
    assert [nested.status_code, edge.status_code, feed_only.status_code] == [403, 403, 200]
    assert nested.json()["error"]["code"] == 230
    assert "pages_messaging" in edge.json()["error"]["message"]


def test_a_request_for_too_much_data_is_answered_with_code_1(sim):
    # Graph's "Please reduce the amount of data you're asking for, then retry your request"
    # (HTTP 500, code 1; singer-io/tap-facebook#65). The threshold stands in for Meta's own.
    page = account(sim, "facebook")
    control(sim, "POST", "config", {"graph_max_request_items": 80})
    big = graph(sim, page["id"], page["token"], fields="feed.limit(50){comments.limit(50){id}}")
    small = graph(sim, page["id"], page["token"], fields="feed.limit(25){comments.limit(25){id}}")
    assert big.status_code == 500
    assert big.json()["error"]["code"] == 1
    assert big.json()["error"]["message"].startswith("Please reduce the amount of data")
    assert small.status_code == 200
