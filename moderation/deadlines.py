"""Deadlines for queue items: the policy version in force, its answer-time rules, the
municipality's business calendar and crisis mode, combined into due times and warning points.

The ingest pipeline builds one `DeadlineCalculator` per municipality and batch; everything it
needs is read once, so a deadline costs two or three `due_at` calls and no query.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from governance.models import AnswerTimeRule, ClosingDay, OpeningHours
from governance.policy import version_in_force

from . import sla

# How far through a target the assignee is warned.
WARN_FRACTION = 0.75


@dataclass(frozen=True, slots=True)
class Deadlines:
    first_response_due: datetime | None
    answer_due: datetime | None
    policy_version_id: int | None
    first_response_warn_at: datetime | None = None
    answer_warn_at: datetime | None = None

    @property
    def next_deadline(self) -> datetime | None:
        """The first moment the escalation sweep must look at an unanswered item."""
        moments = [
            m
            for m in (
                self.first_response_warn_at,
                self.first_response_due,
                self.answer_warn_at,
                self.answer_due,
            )
            if m is not None
        ]
        return min(moments) if moments else None

    def apply(self, item) -> None:
        """Set the deadline fields of an unsaved or to-be-updated `item`."""
        item.first_response_due = self.first_response_due
        item.answer_due = self.answer_due
        item.policy_version_id = self.policy_version_id
        item.first_response_warn_at = self.first_response_warn_at
        item.answer_warn_at = self.answer_warn_at
        item.first_response_escalation = 0
        item.answer_escalation = 0
        item.next_deadline = self.next_deadline


NO_DEADLINES = Deadlines(None, None, None)

# Fields `Deadlines.apply` sets: for bulk_update and update_fields.
DEADLINE_FIELDS = (
    "first_response_due",
    "answer_due",
    "policy_version",
    "first_response_warn_at",
    "answer_warn_at",
    "first_response_escalation",
    "answer_escalation",
    "next_deadline",
)


class DeadlineCalculator:
    """Deadlines for items on one municipality's channels, as the rules stand at construction."""

    def __init__(self, municipality, *, at: datetime | None = None):
        from .models import CrisisPeriod

        self.municipality = municipality
        self.version = version_in_force(municipality, at=at)
        self.calendar = calendar_for(municipality)
        self._rules = {}
        if self.version is not None:
            for rule in AnswerTimeRule.objects.filter(version=self.version):
                self._rules[(rule.platform, rule.item_kind)] = rule
        self.crisis = (
            CrisisPeriod.objects.filter(municipality=municipality, ended_at__isnull=True)
            .order_by("-started_at")
            .first()
        )

    @property
    def policy_version_id(self):
        return self.version.pk if self.version is not None else None

    def rule(self, platform: str, kind: str):
        return self._rules.get((platform, kind)) or self._rules.get((platform, "any"))

    def deadlines(self, platform: str, kind: str, received_at: datetime) -> Deadlines:
        """The due times for an item of `platform` and `kind` received at `received_at`.

        Raises ValueError for a naive `received_at` (the SLA clock's contract).
        """
        if timezone.is_naive(received_at):
            raise ValueError(f"received_at must be timezone-aware, got {received_at.isoformat()}")
        rule = self.rule(platform, kind)
        if rule is None:
            return Deadlines(None, None, self.policy_version_id)
        first_due = first_warn = None
        if rule.first_response_minutes is not None:
            first_due, first_warn = self._due(
                received_at, rule.first_response_minutes, rule.first_response_clock
            )
        answer_due, answer_warn = self._due(received_at, rule.answer_minutes, rule.answer_clock)
        return Deadlines(first_due, answer_due, self.policy_version_id, first_warn, answer_warn)

    def _due(self, received_at, minutes, clock):
        if self.crisis is not None:
            minutes = math.ceil(minutes * self.crisis.target_percent / 100)
            if self.crisis.round_the_clock:
                clock = sla.CALENDAR
        due = sla.due_at(received_at, minutes, self.calendar, clock)
        warn = sla.due_at(received_at, math.floor(minutes * WARN_FRACTION), self.calendar, clock)
        return due, warn


def municipality_of(channel):
    return channel.owner_unit.municipality


def assign_deadlines(item, calculator: DeadlineCalculator | None = None) -> Deadlines:
    """Compute and set `item`'s deadlines (not saved); returns them."""
    if calculator is None:
        calculator = DeadlineCalculator(municipality_of(item.channel))
    result = calculator.deadlines(item.platform, item.kind, item.received_at)
    result.apply(item)
    return result


# -- the business calendar, cached per municipality

_local = {}
_lock = threading.Lock()


def _generation_key(municipality_id) -> str:
    return f"moderation:calendar-generation:{municipality_id}"


def calendar_for(municipality) -> sla.Calendar:
    """The municipality's business calendar, built once per process and rebuilt after its
    opening hours or closing days change (in any process: the generation lives in the cache)."""
    generation = cache.get(_generation_key(municipality.pk), 0)
    cached = _local.get(municipality.pk)
    if cached is not None and cached[0] == generation:
        return cached[1]
    calendar = build_calendar(municipality)
    with _lock:
        _local[municipality.pk] = (generation, calendar)
    return calendar


def build_calendar(municipality) -> sla.Calendar:
    weekly: dict[int, list] = {}
    seasons: dict[tuple, dict[int, list]] = {}
    for row in OpeningHours.objects.filter(municipality=municipality).order_by("weekday", "opens"):
        span = (row.opens, row.closes)
        if row.valid_from is None and row.valid_to is None:
            weekly.setdefault(row.weekday, []).append(span)
        else:
            seasons.setdefault((row.valid_from, row.valid_to), {}).setdefault(
                row.weekday, []
            ).append(span)
    closing = {
        day.date: day.open_until for day in ClosingDay.objects.filter(municipality=municipality)
    }
    return sla.Calendar(
        timezone=municipality.time_zone,
        country=municipality.country,
        opening_hours=weekly,
        closing_days=closing,
        seasonal_hours=[(start, end, hours) for (start, end), hours in seasons.items()],
    )


def forget_calendar(municipality_id) -> None:
    key = _generation_key(municipality_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)
    with _lock:
        _local.pop(municipality_id, None)


@receiver(post_save, sender=OpeningHours, dispatch_uid="moderation-calendar-hours-saved")
@receiver(post_delete, sender=OpeningHours, dispatch_uid="moderation-calendar-hours-deleted")
@receiver(post_save, sender=ClosingDay, dispatch_uid="moderation-calendar-closing-saved")
@receiver(post_delete, sender=ClosingDay, dispatch_uid="moderation-calendar-closing-deleted")
def _calendar_changed(sender, instance, **kwargs):
    forget_calendar(instance.municipality_id)
