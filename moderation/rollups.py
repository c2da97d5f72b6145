"""Each channel's items per day of receipt, as the reports' rule judges their answers, kept in
`ChannelDay` by a periodic sweep so that pages read a few rows per channel and day instead of
aggregating the items.

The sweep recomputes the recent days (`rollup_days()`: the answer-times window and a margin),
where answers still arrive and open items still pass their deadlines; older days no longer
change and keep their rows. `roll_up(start=…)` (the `repair_counts` command) rebuilds any range.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min
from django.db.models.functions import ExtractHour, Round, TruncDate
from django.utils import timezone

from . import histograms
from .models import ChannelDay, QueueItem

# Recomputed by every sweep beyond the answer-times window: a margin for late answers.
MARGIN_DAYS = 10


def rollup_days() -> int:
    """How many recent days every sweep recomputes: the answer-times window and the margin."""
    return getattr(settings, "CHANNEL_ANSWER_WINDOW_DAYS", 30) + MARGIN_DAYS


def local_zone():
    from strategy.metrics import municipality_zone

    return municipality_zone()


def roll_up(*, start: date | None = None, now: datetime | None = None) -> int:
    """Recompute the channel days from local date `start` (default: the last `rollup_days()`
    days) up to today, in one transaction. Returns how many rows were written. Four grouped
    queries over the items received since `start`: the counts, the two histograms of minutes
    (`moderation.histograms`) and the hours of receipt."""
    from strategy.metrics import MinutesBetween, _compliance_counts, _deadline_missed, _with_answer

    now = now or timezone.now()
    zone = local_zone()
    today = timezone.localdate(now, timezone=zone)
    start = start or today - timedelta(days=rollup_days() - 1)
    start_at = datetime.combine(start, time.min, tzinfo=zone)
    items = _with_answer(QueueItem.objects.filter(received_at__gte=start_at).order_by()).annotate(
        day=TruncDate("received_at", tzinfo=zone)
    )
    days = {}
    for row in items.values("channel_id", "day").annotate(
        **_compliance_counts(now), first_missed=Min("answer_due", filter=_deadline_missed(now))
    ):
        days[row["channel_id"], row["day"]] = ChannelDay(
            channel_id=row["channel_id"],
            day=row["day"],
            received=row["received"],
            answered=row["answered"],
            on_time=row["on_time"],
            missed=row["breached"],
            first_missed=row["first_missed"],
            first_on_time=row["first_on_time"],
            first_missed_count=row["first_breached"],
            by_hour=[0] * 24,
            computed_at=now,
        )
    minutes = {}  # (channel, day, histogram): {minutes: items}
    for attribute, moment in (
        ("answer_histogram", "_answered_at"),
        ("first_histogram", "first_responded_at"),
    ):
        rows = (
            items.filter(**{f"{moment}__isnull": False})
            .annotate(minutes=Round(MinutesBetween(F("received_at"), F(moment))))
            .values("channel_id", "day", "minutes")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts = minutes.setdefault((row["channel_id"], row["day"], attribute), {})
            counts[row["minutes"]] = counts.get(row["minutes"], 0) + row["n"]
    for (channel_id, day, attribute), counts in minutes.items():
        histogram = histograms.from_counts(counts)
        setattr(days[channel_id, day], attribute, histograms.encode(histogram))
    hours = (
        items.annotate(hour=ExtractHour("received_at", tzinfo=zone))
        .values("channel_id", "day", "hour")
        .annotate(n=Count("pk"))
    )
    for row in hours:
        days[row["channel_id"], row["day"]].by_hour[row["hour"]] += row["n"]
    with transaction.atomic():
        ChannelDay.objects.filter(day__gte=start).delete()
        ChannelDay.objects.bulk_create(days.values(), batch_size=1000)
    return len(days)


def window_start(days: int, *, now: datetime | None = None) -> date:
    """The first date of a window of `days` days ending today, in the current time zone (the
    installation's, which is the municipality's; reading the municipality's own would cost a
    query on every page that shows the figure)."""
    return timezone.localdate(now or timezone.now()) - timedelta(days=days - 1)
