"""Histograms of minutes (to the answer, to the first response) over one fixed bucket list, held
as one Python integer with a 32-bit count per bucket, so that merging two histograms is one
integer addition whatever the number of items behind them.

The channel days (`moderation.rollups`) store each histogram compressed; the reports add the
days' integers per group and period and read the percentiles off the sums. A report over 90
days therefore does the same work at 10 items a day as at 1,000: the cost follows the number of
channel days and the fixed bucket list, not how full the buckets are.

The buckets widen with the time: whole minutes up to an hour, five minutes up to a day, half
hours up to a week, hours up to 30 days, days up to a year (a percentile read from them is off
by at most half a bucket). Longer times count in the last bucket (365 days), negative ones (an
answer stamped before the receipt) in the first (0).
"""

from __future__ import annotations

import math
import sys
import zlib
from array import array
from bisect import bisect_right
from itertools import accumulate

# (below this many minutes, buckets of this many minutes)
_TIERS = ((60, 1), (24 * 60, 5), (7 * 24 * 60, 30), (30 * 24 * 60, 60), (365 * 24 * 60, 24 * 60))
LAST = _TIERS[-1][0]


def _bucket_list():
    buckets, low = set(), 0
    for limit, step in _TIERS:
        buckets.update(range(low, limit + 1, step))  # each tier's rounding can reach its limit
        low = limit
    return tuple(sorted(buckets))


BUCKETS: tuple[int, ...] = _bucket_list()
_INDEX = {value: index for index, value in enumerate(BUCKETS)}
_VALUES = tuple(float(value) for value in BUCKETS)

WIDTH = 32  # bits per bucket: up to 4,294,967,295 items in one bucket of one sum
assert array("I").itemsize * 8 == WIDTH, "array('I') must hold 32-bit counts"


def minute_bucket(minutes: float) -> int:
    """The bucket (its minutes) that a time to answer of `minutes` counts in."""
    if minutes <= 0:
        return 0
    for limit, step in _TIERS:
        if minutes < limit:
            return round(minutes / step) * step
    return LAST


def from_counts(counts: dict) -> int:
    """The histogram of {minutes: items} (any minutes; each counts in its bucket)."""
    buckets = array("I", bytes(WIDTH // 8 * len(BUCKETS)))
    for minutes, items in counts.items():
        buckets[_INDEX[minute_bucket(float(minutes))]] += items
    return _from_array(buckets)


def _from_array(buckets: array) -> int:
    if sys.byteorder == "big":
        buckets = array("I", buckets)
        buckets.byteswap()
    return int.from_bytes(buckets.tobytes(), "little")


def counts(histogram: int) -> list[int]:
    """The items per bucket, in `BUCKETS` order, up to the last bucket that has any."""
    size = (histogram.bit_length() + WIDTH - 1) // WIDTH
    buckets = array("I")
    buckets.frombytes(histogram.to_bytes(size * WIDTH // 8, "little"))
    if sys.byteorder == "big":
        buckets.byteswap()
    return buckets.tolist()


def as_dict(histogram: int) -> dict[int, int]:
    """{bucket minutes: items} for the buckets that have any (for reading and tests)."""
    return {BUCKETS[index]: n for index, n in enumerate(counts(histogram)) if n}


def encode(histogram: int) -> bytes:
    """What a channel day stores: the counts, little-endian and compressed (empty: b"")."""
    if not histogram:
        return b""
    return zlib.compress(histogram.to_bytes((histogram.bit_length() + 7) // 8, "little"))


def decode(data) -> int:
    """The histogram a channel day stores (bytes or a memoryview; empty or None: 0)."""
    if not data:
        return 0
    return int.from_bytes(zlib.decompress(data), "little")


def percentiles(histogram: int, fractions=(0.5, 0.9)) -> dict:
    """{fraction: minutes} over the histogram, interpolated between the two nearest values as
    PostgreSQL's percentile_cont does over the values themselves; {} when empty."""
    if not histogram:
        return {}
    # cumulative[i]: how many values are in buckets 0..i; the value at rank r (from 0) is in
    # the first bucket whose cumulative count exceeds r.
    cumulative = list(accumulate(counts(histogram)))
    total = cumulative[-1]
    result = {}
    for fraction in fractions:
        position = (total - 1) * fraction
        low, high = math.floor(position), math.ceil(position)
        low_value = _VALUES[bisect_right(cumulative, low)]
        high_value = _VALUES[bisect_right(cumulative, high)]
        result[fraction] = low_value + (position - low) * (high_value - low_value)
    return result
