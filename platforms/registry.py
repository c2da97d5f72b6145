"""Look up the adapter class for a platform key, importing its module only when first needed
(the SDKs are heavy and a web request rarely needs more than one)."""

from __future__ import annotations

from importlib import import_module

from .base import ChannelConnection, PlatformAdapter

ADAPTERS = {
    "facebook": ("platforms.facebook", "FacebookAdapter"),
    "instagram": ("platforms.instagram", "InstagramAdapter"),
    "linkedin": ("platforms.linkedin", "LinkedInAdapter"),
    "x": ("platforms.x", "XAdapter"),
    "youtube": ("platforms.youtube", "YouTubeAdapter"),
}


def adapter_class(platform: str) -> type[PlatformAdapter]:
    try:
        module_name, class_name = ADAPTERS[platform]
    except KeyError:
        raise ValueError(
            f"no adapter for platform {platform!r}; expected one of {', '.join(ADAPTERS)}"
        ) from None
    return getattr(import_module(module_name), class_name)


def get_adapter(platform: str, connection: ChannelConnection, **kwargs) -> PlatformAdapter:
    """A new adapter for one channel; `kwargs` (e.g. `clock`) go to its constructor."""
    if connection.platform != platform:
        raise ValueError(f"connection is for {connection.platform!r}, not {platform!r}")
    return adapter_class(platform)(connection, **kwargs)
