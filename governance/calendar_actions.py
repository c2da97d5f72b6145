"""Business actions on the municipality's calendar: the weekly opening hours (standard or
seasonal) and the closing days.

What makes hours valid lives here (`span_errors`, `season_errors`): the settings page checks
each weekday's field with them, and the actions check again before writing, so the JSON API and
any other door get the same answer. Each action runs in one transaction and writes one audit
row. Rows are saved and deleted one by one so the business calendar's cache is dropped by its
`post_save`/`post_delete` receivers (`moderation.deadlines`), in every process.
"""

from __future__ import annotations

from datetime import date, time

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from audit import record

from .models import ClosingDay, OpeningHours, Weekday


class SettingsError(Exception):
    """A change the rules refuse; `field` names the input it is about, if one."""

    def __init__(self, message, *, field=None, conflict=False):
        super().__init__(message)
        self.field = field
        self.conflict = conflict


def _hm(moment: time) -> str:
    return moment.strftime("%H:%M")


def span_errors(spans) -> list[str]:
    """What is wrong with one weekday's spans (`[(opens, closes)]`): a span ending before it
    starts, two spans that overlap or touch. Empty when they are fine."""
    errors = []
    for opens, closes in spans:
        if closes <= opens:
            errors.append(
                _("A span must end after it starts: %(span)s.")
                % {"span": f"{_hm(opens)}–{_hm(closes)}"}
            )
    ordered = sorted((o, c) for o, c in spans if c > o)
    for (o1, c1), (o2, c2) in zip(ordered, ordered[1:], strict=False):
        if o2 <= c1:
            errors.append(
                _("The spans %(first)s and %(second)s overlap: make them one span.")
                % {"first": f"{_hm(o1)}–{_hm(c1)}", "second": f"{_hm(o2)}–{_hm(c2)}"}
            )
    return errors


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def season_errors(municipality, valid_from, valid_to, *, replacing=None) -> list[str]:
    """What is wrong with a season's dates: a missing date, an end before the start, an overlap
    with another season (`replacing`: the (from, to) of the season being rewritten)."""
    if valid_from is None or valid_to is None:
        return [_("Seasonal hours need a first and a last day.")]
    if valid_to < valid_from:
        return [_("The season must end on or after the day it starts.")]
    errors = []
    for first, last in seasons_of(municipality):
        if replacing is not None and (first, last) == tuple(replacing):
            continue
        if first <= valid_to and valid_from <= last:
            errors.append(
                _("These dates overlap the seasonal hours from %(first)s to %(last)s.")
                % {"first": _day(first), "last": _day(last)}
            )
    return errors


def seasons_of(municipality) -> list[tuple[date, date]]:
    """The (first day, last day) of each season with its own hours, the earliest first."""
    return sorted(
        set(
            OpeningHours.objects.filter(municipality=municipality, valid_from__isnull=False)
            .values_list("valid_from", "valid_to")
            .distinct()
        )
    )


def _rows(municipality, valid_from, valid_to):
    return OpeningHours.objects.filter(
        municipality=municipality, valid_from=valid_from, valid_to=valid_to
    ).order_by("weekday", "opens")


def _spans_as_data(rows) -> list[list]:
    return [[row.weekday, _hm(row.opens), _hm(row.closes)] for row in rows]


def _check_week(spans) -> None:
    by_day: dict[int, list] = {}
    for weekday, opens, closes in spans:
        if weekday not in Weekday.values:
            raise SettingsError(_("Unknown weekday %(day)s.") % {"day": weekday}, field="spans")
        by_day.setdefault(weekday, []).append((opens, closes))
    for weekday, day_spans in sorted(by_day.items()):
        problems = span_errors(day_spans)
        if problems:
            raise SettingsError(
                _("%(day)s: %(problems)s")
                % {"day": Weekday(weekday).label, "problems": " ".join(problems)},
                field="spans",
            )


def set_week(municipality, spans, *, acting_user, valid_from=None, valid_to=None, replacing=None):
    """Set the weekly opening hours: the standard week (no dates) or a season's (both dates;
    `replacing` the (from, to) of the season rewritten, when its dates change). `spans` is a
    list of (weekday, opens, closes). Weekdays a season leaves out keep the standard hours; a
    season given no spans is removed. Audited as one change with the spans before and after."""
    spans = sorted(spans)
    _check_week(spans)
    seasonal = valid_from is not None or valid_to is not None or replacing is not None
    with transaction.atomic():
        type(municipality).objects.select_for_update().get(pk=municipality.pk)
        if seasonal:
            if not spans and replacing is None:
                raise SettingsError(_("Give the seasonal hours at least one span."), field="spans")
            if spans:
                problems = season_errors(municipality, valid_from, valid_to, replacing=replacing)
                if problems:
                    raise SettingsError(" ".join(problems), field="valid_from")
            old_from, old_to = replacing or (valid_from, valid_to)
        else:
            if not spans:
                raise SettingsError(
                    _("Give the normal opening hours at least one span."), field="spans"
                )
            old_from = old_to = None
        old_rows = list(_rows(municipality, old_from, old_to))
        before = _spans_as_data(old_rows)
        for row in old_rows:
            row.delete()
        for weekday, opens, closes in spans:
            OpeningHours.objects.create(
                municipality=municipality,
                weekday=weekday,
                opens=opens,
                closes=closes,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        after = [[w, _hm(o), _hm(c)] for w, o, c in spans]
        record(
            "opening_hours_set",
            actor=acting_user,
            obj=municipality,
            before={"spans": before, "valid_from": _iso(old_from), "valid_to": _iso(old_to)},
            after={"spans": after, "valid_from": _iso(valid_from), "valid_to": _iso(valid_to)},
        )
    return after


def _iso(value):
    return value.isoformat() if value else None


def add_closing_day(municipality, *, acting_user, day, open_until=None, reason=""):
    """Close the municipality on `day`, all day or from `open_until`. Audited."""
    with transaction.atomic():
        type(municipality).objects.select_for_update().get(pk=municipality.pk)
        if ClosingDay.objects.filter(municipality=municipality, date=day).exists():
            raise SettingsError(
                _("%(day)s is already a closing day.") % {"day": _day(day)}, field="date"
            )
        closing = ClosingDay.objects.create(
            municipality=municipality, date=day, open_until=open_until, reason=reason
        )
        record(
            "closing_day_add",
            actor=acting_user,
            obj=closing,
            after={
                "date": day.isoformat(),
                "open_until": _hm(open_until) if open_until else None,
                "reason": reason,
            },
        )
    return closing


def _closing_values(closing):
    return {
        "date": closing.date.isoformat(),
        "open_until": _hm(closing.open_until) if closing.open_until else None,
        "reason": closing.reason,
    }


def change_closing_day(closing, *, acting_user, day, open_until=None, reason=""):
    """Move a closing day to `day`, or change its closing time or reason, keeping the row (its
    history stays with it). Refused when another closing day already falls on `day`. Audited;
    a change that changes nothing writes nothing."""
    with transaction.atomic():
        type(closing.municipality).objects.select_for_update().get(pk=closing.municipality_id)
        closing = ClosingDay.objects.select_for_update().get(pk=closing.pk)
        taken = ClosingDay.objects.filter(municipality_id=closing.municipality_id, date=day)
        if taken.exclude(pk=closing.pk).exists():
            raise SettingsError(
                _("%(day)s is already a closing day.") % {"day": _day(day)}, field="date"
            )
        before = _closing_values(closing)
        closing.date, closing.open_until, closing.reason = day, open_until, reason
        after = _closing_values(closing)
        if after == before:
            return closing
        # Saved (not updated) so the business calendar's cache is dropped in every process.
        closing.save()
        record("closing_day_change", actor=acting_user, obj=closing, before=before, after=after)
    return closing


def remove_closing_day(closing, *, acting_user):
    """Open again on a closing day. Audited."""
    with transaction.atomic():
        closing = ClosingDay.objects.select_for_update().get(pk=closing.pk)
        record(
            "closing_day_remove",
            actor=acting_user,
            obj=closing,
            before={
                "date": closing.date.isoformat(),
                "open_until": _hm(closing.open_until) if closing.open_until else None,
                "reason": closing.reason,
            },
        )
        closing.delete()
