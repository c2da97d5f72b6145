"""Comment counts as a change signal, and a container's own read watermark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from platforms.counts import ChangeCounts

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
OVERLAP = timedelta(minutes=5)


def at(now, stored=None):
    return ChangeCounts(stored, now=now, overlap=OVERLAP)


def test_a_first_sight_is_read_unless_there_is_nothing_to_read():
    counts = at(T0)

    assert counts.needs_read("a", 3) is True
    assert counts.needs_read("b", 0) is False
    assert counts.needs_read("c", None) is True
    assert counts.to_dict() == {
        "a": {"count": 3, "changed": T0.isoformat()},
        "b": {"count": 0, "changed": T0.isoformat()},
        "c": {"count": None, "changed": T0.isoformat()},
    }


def test_an_unchanged_count_is_read_again_only_inside_the_overlap():
    stored = at(T0)
    stored.needs_read("a", 3)

    soon = at(T0 + timedelta(minutes=4), stored.to_dict())
    later = at(T0 + timedelta(minutes=6), stored.to_dict())

    assert soon.needs_read("a", 3) is True
    assert later.needs_read("a", 3) is False
    assert later.to_dict()["a"] == {"count": 3, "changed": T0.isoformat()}


def test_a_moved_count_is_read_and_restamped():
    stored = at(T0)
    stored.needs_read("a", 3)
    now = T0 + timedelta(hours=1)

    counts = at(now, stored.to_dict())

    assert counts.needs_read("a", 2) is True
    assert counts.to_dict()["a"] == {"count": 2, "changed": now.isoformat()}


def test_unseen_containers_drop_out_unless_kept():
    stored = at(T0)
    stored.needs_read("old", 1)
    counts = at(T0 + timedelta(hours=1), stored.to_dict())
    counts.needs_read("new", 1)

    assert set(counts.to_dict()) == {"new"}
    assert set(counts.to_dict(keep_unseen=True)) == {"old", "new"}


def test_the_read_mark_starts_where_the_count_was_seen_and_moves_with_reads():
    since = T0 - timedelta(days=1)
    first = at(T0)
    first.needs_read("t", 0)
    later = at(T0 + timedelta(hours=2), first.to_dict())
    later.needs_read("t", 1)

    mark = later.read_mark("t", since=since)
    later.mark_read("t", mark, [("r1", T0 + timedelta(hours=1))])
    after = at(T0 + timedelta(hours=3), later.to_dict()).read_mark("t", since=since)

    assert at(T0).read_mark("unknown", since=since).cutoff == since
    assert mark.cutoff == T0 - OVERLAP
    assert after.cutoff == T0 + timedelta(hours=2) - OVERLAP
