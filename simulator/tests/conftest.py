"""Fixtures for the simulator's tests: one simulator per test session, reset before each test."""

from __future__ import annotations

import pytest
import requests

from simulator.server import start_simulator


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """The simulator's tests touch no Django settings; this replaces the project-wide autouse
    fixture of the same name, which needs pytest-django, so they also run with -p no:django."""


@pytest.fixture(scope="session")
def simulator_session():
    # A short timeout fault keeps the timeout tests fast; reset returns to this value.
    handle = start_simulator(config={"timeout_seconds": 0.6})
    yield handle
    handle.stop()


@pytest.fixture
def sim(simulator_session):
    requests.post(f"{simulator_session.url}/_sim/reset", timeout=5).raise_for_status()
    return simulator_session


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session
