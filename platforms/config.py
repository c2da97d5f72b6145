"""Default endpoints and versions of the real platform APIs, and `connection_for`, which builds a
`ChannelConnection` for them or for the local simulator.

The Django side passes its settings (PLATFORM_BASE_URLS, FACEBOOK_GRAPH_VERSION, LINKEDIN_VERSION,
timeouts) as overrides; nothing here imports Django.
"""

from __future__ import annotations

from .base import ChannelConnection

PLATFORMS = ("facebook", "instagram", "linkedin", "x", "youtube")

# Current versions (dates and sources in platforms/versions.py): v25.0 is usable until
# 2028-07-29; 202607 is supported until 2027-07-15.
GRAPH_VERSION = "v25.0"
LINKEDIN_VERSION = "202607"
DEFAULT_TIMEOUT = 20.0

# Base URLs the adapters append their paths to: Graph paths start with the version
# (/v25.0/{id}/feed), LinkedIn paths follow /rest, X paths start with /2, YouTube with /youtube/v3.
BASE_URLS = {
    "facebook": "https://graph.facebook.com",
    "instagram": "https://graph.facebook.com",
    "linkedin": "https://api.linkedin.com/rest",
    "x": "https://api.x.com",
    "youtube": "https://www.googleapis.com",
}

API_VERSIONS = {
    "facebook": GRAPH_VERSION,
    "instagram": GRAPH_VERSION,
    "linkedin": LINKEDIN_VERSION,
    # X (/2/…) and YouTube (/youtube/v3/…) carry their version in the path.
    "x": "",
    "youtube": "",
}

# Where the simulator serves each platform, relative to its root URL.
SIMULATOR_PREFIXES = {
    "facebook": "",
    "instagram": "",
    "linkedin": "/rest",
    "x": "",
    "youtube": "",
}


def base_url_for(platform: str, simulator_url: str | None = None) -> str:
    if platform not in BASE_URLS:
        raise ValueError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}")
    if simulator_url:
        return simulator_url.rstrip("/") + SIMULATOR_PREFIXES[platform]
    return BASE_URLS[platform]


def connection_for(
    platform: str,
    account_id: str,
    token: str,
    simulator_url: str | None = None,
    **overrides,
) -> ChannelConnection:
    """A connection to the real API, or to the simulator when `simulator_url` is given.

    `overrides` may set `base_url`, `api_version`, `timeout` and `extra`; an explicit `base_url`
    wins over the simulator.
    """
    unknown = set(overrides) - {"base_url", "api_version", "timeout", "extra"}
    if unknown:
        raise TypeError(f"unknown connection settings: {', '.join(sorted(unknown))}")
    return ChannelConnection(
        platform=platform,
        account_id=str(account_id),
        token=token,
        base_url=overrides.get("base_url") or base_url_for(platform, simulator_url),
        api_version=overrides.get("api_version") or API_VERSIONS[platform],
        timeout=float(overrides.get("timeout") or DEFAULT_TIMEOUT),
        extra=dict(overrides.get("extra") or {}),
    )
