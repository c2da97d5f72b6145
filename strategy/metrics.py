"""The figures behind the reports and the goals.

Answer times, SLA compliance and volumes are read from the channel days the moderation sweep
keeps (`moderation.rollups`: per channel and local day, the counts, histograms of the minutes to
the answer and to the first response, and the items per hour), so a report costs one query
whatever the number of queue items; medians and percentiles are interpolated over the
histograms as PostgreSQL's `percentile_cont` does over the values. The rules those days are
computed by live here (`_compliance_counts`): answer times are wall-clock minutes from receipt
to answer; the SLA deadlines stored on each item already carry the business-hours rules, so
compliance is simply "answered by `answer_due`".
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import NotSupportedError, connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import (
    Ceil,
    Floor,
    RowNumber,
    TruncMonth,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountSnapshot, Channel, ChannelStatus, Platform, channel_label
from audit.labels import reason_label, removal_reason_labels
from core.permissions import access_for
from governance.models import Municipality
from moderation import histograms
from moderation.models import OPEN_STATUSES

from .forecast import forecast_goal
from .models import GoalMetric


def answered_at_expression():
    """When an item was answered: `answered_at` is stamped when the platform confirmed the
    answer, so an answer still on its way or not sent is no answer here."""
    return F("answered_at")


# --- SQL building blocks --------------------------------------------------------------------------


class MinutesBetween(Func):
    """Wall-clock minutes from the first datetime to the second, as a float."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        if connection.vendor == "postgresql":
            return (
                f"(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / 60.0)",
                (*end_params, *start_params),
            )
        if connection.vendor == "sqlite":
            return (
                f"((strftime('%%s', {end_sql}) - strftime('%%s', {start_sql})) / 60.0)",
                (*end_params, *start_params),
            )
        raise NotSupportedError("MinutesBetween supports PostgreSQL and SQLite.")


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (interpolates between the two nearest values)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction, **extra):
        if not 0 <= float(fraction) <= 1:
            raise ValueError("fraction must lie between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def grouped_percentiles(queryset, value, groups: dict, fractions=(0.5, 0.9)):
    """{group key tuple: {fraction: value}} over the rows of `queryset`, in one query.

    `groups` maps names to expressions; the key tuple follows its order. Rows whose value is
    NULL are left out. The result matches PostgreSQL's percentile_cont on both databases.
    """
    names = list(groups)
    base = queryset.order_by().annotate(_value=value, **groups).filter(_value__isnull=False)
    if connection.vendor == "postgresql":
        aggregates = {f"_p{i}": PercentileCont("_value", p) for i, p in enumerate(fractions)}
        if names:
            rows = base.values(*names).annotate(**aggregates)
        else:
            # Without groups it is a plain aggregate (values() would group by every column).
            rows = [row] if (row := base.aggregate(**aggregates))["_p0"] is not None else []
        return {
            tuple(row[name] for name in names): {p: row[f"_p{i}"] for i, p in enumerate(fractions)}
            for row in rows
        }
    # SQLite: rank each group's values and keep only the rows at the interpolation points.
    partition = [F(name) for name in names] or None
    ranked = base.annotate(
        _rank=Window(RowNumber(), partition_by=partition, order_by=F("_value").asc()),
        _size=Window(Count("pk"), partition_by=partition),
    )
    wanted = Q()
    for p in fractions:
        position = (F("_size") - 1) * Value(float(p))
        wanted |= Q(_rank=Floor(position) + 1) | Q(_rank=Ceil(position) + 1)
    by_group = defaultdict(dict)
    for row in ranked.filter(wanted).values(*names, "_rank", "_size", "_value"):
        by_group[tuple(row[name] for name in names)][row["_rank"]] = (row["_size"], row["_value"])
    result = {}
    for key, ranks in by_group.items():
        size = next(iter(ranks.values()))[0]
        figures = {}
        for p in fractions:
            position = (size - 1) * p
            low, high = math.floor(position), math.ceil(position)
            low_value, high_value = ranks[low + 1][1], ranks[high + 1][1]
            figures[p] = low_value + (position - low) * (high_value - low_value)
        result[key] = figures
    return result


# --- Scope and calendar ---------------------------------------------------------------------------


def report_channels(user):
    """The channels whose figures `user` may see in reports: the team all, a centre manager the
    channels of the centres they manage."""
    access = access_for(user)
    if access.sees_everything:
        return Channel.objects.all()
    return Channel.objects.filter(owner_unit_id__in=access.managed_unit_ids)


def municipality_zone():
    municipality = Municipality.objects.current()
    return ZoneInfo(municipality.time_zone if municipality else settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates, converted to UTC bounds for filtering."""

    start: date
    end: date
    zone: ZoneInfo

    @property
    def start_at(self):
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def end_at(self):
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)


def default_period(zone, today=None, days=90):
    today = today or timezone.localdate(timezone=zone)
    return Period(today - timedelta(days=days - 1), today, zone)


# --- Answer times and SLA compliance --------------------------------------------------------------


def _first(value, *_rest):
    return value


DIMENSIONS = {
    # name: (group-by field of a channel day, the fields its label is read from, and how)
    # A channel by name, platform and handle: the municipality's pages share one name.
    "channel": (
        "channel_id",
        ("channel__name", "channel__platform", "channel__handle"),
        channel_label,
    ),
    "department": ("channel__owner_unit_id", ("channel__owner_unit__name",), _first),
    "centre": ("channel__owner_unit__centre_id", ("channel__owner_unit__centre__name",), _first),
    "platform": ("channel__platform", (), None),
}
# name: the first day of the period a local date falls in
INTERVALS = {
    "week": lambda day: day - timedelta(days=day.weekday()),
    "month": lambda day: day.replace(day=1),
}


def _with_answer(queryset):
    return queryset.annotate(_answered_at=answered_at_expression())


def _answered_in_time():
    return Q(_answered_at__isnull=False, _answered_at__lte=F("answer_due"))


def _deadline_missed(now):
    """Answered after the deadline, or still open with the deadline passed."""
    overdue_open = Q(_answered_at__isnull=True, status__in=OPEN_STATUSES, answer_due__lt=now)
    late = Q(_answered_at__isnull=False, _answered_at__gt=F("answer_due"))
    return late | overdue_open


def _compliance_counts(now):
    """Conditional counts: received, answered, answered by the deadline, deadline missed; and
    the same for the first response (acknowledgement, forwarding or answer) where the rule
    sets a first-response target."""
    first_late = Q(
        first_responded_at__isnull=False, first_responded_at__gt=F("first_response_due")
    ) | Q(
        first_responded_at__isnull=True,
        status__in=OPEN_STATUSES,
        first_response_due__lt=now,
    )
    return {
        "first_on_time": Count(
            "pk",
            filter=Q(
                first_responded_at__isnull=False,
                first_responded_at__lte=F("first_response_due"),
            ),
        ),
        "first_breached": Count("pk", filter=Q(first_response_due__isnull=False) & first_late),
        "received": Count("pk"),
        "answered": Count("pk", filter=Q(_answered_at__isnull=False)),
        "on_time": Count("pk", filter=_answered_in_time()),
        "breached": Count("pk", filter=_deadline_missed(now)),
    }


def _share(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def _minutes(value):
    return round(value, 1) if value is not None else None


@dataclass
class AnswerTimeRow:
    key: object
    label: str
    received: int
    answered: int
    on_time: int
    breached: int
    median_minutes: float | None
    p90_minutes: float | None
    # The local start date of the row's period (ISO), for rows of a trend.
    period: str = ""
    # The first response (acknowledgement) against its own target.
    first_on_time: int = 0
    first_breached: int = 0
    first_median_minutes: float | None = None
    first_p90_minutes: float | None = None

    @property
    def compliance(self):
        return _share(self.on_time, self.on_time + self.breached)

    @property
    def first_compliance(self):
        return _share(self.first_on_time, self.first_on_time + self.first_breached)

    @property
    def answered_share(self):
        return _share(self.answered, self.received)


_DAY_COUNTS = (
    "received",
    "answered",
    "on_time",
    "missed",
    "first_on_time",
    "first_missed_count",
)
# The channel days' histograms of minutes to the answer and to the first response.
_HISTOGRAMS = ("answer_histogram", "first_histogram")
_SUMMED = _DAY_COUNTS + _HISTOGRAMS


def _decoded(days):
    """Channel day rows (dicts) with their stored histograms read as integers."""
    for day in days:
        for name in _HISTOGRAMS:
            day[name] = histograms.decode(day[name])
    return days


def _aggregate(days, key, label=None) -> list[dict]:
    """Sum channel days (from `channel_days`, or cells of an earlier `_aggregate`) by
    `key(day)`, in key order: one dict per key with the summed counts and histograms (one
    integer addition each, see `moderation.histograms`), `_key` and `_label`."""
    cells = {}
    for day in days:
        cell_key = key(day)
        cell = cells.get(cell_key)
        if cell is None:
            cell = cells[cell_key] = {
                **dict.fromkeys(_DAY_COUNTS, 0),
                **dict.fromkeys(_HISTOGRAMS, 0),
                "_key": cell_key,
                "_label": label(day) if label else "",
            }
        for name in _SUMMED:
            cell[name] += day[name]
    return [cells[cell_key] for cell_key in sorted(cells, key=_sortable)]


def _row(cell, *, first_response=True) -> AnswerTimeRow:
    figures = histograms.percentiles(cell["answer_histogram"])
    first = histograms.percentiles(cell["first_histogram"]) if first_response else {}
    return AnswerTimeRow(
        key=cell["_key"],
        label=cell["_label"],
        received=cell["received"],
        answered=cell["answered"],
        on_time=cell["on_time"],
        breached=cell["missed"],
        median_minutes=_minutes(figures.get(0.5)),
        p90_minutes=_minutes(figures.get(0.9)),
        first_on_time=cell["first_on_time"],
        first_breached=cell["first_missed_count"],
        first_median_minutes=_minutes(first.get(0.5)),
        first_p90_minutes=_minutes(first.get(0.9)),
    )


def answer_time_rows(days, key, label=None, *, first_response=True):
    """Rows of answer-time figures over channel days (dicts from `channel_days`, or cells of
    `_aggregate`) grouped by `key(day)`, in key order; `label(day)` names a group."""
    return [_row(cell, first_response=first_response) for cell in _aggregate(days, key, label)]


def _sortable(key):
    # Group keys may be None (a department outside any centre): those sort first.
    parts = key if isinstance(key, tuple) else (key,)
    return tuple((part is not None, part) for part in parts)


def channel_days(user, period, *fields):
    """The channel days of the channels `user` may report on in `period`, as dicts with the
    counts, the histograms and `fields` of the channel: one query, whatever the number of
    items (see `moderation.rollups`, which the sweep keeps)."""
    from moderation.models import ChannelDay

    return _decoded(
        ChannelDay.objects.filter(
            channel__in=report_channels(user), day__gte=period.start, day__lte=period.end
        )
        .order_by()
        .values("channel_id", "day", *_SUMMED, *fields)
    )


def answer_time_report(user, *, by="channel", interval="week", period=None, now=None):
    """Answer times and SLA compliance per `by` dimension, and the trend per `interval`, from
    the channel days the sweep keeps (as of its last run; `now` is accepted for callers)."""
    zone = period.zone if period else municipality_zone()
    period = period or default_period(zone)
    group_field, label_fields, label_of = DIMENSIONS[by]
    fields = {group_field, *label_fields} - {"channel_id"}
    bucket = INTERVALS[interval]
    # Each channel day is added once, into its (group, period) cell; the rows per group and
    # the trend per period are sums of those cells.
    cells = _aggregate(
        channel_days(user, period, *sorted(fields)),
        lambda day: (day[group_field], bucket(day["day"])),
        (lambda day: label_of(*(day[name] for name in label_fields))) if label_of else None,
    )
    rows = answer_time_rows(cells, lambda cell: cell["_key"][0], lambda cell: cell["_label"])
    if by == "platform":
        names = dict(Platform.choices)
        for row in rows:
            row.label = str(names.get(row.key, row.key))
    else:
        for row in rows:
            row.label = str(row.label) if row.key is not None else str(_("(no centre)"))
    series = answer_time_rows(cells, lambda cell: cell["_key"][1])
    for row in series:
        row.period = row.label = row.key.isoformat()
    # The same figures per group and period: each group's own trend.
    group_labels = {row.key: row.label for row in rows}
    group_series = [_row(cell) for cell in cells]
    for row in group_series:
        group, start = row.key
        row.label, row.period = group_labels.get(group, ""), start.isoformat()
    return {
        "period": period,
        "by": by,
        "interval": interval,
        "rows": rows,
        "series": series,
        "group_series": group_series,
    }


# --- Removals -------------------------------------------------------------------------------------


def removals_report(user, *, period=None):
    """Items taken off the platform per removal reason in the period: hidden or deleted as the
    platform confirmed it, the intake's automatic personal-data hides included. Each item
    counts once per reason: hidden and then deleted in the period, it counts as deleted; hidden
    twice, as one hide. One query, and one for the reasons' labels."""
    from moderation.intake import SYSTEM_HIDE_REASON
    from moderation.models import OutboxKind, OutboxMessage, OutboxStatus

    period = period or default_period(municipality_zone())
    confirmed = OutboxMessage.objects.filter(
        kind__in=(OutboxKind.HIDE, OutboxKind.DELETE),
        status=OutboxStatus.SENT,
        channel__in=report_channels(user),
        sent_at__gte=period.start_at,
        sent_at__lt=period.end_at,
    )
    deleted_too = confirmed.filter(item=OuterRef("item"), kind=OutboxKind.DELETE)
    rows = (
        confirmed.annotate(_deleted_too=Exists(deleted_too))
        .filter(Q(kind=OutboxKind.DELETE) | Q(_deleted_too=False))
        .order_by()
        .values("reason")
        .annotate(
            hidden=Count("item", distinct=True, filter=Q(kind=OutboxKind.HIDE)),
            deleted=Count("item", distinct=True, filter=Q(kind=OutboxKind.DELETE)),
        )
    )
    rows = list(rows)
    # The one home of reason labels: the policy's removal reasons in the reader's language; the
    # intake's own hides under the personal-data code, when no policy reason has that code.
    labels = removal_reason_labels(row["reason"] for row in rows)
    labels.setdefault(SYSTEM_HIDE_REASON, str(_("Personal data (hidden automatically)")))
    result = [
        {
            "reason": row["reason"],
            "label": reason_label(row["reason"], "hide", labels) or str(_("(no reason given)")),
            "hidden": row["hidden"],
            "deleted": row["deleted"],
            "total": row["hidden"] + row["deleted"],
        }
        for row in rows
    ]
    result.sort(key=lambda row: (-row["total"], row["reason"]))
    return {"period": period, "rows": result}


# --- Labels ---------------------------------------------------------------------------------------


def labels_report(user, *, period=None):
    """Labels put on items (by inbox rules or people) per month of the period, in local months:
    one query, grouped by label and month, whatever the number of items."""
    from django.db.models.functions import TruncMonth

    from moderation.models import ItemLabel

    zone = period.zone if period else municipality_zone()
    period = period or default_period(zone)
    rows = (
        ItemLabel.objects.filter(
            item__channel__in=report_channels(user),
            added_at__gte=period.start_at,
            added_at__lt=period.end_at,
        )
        .annotate(month=TruncMonth("added_at", tzinfo=zone))
        .order_by()
        .values("label_id", "label__name", "month")
        .annotate(count=Count("id"))
    )
    months = []
    cursor = period.start.replace(day=1)
    while cursor <= period.end:
        months.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    by_label: dict = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        entry = by_label.setdefault(
            row["label_id"],
            {"label": row["label_id"], "name": row["label__name"], "counts": [0] * len(months)},
        )
        if month in months:
            entry["counts"][months.index(month)] += row["count"]
    result = sorted(by_label.values(), key=lambda e: (-sum(e["counts"]), e["name"].casefold()))
    for entry in result:
        entry["total"] = sum(entry["counts"])
    return {"period": period, "months": months, "rows": result}


# --- Volume ---------------------------------------------------------------------------------------


def volume_report(user, *, period=None):
    """Items received per platform and per hour of the week (local time) in the period, from
    the channel days the sweep keeps (one query)."""
    from moderation.models import ChannelDay

    zone = period.zone if period else municipality_zone()
    period = period or default_period(zone)
    days = ChannelDay.objects.filter(
        channel__in=report_channels(user), day__gte=period.start, day__lte=period.end
    ).values_list("channel__platform", "day", "received", "by_hour")
    platform_names = dict(Platform.choices)
    per_platform = defaultdict(int)
    # 7 × 24 grid, Monday first, hours in the municipality's local time.
    grid = [[0] * 24 for _ in range(7)]
    for platform, day, received, by_hour in days:
        per_platform[platform] += received
        for hour, count in enumerate(by_hour or ()):
            grid[day.weekday()][hour] += count
    by_platform = [
        {"platform": platform, "label": str(platform_names.get(platform, "")), "count": count}
        for platform, count in sorted(per_platform.items(), key=lambda pair: (-pair[1], pair[0]))
        if count
    ]
    return {"period": period, "by_platform": by_platform, "by_hour_of_week": grid}


# --- Dormant and non-compliant pages --------------------------------------------------------------


def dormant_after_days():
    """The registry's dormancy limit (its neglect sweep raises the flags this report reads)."""
    from accounts.actions import dormant_after

    return dormant_after().days


def pages_report(user):
    """Dormant pages (marked dormant, or flagged by the registry for no own post) and pages
    with open compliance flags (no responsible person or deputy, no valid token, …), as the
    registry's neglect sweep and the connection health (`accounts.health`, kept by every call
    to the platform) keep them. Two queries: channels, and their open flags."""
    from accounts.models import ChannelFlag, FlagKind

    channels = (
        report_channels(user)
        .exclude(status__in=[ChannelStatus.CLOSED, ChannelStatus.REQUESTED])
        .select_related("owner_unit", "owner_unit__centre", "connection")
        .annotate(last_post_day=Max("snapshots__date", filter=Q(snapshots__own_posts__gt=0)))
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=ChannelFlag.objects.open().order_by("since", "id"),
                to_attr="open_flags",
            )
        )
        .order_by("platform", "name", "pk")
    )
    dormant, non_compliant = [], []
    for channel in channels:
        connection_ = getattr(channel, "connection", None)
        last_posts = [
            moment
            for moment in (
                connection_.last_own_post_at if connection_ else None,
                datetime.combine(channel.last_post_day, time.min, tzinfo=ZoneInfo("UTC"))
                if channel.last_post_day
                else None,
            )
            if moment is not None
        ]
        last_post = max(last_posts) if last_posts else None
        dormant_flag = next((f for f in channel.open_flags if f.kind == FlagKind.DORMANT), None)
        if channel.status == ChannelStatus.DORMANT:
            dormant.append({"channel": channel, "last_post": last_post, "why": _("Marked dormant")})
        elif dormant_flag is not None:
            dormant.append(
                {"channel": channel, "last_post": last_post, "why": dormant_flag.get_kind_display()}
            )
        problems = [
            flag.get_kind_display() for flag in channel.open_flags if flag.kind != FlagKind.DORMANT
        ]
        if problems:
            non_compliant.append({"channel": channel, "problems": problems})
    return {
        "dormant": dormant,
        "non_compliant": non_compliant,
        "dormant_after_days": dormant_after_days(),
    }


# --- Goals ----------------------------------------------------------------------------------------


@dataclass
class GoalProgress:
    goal: object
    points: list = field(default_factory=list)
    forecast: object = None


SNAPSHOT_METRICS = {GoalMetric.FOLLOWERS}
# Metrics read from the own posts' monthly rollups (strategy.figures keeps them).
POST_METRICS = {
    GoalMetric.OWN_POSTS_PER_MONTH,
    GoalMetric.INTERACTIONS_PER_POST,
    GoalMetric.ENGAGEMENT_RATE,
}


def month_value(metric, posts, posts_with_interactions, interactions, reach, reached):
    """One month's value of a post metric from its summed rollups; None where nothing was
    measured (a platform without the figure is left out, never counted as 0)."""
    if metric == GoalMetric.OWN_POSTS_PER_MONTH:
        return float(posts)
    if metric == GoalMetric.INTERACTIONS_PER_POST:
        return interactions / posts_with_interactions if posts_with_interactions else None
    return 100.0 * reached / reach if reach else None


def _goal_groups(goals, make_rows):
    """Run `make_rows(queryset_filter, extra_groups)` for goals on chosen channels (grouped by
    goal through the channel join) and once for goals across all channels: two queries at most."""
    chosen = [goal for goal in goals if goal.chosen_channel_ids]
    everywhere = [goal for goal in goals if not goal.chosen_channel_ids]
    points = defaultdict(list)
    if chosen:
        for goal_id, day, value in make_rows(
            Q(channel__strategy_goals__in=[goal.pk for goal in chosen]),
            F("channel__strategy_goals"),
        ):
            points[goal_id].append((day, value))
    if everywhere:
        shared = list(make_rows(Q(), None))
        for goal in everywhere:
            points[goal.pk] = [(day, value) for _, day, value in shared]
    return points


def goal_progress(goals, *, today=None, now=None):
    """Measured points and forecast for each goal, in a fixed number of grouped queries.

    Points: followers per day (sum over the goal's channels); own posts, interactions per post
    and interactions per person reached per complete month (from the own posts' rollups);
    median answer time, SLA compliance and answered share per week of receipt.
    """
    goals = list(goals)
    now = now or timezone.now()
    zone = municipality_zone()
    today = today or timezone.localdate(now, timezone=zone)
    for goal in goals:
        # Goals come with prefetched channels; read the ids without another query.
        goal.chosen_channel_ids = [channel.pk for channel in goal.channels.all()]
    by_metric = defaultdict(list)
    for goal in goals:
        by_metric[goal.metric].append(goal)
    earliest = min((goal.start_date for goal in goals), default=today)
    points = {}

    def snapshot_rows(metric):
        def rows(where, goal_expr):
            snapshots = AccountSnapshot.objects.filter(where, date__gte=earliest).order_by()
            if metric == GoalMetric.FOLLOWERS:
                bucket, value = F("date"), Sum("followers")
                snapshots = snapshots.filter(followers__isnull=False)
            else:
                bucket, value = TruncMonth("date"), Sum("own_posts")
                month_start = today.replace(day=1)
                snapshots = snapshots.filter(date__lt=month_start)
            groups = {"_bucket": bucket}
            if goal_expr is not None:
                groups["_goal"] = goal_expr
            grouped = (
                snapshots.annotate(**groups).values(*groups).annotate(_v=value).order_by("_bucket")
            )
            return [
                (row.get("_goal"), row["_bucket"], float(row["_v"]))
                for row in grouped
                if row["_v"] is not None
            ]

        return rows

    def post_rows(metric):
        from .models import OwnPostMonth

        def rows(where, goal_expr):
            month_start = today.replace(day=1)
            months = OwnPostMonth.objects.filter(
                where, month__gte=earliest.replace(day=1), month__lt=month_start
            ).order_by()
            groups = {"_bucket": F("month")}
            if goal_expr is not None:
                groups["_goal"] = goal_expr
            grouped = (
                months.annotate(**groups)
                .values(*groups)
                .annotate(
                    _posts=Sum("posts"),
                    _with=Sum("posts_with_interactions"),
                    _interactions=Sum("interactions"),
                    _reach=Sum("reach"),
                    _reached=Sum("reached_interactions"),
                )
                .order_by("_bucket")
            )
            result = []
            for row in grouped:
                value = month_value(
                    metric,
                    row["_posts"] or 0,
                    row["_with"] or 0,
                    row["_interactions"] or 0,
                    row["_reach"] or 0,
                    row["_reached"] or 0,
                )
                if value is not None:
                    result.append((row.get("_goal"), row["_bucket"], value))
            return result

        return rows

    def item_rows(metric):
        def rows(where, goal_expr):
            from moderation.models import ChannelDay

            days = ChannelDay.objects.filter(where, day__gte=earliest).order_by()
            if goal_expr is not None:
                days = days.annotate(_goal=goal_expr)
            fields = ["day", *_SUMMED, *(["_goal"] if goal_expr is not None else [])]
            days = _decoded(days.values(*fields))
            result = []
            for row in answer_time_rows(
                days,
                lambda day: (day.get("_goal"), INTERVALS["week"](day["day"])),
                first_response=False,
            ):
                goal_id, week = row.key
                value = {
                    GoalMetric.MEDIAN_ANSWER_MINUTES: row.median_minutes,
                    GoalMetric.SLA_COMPLIANCE: row.compliance,
                    GoalMetric.ANSWERED_SHARE: row.answered_share,
                }[metric]
                if value is not None:
                    result.append((goal_id, week, value))
            return result

        return rows

    for metric, metric_goals in by_metric.items():
        if metric in SNAPSHOT_METRICS:
            make = snapshot_rows(metric)
        elif metric in POST_METRICS:
            make = post_rows(metric)
        else:
            make = item_rows(metric)
        points.update(_goal_groups(metric_goals, make))
    progress = []
    for goal in goals:
        measured = sorted(
            (day, value)
            for day, value in points.get(goal.pk, [])
            if goal.start_date <= day <= min(today, goal.deadline)
        )
        forecast = forecast_goal(
            measured,
            target=goal.target_value,
            deadline=goal.deadline,
            today=today,
            higher_is_better=goal.higher_is_better,
            baseline=goal.baseline_value,
        )
        progress.append(GoalProgress(goal=goal, points=measured, forecast=forecast))
    return progress
