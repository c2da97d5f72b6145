"""The registry's models: channels (channel.py) and their platform connections (connection.py)."""

from .channel import Channel, ChannelQuerySet, ChannelScope, ChannelStatus, Platform
from .connection import AccountSnapshot, ChannelConnection, TokenStatus

__all__ = [
    "AccountSnapshot",
    "Channel",
    "ChannelConnection",
    "ChannelQuerySet",
    "ChannelScope",
    "ChannelStatus",
    "Platform",
    "TokenStatus",
]
