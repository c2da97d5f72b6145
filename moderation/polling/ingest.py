"""Store fetched items in the queue: one bulk, idempotent insert on (platform, external id), with
deadlines computed up front and thread parents linked in one statement.

`store_batch` runs inside the caller's transaction (the poll stores the batch and moves the
channel's cursor together) and never updates rows that already exist, so a re-read window, a
redelivered task or a webhook for the same comment cannot produce a second item. The
personal-data check, assignment and anything else that follows arrival is `moderation.intake`,
called with the new ids after commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ..models import ItemStatus, QueueItem

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Column limits of QueueItem: platforms send longer values now and then (names, permalinks).
_LIMITS = {"author_name": 255, "author_external_id": 255, "permalink": 1000}


@dataclass
class StoreResult:
    """What one batch did: ids of the rows it inserted, and how many it found already stored."""

    created_ids: list[int] = field(default_factory=list)
    already_stored: int = 0

    @property
    def created(self) -> int:
        return len(self.created_ids)


def deadline_calculator(channel):
    """The moderation part's deadline calculator for the channel's municipality."""
    from ..deadlines import DeadlineCalculator

    return DeadlineCalculator(channel.owner_unit.municipality)


def build_item(channel, fetched, received_at: datetime, calculator=None) -> QueueItem:
    """An unsaved QueueItem for one FetchedItem, deadlines set for citizens' items."""
    item = QueueItem(
        channel=channel,
        platform=channel.platform,
        external_id=fetched.external_id,
        kind=fetched.kind,
        parent_external_id=fetched.parent_external_id or "",
        thread_external_id=fetched.thread_external_id or "",
        author_name=(fetched.author_name or "")[: _LIMITS["author_name"]],
        author_external_id=(fetched.author_id or "")[: _LIMITS["author_external_id"]],
        text=fetched.text or "",
        permalink=(fetched.permalink or "")[: _LIMITS["permalink"]],
        created_at=fetched.created_at,
        received_at=received_at,
        hidden_on_platform=fetched.is_hidden,
        raw=fetched.raw or {},
    )
    if fetched.from_account:
        # The municipality's own replies are kept for the thread's context; they are not work.
        item.status = ItemStatus.ANSWERED
    elif calculator is not None:
        calculator.deadlines(item.platform, item.kind, received_at).apply(item)
    return item


def store_batch(channel, fetched_items, *, received_at=None, calculator=None) -> StoreResult:
    """Insert the items not stored yet; link replies to their parents. Returns what happened.

    `calculator` is a `DeadlineCalculator` for the channel's municipality (built here when
    omitted). The call is a no-op for items already in the queue, whoever stored them.
    """
    received_at = received_at or timezone.now()
    unique = {}
    for fetched in fetched_items:
        unique.setdefault(fetched.external_id, fetched)
    if not unique:
        return StoreResult()
    platform = channel.platform
    with transaction.atomic():
        existing = set(
            QueueItem.objects.filter(platform=platform, external_id__in=list(unique)).values_list(
                "external_id", flat=True
            )
        )
        new = [fetched for key, fetched in unique.items() if key not in existing]
        if not new:
            return StoreResult(already_stored=len(existing))
        if calculator is None and any(not f.from_account for f in new):
            calculator = deadline_calculator(channel)
        rows = [build_item(channel, fetched, received_at, calculator) for fetched in new]
        # A webhook may insert the same comment between our read and our insert: the unique
        # constraint decides, and the loser's row is simply not written.
        QueueItem.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
        new_ids = [fetched.external_id for fetched in new]
        stored = dict(
            QueueItem.objects.filter(
                platform=platform, external_id__in=new_ids, received_at=received_at
            ).values_list("external_id", "pk")
        )
        _link_parents(platform, list(stored.values()), new_ids)
    return StoreResult(
        created_ids=sorted(stored.values()),
        already_stored=len(existing) + len(new) - len(stored),
    )


def _link_parents(platform, created_ids, created_external_ids):
    """Point new replies at their stored parents, and earlier orphans at newly stored parents
    (a webhook can deliver a reply before its parent arrives)."""
    parent = QueueItem.objects.filter(
        platform=OuterRef("platform"), external_id=OuterRef("parent_external_id")
    ).values("pk")[:1]
    waiting = Q(pk__in=created_ids) & ~Q(parent_external_id="")
    orphans = Q(parent_external_id__in=created_external_ids)
    QueueItem.objects.filter(platform=platform, parent__isnull=True).filter(
        waiting | orphans
    ).update(parent=Subquery(parent))
