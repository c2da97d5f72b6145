"""The simulator ends API versions by the product's version table, on its own clock's date:
LinkedIn refuses a sunset version with 426, Graph answers an expired one as the oldest usable."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from urllib.parse import quote

import requests

from platforms.config import GRAPH_VERSION, LINKEDIN_VERSION
from platforms.versions import find, oldest_usable

from .helpers import TIMEOUT, account, control


def linkedin_get(sim, org, version):
    headers = {"X-Restli-Protocol-Version": "2.0.0", "Authorization": f"Bearer {org['token']}"}
    if version is not None:
        headers["LinkedIn-Version"] = version
    return requests.get(
        f"{sim.url}/rest/networkSizes/{quote(org['urn'], safe='')}",
        params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
        headers=headers,
        timeout=TIMEOUT,
    )


def seconds_until(sim, day: date) -> float:
    """From the world's time to the start of `day` (UTC)."""
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return (start - sim.state.now()).total_seconds()


def test_linkedin_refuses_the_retired_202410_with_426(sim):
    org = account(sim, "linkedin")

    answer = linkedin_get(sim, org, "202410")

    # https://learn.microsoft.com/en-us/linkedin/marketing/versioning: a sunset version is refused
    assert answer.status_code == 426
    assert answer.json() == {
        "status": 426,
        "code": "NONEXISTENT_VERSION",
        "message": "Requested version 202410 is not active",
    }


def test_linkedin_refuses_a_missing_or_unlisted_version(sim):
    org = account(sim, "linkedin")

    missing = linkedin_get(sim, org, None)
    unlisted = linkedin_get(sim, org, "209901")

    assert (missing.status_code, missing.json()["code"]) == (426, "NONEXISTENT_VERSION")
    assert (unlisted.status_code, unlisted.json()["code"]) == (426, "NONEXISTENT_VERSION")


def test_linkedin_accepts_the_product_default_until_its_sunset(sim):
    org = account(sim, "linkedin")
    sunset = find("linkedin", LINKEDIN_VERSION).ends

    today = linkedin_get(sim, org, LINKEDIN_VERSION)
    sim.state.advance_clock(seconds_until(sim, sunset) - 3600)
    last_hour = linkedin_get(sim, org, LINKEDIN_VERSION)
    sim.state.advance_clock(2 * 3600)
    after = linkedin_get(sim, org, LINKEDIN_VERSION)

    assert today.status_code == 200
    assert last_hour.status_code == 200
    assert after.status_code == 426
    assert after.json()["code"] == "NONEXISTENT_VERSION"


def test_linkedin_versions_config_overrides_the_table_and_null_restores_it(sim):
    org = account(sim, "linkedin")

    control(sim, "POST", "config", {"linkedin_versions": ["202410"]})
    listed_old = linkedin_get(sim, org, "202410")
    unlisted_default = linkedin_get(sim, org, LINKEDIN_VERSION)
    control(sim, "POST", "config", {"linkedin_versions": None})
    restored = linkedin_get(sim, org, LINKEDIN_VERSION)

    assert (listed_old.status_code, unlisted_default.status_code) == (200, 426)
    assert restored.status_code == 200
    assert control(sim, "GET", "config").json()["linkedin_versions"] is None


def graph_get(sim, page, path, **params):
    return requests.get(
        f"{sim.url}/{path}", params={"access_token": page["token"], **params}, timeout=TIMEOUT
    )


def test_graph_answers_a_usable_version_as_asked(sim):
    page = account(sim, "facebook")

    answer = graph_get(sim, page, f"{GRAPH_VERSION}/{page['id']}")

    assert answer.status_code == 200
    assert answer.headers["facebook-api-version"] == GRAPH_VERSION


def test_graph_answers_an_expired_version_as_the_oldest_usable_one(sim):
    # https://developers.facebook.com/docs/graph-api/guides/versioning ("Version Schedules"):
    # calls to a version that is no longer usable default to the next oldest usable version.
    page = account(sim, "facebook")
    oldest = oldest_usable("graph", sim.state.now().date()).version

    expired = graph_get(sim, page, f"v19.0/{page['id']}/feed", limit="1")
    unversioned = graph_get(sim, page, f"{page['id']}")

    assert expired.status_code == 200
    assert expired.headers["facebook-api-version"] == oldest
    assert expired.json()["paging"]["next"].startswith(f"{sim.url}/{oldest}/")
    assert unversioned.headers["facebook-api-version"] == oldest


def test_graph_v21_is_served_until_2027_01_21_then_upgraded(sim):
    page = account(sim, "facebook")
    sim.state.advance_clock(seconds_until(sim, date(2027, 1, 21)))

    answer = graph_get(sim, page, f"v21.0/{page['id']}")

    assert answer.status_code == 200
    assert answer.headers["facebook-api-version"] == "v22.0"
