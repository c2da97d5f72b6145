"""The registry's models: channels (channel.py) and their platform connections (connection.py)."""

from .channel import (
    Channel,
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelFlag,
    ChannelQuerySet,
    ChannelRequest,
    ChannelScope,
    ChannelStatus,
    Decision,
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
    "ChannelFlag",
    "ChannelRequest",
    "Decision",
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
