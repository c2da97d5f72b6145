"""Shared helpers of the polling, outbox, webhook and chaos tests: one simulator per test
module, reset before each test, and channel connections pointing at its default accounts."""

from __future__ import annotations

import pytest
import requests

from accounts.models import Channel, ChannelConnection, ChannelScope, ChannelStatus, TokenStatus
from simulator.demo import DEFAULT_ACCOUNTS
from simulator.server import start_simulator

TIMEOUT = 5
ACCOUNTS = {spec["platform"]: spec for spec in DEFAULT_ACCOUNTS}


@pytest.fixture(scope="module")
def simulator_module():
    # The "timeout" fault holds an answer for 1.2 s; the adapters give up after 0.5 s.
    handle = start_simulator(config={"timeout_seconds": 1.2})
    yield handle
    handle.stop()


@pytest.fixture
def sim(simulator_module, settings):
    requests.post(f"{simulator_module.url}/_sim/reset", timeout=TIMEOUT).raise_for_status()
    settings.SIMULATOR_URL = simulator_module.url
    settings.PLATFORM_TIMEOUT_SECONDS = 0.5
    return simulator_module


def connect(channel, *, polling=True, **fields):
    """Connect `channel` to the simulator's default account of its platform."""
    spec = ACCOUNTS[channel.platform]
    connection = ChannelConnection(
        channel=channel,
        account_id=spec["id"],
        polling_enabled=polling,
        **fields,
    )
    connection.set_token(spec["token"])
    connection.token_status = TokenStatus.VALID
    connection.save()
    return connection


def make_channel(org, platform, *, name=None, unit="comms"):
    """A channel on `platform` owned by one of the test organisation's units."""
    return Channel.objects.create(
        platform=platform,
        name=name or f"Testby på {platform}",
        external_id=ACCOUNTS[platform]["id"],
        owner_unit=org.units[unit],
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
        responsible=org.users["comms_lead"],
        deputy=org.users["comms"],
    )


def control(sim, method, path, payload=None, **params):
    response = requests.request(
        method, f"{sim.url}/_sim/{path}", json=payload, params=params, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text
    return response.json()


def add_comment(sim, platform, message, author="Borger 1", **extra):
    return control(
        sim, "POST", f"{platform}/comments", {"message": message, "author_name": author, **extra}
    )


def add_fault(sim, platform, kind, **extra):
    return control(sim, "POST", "faults", {"platform": platform, "kind": kind, **extra})


def sim_actions(sim, **filters):
    return control(sim, "GET", "actions", **filters)


def sim_stats(sim):
    return control(sim, "GET", "stats")
