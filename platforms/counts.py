"""Comment counts as a change signal, for listings that have no "since" (Instagram media,
LinkedIn comment threads): a container is read again only when its count moved, or while it
moved within the overlap window (a comment can be counted before it is readable).

Stored in the cursor as `{container id: {"count": n, "changed": iso time}}`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .timeutil import format_iso, parse_time


class ChangeCounts:
    def __init__(self, stored: object, *, now: datetime, overlap: timedelta) -> None:
        self.stored = stored if isinstance(stored, dict) else {}
        self.now = now
        self.overlap = overlap
        self.current: dict[str, dict] = {}

    def needs_read(self, key: str, count: object) -> bool:
        """Record `count` for `key` and say whether its comments must be read now."""
        count = count if isinstance(count, int) and not isinstance(count, bool) else None
        previous = self.stored.get(key) if isinstance(self.stored.get(key), dict) else None
        unchanged = count is not None and previous is not None and previous.get("count") == count
        changed_at = previous.get("changed") if unchanged else None
        self.current[key] = {"count": count, "changed": changed_at or format_iso(self.now)}
        if count is None:
            return True  # only reading tells
        if count == 0:
            return False  # nothing to read, not even a counted comment that is late
        if not unchanged:
            return True
        try:
            return self.now - parse_time(changed_at) <= self.overlap
        except ValueError:
            return True

    def to_dict(self, *, keep_unseen: bool = False) -> dict[str, dict]:
        """The counts of the containers seen in this fetch. Others drop out of the cursor,
        unless `keep_unseen` (the fetch did not look that far back, so they still count)."""
        if keep_unseen:
            return {**self.stored, **self.current}
        return dict(self.current)
