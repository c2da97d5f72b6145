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
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import connections, router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ..models import ItemStatus, OutboxKind, OutboxMessage, QueueItem
from ..models.items import masked

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
    """An unsaved QueueItem for one FetchedItem, deadlines set for citizens' items (the row
    `store_batch` writes, as a model instance: for callers that want one)."""
    item = QueueItem(channel=channel, received_at=received_at)
    for name, value in _values(channel, fetched, received_at, calculator).items():
        setattr(item, name, value)
    return item


def _values(channel, fetched, received_at, calculator) -> dict:
    """Attribute values of the row for one FetchedItem (by model attribute name)."""
    values = {
        "channel_id": channel.pk,
        "platform": channel.platform,
        "external_id": fetched.external_id,
        "kind": fetched.kind,
        "parent_external_id": fetched.parent_external_id or "",
        "thread_external_id": fetched.thread_external_id or "",
        "author_name": (fetched.author_name or "")[: _LIMITS["author_name"]],
        "author_external_id": (fetched.author_id or "")[: _LIMITS["author_external_id"]],
        "text": fetched.text or "",
        # The personal-data scan of the pipeline: searches and pages read this column.
        "masked_text": masked(fetched.text or ""),
        "permalink": (fetched.permalink or "")[: _LIMITS["permalink"]],
        "created_at": fetched.created_at,
        "received_at": received_at,
        "hidden_on_platform": fetched.is_hidden,
        "raw": fetched.raw or {},
    }
    if fetched.from_account:
        # The municipality's own replies are kept for the thread's context; they are not work.
        values["status"] = ItemStatus.ANSWERED
    elif calculator is not None:
        deadlines = calculator.deadlines(channel.platform, fetched.kind, received_at)
        holder = _Holder()
        deadlines.apply(holder)
        values.update(vars(holder))
    return values


class _Holder:
    """Collects the attributes `Deadlines.apply` sets, whatever they are."""


class _InsertPlan:
    """The column list and per-column value preparation of one bulk INSERT on this database.

    Columns the pipeline does not set get their model default, prepared once per batch, so a
    column the moderation part adds later is filled like Django would fill it.
    """

    def __init__(self, connection):
        self.connection = connection
        self.fields = [f for f in QueueItem._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.defaults = [f.get_db_prep_save(f.get_default(), connection) for f in self.fields]
        ops = connection.ops
        json_encoder = QueueItem._meta.get_field("raw").encoder
        self.prepare = []
        for model_field in self.fields:
            internal = model_field.get_internal_type()
            if internal == "DateTimeField":
                self.prepare.append(ops.adapt_datetimefield_value)
            elif internal == "JSONField":
                self.prepare.append(lambda value, e=json_encoder: ops.adapt_json_value(value, e))
            else:
                self.prepare.append(None)

    def row(self, values: dict) -> list:
        row = []
        for model_field, default, prepare in zip(
            self.fields, self.defaults, self.prepare, strict=True
        ):
            if model_field.attname in values:
                value = values[model_field.attname]
                row.append(prepare(value) if prepare is not None and value is not None else value)
            else:
                row.append(default)
        return row

    def insert(self, rows) -> dict[str, int]:
        """INSERT … ON CONFLICT (platform, external_id) DO NOTHING RETURNING: {external id: pk}
        of the rows this statement wrote (a row another writer stored first is not returned)."""
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(column) for column in self.columns)
        placeholder = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        table = quote(QueueItem._meta.db_table)
        created = {}
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH_SIZE):
                chunk = rows[start : start + BATCH_SIZE]
                cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES "
                    + ", ".join([placeholder] * len(chunk))
                    + " ON CONFLICT (platform, external_id) DO NOTHING"
                    + " RETURNING id, external_id",
                    [value for row in chunk for value in row],
                )
                created.update((external_id, pk) for pk, external_id in cursor.fetchall())
        return created


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
    connection = connections[router.db_for_write(QueueItem)]
    with transaction.atomic(using=connection.alias):
        existing = _stored(connection, platform, list(unique))
        new = [fetched for key, fetched in unique.items() if key not in existing]
        if not new:
            return StoreResult(already_stored=len(existing))
        new = _mark_our_replies(channel, new)
        if calculator is None and any(not f.from_account for f in new):
            calculator = deadline_calculator(channel)
        plan = _InsertPlan(connection)
        rows = [plan.row(_values(channel, fetched, received_at, calculator)) for fetched in new]
        # A webhook may insert the same comment between our read and our insert: the unique
        # constraint decides, and only the rows this statement wrote come back.
        stored = plan.insert(rows)
        _link_parents(connection, platform, list(stored.values()), list(stored))
        _count_new(channel, new, stored)
    return StoreResult(
        created_ids=sorted(stored.values()),
        already_stored=len(existing) + len(new) - len(stored),
    )


def _mark_our_replies(channel, new):
    """Items that are replies the outbox sent are the account's own, whatever the platform's
    author field says (an Instagram comment names its author by an Instagram-scoped id, never
    by the account's id)."""
    candidates = [fetched.external_id for fetched in new if not fetched.from_account]
    if not candidates:
        return new
    ours = set(
        OutboxMessage.objects.filter(
            channel=channel, kind=OutboxKind.REPLY, result_external_id__in=candidates
        ).values_list("result_external_id", flat=True)
    )
    if not ours:
        return new
    return [
        replace(fetched, from_account=True) if fetched.external_id in ours else fetched
        for fetched in new
    ]


def _count_new(channel, new, stored) -> None:
    """Add the rows this batch inserted to the open-item counters (same transaction)."""
    from .. import counts

    deltas = Counter()
    for fetched in new:
        if fetched.external_id in stored:
            status = ItemStatus.ANSWERED if fetched.from_account else ItemStatus.NEW
            deltas[counts.key_from_values(channel.pk, status, None, False, 0)] += 1
    deltas.pop(None, None)
    counts.apply(deltas)


def _stored(connection, platform, external_ids) -> set[str]:
    """The external ids among `external_ids` already in the queue."""
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of placeholders.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_id FROM {connection.ops.quote_name(QueueItem._meta.db_table)}"
                " WHERE platform = %s AND external_id = ANY(%s)",
                [platform, external_ids],
            )
            return {external_id for (external_id,) in cursor.fetchall()}
    return set(
        QueueItem.objects.filter(platform=platform, external_id__in=external_ids).values_list(
            "external_id", flat=True
        )
    )


def _link_parents(connection, platform, created_ids, created_external_ids):
    """Point new replies at their stored parents, and earlier orphans at newly stored parents
    (a webhook can deliver a reply before its parent arrives). Orphans are found through the
    partial index of replies without a parent, never by scanning the table."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(QueueItem._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS child SET parent_id = parent.id FROM {table} AS parent"
                " WHERE child.platform = %(platform)s AND child.parent_id IS NULL"
                " AND child.parent_external_id <> ''"
                " AND (child.id = ANY(%(ids)s) OR child.parent_external_id = ANY(%(external)s))"
                " AND parent.platform = child.platform"
                " AND parent.external_id = child.parent_external_id",
                {"platform": platform, "ids": created_ids, "external": created_external_ids},
            )
        return
    parent = QueueItem.objects.filter(
        platform=OuterRef("platform"), external_id=OuterRef("parent_external_id")
    ).values("pk")[:1]
    waiting = Q(pk__in=created_ids)
    orphans = Q(parent_external_id__in=created_external_ids)
    QueueItem.objects.filter(platform=platform, parent__isnull=True).exclude(
        parent_external_id=""
    ).filter(waiting | orphans).update(parent=Subquery(parent))
