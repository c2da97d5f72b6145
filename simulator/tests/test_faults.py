"""Injected faults: every kind, on every platform where it exists, and how faults are aimed."""

from __future__ import annotations

import json
from urllib.parse import quote

import facebook
import pytest
import requests

from platforms.config import GRAPH_VERSION, LINKEDIN_VERSION

from .helpers import TIMEOUT, account, actions, add_comment, add_fault, control


def call(sim, platform: str, **kwargs) -> requests.Response:
    """One cheap read call on a platform with its default account's credentials."""
    user = account(sim, platform)
    if platform in ("facebook", "instagram"):
        return requests.get(
            f"{sim.url}/{GRAPH_VERSION}/{user['id']}",
            params={"access_token": user["token"]},
            timeout=kwargs.get("timeout", TIMEOUT),
        )
    if platform == "linkedin":
        return requests.get(
            f"{sim.url}/rest/networkSizes/{quote(user['urn'], safe='')}",
            params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
            headers={
                "LinkedIn-Version": LINKEDIN_VERSION,
                "X-Restli-Protocol-Version": "2.0.0",
                "Authorization": f"Bearer {user['token']}",
            },
            timeout=TIMEOUT,
        )
    if platform == "x":
        return requests.get(
            f"{sim.url}/2/users/{user['id']}",
            headers={"Authorization": f"Bearer {user['token']}"},
            timeout=TIMEOUT,
        )
    return requests.get(
        f"{sim.url}/youtube/v3/channels",
        params={"part": "statistics", "id": user["id"]},
        headers={"Authorization": f"Bearer {user['token']}"},
        timeout=TIMEOUT,
    )


PLATFORMS = ["facebook", "instagram", "linkedin", "x", "youtube"]


@pytest.mark.parametrize(
    ("platform", "status", "marker"),
    [
        ("facebook", 400, {"code": 80001}),
        ("instagram", 400, {"code": 80002}),
        ("linkedin", 429, {"status": 429}),
        ("x", 429, {"status": 429}),
        ("youtube", 429, {"reason": "rateLimitExceeded"}),
    ],
)
def test_throttle(sim, platform, status, marker):
    add_fault(sim, platform, "throttle")
    answer = call(sim, platform)
    body = answer.json()
    assert answer.status_code == status
    if "code" in marker:
        assert body["error"]["code"] == marker["code"]
    elif "reason" in marker:
        assert body["error"]["errors"][0]["reason"] == marker["reason"]
    else:
        assert body["status"] == marker["status"]
    assert call(sim, platform).status_code == 200


@pytest.mark.parametrize(
    ("platform", "status"),
    [("facebook", 500), ("instagram", 500), ("linkedin", 500), ("x", 503), ("youtube", 500)],
)
def test_server_error_has_the_platform_shape(sim, platform, status):
    add_fault(sim, platform, "server_error")
    answer = call(sim, platform)
    assert answer.status_code == status
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    if platform in ("facebook", "instagram"):
        assert body["error"]["code"] == 2
        assert body["error"]["is_transient"] is True
    elif platform == "youtube":
        assert body["error"]["errors"][0]["reason"] == "backendError"
    else:
        assert body["status"] == status


@pytest.mark.parametrize(
    ("platform", "status", "code"),
    [
        ("facebook", 400, 190),
        ("instagram", 400, 190),
        ("linkedin", 401, 65602),
        ("x", 401, None),
        ("youtube", 401, None),
    ],
)
def test_token_expired(sim, platform, status, code):
    add_fault(sim, platform, "token_expired")
    answer = call(sim, platform)
    assert answer.status_code == status
    if platform in ("facebook", "instagram"):
        assert answer.json()["error"]["code"] == code
        assert answer.json()["error"]["error_subcode"] == 463
    if platform == "linkedin":
        assert answer.json()["serviceErrorCode"] == code


@pytest.mark.parametrize("platform", PLATFORMS)
def test_html_502(sim, platform):
    add_fault(sim, platform, "html_502")
    answer = call(sim, platform)
    assert answer.status_code == 502
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>")
    # A proxy's page carries none of the platform's usage or rate-limit headers.
    assert "X-App-Usage" not in answer.headers
    assert "x-rate-limit-remaining" not in answer.headers


@pytest.mark.parametrize("platform", PLATFORMS)
def test_502_without_content_type(sim, platform):
    add_fault(sim, platform, "no_content_type")
    answer = call(sim, platform)
    assert answer.status_code == 502
    assert "Content-Type" not in answer.headers


def test_502_without_content_type_trips_facebook_sdk_with_key_error(sim):
    page = account(sim, "facebook")
    add_fault(sim, "facebook", "no_content_type")
    graph = facebook.GraphAPI(access_token=page["token"], timeout=TIMEOUT)
    graph.version = GRAPH_VERSION
    original = facebook.FACEBOOK_GRAPH_URL
    facebook.FACEBOOK_GRAPH_URL = f"{sim.url}/"
    try:
        with pytest.raises(KeyError):
            graph.request(f"{GRAPH_VERSION}/{page['id']}")
    finally:
        facebook.FACEBOOK_GRAPH_URL = original


@pytest.mark.parametrize("platform", PLATFORMS)
def test_malformed_json(sim, platform):
    add_fault(sim, platform, "malformed")
    answer = call(sim, platform)
    assert answer.status_code == 200
    assert "json" in answer.headers["Content-Type"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)


def test_timeout_carries_out_the_write_but_answers_late(sim):
    # Given a comment and a timeout fault (the session's simulator waits 0.6 s)
    page = account(sim, "facebook")
    comment = add_comment(sim, "facebook", "Hvornår åbner hallen?")["id"]
    add_fault(sim, "facebook", "timeout")
    # When the page replies with a client timeout shorter than the delay
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            f"{sim.url}/{GRAPH_VERSION}/{comment}/comments",
            data={"message": "Kl. 6", "access_token": page["token"]},
            timeout=0.2,
        )
    # Then the reply exists all the same, so a blind retry would be a duplicate
    assert [(a["kind"], a["text"]) for a in actions(sim)] == [("reply", "Kl. 6")]
    retry = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{comment}/comments",
        data={"message": "Kl. 6", "access_token": page["token"]},
        timeout=TIMEOUT,
    )
    assert retry.json()["error"]["code"] == 506


def test_timeout_answers_a_patient_client_late(sim):
    add_fault(sim, "x", "timeout")
    answer = call(sim, "x")
    assert answer.status_code == 200
    assert answer.elapsed.total_seconds() >= 0.55


def test_timeout_delay_is_configurable(sim):
    control(sim, "POST", "config", {"timeout_seconds": 0.05})
    add_fault(sim, "youtube", "timeout")
    answer = call(sim, "youtube")
    assert answer.status_code == 200
    assert answer.elapsed.total_seconds() < 0.5


def test_count_after_and_account_targeting(sim):
    # Given a second Facebook page and a fault aimed at the first one: skip 1, then 2 calls
    first = account(sim, "facebook")
    second = control(
        sim, "POST", "accounts", {"platform": "facebook", "name": "Fjordby Bibliotek"}
    ).json()
    add_fault(sim, "facebook", "server_error", count=2, after=1, account_id=first["id"])

    def read(page: dict) -> int:
        return requests.get(
            f"{sim.url}/{GRAPH_VERSION}/{page['id']}",
            params={"access_token": page["token"]},
            timeout=TIMEOUT,
        ).status_code

    # When each page is called
    statuses = [read(second), read(first), read(first), read(second), read(first), read(first)]
    # Then only the first page's 2nd and 3rd calls fail
    assert statuses == [200, 200, 500, 200, 500, 200]
    assert control(sim, "GET", "faults").json() == []


def test_faults_are_listed_and_cleared(sim):
    add_fault(sim, "x", "throttle", count=3, reset_after_seconds=10)
    pending = control(sim, "GET", "faults").json()
    cleared = control(sim, "DELETE", "faults").json()
    assert [(f["platform"], f["kind"], f["count"]) for f in pending] == [("x", "throttle", 3)]
    assert cleared == {"cleared": 1}
    assert call(sim, "x").status_code == 200


@pytest.mark.parametrize(
    "spec",
    [
        {"platform": "myspace", "kind": "throttle"},
        {"platform": "x", "kind": "earthquake"},
        {"platform": "facebook", "kind": "quota_exceeded"},
        {"platform": "x", "kind": "version_retired"},
        {"platform": "facebook", "kind": "no_notification"},
        {"platform": "x", "kind": "throttle", "count": 0},
        {"platform": "x", "kind": "throttle", "count": "two"},
        {"platform": "x", "kind": "throttle", "account_id": "999"},
    ],
)
def test_impossible_faults_are_refused(sim, spec):
    answer = control(sim, "POST", "faults", spec)
    assert answer.status_code == 400
    assert "error" in answer.json()
    assert control(sim, "GET", "faults").json() == []


def test_short_page_and_invalid_cursor_on_x(sim):
    user = account(sim, "x")
    ids = [add_comment(sim, "x", f"Hej {n}")["id"] for n in range(6)]
    headers = {"Authorization": f"Bearer {user['token']}"}
    url = f"{sim.url}/2/users/{user['id']}/mentions"
    add_fault(sim, "x", "short_page", page_size=2)
    add_fault(sim, "x", "invalid_cursor")
    first = requests.get(url, params={"max_results": 5}, headers=headers, timeout=TIMEOUT).json()
    token = first["meta"]["next_token"]
    broken = requests.get(
        url, params={"max_results": 5, "pagination_token": token}, headers=headers, timeout=TIMEOUT
    )
    rest = requests.get(
        url, params={"max_results": 5, "pagination_token": token}, headers=headers, timeout=TIMEOUT
    ).json()
    assert [t["id"] for t in first["data"]] == [ids[5], ids[4]]
    assert broken.status_code == 400
    assert [t["id"] for t in rest["data"]] == [ids[3], ids[2], ids[1], ids[0]]
    assert "next_token" not in rest["meta"]


def test_short_page_and_invalid_cursor_on_youtube(sim):
    channel = account(sim, "youtube")
    ids = [add_comment(sim, "youtube", f"Hej {n}")["id"] for n in range(4)]
    params = {
        "part": "snippet",
        "allThreadsRelatedToChannelId": channel["id"],
        "maxResults": 10,
        "key": channel["api_key"],
    }
    url = f"{sim.url}/youtube/v3/commentThreads"
    add_fault(sim, "youtube", "short_page", page_size=0)
    add_fault(sim, "youtube", "invalid_cursor")
    empty = requests.get(url, params=params, timeout=TIMEOUT).json()
    token = empty["nextPageToken"]
    broken = requests.get(url, params={**params, "pageToken": token}, timeout=TIMEOUT)
    rest = requests.get(url, params={**params, "pageToken": token}, timeout=TIMEOUT).json()
    assert empty["items"] == []
    assert broken.json()["error"]["errors"][0]["reason"] == "invalidPageToken"
    assert [item["id"] for item in rest["items"]] == list(reversed(ids))


def test_short_page_on_linkedin_ends_the_reading_early(sim):
    # LinkedIn's end signal is a page shorter than count: a short page hides the rest
    # until the next poll re-reads from the start.
    org = account(sim, "linkedin")
    for n in range(5):
        add_comment(sim, "linkedin", f"Hej {n}")
    post = sim.state.newest_post("linkedin", org["id"]).id
    add_fault(sim, "linkedin", "short_page", page_size=1)
    url = f"{sim.url}/rest/socialActions/{quote(post, safe='')}/comments"
    headers = {
        "LinkedIn-Version": LINKEDIN_VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
        "Authorization": f"Bearer {org['token']}",
    }
    short = requests.get(url, params={"count": 3}, headers=headers, timeout=TIMEOUT).json()
    full = requests.get(url, params={"count": 3}, headers=headers, timeout=TIMEOUT).json()
    assert len(short["elements"]) == 1
    assert short["paging"]["total"] == 5
    assert len(full["elements"]) == 3


def test_read_lag_on_x_keeps_the_creation_time(sim):
    user = account(sim, "x")
    add_fault(sim, "x", "read_lag", seconds=30)
    lagging = add_comment(sim, "x", "Forsinket")["id"]
    visible = add_comment(sim, "x", "Med det samme")["id"]
    data = requests.get(
        f"{sim.url}/2/users/{user['id']}/mentions",
        headers={"Authorization": f"Bearer {user['token']}"},
        timeout=TIMEOUT,
    ).json()["data"]
    assert [tweet["id"] for tweet in data] == [visible]
    assert int(lagging) < int(visible)


def test_a_linkedin_fault_can_name_the_organisation_by_urn(sim):
    org = account(sim, "linkedin")
    fault = add_fault(sim, "linkedin", "server_error", account_id=org["urn"])
    assert fault["account_id"] == org["id"]
    assert call(sim, "linkedin").status_code == 500
