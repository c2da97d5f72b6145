"""Posts the product publishes on an account's own page: Facebook `POST /{page-id}/feed`,
LinkedIn `POST /rest/posts`, X `POST /2/tweets` with text only. Their strict checks, duplicate
refusals, faults, delayed read-after-write, and how the control API shows them."""

from __future__ import annotations

import pytest
import requests

from platforms.config import GRAPH_VERSION, LINKEDIN_VERSION

from .helpers import TIMEOUT, account, actions, add_fault, control

NOTICE = "Siden lukker 1. marts. Følg os på kommunens hovedside."


def graph_feed(sim, page: dict, form: dict, token: str | None = None) -> requests.Response:
    return requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{page['id']}/feed",
        data={"access_token": token or page["token"], **form},
        timeout=TIMEOUT,
    )


def graph_published(sim, page: dict) -> list[dict]:
    answer = requests.get(
        f"{sim.url}/{GRAPH_VERSION}/{page['id']}/published_posts",
        params={"access_token": page["token"], "fields": "id,message"},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def li_headers(org: dict, version: str | None = LINKEDIN_VERSION) -> dict[str, str]:
    headers = {"X-Restli-Protocol-Version": "2.0.0", "Authorization": f"Bearer {org['token']}"}
    if version:
        headers["LinkedIn-Version"] = version
    return headers


def li_body(org: dict, commentary: str = NOTICE, **changes) -> dict:
    body = {
        "author": org["urn"],
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not None}


def li_post(sim, org: dict, body: dict, **header_options) -> requests.Response:
    return requests.post(
        f"{sim.url}/rest/posts",
        json=body,
        headers=li_headers(org, **header_options),
        timeout=TIMEOUT,
    )


def li_posts(sim, org: dict) -> list[dict]:
    answer = requests.get(
        f"{sim.url}/rest/posts",
        params={"q": "author", "author": org["urn"]},
        headers=li_headers(org),
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["elements"]


def tweet(sim, user: dict, body: dict, token: str | None = None) -> requests.Response:
    return requests.post(
        f"{sim.url}/2/tweets",
        json=body,
        headers={"Authorization": f"Bearer {token or user['token']}"},
        timeout=TIMEOUT,
    )


def own_tweets(sim, user: dict) -> list[dict]:
    answer = requests.get(
        f"{sim.url}/2/users/{user['id']}/tweets",
        params={"exclude": "replies,retweets"},
        headers={"Authorization": f"Bearer {user['token']}"},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    return answer.json().get("data", [])


# -- Facebook ---------------------------------------------------------------------------------


def test_facebook_publishes_a_page_post_and_lists_it_first(sim):
    page = account(sim, "facebook")

    answer = graph_feed(sim, page, {"message": NOTICE, "published": "true"})

    assert answer.status_code == 200, answer.text
    post_id = answer.json()["id"]
    assert post_id.startswith(f"{page['id']}_")
    assert graph_published(sim, page)[0] == {"id": post_id, "message": NOTICE}
    [action] = actions(sim, platform="facebook", kind="post")
    assert (action["target_id"], action["text"], action["result_id"]) == (
        page["id"],
        NOTICE,
        post_id,
    )


def test_facebook_form_booleans_must_be_the_strings_true_or_false(sim):
    page = account(sim, "facebook")

    python_true = graph_feed(sim, page, {"message": NOTICE, "published": "True"})

    assert python_true.status_code == 400
    assert python_true.json()["error"]["code"] == 100
    assert "published" in python_true.json()["error"]["message"]
    assert actions(sim, kind="post") == []


def test_facebook_needs_a_message_and_refuses_the_same_post_twice(sim):
    page = account(sim, "facebook")

    empty = graph_feed(sim, page, {"message": "  "})
    first = graph_feed(sim, page, {"message": NOTICE})
    again = graph_feed(sim, page, {"message": NOTICE})

    assert empty.status_code == 400
    assert first.status_code == 200
    assert again.status_code == 400
    error = again.json()["error"]
    assert (error["code"], error["error_subcode"]) == (506, 1455006)
    assert len(actions(sim, kind="post")) == 1


def test_facebook_refuses_an_unknown_token_and_another_accounts_page(sim):
    page = account(sim, "facebook")
    instagram = account(sim, "instagram")

    unknown = graph_feed(sim, page, {"message": NOTICE}, token="EAA-not-a-token")
    not_its_page = graph_feed(sim, page, {"message": NOTICE}, token=instagram["token"])

    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == 190
    assert not_its_page.status_code == 400
    assert not_its_page.json()["error"]["code"] == 100
    assert actions(sim, kind="post") == []


def test_a_throttled_or_failed_publish_does_nothing_and_a_timed_out_one_happens(sim):
    page = account(sim, "facebook")
    add_fault(sim, "facebook", "throttle")
    add_fault(sim, "facebook", "server_error")

    throttled = graph_feed(sim, page, {"message": NOTICE})
    failed = graph_feed(sim, page, {"message": NOTICE})
    add_fault(sim, "facebook", "timeout")
    with pytest.raises(requests.Timeout):
        requests.post(
            f"{sim.url}/{GRAPH_VERSION}/{page['id']}/feed",
            data={"access_token": page["token"], "message": NOTICE},
            timeout=0.2,
        )

    assert throttled.json()["error"]["code"] == 80001
    assert failed.status_code == 500
    # The timed-out call was carried out, as a lost answer on the real network.
    assert [action["text"] for action in actions(sim, kind="post")] == [NOTICE]


def test_read_lag_keeps_a_published_post_out_of_listings_for_a_while(sim):
    page = account(sim, "facebook")
    add_fault(sim, "facebook", "read_lag", seconds=0.5)

    post_id = graph_feed(sim, page, {"message": NOTICE}).json()["id"]
    hidden = [post["id"] for post in graph_published(sim, page)]
    again = graph_feed(sim, page, {"message": NOTICE})
    sim.state.advance_clock(0.6)  # past the half-second read lag
    shown = [post["id"] for post in graph_published(sim, page)]

    assert post_id not in hidden
    assert again.json()["error"]["code"] == 506  # the platform knows it although nobody sees it
    assert shown[0] == post_id
    [listed] = [
        post for post in control(sim, "GET", "facebook/posts").json() if post["id"] == post_id
    ]
    assert listed["visible_at"] is not None and listed["own"] is True


# -- LinkedIn ---------------------------------------------------------------------------------


def test_linkedin_publishes_with_201_and_the_urn_in_x_restli_id(sim):
    org = account(sim, "linkedin")

    answer = li_post(sim, org, li_body(org))

    assert answer.status_code == 201
    assert answer.content == b""
    urn = answer.headers["x-restli-id"]
    assert urn.startswith("urn:li:share:")
    newest = li_posts(sim, org)[0]
    assert (newest["id"], newest["commentary"], newest["author"]) == (urn, NOTICE, org["urn"])
    [action] = actions(sim, platform="linkedin", kind="post")
    assert (action["target_id"], action["result_id"], action["detail"]) == (org["urn"], urn, None)


def test_linkedin_needs_a_current_version_and_the_protocol_header(sim):
    org = account(sim, "linkedin")

    missing = li_post(sim, org, li_body(org), version=None)
    retired = li_post(sim, org, li_body(org), version="202212")
    no_protocol = requests.post(
        f"{sim.url}/rest/posts",
        json=li_body(org),
        headers={"LinkedIn-Version": LINKEDIN_VERSION, "Authorization": f"Bearer {org['token']}"},
        timeout=TIMEOUT,
    )

    assert (missing.status_code, missing.json()["code"]) == (426, "NONEXISTENT_VERSION")
    assert retired.status_code == 426
    assert no_protocol.status_code == 400
    assert actions(sim, kind="post") == []


def test_linkedin_checks_the_post_body(sim):
    org = account(sim, "linkedin")

    cases = {
        "no distribution": li_body(org, distribution=None),
        "no lifecycle": li_body(org, lifecycleState=None),
        "a draft": li_body(org, lifecycleState="DRAFT"),
        "unknown field": {**li_body(org), "text": NOTICE},
        "bad visibility": li_body(org, visibility="EVERYONE"),
    }
    statuses = {name: li_post(sim, org, body).status_code for name, body in cases.items()}
    other_author = li_post(sim, org, li_body(org, author="urn:li:organization:1"))

    assert statuses == dict.fromkeys(cases, 422)
    assert other_author.status_code == 403
    assert actions(sim, kind="post") == []


def test_linkedin_cuts_unescaped_little_text_and_reads_it_back_escaped(sim):
    org = account(sim, "linkedin")

    cut = li_post(sim, org, li_body(org, commentary="Vi lukker (1. marts) #fjordby"))
    escaped = li_post(sim, org, li_body(org, commentary="Vi flytter \\(1. april\\) #fjordby"))

    assert cut.status_code == escaped.status_code == 201
    texts = [action["text"] for action in actions(sim, kind="post")]
    assert texts == ["Vi lukker", "Vi flytter (1. april) #fjordby"]
    assert actions(sim, kind="post")[0]["detail"] == "commentary: Vi lukker (1. marts) #fjordby"
    assert li_posts(sim, org)[0]["commentary"] == "Vi flytter \\(1. april\\) \\#fjordby"


def test_linkedin_refuses_the_same_post_twice_naming_the_first(sim):
    org = account(sim, "linkedin")

    first = li_post(sim, org, li_body(org))
    again = li_post(sim, org, li_body(org))

    assert again.status_code == 422
    body = again.json()
    assert body["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST"
    assert body["message"].endswith(f"Content is a duplicate of {first.headers['x-restli-id']}")


def test_linkedin_throttling_and_expired_tokens_publish_nothing(sim):
    org = account(sim, "linkedin")
    add_fault(sim, "linkedin", "throttle")
    add_fault(sim, "linkedin", "token_expired")

    throttled = li_post(sim, org, li_body(org))
    expired = li_post(sim, org, li_body(org))

    assert throttled.status_code == 429
    assert (expired.status_code, expired.json()["serviceErrorCode"]) == (401, 65602)
    assert actions(sim, kind="post") == []


# -- X ----------------------------------------------------------------------------------------


def test_x_publishes_a_text_post_with_201(sim):
    user = account(sim, "x")

    answer = tweet(sim, user, {"text": NOTICE})

    assert answer.status_code == 201
    data = answer.json()["data"]
    assert data["text"] == NOTICE
    assert own_tweets(sim, user)[0]["id"] == data["id"]
    [action] = actions(sim, platform="x", kind="post")
    assert (action["target_id"], action["result_id"]) == (data["id"], data["id"])


def test_x_needs_a_user_token_and_refuses_duplicates(sim):
    user = account(sim, "x")

    unauthorised = tweet(sim, user, {"text": NOTICE}, token="not-a-token")
    first = tweet(sim, user, {"text": NOTICE})
    again = tweet(sim, user, {"text": NOTICE})

    assert unauthorised.status_code == 401
    assert first.status_code == 201
    assert again.status_code == 403
    assert "duplicate content" in again.json()["detail"]


def test_x_read_lag_hides_the_new_post_from_the_timeline_and_lookups(sim):
    user = account(sim, "x")
    add_fault(sim, "x", "read_lag", seconds=30)

    post_id = tweet(sim, user, {"text": NOTICE}).json()["data"]["id"]
    lookup = requests.get(
        f"{sim.url}/2/tweets/{post_id}",
        headers={"Authorization": f"Bearer {user['token']}"},
        timeout=TIMEOUT,
    )

    assert post_id not in [post["id"] for post in own_tweets(sim, user)]
    assert lookup.status_code == 404
