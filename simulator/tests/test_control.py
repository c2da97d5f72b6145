"""The control API round trips (a contract checked from outside) and robustness on bad input."""

from __future__ import annotations

import socket
from urllib.parse import quote

import pytest
import requests

from platforms.config import GRAPH_VERSION, LINKEDIN_VERSION
from simulator.demo import DEFAULT_ACCOUNTS

from .helpers import (
    TIMEOUT,
    account,
    actions,
    add_comment,
    add_fault,
    control,
    subscribe_app,
)


def test_accounts_list_one_demo_account_per_platform_with_its_token(sim):
    accounts = control(sim, "GET", "accounts").json()
    assert [(a["platform"], a["id"], a["token"]) for a in accounts] == [
        (spec["platform"], spec["id"], spec["token"]) for spec in DEFAULT_ACCOUNTS
    ]
    assert all(a["name"] == "Fjordby Kommune" for a in accounts)
    assert account(sim, "linkedin")["urn"] == "urn:li:organization:90210001"
    assert account(sim, "youtube")["api_key"] == "AIzaSIM-fjordby-youtube-key"


def test_add_an_account(sim):
    created = control(
        sim,
        "POST",
        "accounts",
        {
            "platform": "instagram",
            "id": "17841499999",
            "name": "Fjordby Musikskole",
            "followers": 77,
        },
    )
    duplicate = control(
        sim, "POST", "accounts", {"platform": "instagram", "id": "17841499999", "name": "Igen"}
    )
    nameless = control(sim, "POST", "accounts", {"platform": "instagram"})
    assert created.status_code == 200
    assert created.json()["followers"] == 77
    token = created.json()["token"]
    figures = requests.get(
        f"{sim.url}/{GRAPH_VERSION}/17841499999",
        params={"access_token": token, "fields": "followers_count"},
        timeout=TIMEOUT,
    ).json()
    assert figures == {"followers_count": 77, "id": "17841499999"}
    assert duplicate.status_code == 409
    assert nameless.status_code == 400


@pytest.mark.parametrize("platform", ["facebook", "instagram", "linkedin", "x", "youtube"])
def test_a_comment_lands_on_the_newest_post_unless_one_is_named(sim, platform):
    # Given the account's posts, newest first
    user = account(sim, platform)
    posts = sorted(
        control(sim, "GET", f"{platform}/posts").json(),
        key=lambda post: post["created_time"],
        reverse=True,
    )
    # When a comment is made without and with a post
    default = add_comment(sim, platform, "Hej", account_id=user["id"])
    named = add_comment(sim, platform, "Hej igen", post_id=posts[-1]["id"])
    reply = add_comment(sim, platform, "Svar", "Nabo", parent_id=default["id"])
    # Then they sit where asked, with a given creation time kept
    if platform == "x":
        assert default["in_reply_to_tweet_id"] == posts[0]["id"]
        assert named["in_reply_to_tweet_id"] == posts[-1]["id"]
        assert reply["in_reply_to_tweet_id"] == default["id"]
        assert reply["conversation_id"] == posts[0]["id"]
    else:
        assert default["post_id"] == posts[0]["id"]
        assert named["post_id"] == posts[-1]["id"]
        assert reply["parent_id"] == default["id"]
    dated = add_comment(sim, platform, "Før", created_time="2026-03-01T08:00:00+01:00")
    assert dated["created_time"] == "2026-03-01T07:00:00+00:00"


def test_comment_requests_are_checked(sim):
    missing_author = control(sim, "POST", "facebook/comments", {"message": "Hej"})
    missing_message = control(sim, "POST", "facebook/comments", {"author_name": "Borger 1"})
    unknown_account = control(
        sim,
        "POST",
        "facebook/comments",
        {"message": "Hej", "author_name": "Borger 1", "account_id": "1"},
    )
    unknown_parent = control(
        sim,
        "POST",
        "facebook/comments",
        {"message": "Hej", "author_name": "Borger 1", "parent_id": "nope"},
    )
    bad_time = control(
        sim,
        "POST",
        "facebook/comments",
        {"message": "Hej", "author_name": "Borger 1", "created_time": "i går"},
    )
    message_elsewhere = control(
        sim, "POST", "x/comments", {"message": "Hej", "author_name": "Borger 1", "kind": "message"}
    )
    unknown_platform = control(
        sim, "POST", "myspace/comments", {"message": "Hej", "author_name": "Borger 1"}
    )
    assert [
        r.status_code
        for r in (
            missing_author,
            missing_message,
            unknown_account,
            unknown_parent,
            bad_time,
            message_elsewhere,
            unknown_platform,
        )
    ] == [400, 400, 404, 404, 400, 400, 404]
    assert control(sim, "GET", "facebook/comments").json() == []


def test_own_posts_and_visitor_posts(sim):
    own = control(sim, "POST", "linkedin/posts", {"message": "Vi ansætter"})
    visitor = control(
        sim, "POST", "facebook/posts", {"message": "Tak for i dag", "author_name": "Besøgende"}
    )
    visitor_elsewhere = control(
        sim, "POST", "x/posts", {"message": "Hej", "author_name": "Besøgende"}
    )
    assert own.json()["id"].startswith("urn:li:share:")
    assert visitor.json()["author_name"] == "Besøgende"
    assert visitor_elsewhere.status_code == 400
    assert len(control(sim, "GET", "linkedin/posts").json()) == 4


def test_reset_restores_the_demo_world(sim):
    # Given comments, a fault, a changed setting, an action and counted calls
    page = account(sim, "facebook")
    comment = add_comment(sim, "facebook", "Hej")["id"]
    requests.delete(
        f"{sim.url}/{GRAPH_VERSION}/{comment}",
        params={"access_token": page["token"]},
        timeout=TIMEOUT,
    )
    add_fault(sim, "x", "throttle")
    control(sim, "POST", "config", {"graph_call_budget": 3})
    control(sim, "POST", "accounts", {"platform": "x", "name": "Ekstra"})
    # When the world is reset
    answer = control(sim, "POST", "reset")
    # Then everything is back to the demo municipality
    assert answer.json()["ok"] is True
    assert len(answer.json()["accounts"]) == 5
    assert control(sim, "GET", "facebook/comments").json() == []
    assert control(sim, "GET", "faults").json() == []
    assert actions(sim) == []
    assert control(sim, "GET", "config").json()["graph_call_budget"] == 4800
    assert control(sim, "GET", "stats").json()["total"] == 0


def test_stats_count_calls_per_platform_and_account(sim):
    page = account(sim, "facebook")
    user = account(sim, "x")
    for _ in range(3):
        requests.get(
            f"{sim.url}/{GRAPH_VERSION}/{page['id']}",
            params={"access_token": page["token"]},
            timeout=TIMEOUT,
        )
    requests.get(
        f"{sim.url}/2/users/{user['id']}",
        headers={"Authorization": f"Bearer {user['token']}"},
        timeout=TIMEOUT,
    )
    requests.get(f"{sim.url}/2/users/{user['id']}", timeout=TIMEOUT)
    stats = control(sim, "GET", "stats").json()
    assert stats["facebook"] == {"calls": 3, "errors": 0, "accounts": {page["id"]: 3}}
    assert stats["x"] == {"calls": 2, "errors": 1, "accounts": {user["id"]: 1}}
    assert stats["total"] == 5


def test_actions_can_be_filtered(sim):
    page = account(sim, "facebook")
    comment = add_comment(sim, "facebook", "Hej")["id"]
    for value in ("true", "false"):
        requests.post(
            f"{sim.url}/{GRAPH_VERSION}/{comment}",
            data={"is_hidden": value, "access_token": page["token"]},
            timeout=TIMEOUT,
        )
    assert [a["kind"] for a in actions(sim, kind="unhide")] == ["unhide"]
    assert len(actions(sim, platform="facebook", account_id=page["id"])) == 2
    assert actions(sim, platform="x") == []


def test_config_round_trip_and_validation(sim):
    changed = control(sim, "POST", "config", {"timeout_seconds": 0.25, "x_rate_limit": 5})
    unknown = control(sim, "POST", "config", {"colour": "blue"})
    wrong_type = control(sim, "POST", "config", {"x_rate_limit": "many"})
    assert changed.json()["timeout_seconds"] == 0.25
    assert control(sim, "GET", "config").json()["x_rate_limit"] == 5
    assert unknown.status_code == 400
    assert wrong_type.status_code == 400


def test_webhook_build_returns_body_and_signature(sim):
    assert subscribe_app(sim, "facebook", "feed").status_code == 200
    comment = add_comment(sim, "facebook", "Hej")
    built = control(
        sim,
        "POST",
        "webhooks/build",
        {"platform": "facebook", "comment_id": comment["id"], "app_secret": "s"},
    ).json()
    missing_secret = control(
        sim, "POST", "webhooks/build", {"platform": "facebook", "comment_id": comment["id"]}
    )
    assert built["headers"]["X-Hub-Signature-256"].startswith("sha256=")
    assert f'"comment_id":"{comment["id"]}"' in built["body"]
    assert missing_secret.status_code == 400


def test_unknown_routes_and_methods(sim):
    assert control(sim, "GET", "nothing-here").status_code == 404
    assert control(sim, "GET", "reset").status_code == 405
    assert requests.get(f"{sim.url}/nowhere", timeout=TIMEOUT).status_code == 404
    assert (
        requests.post(f"{sim.url}/_sim/faults", data=b"{not json", timeout=TIMEOUT).status_code
        == 400
    )


def test_malformed_platform_requests_get_platform_errors_and_the_server_lives_on(sim):
    user = account(sim, "x")
    org = account(sim, "linkedin")
    x_garbage = requests.post(
        f"{sim.url}/2/tweets",
        data=b"\xff\xfe not json",
        headers={"Authorization": f"Bearer {user['token']}", "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    post = sim.state.newest_post("linkedin", org["id"]).id
    linkedin_garbage = requests.post(
        f"{sim.url}/rest/socialActions/{quote(post, safe='')}/comments",
        data=b"[1, 2",
        headers={
            "LinkedIn-Version": LINKEDIN_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
            "Authorization": f"Bearer {org['token']}",
        },
        timeout=TIMEOUT,
    )
    graph_garbage = requests.get(
        f"{sim.url}/{GRAPH_VERSION}/a/b/c/d",
        params={"access_token": account(sim, "facebook")["token"]},
        timeout=TIMEOUT,
    )
    assert x_garbage.status_code == 400
    assert x_garbage.json()["title"] == "Invalid Request"
    assert linkedin_garbage.status_code == 400
    assert linkedin_garbage.json()["status"] == 400
    assert graph_garbage.status_code == 400
    assert graph_garbage.json()["error"]["code"] == 100
    assert control(sim, "GET", "accounts").status_code == 200


def test_a_broken_http_request_does_not_stop_the_server(sim):
    host, port = sim.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as raw:
        raw.sendall(b"POST /_sim/reset HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
        answer = raw.recv(4096)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")
        raw.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400")
    assert control(sim, "GET", "accounts").status_code == 200


def test_ids_never_repeat_after_a_reset(sim):
    # A product database outlives resets and restarts: an old id must never come back.
    before = {add_comment(sim, platform, "Hej")["id"] for platform in ("facebook", "youtube")}
    control(sim, "POST", "reset")
    after = {add_comment(sim, platform, "Hej")["id"] for platform in ("facebook", "youtube")}
    assert before.isdisjoint(after)
