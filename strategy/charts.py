"""Chart specifications for Chart.js, built from the report figures (rendered with json_script
and drawn by strategy/static/strategy/charts.js). Labels are translated here."""

from datetime import timedelta

from django.utils.translation import gettext as _


def _series(label, data, role):
    return {"label": str(label), "data": data, "role": role}


def goal_chart(progress):
    """Measured line, target line and the trend up to the deadline, on a date axis."""
    goal, forecast = progress.goal, progress.forecast
    measured = [{"x": day.isoformat(), "y": round(value, 2)} for day, value in progress.points]
    start = progress.points[0][0] if progress.points else goal.start_date
    target = [
        {"x": goal.start_date.isoformat(), "y": goal.target_value},
        {"x": goal.deadline.isoformat(), "y": goal.target_value},
    ]
    datasets = [
        _series(_("Measured"), measured, "measured"),
        _series(_("Target"), target, "target"),
    ]
    if forecast.trend is not None:
        datasets.append(
            _series(
                _("Trend to the deadline"),
                [
                    {"x": start.isoformat(), "y": round(forecast.trend.value_at(start), 2)},
                    {
                        "x": goal.deadline.isoformat(),
                        "y": round(forecast.value_at_deadline, 2),
                    },
                ],
                "forecast",
            )
        )
    return {
        "id": f"goal-chart-{goal.pk}",
        "type": "line",
        "x": "date",
        "title": goal.title,
        "yLabel": goal.get_metric_display(),
        "min": (goal.start_date - timedelta(days=1)).isoformat(),
        "max": (goal.deadline + timedelta(days=1)).isoformat(),
        "datasets": datasets,
    }


def answer_time_charts(figures):
    rows, series = figures["rows"], figures["series"]
    return {
        "group_chart": {
            "id": "answer-times-by-group",
            "type": "bar",
            "x": "category",
            "yLabel": _("Minutes"),
            "labels": [row.label for row in rows],
            "datasets": [
                _series(_("Median"), [row.median_minutes for row in rows], "primary"),
                _series(_("90th percentile"), [row.p90_minutes for row in rows], "secondary"),
            ],
        },
        "trend_chart": {
            "id": "answer-times-trend",
            "type": "line",
            "x": "category",
            "yLabel": _("Minutes"),
            "y2Label": _("SLA compliance (%)"),
            "labels": [row.label for row in series],
            "datasets": [
                _series(_("Median"), [row.median_minutes for row in series], "primary"),
                _series(_("90th percentile"), [row.p90_minutes for row in series], "secondary"),
                {
                    **_series(
                        _("SLA compliance (%)"), [row.compliance for row in series], "tertiary"
                    ),
                    "axis": "y2",
                },
            ],
        },
    }


def group_trend_chart(figures):
    """One line per group: its median answer time in each period."""
    periods = sorted({row.period for row in figures["group_series"]})
    position = {period: index for index, period in enumerate(periods)}
    lines = {}
    for row in figures["group_series"]:
        values = lines.setdefault(row.label, [None] * len(periods))
        values[position[row.period]] = row.median_minutes
    return {
        "id": "answer-times-per-group-trend",
        "type": "line",
        "x": "category",
        "yLabel": _("Median (minutes)"),
        "labels": periods,
        "datasets": [
            {**_series(label, values, "palette"), "index": index}
            for index, (label, values) in enumerate(sorted(lines.items()))
        ],
    }


def removals_chart(figures):
    rows = figures["rows"]
    return {
        "id": "removals-by-reason",
        "type": "bar",
        "x": "category",
        "stacked": True,
        "integer": True,
        "yLabel": _("Items"),
        "labels": [row["label"] for row in rows],
        "datasets": [
            _series(_("Hidden"), [row["hidden"] for row in rows], "primary"),
            _series(_("Deleted"), [row["deleted"] for row in rows], "secondary"),
        ],
    }


def volume_charts(figures):
    days = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    grid = figures["by_hour_of_week"]
    return {
        "platform_chart": {
            "id": "volume-by-platform",
            "type": "bar",
            "x": "category",
            "integer": True,
            "yLabel": _("Items"),
            "labels": [row["label"] for row in figures["by_platform"]],
            "datasets": [
                _series(_("Items"), [row["count"] for row in figures["by_platform"]], "primary")
            ],
        },
        "hour_chart": {
            "id": "volume-by-hour-of-week",
            "type": "bar",
            "x": "category",
            "integer": True,
            "yLabel": _("Items"),
            "labels": [f"{day} {hour:02d}" for day in days for hour in range(24)],
            "datasets": [_series(_("Items"), [count for row in grid for count in row], "primary")],
        },
        "weekday_labels": days,
    }
