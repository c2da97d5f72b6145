"""The annual wheel: a year as a circle of twelve months, themes on the inner ring and the plan's
activities as arcs on one ring per channel. Computes the SVG geometry; the template draws it."""

import math
from dataclasses import dataclass
from datetime import date, timedelta

SIZE = 800
CENTRE = SIZE / 2
HUB = 70  # radius of the hub that shows the year
THEME_RING = (HUB + 6, HUB + 46)
OUTER = 330  # outer radius of the last channel ring; month names sit outside it
MONTH_LABEL = 360


@dataclass(frozen=True)
class Arc:
    path: str
    title: str
    css_class: str
    label_x: float
    label_y: float
    short: str


@dataclass(frozen=True)
class Ring:
    label: str
    inner: float
    outer: float
    arcs: list
    label_x: float
    label_y: float


def _angle(day: date, year: int) -> float:
    """Degrees clockwise from 12 o'clock for the start of `day` (1 January = 0)."""
    first = date(year, 1, 1)
    length = (date(year + 1, 1, 1) - first).days
    return 360.0 * (day - first).days / length


def _point(radius, degrees):
    radians = math.radians(degrees - 90)
    return CENTRE + radius * math.cos(radians), CENTRE + radius * math.sin(radians)


def sector_path(inner, outer, start_deg, end_deg):
    """An annulus sector from `start_deg` to `end_deg` (clockwise)."""
    end_deg = min(end_deg, start_deg + 359.99)
    large = 1 if end_deg - start_deg > 180 else 0
    x1, y1 = _point(outer, start_deg)
    x2, y2 = _point(outer, end_deg)
    x3, y3 = _point(inner, end_deg)
    x4, y4 = _point(inner, start_deg)
    return (
        f"M{x1:.2f},{y1:.2f} A{outer},{outer} 0 {large} 1 {x2:.2f},{y2:.2f} "
        f"L{x3:.2f},{y3:.2f} A{inner},{inner} 0 {large} 0 {x4:.2f},{y4:.2f} Z"
    )


def _clip(start, end, year):
    """The part of [start, end] inside `year` as (start angle, end angle), or None."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if end < first or start > last:
        return None
    start, end = max(start, first), min(end, last)
    return _angle(start, year), _angle(end + timedelta(days=1), year)


def _lanes(spans):
    """Greedy lane assignment so overlapping activities on one ring sit side by side."""
    lane_ends = []
    assigned = []
    for start, end, payload in sorted(spans, key=lambda span: (span[0], span[1])):
        for index, lane_end in enumerate(lane_ends):
            if start >= lane_end:
                lane_ends[index] = end
                assigned.append((index, start, end, payload))
                break
        else:
            lane_ends.append(end)
            assigned.append((len(lane_ends) - 1, start, end, payload))
    return assigned, max(len(lane_ends), 1)


def _ring_arcs(spans, inner, outer, css):
    assigned, lanes = _lanes(spans)
    width = (outer - inner) / lanes
    arcs = []
    for lane, start, end, (title, short, kind) in assigned:
        lane_inner = inner + lane * width + 1
        lane_outer = inner + (lane + 1) * width - 1
        mid_x, mid_y = _point((lane_inner + lane_outer) / 2, (start + end) / 2)
        arcs.append(
            Arc(
                path=sector_path(lane_inner, lane_outer, start, end),
                title=title,
                css_class=f"{css} {css}--{kind}",
                label_x=round(mid_x, 2),
                label_y=round(mid_y, 2),
                short=short,
            )
        )
    return arcs


def build_wheel(year, themes, plan_items, channels, *, across_label):
    """Geometry of the wheel for `year`: months, a themes ring and one ring per channel that has
    activities (plus one for activities across all channels)."""
    months = []
    for month in range(1, 13):
        start = _angle(date(year, month, 1), year)
        end = _angle(date(year + month // 12, month % 12 + 1, 1), year) if month < 12 else 360.0
        label_x, label_y = _point(MONTH_LABEL, (start + end) / 2)
        line_x1, line_y1 = _point(HUB, start)
        line_x2, line_y2 = _point(OUTER + 8, start)
        months.append(
            {
                "number": month,
                "path": sector_path(HUB, OUTER, start, end),
                "label_x": round(label_x, 2),
                "label_y": round(label_y, 2),
                "line": (
                    round(line_x1, 2),
                    round(line_y1, 2),
                    round(line_x2, 2),
                    round(line_y2, 2),
                ),
                "odd": month % 2 == 1,
            }
        )
    theme_spans = []
    for theme in themes:
        span = _clip(theme.start_date, theme.end_date, year)
        if span:
            theme_spans.append((*span, (theme.title, theme.title[:18], "theme")))
    theme_arcs = _ring_arcs(theme_spans, *THEME_RING, "wheel-theme")

    per_ring = {}
    for item in plan_items:
        span = _clip(item.start_date, item.end_date, year)
        if not span:
            continue
        title = f"{item.title} ({item.start_date:%d.%m.}–{item.end_date:%d.%m.})"
        payload = (*span, (title, "", item.kind))
        item_channels = list(item.channels.all()) or [None]
        for channel in item_channels:
            per_ring.setdefault(channel.pk if channel else None, []).append(payload)
    ordered = [channel for channel in channels if channel.pk in per_ring]
    ring_keys = [(None, str(across_label))] if None in per_ring else []
    ring_keys += [(channel.pk, str(channel)) for channel in ordered]
    rings = []
    if ring_keys:
        start_radius = THEME_RING[1] + 8
        width = (OUTER - start_radius) / len(ring_keys)
        for index, (key, label) in enumerate(ring_keys):
            inner = start_radius + index * width
            outer = inner + width
            label_x, label_y = _point((inner + outer) / 2, 0.5)
            rings.append(
                Ring(
                    label=label,
                    inner=round(inner, 2),
                    outer=round(outer, 2),
                    arcs=_ring_arcs(per_ring[key], inner + 1, outer - 1, "wheel-item"),
                    label_x=round(label_x, 2),
                    label_y=round(label_y, 2),
                )
            )
    return {
        "size": SIZE,
        "centre": CENTRE,
        "hub": HUB,
        "outer": OUTER,
        "months": months,
        "themes": theme_arcs,
        "theme_ring": THEME_RING,
        "rings": rings,
    }
