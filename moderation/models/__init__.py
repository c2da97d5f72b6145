"""The moderation app's models: queue items (items.py) and the audit trail (audit.py)."""

from .items import OPEN_STATUSES, ItemKind, ItemStatus, Priority, QueueItem, QueueItemQuerySet
from .notifications import Notification, NotificationKind
from .records import Confidentiality, Record
from .rota import Absence, DutyRota, RotaMember
from .workflow import (
    ANSWER_READY,
    AuthorNotice,
    CannedAnswer,
    CrisisPeriod,
    Forwarding,
    ForwardingStatus,
)

__all__ = [
    "ANSWER_READY",
    "OPEN_STATUSES",
    "Absence",
    "AuthorNotice",
    "CannedAnswer",
    "Confidentiality",
    "CrisisPeriod",
    "DutyRota",
    "Forwarding",
    "ForwardingStatus",
    "Notification",
    "NotificationKind",
    "Record",
    "RotaMember",
    "ItemKind",
    "ItemStatus",
    "QueueItem",
    "QueueItemQuerySet",
]
from .ingestion import (  # noqa: E402
    ApiQuotaDay,
    OutboxFailure,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
)

__all__ += ["ApiQuotaDay", "OutboxFailure", "OutboxKind", "OutboxMessage", "OutboxStatus"]
from .counts import ChannelDay, OpenItemCount  # noqa: E402

__all__ += ["ChannelDay", "OpenItemCount"]
from .posts import ThreadPost  # noqa: E402

__all__ += ["ThreadPost"]
from .alerts import AlertEvent, AlertHook, AlertKind, DeliveryStatus  # noqa: E402

__all__ += ["AlertEvent", "AlertHook", "AlertKind", "DeliveryStatus"]
from .rules import (  # noqa: E402
    HitOutcome,
    InboxRule,
    ItemLabel,
    Label,
    LabelColour,
    RuleAction,
    RuleChange,
    RuleHit,
    RuleVersion,
)

__all__ += [
    "HitOutcome",
    "InboxRule",
    "ItemLabel",
    "Label",
    "LabelColour",
    "Priority",
    "RuleAction",
    "RuleChange",
    "RuleHit",
    "RuleVersion",
]
