"""The resumable position of a time-ordered stream: the time up to which it has been read, plus
the ids seen inside an overlap window before that time.

Platform paging cursors die when their item is deleted, so they are never stored. Instead each
fetch re-reads from `watermark - overlap` (read-after-write can lag) and drops ids already seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .timeutil import format_iso, parse_time

DEFAULT_OVERLAP = timedelta(minutes=5)


@dataclass(frozen=True)
class Watermark:
    """`seen` maps each id read inside the overlap window to its creation time."""

    time: datetime | None
    seen: dict[str, datetime]
    since: datetime
    overlap: timedelta = DEFAULT_OVERLAP

    @classmethod
    def load(
        cls, data: object, *, since: datetime, overlap: timedelta = DEFAULT_OVERLAP
    ) -> Watermark:
        """Read a stored watermark; anything unreadable starts again from `since` (items are
        upserted by id, so re-reading is safe while skipping would lose them)."""
        if isinstance(data, dict) and data.get("time"):
            try:
                time = parse_time(data["time"])
                raw_seen = data.get("seen") or {}
                seen = {str(key): parse_time(value) for key, value in raw_seen.items()}
            except (ValueError, AttributeError):
                return cls(time=None, seen={}, since=since, overlap=overlap)
            return cls(time=time, seen=seen, since=since, overlap=overlap)
        return cls(time=None, seen={}, since=since, overlap=overlap)

    @property
    def cutoff(self) -> datetime:
        """The oldest creation time this fetch must read back to."""
        return self.time - self.overlap if self.time is not None else self.since

    def is_new(self, external_id: str, created_at: datetime) -> bool:
        return created_at >= self.cutoff and external_id not in self.seen

    def advanced(self, entries: Iterable[tuple[str, datetime]], now: datetime) -> Watermark:
        """The watermark after a complete fetch that started at `now` and returned the given
        (id, created_at) entries.

        The stream has been read up to `now`, found or not: an idle stream's window moves on,
        so the next fetch re-reads only the overlap. Ids stay in `seen` while they are inside
        the window, including ones stamped after `now` by a clock running ahead.
        """
        time = now if self.time is None else max(self.time, now)
        seen = dict(self.seen)
        seen.update(entries)
        floor = time - self.overlap
        kept = {key: created for key, created in seen.items() if created >= floor}
        return Watermark(time=time, seen=kept, since=self.since, overlap=self.overlap)

    def to_dict(self) -> dict:
        if self.time is None:
            return {}  # never advanced: the next fetch starts again from `since`
        return {
            "time": format_iso(self.time),
            "seen": {key: format_iso(created) for key, created in sorted(self.seen.items())},
        }
