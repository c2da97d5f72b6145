"""The moderation app's models: queue items (items.py) and the audit trail (audit.py)."""

from .audit import AuditEntry
from .items import OPEN_STATUSES, ItemKind, ItemStatus, QueueItem, QueueItemQuerySet

__all__ = [
    "OPEN_STATUSES",
    "AuditEntry",
    "ItemKind",
    "ItemStatus",
    "QueueItem",
    "QueueItemQuerySet",
]
