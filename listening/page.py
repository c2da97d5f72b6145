"""What the listening page shows, in a fixed number of queries whatever the number of streams
and hits: the streams, their daily volume over 30 days (one grouped query), each stream's most
engaged posts (one query with a window function) and the budgets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import budget
from .models import ListeningHit, ListeningStream

DAYS = 30
TOP = 5


@dataclass
class StreamPanel:
    stream: ListeningStream
    chart: dict
    total: int
    top: list = field(default_factory=list)


def top_hits(stream_ids, *, per_stream=TOP):
    """The most engaged hits of each stream, `per_stream` each, in one query."""
    ranked = (
        ListeningHit.objects.filter(stream_id__in=stream_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stream_id")],
                order_by=[F("engagement").desc(), F("published_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_stream)
        .select_related("promoted_item")
        .order_by("stream_id", "rank")
    )
    by_stream = defaultdict(list)
    for hit in ranked:
        by_stream[hit.stream_id].append(hit)
    return by_stream


def daily_counts(stream_ids, start):
    rows = (
        ListeningHit.objects.filter(stream_id__in=stream_ids, published_at__gte=start)
        .annotate(day=TruncDate("published_at"))
        .values("stream_id", "day")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = defaultdict(dict)
    for row in rows:
        counts[row["stream_id"]][row["day"]] = row["count"]
    return counts


def volume_chart(stream, counts, days):
    return {
        "id": f"listening-volume-{stream.pk}",
        "type": "bar",
        "x": "category",
        "integer": True,
        "yLabel": _("Posts a day"),
        "labels": [date_format(day, "j. M") for day in days],
        "datasets": [
            {
                "label": stream.name,
                "data": [counts.get(day, 0) for day in days],
                "role": "primary",
            }
        ],
    }


def panels(user, *, now=None):
    now = now or timezone.now()
    streams = list(ListeningStream.objects.for_user(user).select_related("channel"))
    ids = [stream.pk for stream in streams]
    today = timezone.localdate(now)
    days = [today - timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]
    start = now - timedelta(days=DAYS)
    counts = daily_counts(ids, start) if ids else {}
    tops = top_hits(ids) if ids else {}
    return [
        StreamPanel(
            stream=stream,
            chart=volume_chart(stream, counts.get(stream.pk, {}), days),
            total=sum(counts.get(stream.pk, {}).values()),
            top=tops.get(stream.pk, []),
        )
        for stream in streams
    ]


def budgets(now=None):
    """X's estimated spend against the month's cap and YouTube's day (two queries)."""
    return {"x": budget.x_budget(now), "youtube": budget.youtube_allowance(now)}
