"""The version table and the status of a configured version on a day."""

from __future__ import annotations

from datetime import date

import pytest

from platforms.config import API_VERSIONS, GRAPH_VERSION, LINKEDIN_VERSION
from platforms.versions import (
    PATH_VERSIONS,
    VERSIONS,
    VersionState,
    find,
    oldest_usable,
    usable_versions,
    version_status,
)

TODAY = date(2026, 12, 6)


def test_every_row_names_its_source_and_ends_after_its_release():
    for entry in VERSIONS:
        assert entry.source.startswith("https://"), entry
        assert entry.ends is None or entry.ends > entry.released, entry
    keys = [(entry.family, entry.version) for entry in VERSIONS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("family", "version", "on", "state", "days_left"),
    [
        # Sunset 2025-10-15 on LinkedIn's migrations page: 426 since then.
        ("linkedin", "202410", TODAY, VersionState.RETIRED, -417),
        ("linkedin", "202511", date(2026, 11, 16), VersionState.RETIRED, 0),
        ("linkedin", "202511", date(2026, 11, 15), VersionState.ENDING, 1),
        ("linkedin", "202607", TODAY, VersionState.CURRENT, 221),
        # 60 days before 2027-07-15 the warning starts, not a day earlier.
        ("linkedin", "202607", date(2027, 5, 16), VersionState.ENDING, 60),
        ("linkedin", "202607", date(2027, 5, 15), VersionState.CURRENT, 61),
        ("linkedin", "202607", date(2027, 7, 15), VersionState.RETIRED, 0),
        # Graph v21.0 is available until 2027-01-21.
        ("graph", "v21.0", TODAY, VersionState.ENDING, 46),
        ("graph", "v21.0", date(2027, 1, 21), VersionState.RETIRED, 0),
        ("graph", "v25.0", TODAY, VersionState.CURRENT, 601),
        # Not listed, or not released yet on that day: nothing can be said.
        ("linkedin", "202612", TODAY, VersionState.UNKNOWN, None),
        ("graph", "v26.0", date(2026, 7, 1), VersionState.UNKNOWN, None),
        # No end announced.
        ("graph", "v26.0", TODAY, VersionState.CURRENT, None),
        ("x", "2", TODAY, VersionState.CURRENT, None),
        ("youtube", "v3", TODAY, VersionState.CURRENT, None),
    ],
)
def test_version_status_on_a_day(family, version, on, state, days_left):
    status = version_status(family, version, on)

    assert status.state == state
    assert status.days_left(on) == days_left


def test_the_warning_window_is_a_parameter():
    assert version_status("graph", "v21.0", TODAY, warning_days=30).state == "current"
    assert version_status("graph", "v21.0", TODAY, warning_days=46).state == "ending"


def test_usable_versions_and_the_oldest_one():
    assert [entry.version for entry in usable_versions("graph", TODAY)] == [
        "v21.0",
        "v22.0",
        "v23.0",
        "v24.0",
        "v25.0",
        "v26.0",
    ]
    assert oldest_usable("graph", date(2027, 1, 21)).version == "v22.0"
    assert "202410" not in [entry.version for entry in usable_versions("linkedin", TODAY)]
    assert oldest_usable("linkedin", TODAY).version == "202601"


def test_the_defaults_are_current_for_a_while_yet():
    """A default that ends within the warning window fails here first: move it on."""
    today = date.today()
    for family, version in (("graph", GRAPH_VERSION), ("linkedin", LINKEDIN_VERSION)):
        assert version_status(family, version, today).state == VersionState.CURRENT, version
    assert find("graph", GRAPH_VERSION).ends >= date(2028, 1, 1)
    assert (API_VERSIONS["x"], API_VERSIONS["youtube"]) == ("", "")
    assert PATH_VERSIONS == {"x": "2", "youtube": "v3"}
