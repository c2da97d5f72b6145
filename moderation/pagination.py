"""Pages of the items API whose cost does not grow with the queue.

`count` is exact up to `ITEMS_API_COUNT_CAP` items and then stops counting (the response's
`X-Count-Exact: false` header says the true number is larger); `next` and `previous` are
cursor links in the queue's order (answer deadline, received, id; items without a deadline
last), so a deep page is read from the index where the previous one ended, never by skipping
rows with OFFSET.
"""

from __future__ import annotations

import base64
import contextlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connections
from django.db.models import F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_COUNT_CAP = 1000


def count_cap() -> int:
    return getattr(settings, "ITEMS_API_COUNT_CAP", DEFAULT_COUNT_CAP)


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """min(rows, cap) and whether that is the exact number: SELECT COUNT(*) FROM (SELECT …
    LIMIT cap + 1), which stops reading after cap + 1 rows."""
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted <= cap


@dataclass(frozen=True)
class Position:
    """Where a page starts or ends: one item's place in the order, and which way to read."""

    answer_due: datetime | None
    received_at: datetime
    pk: int
    reverse: bool = False

    def encode(self) -> str:
        data = [
            self.answer_due.isoformat() if self.answer_due else None,
            self.received_at.isoformat(),
            self.pk,
            int(self.reverse),
        ]
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Position:
        try:
            padded = value + "=" * (-len(value) % 4)
            due, received, pk, reverse = json.loads(base64.urlsafe_b64decode(padded))
            position = cls(
                parse_datetime(due) if due else None,
                parse_datetime(received),
                int(pk),
                bool(reverse),
            )
        except (TypeError, ValueError, json.JSONDecodeError, UnicodeDecodeError) as error:
            raise NotFound("Invalid cursor.") from error
        if position.received_at is None or (due and position.answer_due is None):
            raise NotFound("Invalid cursor.")
        return position


def _place(item) -> tuple:
    return (item.answer_due, item.received_at, item.pk)


def _joined(first, second, limit, *, reverse):
    """`first`'s rows, then `second`'s, at most `limit`: both page reads in one statement."""
    rows = union_of_ranges(first, second)
    rows.sort(key=_sort_key, reverse=reverse)
    return rows[:limit]


def union_of_ranges(first, second) -> list:
    """The rows of two limited, ordered querysets of one model in one statement: a UNION ALL
    of the two range scans. SQLite allows no LIMIT inside a UNION, so there the two limited
    reads pick the rows by id (on the small tables SQLite serves). The caller sorts."""
    connection = connections[first.db]
    if connection.features.supports_slicing_ordering_in_compound:
        return list(first.union(second, all=True))
    model = first.model
    pks = Q(pk__in=first.values("pk")) | Q(pk__in=second.values("pk"))
    chosen = model._default_manager.filter(pks).order_by()
    fields = first.query.values_select
    if fields:
        return list(chosen.values_list(*fields))
    return list(chosen)


def _sort_key(item):
    # The queue's order with the items without a deadline last.
    return (item.answer_due is None, item.answer_due or item.received_at, item.received_at, item.pk)


class ItemCursorPagination(BasePagination):
    """`{"count", "next", "previous", "results"}` with a capped count and keyset cursors."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def get_page_size(self, request):
        with contextlib.suppress(KeyError, ValueError):
            size = int(request.query_params[self.page_size_query_param])
            if size > 0:
                return min(size, self.max_page_size)
        return self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        size = self.get_page_size(request)
        value = request.query_params.get(self.cursor_query_param)
        position = Position.decode(value) if value else None
        self.count, self.count_exact = capped_count(queryset, count_cap())
        if position is not None and position.reverse:
            rows = self._before(queryset, position, size + 1)
            self.has_previous = len(rows) > size
            rows = list(reversed(rows[:size]))
            self.has_next = True
        else:
            rows = self._after(queryset, position, size + 1)
            self.has_next = len(rows) > size
            rows = rows[:size]
            self.has_previous = position is not None
        self.page = rows
        return rows

    # Two ranges in the index order: items with an answer deadline, then those without. Each
    # is a range scan from the cursor, limited to the page; one statement joins them.
    @staticmethod
    def _after(queryset, position, limit):
        dated = queryset.filter(answer_due__isnull=False)
        undated = queryset.filter(answer_due__isnull=True)
        if position is not None and position.answer_due is not None:
            dated = dated.filter(
                TupleGreaterThan(
                    Tuple(F("answer_due"), F("received_at"), F("pk")), _place(position)
                )
            )
        elif position is not None:
            dated = dated.none()
            undated = undated.filter(
                TupleGreaterThan(
                    Tuple(F("received_at"), F("pk")), (position.received_at, position.pk)
                )
            )
        return _joined(
            dated.order_by("answer_due", "received_at", "pk")[:limit],
            undated.order_by("received_at", "pk")[:limit],
            limit,
            reverse=False,
        )

    @staticmethod
    def _before(queryset, position, limit):
        dated = queryset.filter(answer_due__isnull=False)
        undated = queryset.filter(answer_due__isnull=True)
        if position.answer_due is None:
            undated = undated.filter(
                TupleLessThan(Tuple(F("received_at"), F("pk")), (position.received_at, position.pk))
            )
        else:
            undated = undated.none()
            dated = dated.filter(
                TupleLessThan(Tuple(F("answer_due"), F("received_at"), F("pk")), _place(position))
            )
        return _joined(
            undated.order_by("-received_at", "-pk")[:limit],
            dated.order_by("-answer_due", "-received_at", "-pk")[:limit],
            limit,
            reverse=True,
        )

    def _link(self, item, reverse):
        if item is None:
            return None
        position = Position(item.answer_due, item.received_at, item.pk, reverse)
        return replace_query_param(self.base_url, self.cursor_query_param, position.encode())

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        return self._link(self.page[-1], reverse=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(self.page[0], reverse=True)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            },
            headers={"X-Count-Exact": "true" if self.count_exact else "false"},
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": (
                        f"Exact up to {count_cap()} items; beyond, the cap "
                        "(the X-Count-Exact header is then false)."
                    ),
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The page's position, from a next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page (at most {self.max_page_size}).",
                "schema": {"type": "integer"},
            },
        ]
