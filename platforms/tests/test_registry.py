"""The registry's lazy lookup and the connection defaults for the real APIs and the simulator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from platforms.config import connection_for
from platforms.registry import ADAPTERS, get_adapter


def test_real_api_connections_use_the_documented_hosts_and_versions():
    facebook = connection_for("facebook", "123", "tok")
    linkedin = connection_for("linkedin", "456", "tok")
    x = connection_for("x", "789", "tok")
    youtube = connection_for("youtube", "UCabc", "tok")

    assert (facebook.base_url, facebook.api_version) == ("https://graph.facebook.com", "v25.0")
    assert (linkedin.base_url, linkedin.api_version) == ("https://api.linkedin.com/rest", "202607")
    assert x.base_url == "https://api.x.com"
    assert youtube.base_url == "https://www.googleapis.com"


def test_simulator_connections_point_every_platform_at_the_simulator():
    sim = "http://127.0.0.1:8765/"

    urls = {p: connection_for(p, "1", "t", simulator_url=sim).base_url for p in ADAPTERS}

    assert urls == {
        "facebook": "http://127.0.0.1:8765",
        "instagram": "http://127.0.0.1:8765",
        "linkedin": "http://127.0.0.1:8765/rest",
        "x": "http://127.0.0.1:8765",
        "youtube": "http://127.0.0.1:8765",
    }


def test_overrides_win_and_unknown_settings_are_refused():
    connection = connection_for(
        "facebook", 1, "t", api_version="v22.0", timeout=3, extra={"messaging": True}
    )

    assert connection.account_id == "1"
    assert connection.api_version == "v22.0"
    assert connection.timeout == 3.0
    assert connection.extra == {"messaging": True}
    with pytest.raises(TypeError):
        connection_for("facebook", "1", "t", base="http://elsewhere")


def test_the_token_stays_out_of_the_connection_repr():
    connection = connection_for("x", "1", "very-secret-token")

    assert "very-secret-token" not in repr(connection)


@pytest.mark.parametrize("platform", sorted(ADAPTERS))
def test_get_adapter_builds_the_platform_adapter(platform):
    adapter = get_adapter(platform, connection_for(platform, "1", "t"))

    assert adapter.platform == platform
    adapter.close()


def test_get_adapter_refuses_unknown_or_mismatched_platforms():
    with pytest.raises(ValueError):
        get_adapter("myspace", connection_for("x", "1", "t"))
    with pytest.raises(ValueError):
        get_adapter("facebook", connection_for("x", "1", "t"))


def test_importing_the_registry_loads_no_sdk_and_no_django():
    code = (
        "import sys, platforms.registry, platforms.config; "
        "print(sorted(m for m in ('facebook', 'linkedin_v2', 'django') if m in sys.modules))"
    )

    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout

    assert output.strip() == "[]"
