"""Comment counts as a change signal, for listings that have no "since" (Instagram media,
LinkedIn and YouTube comment threads): a container is read again only when its count moved, or
while it moved within the overlap window (a comment can be counted before it is readable).

A container may also keep its own read watermark, for replies that are found late (YouTube
finds replies on older threads only in a periodic sweep, after the stream's own watermark has
moved past them).

Stored in the cursor as `{container id: {"count": n, "changed": iso time, ["read": watermark]}}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .timeutil import format_iso, optional_time
from .watermark import Watermark


class ChangeCounts:
    def __init__(self, stored: object, *, now: datetime, overlap: timedelta) -> None:
        self.stored = stored if isinstance(stored, dict) else {}
        self.now = now
        self.overlap = overlap
        self.current: dict[str, dict] = {}

    def _previous(self, key: str) -> dict | None:
        previous = self.stored.get(key)
        return previous if isinstance(previous, dict) else None

    def needs_read(self, key: str, count: object) -> bool:
        """Record `count` for `key` and say whether its comments must be read now."""
        count = count if isinstance(count, int) and not isinstance(count, bool) else None
        previous = self._previous(key)
        unchanged = count is not None and previous is not None and previous.get("count") == count
        changed_at = previous.get("changed") if unchanged else None
        entry = {"count": count, "changed": changed_at or format_iso(self.now)}
        if previous is not None and "read" in previous:
            entry["read"] = previous["read"]
        self.current[key] = entry
        if count is None:
            return True  # only reading tells
        if count == 0:
            return False  # nothing to read, not even a counted comment that is late
        if not unchanged:
            return True
        changed = optional_time(changed_at)
        return changed is None or self.now - changed <= self.overlap

    def keep(self, key: str) -> None:
        """Carry `key` into this fetch without a new count, for a container read for another
        reason than its count (LinkedIn reads a post a notification names). Unknown until
        now, it is recorded with no count, so the next count reads it once more."""
        if key not in self.current:
            previous = self._previous(key)
            self.current[key] = (
                dict(previous)
                if previous is not None
                else {"count": None, "changed": format_iso(self.now)}
            )

    def known(self, key: str) -> bool:
        """Whether the stored cursor has an entry for `key`."""
        return self._previous(key) is not None

    def read_mark(self, key: str, *, since: datetime) -> Watermark:
        """The container's own watermark: where its last complete read ended, or, for one
        recorded without a read, when its count was seen (nothing older can be new); `since`
        for a container seen for the first time."""
        previous = self._previous(key)
        if previous is not None and isinstance(previous.get("read"), dict):
            return Watermark.load(previous["read"], since=since, overlap=self.overlap)
        counted = optional_time(previous.get("changed")) if previous is not None else None
        start = counted - self.overlap if counted is not None else since
        return Watermark.load(None, since=start, overlap=self.overlap)

    def mark_read(self, key: str, mark: Watermark, entries: Iterable[tuple[str, datetime]]) -> None:
        """After a complete read of the container (and `needs_read` or `keep`), move its
        watermark past the (id, created_at) entries it returned."""
        self.current[key]["read"] = mark.advanced(entries, self.now).to_dict()

    def to_dict(self, *, keep_unseen: bool = False) -> dict[str, dict]:
        """The counts of the containers seen in this fetch. Others drop out of the cursor,
        unless `keep_unseen` (the fetch did not look that far back, so they still count)."""
        if keep_unseen:
            return {**self.stored, **self.current}
        return dict(self.current)
