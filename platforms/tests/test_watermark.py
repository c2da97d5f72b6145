"""The time watermark with seen ids: what a fetch re-reads, what counts as new, and how it moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from platforms.watermark import Watermark

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_a_first_fetch_reads_back_to_since():
    mark = Watermark.load(None, since=SINCE)

    assert mark.cutoff == SINCE
    assert mark.is_new("a", SINCE) is True
    assert mark.is_new("a", SINCE - timedelta(seconds=1)) is False


def test_the_cutoff_lies_one_overlap_before_the_watermark():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0)], now=T0)

    assert mark.time == T0
    assert mark.cutoff == T0 - timedelta(minutes=5)


def test_ids_seen_inside_the_overlap_are_not_new_again():
    mark = Watermark.load(None, since=SINCE).advanced(
        [("a", T0 - timedelta(minutes=2)), ("b", T0)], now=T0
    )

    assert mark.is_new("a", T0 - timedelta(minutes=2)) is False
    assert mark.is_new("b", T0) is False
    # A late comment stamped inside the window is still picked up.
    assert mark.is_new("c", T0 - timedelta(minutes=3)) is True


def test_seen_ids_older_than_the_window_are_dropped_when_it_moves():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0)], now=T0)

    moved = mark.advanced([("b", T0 + timedelta(minutes=10))], now=T0 + timedelta(minutes=10))

    assert moved.seen == {"b": T0 + timedelta(minutes=10)}


def test_seen_ids_still_inside_the_window_survive_a_small_move():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0)], now=T0)

    moved = mark.advanced([("b", T0 + timedelta(minutes=2))], now=T0 + timedelta(minutes=2))

    assert set(moved.seen) == {"a", "b"}


def test_a_future_timestamp_does_not_push_the_watermark_past_now():
    now = T0
    mark = Watermark.load(None, since=SINCE).advanced([("z", T0 + timedelta(hours=3))], now=now)

    assert mark.time == now
    assert mark.is_new("z", T0 + timedelta(hours=3)) is False


def test_the_stored_form_round_trips():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0), ("b", T0)], now=T0)

    stored = mark.to_dict()
    again = Watermark.load(stored, since=SINCE)

    assert stored == {
        "time": "2026-01-05T12:00:00+00:00",
        "seen": {"a": "2026-01-05T12:00:00+00:00", "b": "2026-01-05T12:00:00+00:00"},
    }
    assert again == mark


def test_an_unreadable_stored_watermark_starts_again_from_since():
    mark = Watermark.load({"time": "yesterday", "seen": {}}, since=SINCE)

    assert mark.time is None
    assert mark.cutoff == SINCE


def test_advancing_with_nothing_keeps_the_watermark():
    mark = Watermark.load(None, since=SINCE).advanced([("a", T0)], now=T0)

    assert mark.advanced([], now=T0 + timedelta(hours=1)) == mark
    assert Watermark.load(None, since=SINCE).advanced([], now=T0).to_dict() == {}
