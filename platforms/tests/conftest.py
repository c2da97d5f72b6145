"""Fixtures for the adapter tests: one simulator per test session, reset before each test, and a
small client for its control API. No database is used anywhere in these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from platforms.config import connection_for
from platforms.registry import get_adapter

# Short enough that the simulator's "timeout" fault (3 s) trips it, long enough for a slow CI.
# Every timeout test waits this long for real (a socket times out), so it is kept as short as
# the polling tests' 0.5 s (moderation/tests/polling_support.py).
ADAPTER_TIMEOUT = 0.5


class SimControl:
    """The simulator's control API (/_sim/…), as the tests use it."""

    def __init__(self, handle) -> None:
        self.url = handle.url
        self.world = handle.state
        self.http = requests.Session()

    def _check(self, response: requests.Response) -> object:
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, path: str, **params: str) -> object:
        return self._check(self.http.get(f"{self.url}/_sim/{path}", params=params, timeout=10))

    def post(self, path: str, body: dict | None = None) -> object:
        return self._check(self.http.post(f"{self.url}/_sim/{path}", json=body or {}, timeout=10))

    def reset(self) -> None:
        self.post("reset")

    def account(self, platform: str) -> dict:
        accounts = [a for a in self.get("accounts") if a["platform"] == platform]
        assert len(accounts) == 1, accounts
        return accounts[0]

    def comment(self, platform: str, message: str, **body: object) -> dict:
        body.setdefault("author_name", "Borger 17")
        return self.post(f"{platform}/comments", {"message": message, **body})

    def many_comments(self, platform: str, times: list[datetime], **options: object) -> list[str]:
        """Citizen comments created at `times`, oldest first; returns their ids (the URN on
        LinkedIn, as everywhere in the control API).

        Written straight into the simulator's world: hundreds of control-API round trips would
        dominate the test's run time while testing nothing the single-comment route does not.
        """
        account_id = self.account(platform)["id"]
        return [
            self.world.add_comment(
                platform,
                account_id,
                f"Spørgsmål nummer {number}",
                author_name=f"Borger {number % 40}",
                created=moment.isoformat(),
                **options,
            ).external_id
            for number, moment in enumerate(times)
        ]

    def post_content(self, platform: str, message: str, **body: object) -> dict:
        return self.post(f"{platform}/posts", {"message": message, **body})

    def fault(self, platform: str, kind: str, count: int = 1, **extra: object) -> None:
        self.post("faults", {"platform": platform, "kind": kind, "count": count, **extra})

    def actions(self, **query: str) -> list[dict]:
        return self.get("actions", **query)

    def calls(self, platform: str) -> int:
        return self.get("stats")[platform]["calls"]


@pytest.fixture(scope="session")
def simulator():
    from simulator.server import start_simulator

    handle = start_simulator()
    yield handle
    handle.stop()


@pytest.fixture
def sim(simulator) -> SimControl:
    control = SimControl(simulator)
    control.reset()
    return control


class FixedClock:
    """A clock the test can read and move; starts at the real time so the simulator agrees."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def make_adapter(sim, clock):
    """`make_adapter(platform, **extra)`: an adapter on the platform's demo account."""
    adapters = []

    def make(platform: str, *, token: str | None = None, clock_fn=None, **extra):
        account = sim.account(platform)
        connection = connection_for(
            platform,
            account["id"],
            token or account["token"],
            simulator_url=sim.url,
            timeout=ADAPTER_TIMEOUT,
            extra=extra,
        )
        adapter = get_adapter(platform, connection, clock=clock_fn or clock)
        adapters.append(adapter)
        return adapter

    yield make
    for adapter in adapters:
        adapter.close()
