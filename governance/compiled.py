"""Querysets whose SQL is built once for the same inputs, then only sent.

Django builds and compiles a queryset's SQL anew every time it is evaluated. For the short,
indexed queries behind the pages people keep open all day (the queue and its live refresh, and
the roles lookup every page starts with) that costs several times the database's own work, and
those pages ask the very same query with the very same inputs again and again.

`values_rows(key, build)` keeps the compiled SQL of `build()` (a `values_list` queryset) under
`key`, which must name everything the queryset was built from: the same key must always build the
same SQL with the same parameters. Nothing about the rows is kept; each call sends the SQL and
reads the rows afresh, through the fields' converters, exactly as the queryset would.

The compiled queries are kept per thread (a compiler belongs to its thread's connection), per
database alias, in a small least-recently-used table.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import FlatValuesListIterable, ValuesListIterable
from django.dispatch import receiver

MAX_ENTRIES = 512

_local = threading.local()


class _Compiled:
    __slots__ = ("compiler", "connection", "converters", "flat", "params", "sql")

    def __init__(self, queryset):
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        self.connection = compiler.connection
        self.flat = queryset._iterable_class is FlatValuesListIterable
        try:
            self.sql, self.params = compiler.as_sql()
        except EmptyResultSet:
            # `.none()` or an empty IN list: no SQL at all, no rows.
            self.sql, self.params = None, ()
            self.compiler = self.converters = None
            return
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        self.compiler = compiler
        self.converters = compiler.get_converters(fields)

    def rows(self) -> list:
        if self.sql is None:
            return []
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        if self.flat:
            return [row[0] for row in rows]
        return rows


def _table(using: str) -> OrderedDict:
    tables = getattr(_local, "tables", None)
    if tables is None:
        tables = _local.tables = {}
    table = tables.get(using)
    if table is None:
        table = tables[using] = OrderedDict()
    return table


def values_rows(key: Hashable, build: Callable, using: str = DEFAULT_DB_ALIAS) -> list:
    """The rows of the `values_list` queryset `build()` returns, its SQL compiled once per `key`.

    Rows are tuples (values for `flat=True`), converted as the queryset would convert them.
    """
    table = _table(using)
    entry = table.get(key)
    if entry is not None and entry.connection is connections[using]:
        table.move_to_end(key)
    else:
        queryset = build()
        if queryset.db != using:
            raise ValueError(f"The query for {key!r} runs on {queryset.db!r}, not {using!r}.")
        if queryset._iterable_class not in (ValuesListIterable, FlatValuesListIterable):
            raise TypeError(f"The query for {key!r} must be a values_list queryset.")
        entry = _Compiled(queryset)
        table[key] = entry
        if len(table) > MAX_ENTRIES:
            table.popitem(last=False)
    return entry.rows()


@receiver(setting_changed)
def forget_compiled(**kwargs) -> None:
    """Drop this thread's compiled queries (a changed setting, such as USE_TZ, may change the
    SQL Django writes)."""
    _local.tables = {}
