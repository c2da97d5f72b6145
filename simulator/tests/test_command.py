"""The simulate_platforms management command serves until asked to stop."""

from __future__ import annotations

import io
import re
import threading
import time

import requests

from simulator.management.commands.simulate_platforms import Command


def test_command_serves_the_simulator_until_stopped():
    # Given the command started on a free port with the demo stream
    command = Command(stdout=io.StringIO())
    options = vars(
        command.create_parser("manage.py", "simulate_platforms").parse_args(
            ["--port", "0", "--demo-stream", "--seed", "2", "--timeout-seconds", "0.1"]
        )
    )
    runner = threading.Thread(target=command.execute, kwargs=options, daemon=True)
    runner.start()
    url = None
    deadline = time.monotonic() + 5
    while url is None and time.monotonic() < deadline:
        match = re.search(r"listening on (http://\S+)", command.stdout.getvalue())
        url = match.group(1) if match else None
        time.sleep(0.05)
    assert url is not None
    # When it is called and then asked to stop
    accounts = requests.get(f"{url}/_sim/accounts", timeout=5).json()
    config = requests.get(f"{url}/_sim/config", timeout=5).json()
    command.stop_requested.set()
    runner.join(timeout=5)
    # Then it served the demo accounts and stopped cleanly
    assert len(accounts) == 5
    assert config["timeout_seconds"] == 0.1
    assert not runner.is_alive()
    assert "Platform simulator stopped." in command.stdout.getvalue()
    try:
        requests.get(f"{url}/_sim/accounts", timeout=1)
        still_serving = True
    except requests.ConnectionError:
        still_serving = False
    assert still_serving is False
