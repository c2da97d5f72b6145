"""The Page Subscribed Apps edge as the Graph API documents it, and webhook deliveries that go
only to Pages (and fields) the app is subscribed on.

https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/
https://developers.facebook.com/docs/pages-api/webhooks-for-pages
"""

from __future__ import annotations

import requests

from .helpers import TIMEOUT, account, actions, add_comment, control, subscribe_app

ALL_FIELDS_OF_THE_PAGE = "feed,messages"


def _edge(sim, method, page, token, **data):
    return requests.request(
        method,
        f"{sim.url}/v25.0/{page}/subscribed_apps",
        data=data or None,
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=TIMEOUT,
    )


def test_a_fresh_page_lists_no_app_and_a_subscription_is_read_back(sim):
    page = account(sim, "facebook")

    before = _edge(sim, "GET", page["id"], page["token"])
    posted = subscribe_app(sim, "facebook", ALL_FIELDS_OF_THE_PAGE)
    after = _edge(sim, "GET", page["id"], page["token"])

    assert before.json() == {"data": []}
    assert posted.status_code == 200
    assert posted.json() == {"success": True}
    [entry] = after.json()["data"]
    assert entry["subscribed_fields"] == ["feed", "messages"]
    assert set(entry) == {"category", "link", "name", "id", "subscribed_fields"}
    assert [(a["kind"], a["target_id"], a["text"]) for a in actions(sim)] == [
        ("subscribe", page["id"], "feed,messages")
    ]


def test_delete_removes_the_app_from_the_page(sim):
    page = account(sim, "facebook")
    subscribe_app(sim, "facebook", "feed")

    deleted = _edge(sim, "DELETE", page["id"], page["token"])

    assert deleted.status_code == 200
    assert deleted.json() == {"success": True}
    assert _edge(sim, "GET", page["id"], page["token"]).json() == {"data": []}
    assert actions(sim, kind="unsubscribe")[0]["target_id"] == page["id"]


def test_the_page_token_is_required_and_must_be_the_pages_own(sim):
    page = account(sim, "facebook")
    other = account(sim, "youtube")

    without = _edge(sim, "POST", page["id"], None, subscribed_fields="feed")
    foreign = control(
        sim, "POST", "accounts", {"platform": "facebook", "name": "Nabokommune"}
    ).json()
    with_other_page_token = _edge(
        sim, "POST", page["id"], foreign["token"], subscribed_fields="feed"
    )
    with_youtube_token = _edge(sim, "POST", page["id"], other["token"], subscribed_fields="feed")

    assert without.status_code == 400
    assert without.json()["error"]["code"] == 104
    assert with_other_page_token.status_code == 400
    assert with_other_page_token.json()["error"]["code"] == 100
    assert with_other_page_token.json()["error"]["error_subcode"] == 33
    assert with_youtube_token.json()["error"]["code"] == 190
    assert _edge(sim, "GET", page["id"], page["token"]).json() == {"data": []}


def test_subscribed_fields_is_required_and_takes_page_fields_only(sim):
    missing = subscribe_app(sim, "facebook", "")
    instagram_field = subscribe_app(sim, "facebook", "feed,comments")

    assert missing.status_code == 400
    assert (
        missing.json()["error"]["message"] == "(#100) The parameter subscribed_fields is required"
    )
    assert instagram_field.status_code == 400
    error = instagram_field.json()["error"]
    assert error["code"] == 100
    assert error["type"] == "OAuthException"
    assert error["message"].startswith("(#100) Param subscribed_fields[1] must be one of {feed,")
    assert actions(sim) == []


def test_the_messages_field_needs_pages_messaging(sim):
    # Given a Page whose token was granted no messaging permission
    page = control(
        sim,
        "POST",
        "accounts",
        {
            "platform": "facebook",
            "name": "Uden beskeder",
            "messaging_permission": False,
        },
    ).json()

    refused = _edge(sim, "POST", page["id"], page["token"], subscribed_fields="feed,messages")
    allowed = _edge(sim, "POST", page["id"], page["token"], subscribed_fields="feed")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == 200
    assert refused.json()["error"]["message"] == (
        "(#200) To subscribe to the messages field, one of these permissions is needed: "
        "pages_messaging"
    )
    assert allowed.json() == {"success": True}
    assert _edge(sim, "GET", page["id"], page["token"]).json()["data"][0]["subscribed_fields"] == [
        "feed"
    ]


def test_instagram_is_switched_on_through_its_linked_page_not_the_ig_user(sim):
    ig = account(sim, "instagram")

    on_user = _edge(sim, "POST", ig["id"], ig["token"], subscribed_fields="feed")
    on_page = _edge(sim, "POST", ig["page_id"], ig["token"], subscribed_fields="feed")
    through_me = _edge(sim, "GET", "me", ig["token"])

    assert on_user.status_code == 400
    assert on_user.json()["error"]["message"].startswith("Unsupported post request.")
    assert on_page.json() == {"success": True}
    assert through_me.json()["data"][0]["subscribed_fields"] == ["feed"]


def test_a_delivery_for_an_unsubscribed_page_is_refused_and_nothing_is_sent(sim):
    comment = add_comment(sim, "facebook", "Hvornår åbner svømmehallen?")

    answer = control(
        sim,
        "POST",
        "webhooks/deliver",
        {
            "platform": "facebook",
            "comment_id": comment["id"],
            "app_secret": "s",
            # Nothing listens here: a request sent would show as a failed delivery.
            "target_url": "http://127.0.0.1:9/webhooks/facebook/",
        },
    )

    assert answer.status_code == 409
    assert (
        "has not subscribed the app to the feed field (subscribed: none)"
        in (answer.json()["error"])
    )
    assert "deliveries" not in answer.json()


def test_deliveries_follow_the_fields_of_the_page_and_of_the_app(sim):
    # Given a Page subscribed to messages only
    subscribe_app(sim, "facebook", "messages")
    comment = add_comment(sim, "facebook", "Tak for hjælpen")
    build = {"platform": "facebook", "comment_id": comment["id"], "app_secret": "s"}

    only_messages = control(sim, "POST", "webhooks/build", build)
    subscribe_app(sim, "facebook", "feed,messages")
    with_feed = control(sim, "POST", "webhooks/build", build)
    control(sim, "POST", "config", {"app_webhook_fields": {"page": ["messages"]}})
    app_without_feed = control(sim, "POST", "webhooks/build", build)

    assert only_messages.status_code == 409
    assert with_feed.status_code == 200
    assert app_without_feed.status_code == 409
    assert "app's Page webhook settings lack the feed field" in app_without_feed.json()["error"]


def test_instagram_deliveries_need_the_linked_page_subscribed(sim):
    comment = add_comment(sim, "instagram", "Smukt billede")
    message = control(
        sim,
        "POST",
        "instagram/comments",
        {"kind": "message", "message": "Hej", "author_name": "cykelmor"},
    ).json()
    comment_call = {"platform": "instagram", "comment_id": comment["id"], "app_secret": "s"}
    message_call = {"platform": "instagram", "message_id": message["id"], "app_secret": "s"}

    before = [control(sim, "POST", "webhooks/build", call) for call in (comment_call, message_call)]
    subscribe_app(sim, "instagram", "feed")
    after = [control(sim, "POST", "webhooks/build", call) for call in (comment_call, message_call)]

    assert [answer.status_code for answer in before] == [409, 409]
    assert "is linked to" in before[0].json()["error"]
    assert [answer.status_code for answer in after] == [200, 200]


def test_a_reset_leaves_every_page_unsubscribed(sim):
    page = account(sim, "facebook")
    subscribe_app(sim, "facebook", "feed")

    control(sim, "POST", "reset")

    assert _edge(sim, "GET", page["id"], page["token"]).json() == {"data": []}
