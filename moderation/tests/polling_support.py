"""Shared helpers of the polling, outbox, webhook and chaos tests: one simulator per test
module, reset before each test, and channel connections pointing at its default accounts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

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


def subscribe_page(sim, platform, fields="feed"):
    """Install the app on the default account's Page straight through the Graph API (for a
    Page the product does not know); connected channels subscribe through the product."""
    spec = ACCOUNTS[platform]
    page = spec.get("page_id") or spec["id"]
    response = requests.post(
        f"{sim.url}/v25.0/{page}/subscribed_apps",
        data={"subscribed_fields": fields},
        headers={"Authorization": f"Bearer {spec['token']}"},
        timeout=TIMEOUT,
    )
    assert response.json() == {"success": True}, response.text


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


# --- real Celery worker processes -----------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parents[2]


def worker_database_url():
    """A DATABASE_URL for a worker process that reaches the test database, or None when the
    test database lives in this process's memory (SQLite's default test database)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = quote(db.get("USER") or "", safe="")
        password = quote(db.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{db['NAME']}"
    name = str(db["NAME"])
    if db["ENGINE"] == "django.db.backends.sqlite3" and "memory" not in name:
        return f"sqlite:///{name}"
    return None


def start_worker(queue, **env):
    """Start `celery -A config worker` consuming only `queue`, one task at a time. Returns the
    process; `env` adds environment variables (DATABASE_URL, SIMULATOR_URL…)."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
    ]
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        command,
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_consuming(queue, timeout=60):
    """Block until a worker on `queue` answers a ping: it is connected and consuming."""
    from config.celery import ping

    result = ping.apply_async(("ready",), queue=queue)
    assert result.get(timeout=timeout) == {"pong": "ready"}


def stop_worker(process, *, kill=False):
    """End a worker: SIGKILL with `kill` (a crash), otherwise a warm shutdown. Returns its log."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    output = process.stdout.read() if process.stdout else b""
    return output.decode("utf-8", "replace")
