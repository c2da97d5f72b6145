"""The time watermark with seen ids: what a fetch re-reads, what counts as new, and how it moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from platforms.watermark import Watermark

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_a_first_fetch_reads_back_to_since():
    mark = Watermark.load(None, since=SINCE)

    assert mark.cutoff == SINCE
    assert mark.is_new("a", SINCE) is True
    assert mark.is_new("a", SINCE - timedelta(seconds=1)) is False


def test_after_a_fetch_the_next_one_rereads_only_the_overlap():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0 - 60 * MINUTE)], now=T0)

    assert mark.time == T0
    assert mark.cutoff == T0 - 5 * MINUTE


def test_an_idle_fetch_still_moves_the_window_on():
    mark = Watermark.load(None, since=SINCE).advanced([], now=T0)

    moved = mark.advanced([], now=T0 + 10 * MINUTE)

    assert mark.cutoff == T0 - 5 * MINUTE
    assert moved.cutoff == T0 + 5 * MINUTE
    assert moved.seen == {}


def test_ids_seen_inside_the_overlap_are_not_new_again():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0 - 2 * MINUTE), ("b", T0)], now=T0)

    assert mark.is_new("a", T0 - 2 * MINUTE) is False
    assert mark.is_new("b", T0) is False
    # A late comment stamped inside the window is still picked up.
    assert mark.is_new("c", T0 - 3 * MINUTE) is True
    # Anything older than the window was read before.
    assert mark.is_new("d", T0 - 6 * MINUTE) is False


def test_seen_ids_leave_once_the_window_has_passed_them():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0)], now=T0)

    near = mark.advanced([("b", T0 + 2 * MINUTE)], now=T0 + 2 * MINUTE)
    far = near.advanced([], now=T0 + 10 * MINUTE)

    assert set(near.seen) == {"a", "b"}
    assert far.seen == {}


def test_an_item_stamped_after_now_stays_seen():
    mark = Watermark.load(None, since=SINCE).advanced([("z", T0 + 3 * MINUTE)], now=T0)

    assert mark.time == T0
    assert mark.is_new("z", T0 + 3 * MINUTE) is False


def test_the_watermark_never_moves_back():
    mark = Watermark.load(None, since=SINCE).advanced([], now=T0)

    assert mark.advanced([], now=T0 - 30 * MINUTE).time == T0


def test_the_stored_form_round_trips():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0), ("b", T0 - MINUTE)], now=T0)

    stored = mark.to_dict()
    again = Watermark.load(stored, since=SINCE)

    assert stored == {
        "time": "2026-01-05T12:00:00+00:00",
        "seen": {"a": "2026-01-05T12:00:00+00:00", "b": "2026-01-05T11:59:00+00:00"},
    }
    assert again == mark


def test_an_unreadable_stored_watermark_starts_again_from_since():
    mark = Watermark.load({"time": "yesterday", "seen": {}}, since=SINCE)

    assert mark.time is None
    assert mark.cutoff == SINCE
    assert Watermark.load(None, since=SINCE).to_dict() == {}
