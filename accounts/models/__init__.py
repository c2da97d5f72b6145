"""The registry's models: channels (channel.py) and their platform connections (connection.py)."""

from .channel import (
    Channel,
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelEvent,
    ChannelFlag,
    ChannelQuerySet,
    ChannelRequest,
    ChannelScope,
    ChannelStatus,
    Decision,
    EventKind,
    FlagKind,
    NoticeStatus,
    Platform,
    PlatformRole,
)
from .connection import AccountSnapshot, ChannelConnection, TokenStatus

__all__ = [
    "AccountSnapshot",
    "Channel",
    "ChannelAdmin",
    "ChannelClosingRequest",
    "ChannelEvent",
    "ChannelFlag",
    "ChannelRequest",
    "Decision",
    "EventKind",
    "FlagKind",
    "NoticeStatus",
    "PlatformRole",
    "ChannelConnection",
    "ChannelQuerySet",
    "ChannelScope",
    "ChannelStatus",
    "Platform",
    "TokenStatus",
]
