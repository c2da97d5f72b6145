"""Build a platform adapter for a stored channel connection from the project's settings: the
simulator when SIMULATOR_URL is set, otherwise the real APIs' base URLs and versions."""

from django.conf import settings

from platforms.config import connection_for
from platforms.registry import get_adapter


def platform_connection(connection):
    """The adapters' plain `ChannelConnection` record for a `accounts.ChannelConnection` row."""
    platform = connection.channel.platform
    overrides = {
        "timeout": getattr(settings, "PLATFORM_TIMEOUT_SECONDS", 10.0),
        "extra": dict(connection.extra or {}),
    }
    if platform == "x":
        overrides["extra"].setdefault("fields_naming", getattr(settings, "X_FIELDS_NAMING", "post"))
    version = {
        "facebook": getattr(settings, "FACEBOOK_GRAPH_VERSION", ""),
        "instagram": getattr(settings, "FACEBOOK_GRAPH_VERSION", ""),
        "linkedin": getattr(settings, "LINKEDIN_API_VERSION", ""),
    }.get(platform)
    if version:
        overrides["api_version"] = version
    simulator_url = getattr(settings, "SIMULATOR_URL", "") or None
    if not simulator_url:
        base_url = getattr(settings, "PLATFORM_BASE_URLS", {}).get(platform)
        if base_url:
            base_url = base_url.rstrip("/")
            # The LinkedIn adapter appends paths that follow /rest; the setting names the host.
            if platform == "linkedin" and not base_url.endswith("/rest"):
                base_url += "/rest"
            overrides["base_url"] = base_url
    return connection_for(
        platform,
        connection.account_id,
        connection.get_token(),
        simulator_url=simulator_url,
        **overrides,
    )


def adapter_for(connection):
    """A fresh adapter for the channel behind `connection` (use it as a context manager)."""
    return get_adapter(connection.channel.platform, platform_connection(connection))
