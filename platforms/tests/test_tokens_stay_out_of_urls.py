"""No adapter puts an access token into a URL, where proxies, server logs and browser histories
keep it: every operation of every adapter runs against the simulator with its request log on,
and every request it served is inspected. The token travels in the Authorization header."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, unquote

import pytest

from platforms.config import PLATFORMS
from platforms.graph import GraphClient
from platforms.tests.canned import Canned, CannedServer

DAY = timedelta(days=1)
# Query parameters that carry credentials on one API or another.
TOKEN_PARAMETERS = {"access_token", "oauth2_access_token", "key", "token", "api_key"}
# Where each platform's API lives on the simulator.
API_PREFIXES = {
    "facebook": "/v",
    "instagram": "/v",
    "linkedin": "/rest/",
    "x": "/2/",
    "youtube": "/youtube/v3/",
}


def exercise(sim, clock, adapter, platform):
    """Every operation the adapter has: reading (over several short pages, so that listings
    follow their next links), replying, looking for its own reply, moderating, figures,
    publishing and the connection test."""
    first = sim.comment(platform, "Hvornår tømmes skraldespandene?")
    second = sim.comment(platform, "Kan man få en ny spand?")
    sim.comment(platform, "Tak for hjælpen", parent_id=first["id"])
    sim.fault(platform, "short_page", count=4, page_size=1)
    adapter.fetch_new(None, since=clock.now - DAY)
    adapter.reply(first["id"], "Hver anden fredag.", idempotency_key=f"{platform}-r")
    adapter.find_own_reply(first["id"], "Hver anden fredag.")
    capabilities = adapter.capabilities
    if capabilities.hide:
        adapter.hide(second["id"])
    if capabilities.unhide:
        adapter.unhide(second["id"])
    if capabilities.delete:
        adapter.delete(second["id"])
    adapter.fetch_account_figures(clock.now - timedelta(days=30), clock.now)
    if capabilities.publish:
        adapter.publish(f"Nyt fra kommunen ({platform})", idempotency_key=f"{platform}-p")
    adapter.test_connection()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_request_carries_a_token_in_its_url(sim, clock, make_adapter, platform):
    sim.post("config", {"request_log": True})
    secrets = {
        value
        for account in sim.get("accounts")
        for value in (account.get("token"), account.get("api_key"))
        if value
    }
    adapter = make_adapter(platform)

    exercise(sim, clock, adapter, platform)

    served = [
        entry for entry in sim.get("requests") if entry["path"].startswith(API_PREFIXES[platform])
    ]
    assert len(served) >= 8, served  # the operations above, and the further pages
    for entry in served:
        query = dict(parse_qsl(entry["query"], keep_blank_values=True))
        assert not TOKEN_PARAMETERS & set(query), entry
        url = unquote(f"{entry['path']}?{entry['query']}")
        assert not any(secret in url for secret in secrets), entry
        assert entry["authorization"] == "Bearer", entry


def test_the_request_log_is_off_unless_asked_for(sim, clock, make_adapter):
    make_adapter("x").test_connection()

    assert sim.get("requests") == []


def test_a_graph_next_link_is_followed_without_its_token():
    # Graph writes the token into paging.next ("…?access_token=…&after=…"); the client keeps
    # the path and the cursor and sends the token in the header.
    with CannedServer() as server:
        server.answer("GET", "/v21.0/5_6/comments", Canned(body={"data": [{"id": "2"}]}))
        client = GraphClient(
            platform="facebook",
            base_url=server.url,
            version="v21.0",
            token="tok",
            timeout=2,
            clock=lambda: datetime.now(UTC),
            on_call=lambda: None,
        )
        first = {
            "data": [{"id": "1"}],
            "paging": {
                "next": f"{server.url}/v21.0/5_6/comments?access_token=tok&limit=25&after=QVFI"
            },
        }
        try:
            pages = list(client.pages(first))
        finally:
            client.close()

        assert [page["data"] for page in pages] == [[{"id": "1"}], [{"id": "2"}]]
        [seen] = server.seen
        assert seen.query == {"limit": "25", "after": "QVFI"}
        assert seen.headers["Authorization"] == "Bearer tok"
