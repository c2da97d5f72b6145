"""The queue's open-item counters: kept by the actions, read by the pages.

Every change that opens an item, closes it, or moves an open item between the states the queue
counts (status, assignee, personal-data flag, answer escalation stage) adds and subtracts rows
of `OpenItemCount` in the same transaction: `key(item)` before and after, `apply(deltas)`.
The counts endpoint polled by every open queue and the dashboard panels then sum a few rows per
channel instead of aggregating every open item. `recount()` rebuilds the table from the items
(the `repair_counts` command); `fresh_counts()` is the same figure counted the slow way, for it
and for tests.

"At risk" and "overdue" are the escalation sweep's stages (warned at 75 % of the answer time,
deadline reported missed), so they follow the clock within one sweep interval (a minute).
"""

from __future__ import annotations

from collections import Counter

from django.db import connections, router, transaction
from django.db.models import Count, Q, Sum

from core.permissions import access_for
from governance.models import Role

from .models import OPEN_STATUSES, Forwarding, OpenItemCount, QueueItem

# The item fields a counter row is keyed by, in the table's key order.
KEY_FIELDS = ("channel_id", "status", "assigned_to_id", "has_personal_data", "answer_escalation")
_COLUMNS = ("channel_id", "status", "assignee_id", "has_personal_data", "answer_stage")


def key(item) -> tuple | None:
    """The counter row an item counts in, or None when it is not open."""
    return key_from_values(*(getattr(item, name) for name in KEY_FIELDS))


def key_from_values(channel_id, status, assigned_to_id, has_personal_data, answer_escalation):
    """The counter row of an item given as the values of KEY_FIELDS, or None when not open."""
    if status not in OPEN_STATUSES:
        return None
    return (
        channel_id,
        str(status),
        assigned_to_id or 0,
        bool(has_personal_data),
        int(answer_escalation or 0),
    )


def moved(before: tuple | None, after: tuple | None, deltas: Counter | None = None) -> Counter:
    """Add the move of one item from counter row `before` to `after` to `deltas`."""
    deltas = Counter() if deltas is None else deltas
    if before != after:
        if before is not None:
            deltas[before] -= 1
        if after is not None:
            deltas[after] += 1
    return deltas


def apply(deltas: Counter) -> None:
    """Add `deltas` ({key: +n or -n}) to the counters: one upsert statement, rows in key order
    (two transactions changing the same rows take their locks in the same order). Must run in
    the transaction that changed the items."""
    rows = sorted((k, n) for k, n in deltas.items() if n)
    if not rows:
        return
    connection = connections[router.db_for_write(OpenItemCount)]
    assert connection.in_atomic_block, "counters change in the items' transaction"
    quote = connection.ops.quote_name
    table = quote(OpenItemCount._meta.db_table)
    columns = ", ".join(quote(c) for c in (*_COLUMNS, "items"))
    conflict = ", ".join(quote(c) for c in _COLUMNS)
    placeholder = "(" + ", ".join(["%s"] * (len(_COLUMNS) + 1)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES "
            + ", ".join([placeholder] * len(rows))
            + f" ON CONFLICT ({conflict}) DO UPDATE"
            + f" SET {quote('items')} = {table}.{quote('items')} + excluded.{quote('items')}",
            [value for k, n in rows for value in (*k, n)],
        )


def fresh_counts() -> dict[tuple, int]:
    """The counters as the items say they should be: {key: items}, counted over the queue."""
    rows = (
        QueueItem.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list(*KEY_FIELDS)
        .annotate(n=Count("pk"))
    )
    return {key_from_values(*row[:-1]): row[-1] for row in rows}


def stored_counts() -> dict[tuple, int]:
    """The counters as stored, without rows at zero."""
    return {
        tuple(row[:-1]): row[-1]
        for row in OpenItemCount.objects.exclude(items=0).values_list(*_COLUMNS, "items")
    }


def recount() -> dict:
    """Rebuild the counters from the items (the items are locked meanwhile, so no action moves
    one in between). Returns {"rows": n, "fixed": how many stored rows were wrong}."""
    with transaction.atomic():
        list(QueueItem.objects.filter(status__in=OPEN_STATUSES).select_for_update().values("pk"))
        fresh = fresh_counts()
        stored = stored_counts()
        fixed = sum(1 for k in fresh.keys() | stored.keys() if fresh.get(k) != stored.get(k))
        OpenItemCount.objects.all().delete()
        OpenItemCount.objects.bulk_create(
            OpenItemCount(**dict(zip(_COLUMNS, k, strict=True)), items=n)
            for k, n in sorted(fresh.items())
            if n
        )
    return {"rows": len(fresh), "fixed": fixed}


# -- reading

_FIGURES = {
    "open": Q(),
    "at_risk": Q(answer_stage=1),
    "overdue": Q(answer_stage=2),
    "personal": Q(has_personal_data=True),
}


def open_counts(user) -> dict:
    """The open items `user` may see (`QueueItem.objects.for_user`): how many in all, assigned
    to them, at risk, overdue and with personal data. One query on the counters; a second,
    over the questions forwarded to the user, for those who are not on the team."""
    access = access_for(user)
    figures = {
        name: Sum("items", filter=condition, default=0) for name, condition in _FIGURES.items()
    }
    figures["mine"] = Sum("items", filter=Q(assignee_id=access.user_id or -1), default=0)
    if access.sees_everything:
        return OpenItemCount.objects.aggregate(**figures)
    zero = dict.fromkeys(figures, 0)
    if not access.is_member:
        return zero
    units = access.unit_ids(Role.CHANNEL_EDITOR, Role.ON_DUTY_MONITOR) | set(
        access.managed_unit_ids
    )
    in_units = Q(channel__owner_unit_id__in=units) if units else Q(pk__in=[])
    counted = OpenItemCount.objects.filter(in_units | Q(assignee_id=access.user_id)).aggregate(
        **figures
    )
    # Items the user sees only because they were forwarded to them: found from the
    # forwardings (an expert's handful), never by scanning the queue.
    forwarded_here = Q(to_user_id=access.user_id)
    expert_units = access.unit_ids(Role.DEPARTMENT_EXPERT)
    if expert_units:
        forwarded_here |= Q(to_unit_id__in=expert_units, to_user__isnull=True)
    forwarded = (
        QueueItem.objects.filter(
            pk__in=Forwarding.objects.filter(forwarded_here).values("item_id"),
            status__in=OPEN_STATUSES,
        )
        .exclude(channel__owner_unit_id__in=units)
        .exclude(assigned_to_id=access.user_id)
        .aggregate(
            open=Count("pk"),
            at_risk=Count("pk", filter=Q(answer_escalation=1)),
            overdue=Count("pk", filter=Q(answer_escalation=2)),
            personal=Count("pk", filter=Q(has_personal_data=True)),
        )
    )
    return {name: counted[name] + forwarded.get(name, 0) for name in figures}


def count_created(items) -> None:
    """Count items stored outside the intake's bulk insert (test fixtures, scripts)."""
    deltas = Counter()
    for item in items:
        moved(None, key(item), deltas)
    with transaction.atomic():
        apply(deltas)
