"""Tables of what the busiest pages work out again and again from the same inputs.

A value kept here must follow from its key alone: the key names everything it was worked out
from (read afresh on every request), so a kept value is never stale. The tables are bounded
(emptied when full) and emptied whenever a setting changes (tests, or a language added).
"""

from __future__ import annotations

import weakref
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver

_TABLES: weakref.WeakSet = weakref.WeakSet()
_FUNCTIONS: list = []


class Memo:
    """A bounded table: `memo.get(key)`, and `memo.keep(key, value)` to store and return."""

    __slots__ = ("__weakref__", "size", "table")

    def __init__(self, size: int):
        self.size = size
        self.table = {}
        _TABLES.add(self)

    def get(self, key):
        return self.table.get(key)

    def keep(self, key, value):
        if len(self.table) >= self.size:
            self.table.clear()
        self.table[key] = value
        return value

    def clear(self):
        self.table.clear()


def memoized(maxsize: int):
    """`functools.lru_cache(maxsize)`, also emptied whenever a setting changes."""

    def decorate(func):
        cached = lru_cache(maxsize=maxsize)(func)
        _FUNCTIONS.append(cached)
        return cached

    return decorate


@receiver(setting_changed)
def _forget(**kwargs):
    for table in list(_TABLES):
        table.clear()
    for cached in _FUNCTIONS:
        cached.cache_clear()
