"""The registry's models: channels (channel.py), their platform connections (connection.py) and
webhook subscriptions (webhooks.py), the decision fields both kinds of request share
(decisions.py), and the warnings sent about platform API versions (versions.py)."""

from .channel import (
    Channel,
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelFlag,
    ChannelQuerySet,
    ChannelRequest,
    ChannelScope,
    ChannelStatus,
    FlagKind,
    NoticeStatus,
    Platform,
    PlatformRole,
    channel_label,
)
from .connection import AccountSnapshot, ChannelConnection, ConnectedVia, TokenStatus
from .decisions import Decided, Decision
from .versions import ApiVersionWarning, VersionStage
from .webhooks import WebhookProblem, WebhookStatus, WebhookSubscription

__all__ = [
    "AccountSnapshot",
    "ApiVersionWarning",
    "Channel",
    "channel_label",
    "ChannelAdmin",
    "ChannelClosingRequest",
    "ChannelFlag",
    "ChannelRequest",
    "ConnectedVia",
    "Decided",
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
    "WebhookProblem",
    "WebhookStatus",
    "WebhookSubscription",
    "VersionStage",
]
