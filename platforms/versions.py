"""The platforms' API versions with their documented release and end dates, and the status of a
configured version on a given day: current, ending soon, retired, or unknown.

Plain Python, no Django: the product warns the communications team from it, and the simulator
refuses (LinkedIn) or upgrades (Graph) a retired version from the same table, by its own clock.

Facebook and Instagram share the Graph API's version (`graph`); X and YouTube carry their
version in the path (`/2/`, `/youtube/v3/`) and have no announced end.

How each platform ends a version, as its documentation says:
- Graph API: each version is usable at least two years after its release, and until two years
  after the next version's release; the changelog lists "Available Until" per version ("TBD"
  until it is fixed). A call to a version that is no longer usable is answered by the oldest
  usable version instead (Platform Versioning, "Version Schedules").
- LinkedIn: a monthly version (YYYYMM) is supported for at least one year, then sunset; the
  migrations page lists each version's sunset date. A sunset or missing `LinkedIn-Version`
  is refused with 426 NONEXISTENT_VERSION.

Rows whose end date could not be read on the platform's own page are marked
`confirmed=False`; their date is the one the policy guarantees at least, never a later guess.
Add a row when a platform publishes a version or fixes a date; never move a date later than
the platform's page says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

GRAPH_VERSIONS_URL = "https://developers.facebook.com/docs/graph-api/changelog/versions/"
GRAPH_POLICY_URL = "https://developers.facebook.com/docs/graph-api/guides/versioning"
LINKEDIN_MIGRATIONS_URL = (
    "https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations"
)
LINKEDIN_VERSIONING_URL = "https://learn.microsoft.com/en-us/linkedin/marketing/versioning"
X_API_URL = "https://docs.x.com/x-api/introduction"
YOUTUBE_HISTORY_URL = "https://developers.google.com/youtube/v3/revision_history"

# Which version family each platform's calls use.
PLATFORM_FAMILIES = {
    "facebook": "graph",
    "instagram": "graph",
    "linkedin": "linkedin",
    "x": "x",
    "youtube": "youtube",
}

# The versions X and YouTube carry in their paths (/2/…, /youtube/v3/…).
PATH_VERSIONS = {"x": "2", "youtube": "v3"}

# How many days before a version ends the product starts warning.
DEFAULT_WARNING_DAYS = 60


@dataclass(frozen=True)
class ApiVersion:
    family: str
    version: str
    released: date
    # The first day the version is no longer served; None: no end announced.
    ends: date | None
    source: str
    # False when the end date was not read on the platform's own page (see the module's note).
    confirmed: bool = True


def _graph(version, released, ends):
    return ApiVersion("graph", version, released, ends, GRAPH_VERSIONS_URL)


def _linkedin(version, ends, *, confirmed=True):
    # LinkedIn names a version by its month; its page gives no day of release.
    released = date(int(version[:4]), int(version[4:]), 1)
    source = LINKEDIN_MIGRATIONS_URL if confirmed else LINKEDIN_VERSIONING_URL
    return ApiVersion("linkedin", version, released, ends, source, confirmed=confirmed)


VERSIONS: tuple[ApiVersion, ...] = (
    # Graph API changelog, "Available Graph API Versions" (read 2026-10-29). The page also lists
    # a release on 2026-11-04 whose version name could not be read; it is left out until it can.
    _graph("v19.0", date(2024, 1, 23), date(2026, 5, 21)),
    _graph("v20.0", date(2024, 5, 21), date(2026, 9, 24)),
    _graph("v21.0", date(2024, 10, 2), date(2027, 1, 21)),
    _graph("v22.0", date(2025, 1, 21), date(2027, 5, 20)),
    _graph("v23.0", date(2025, 5, 29), date(2027, 10, 8)),
    _graph("v24.0", date(2025, 10, 8), date(2028, 2, 18)),
    _graph("v25.0", date(2026, 2, 18), date(2028, 7, 29)),
    _graph("v26.0", date(2026, 7, 29), None),  # "TBD": at least two years after release
    # LinkedIn Marketing API migrations page, sunset dates (read for 202410-202411 and
    # 202510-202603; 202508 from the deprecation notice on the Community Management pages).
    # The page lists no 202512.
    _linkedin("202410", date(2025, 10, 15)),
    _linkedin("202411", date(2025, 11, 17)),
    _linkedin("202508", date(2026, 8, 17)),
    _linkedin("202510", date(2026, 10, 15)),
    _linkedin("202511", date(2026, 11, 16)),
    _linkedin("202601", date(2027, 1, 15)),
    _linkedin("202602", date(2027, 2, 15)),
    _linkedin("202603", date(2027, 3, 16)),
    # Not confirmed on LinkedIn's own page: the dates are the mid-month sunsets a year after
    # release that the one-year policy and the confirmed rows give.
    _linkedin("202604", date(2027, 4, 15), confirmed=False),
    _linkedin("202605", date(2027, 5, 15), confirmed=False),
    _linkedin("202606", date(2027, 6, 15), confirmed=False),
    _linkedin("202607", date(2027, 7, 15), confirmed=False),
    # The version lives in the path; neither platform has announced an end.
    ApiVersion("x", "2", date(2021, 11, 15), None, X_API_URL),
    ApiVersion("youtube", "v3", date(2012, 12, 1), None, YOUTUBE_HISTORY_URL),
)


class VersionState(StrEnum):
    CURRENT = "current"
    ENDING = "ending"  # ends within the warning window
    RETIRED = "retired"
    UNKNOWN = "unknown"  # not in the table: nothing can be said about its end


@dataclass(frozen=True)
class VersionStatus:
    family: str
    version: str
    state: VersionState
    entry: ApiVersion | None = None

    @property
    def ends(self) -> date | None:
        return self.entry.ends if self.entry else None

    def days_left(self, on: date) -> int | None:
        return (self.ends - on).days if self.ends else None


def find(family: str, version: str) -> ApiVersion | None:
    for entry in VERSIONS:
        if entry.family == family and entry.version == version:
            return entry
    return None


def family_of(platform: str) -> str:
    try:
        return PLATFORM_FAMILIES[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}") from None


def is_retired(entry: ApiVersion, on: date) -> bool:
    return entry.ends is not None and on >= entry.ends


def version_status(
    family: str, version: str, on: date, *, warning_days: int = DEFAULT_WARNING_DAYS
) -> VersionStatus:
    """The state of `version` of `family` on the day `on`: retired from its end date on, ending
    within `warning_days` before it, unknown when the table does not list it (or lists it as
    not yet released)."""
    entry = find(family, version)
    if entry is None or on < entry.released:
        return VersionStatus(family, version, VersionState.UNKNOWN, entry)
    if is_retired(entry, on):
        return VersionStatus(family, version, VersionState.RETIRED, entry)
    if entry.ends is not None and (entry.ends - on).days <= warning_days:
        return VersionStatus(family, version, VersionState.ENDING, entry)
    return VersionStatus(family, version, VersionState.CURRENT, entry)


def usable_versions(family: str, on: date) -> list[ApiVersion]:
    """The listed versions of `family` released and not retired on `on`, oldest first."""
    return sorted(
        (
            entry
            for entry in VERSIONS
            if entry.family == family and entry.released <= on and not is_retired(entry, on)
        ),
        key=lambda entry: entry.released,
    )


def oldest_usable(family: str, on: date) -> ApiVersion | None:
    usable = usable_versions(family, on)
    return usable[0] if usable else None
