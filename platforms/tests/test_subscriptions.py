"""Switching a Page's webhooks on and off through the adapters: the documentation's example
answers of the Page Subscribed Apps edge, the fallback without the messaging permission, and the
simulator recording what was subscribed."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import requests

from platforms.config import GRAPH_VERSION, connection_for
from platforms.errors import BadDataError, NeedsReconnectError, ThrottledError
from platforms.registry import get_adapter
from platforms.subscriptions import confirmed, fields_of
from platforms.tests.canned import Canned, CannedServer
from simulator.demo import DEFAULT_ACCOUNTS
from simulator.server import start_simulator

ACCOUNTS = {spec["platform"]: spec for spec in DEFAULT_ACCOUNTS}
EDGE = f"/{GRAPH_VERSION}/100/subscribed_apps"

# https://developers.facebook.com/docs/pages-api/webhooks-for-pages ("Install Your App"):
# the sample answers of POST and GET /{page-id}/subscribed_apps.
DOCS_POST_ANSWER = {"success": "true"}
DOCS_GET_ANSWER = {
    "data": [
        {
            "category": "Business",
            "link": "https://my-clever-domain-name.com/app",
            "name": "My Sample App",
            "id": "{page-id}",
        }
    ]
}
# https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/: the reading
# answer's nodes carry `subscribed_fields` (list<enum>); the creating and deleting answers are
# Struct {success: bool}.
REFERENCE_GET_ANSWER = {
    "data": [
        {
            "category": "Business",
            "link": "https://example.org/",
            "name": "Kommune SoMe",
            "id": "990000000000001",
            "subscribed_fields": ["feed", "messages"],
        },
        {
            "category": "Business",
            "link": "https://other.example/",
            "name": "Another app",
            "id": "111",
            "subscribed_fields": ["leadgen"],
        },
    ]
}
# https://github.com/jgorset/facebook-messenger/issues/280 shows Graph's wording for a field
# whose permission the token lacks; the messages field needs pages_messaging
# (https://developers.facebook.com/docs/pages-api/webhooks-for-pages).
MISSING_MESSAGING = {
    "error": {
        "message": "(#200) To subscribe to the messages field, one of these permissions is "
        "needed: pages_messaging",
        "type": "OAuthException",
        "code": 200,
        "fbtrace_id": "AbCdEf",
    }
}


def test_both_documented_success_answers_confirm_and_others_do_not():
    assert confirmed(DOCS_POST_ANSWER) is True
    assert confirmed({"success": True}) is True
    assert confirmed({"success": False}) is False
    assert confirmed({"success": "false"}) is False
    assert confirmed({}) is False
    assert confirmed([]) is False


def test_the_reading_answer_gives_our_apps_fields():
    # The guide's sample names no fields: it does not tell what is subscribed.
    assert fields_of(DOCS_GET_ANSWER) is None
    # Several apps: ours only by its id; without the id they cannot be told apart.
    assert fields_of(REFERENCE_GET_ANSWER, "990000000000001") == ["feed", "messages"]
    assert fields_of(REFERENCE_GET_ANSWER, "222") == []
    assert fields_of(REFERENCE_GET_ANSWER) is None
    assert fields_of({"data": [REFERENCE_GET_ANSWER["data"][1]]}) == ["leadgen"]
    # "If your Page has not installed any apps, the API will return an empty data set."
    assert fields_of({"data": []}) == []
    assert fields_of({"error": {}}) is None


@pytest.fixture
def canned():
    with CannedServer() as server:
        yield server


def _adapter(platform, base_url, account_id="100", token="tok", **extra):
    connection = connection_for(
        platform, account_id, token, simulator_url=base_url, timeout=2, extra=extra
    )
    return get_adapter(platform, connection)


def test_the_documentation_answers_make_a_subscription_of_the_fields_asked(canned):
    # Given a Graph API that answers as the Webhooks for Pages guide shows
    canned.answer("POST", EDGE, Canned(body=DOCS_POST_ANSWER))
    canned.answer("GET", EDGE, Canned(body=DOCS_GET_ANSWER))

    with _adapter("facebook", canned.url, messaging=True) as adapter:
        result = adapter.subscribe_webhooks()

    # Then the fields asked for stand (sent form-encoded, comma-separated)
    assert result.fields == ("feed", "messages")
    assert result.missing == ()
    assert parse_qs(canned.seen[0].body.decode())["subscribed_fields"] == ["feed,messages"]
    assert [seen.method for seen in canned.seen] == ["POST", "GET"]


def test_without_the_messaging_permission_the_feed_is_subscribed_and_the_rest_named(canned):
    canned.answer(
        "POST",
        EDGE,
        Canned(status=403, body=MISSING_MESSAGING),
        Canned(body={"success": True}),
    )
    canned.answer("GET", EDGE, Canned(body={"data": []}))

    with _adapter("facebook", canned.url, messaging=True) as adapter:
        result = adapter.subscribe_webhooks()

    assert result.fields == ("feed",)
    assert result.missing == ("messages",)
    assert "pages_messaging" in result.missing_reason
    posts = [seen for seen in canned.seen if seen.method == "POST"]
    assert [parse_qs(seen.body.decode())["subscribed_fields"] for seen in posts] == [
        ["feed,messages"],
        ["feed"],
    ]


def test_a_missing_page_permission_and_throttling_are_raised(canned):
    no_metadata = {"error": {**MISSING_MESSAGING["error"], "message": "(#200) feed needs more"}}
    canned.answer("POST", EDGE, Canned(status=403, body=no_metadata))
    with _adapter("facebook", canned.url) as adapter, pytest.raises(NeedsReconnectError):
        adapter.subscribe_webhooks()

    throttled = {"error": {"message": "Too many calls", "code": 80001, "type": "OAuthException"}}
    canned.answer("POST", EDGE, Canned(status=400, body=throttled))
    with _adapter("facebook", canned.url) as adapter, pytest.raises(ThrottledError):
        adapter.subscribe_webhooks()


def test_an_unconfirmed_answer_is_not_a_subscription(canned):
    canned.answer("POST", EDGE, Canned(body={"success": False}))
    canned.answer("DELETE", EDGE, Canned(body={"id": "100"}))

    with _adapter("facebook", canned.url) as adapter:
        with pytest.raises(BadDataError):
            adapter.subscribe_webhooks()
        with pytest.raises(BadDataError):
            adapter.unsubscribe_webhooks()


# -- against the simulator -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sim():
    handle = start_simulator()
    yield handle
    handle.stop()


@pytest.fixture(autouse=True)
def _reset(request):
    if "sim" in request.fixturenames:
        sim = request.getfixturevalue("sim")
        requests.post(f"{sim.url}/_sim/reset", timeout=5).raise_for_status()


def _listed(sim, platform):
    spec = ACCOUNTS[platform]
    page = spec.get("page_id") or spec["id"]
    answer = requests.get(
        f"{sim.url}/{GRAPH_VERSION}/{page}/subscribed_apps",
        headers={"Authorization": f"Bearer {spec['token']}"},
        timeout=5,
    ).json()
    return answer["data"][0]["subscribed_fields"] if answer["data"] else []


def test_a_facebook_page_is_subscribed_and_unsubscribed_in_the_simulator(sim):
    spec = ACCOUNTS["facebook"]
    with _adapter("facebook", sim.url, spec["id"], spec["token"], messaging=True) as adapter:
        result = adapter.subscribe_webhooks(app_id="990000000000001")
        subscribed = _listed(sim, "facebook")
        adapter.unsubscribe_webhooks()

    assert result.fields == ("feed", "messages")
    assert result.delivered == ("feed", "messages")
    assert subscribed == ["feed", "messages"]
    assert _listed(sim, "facebook") == []


def test_instagram_subscribes_its_linked_page_and_gets_its_app_fields(sim):
    spec = ACCOUNTS["instagram"]
    with _adapter("instagram", sim.url, spec["id"], spec["token"], messaging=True) as adapter:
        result = adapter.subscribe_webhooks()

    assert result.fields == ("feed",)
    assert result.delivered == ("comments", "mentions", "messages")
    assert _listed(sim, "instagram") == ["feed"]
    actions = requests.get(f"{sim.url}/_sim/actions", timeout=5).json()
    assert [(a["kind"], a["target_id"]) for a in actions] == [("subscribe", spec["page_id"])]
