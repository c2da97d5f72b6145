"""The fixed-bucket histograms of minutes the channel days keep: their buckets, that adding two
is adding their counts bucket by bucket, that their percentiles are PostgreSQL's percentile_cont
over the bucketed values, and that `repair_counts` rebuilds them."""

import math
import random

import pytest
from django.core.management import call_command

from moderation import histograms
from moderation.histograms import (
    BUCKETS,
    decode,
    encode,
    from_counts,
    minute_bucket,
    percentiles,
)


@pytest.mark.parametrize(
    ("minutes", "bucket"),
    [
        (-5, 0),  # an answer stamped before the receipt
        (0, 0),
        (17, 17),
        (59.6, 60),
        (62, 60),
        (63, 65),
        (1439, 1440),
        (1460, 1470),
        (7 * 1440 + 100, 7 * 1440 + 120),  # hours beyond a week
        (40 * 1440 + 800, 41 * 1440),  # days beyond 30 days
        (900 * 1440, 365 * 1440),  # the last bucket holds anything longer
    ],
)
def test_minutes_count_in_their_bucket(minutes, bucket):
    assert minute_bucket(minutes) == bucket
    assert bucket in BUCKETS


def test_the_bucket_list_is_fixed_and_ordered():
    assert BUCKETS[0] == 0 and BUCKETS[-1] == 365 * 1440
    assert list(BUCKETS) == sorted(set(BUCKETS))
    assert BUCKETS[:61] == tuple(range(61))  # whole minutes up to an hour


def test_adding_histograms_adds_their_counts():
    # counts beyond 16 bits, in neighbouring buckets, do not spill into each other
    a = from_counts({30: 70_000, 31: 5, 1440: 1})
    b = from_counts({30: 70_000, 32: 2, 525_600: 3})
    assert histograms.as_dict(a + b) == {30: 140_000, 31: 5, 32: 2, 1440: 1, 525_600: 3}
    assert sum(histograms.counts(a + b)) == 140_011


def test_stored_histograms_read_back_the_same():
    assert decode(encode(0)) == 0
    assert encode(0) == b""
    assert decode(None) == 0
    histogram = from_counts({"10": 3, "150": 1, "20000": 2})
    assert decode(encode(histogram)) == histogram
    assert decode(memoryview(encode(histogram))) == histogram


def _percentile_cont(values, fraction):
    values = sorted(values)
    position = (len(values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (position - low) * (values[high] - values[low])


def test_percentiles_are_percentile_cont_over_the_bucketed_values():
    assert percentiles(0) == {}
    assert percentiles(from_counts({30: 1, 60: 1, 90: 1, 150: 1})) == {0.5: 75.0, 0.9: 132.0}
    generator = random.Random(7)
    for _ in range(50):
        values = [generator.uniform(-10, 60 * 24 * 40) for _ in range(generator.randint(1, 300))]
        bucketed = [minute_bucket(value) for value in values]
        counts = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        figures = percentiles(from_counts(counts), fractions=(0.1, 0.5, 0.9))
        for fraction, figure in figures.items():
            assert figure == pytest.approx(_percentile_cont(bucketed, fraction))


@pytest.mark.django_db
def test_repair_counts_rebuilds_the_histograms(org):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models import ChannelDay, QueueItem

    QueueItem.objects.all().delete()
    channel = org.channels["a"]
    received = timezone.now() - timedelta(days=2)
    for n, minutes in enumerate((30, 60, 150)):
        QueueItem.objects.create(
            channel=channel,
            platform=channel.platform,
            external_id=f"histogram-{n}",
            kind="comment",
            text="Hvornår tømmes skraldespanden?",
            created_at=received,
            received_at=received,
            answer_due=received + timedelta(minutes=120),
            status="answered",
            answered_at=received + timedelta(minutes=minutes),
            first_responded_at=received + timedelta(minutes=minutes),
        )
    call_command("repair_counts")
    [day] = ChannelDay.objects.filter(channel=channel)
    expected = {30: 1, 60: 1, 150: 1}
    assert histograms.as_dict(decode(day.answer_histogram)) == expected
    ChannelDay.objects.update(answer_histogram=b"", first_histogram=b"")
    call_command("repair_counts")
    [day] = ChannelDay.objects.filter(channel=channel)
    assert histograms.as_dict(decode(day.answer_histogram)) == expected
    assert histograms.as_dict(decode(day.first_histogram)) == expected
