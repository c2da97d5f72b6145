"""Deadlines for queue items: the policy version in force, its answer-time rules, the
municipality's business calendar and crisis mode, combined into due times and warning points.

The ingest pipeline builds one `DeadlineCalculator` per municipality and batch; everything it
needs is read once, so a deadline costs two or three `due_at` calls and no query.

`rejudge_open_items` applies a change of crisis mode to the items already waiting, and
`forwarding_warn_at` places the reminder point of an expert's internal deadline.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from governance.models import AnswerTimeRule, ClosingDay, Municipality, OpeningHours
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
    # The crisis period whose tightened targets these are, if any.
    crisis_id: int | None = None

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
        item.crisis_id = self.crisis_id


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
    "crisis",
)


def next_deadline(item):
    """The next SLA checkpoint (warning or deadline) of `item` still to act on, or None: what
    the escalation sweep's cursor must be after any change to the item."""
    from .models import OPEN_STATUSES

    if item.status not in OPEN_STATUSES:
        return None
    moments = []
    if item.first_responded_at is None:
        if item.first_response_escalation < 1 and item.first_response_warn_at:
            moments.append(item.first_response_warn_at)
        if item.first_response_escalation < 2 and item.first_response_due:
            moments.append(item.first_response_due)
    if item.answered_at is None:
        if item.answer_escalation < 1 and item.answer_warn_at:
            moments.append(item.answer_warn_at)
        if item.answer_escalation < 2 and item.answer_due:
            moments.append(item.answer_due)
    return min(moments) if moments else None


BATCH_CACHE_SIZE = 1024


class DeadlineCalculator:
    """Deadlines for items on one municipality's channels, as the rules stand at construction."""

    def __init__(self, municipality, *, at: datetime | None = None):
        from .models import CrisisPeriod

        self.municipality = municipality
        # A polled batch shares one received time: its items of one platform and kind share
        # their deadlines, computed once and cached for this calculator's life (Deadlines is
        # immutable).
        self._computed: dict[tuple, Deadlines] = {}
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
        key = (platform, kind, received_at)
        known = self._computed.get(key)
        if known is not None:
            return known
        if timezone.is_naive(received_at):
            raise ValueError(f"received_at must be timezone-aware, got {received_at.isoformat()}")
        if len(self._computed) >= BATCH_CACHE_SIZE:
            self._computed.clear()
        self._computed[key] = found = self._compute(platform, kind, received_at)
        return found

    def _compute(self, platform: str, kind: str, received_at: datetime) -> Deadlines:
        rule = self.rule(platform, kind)
        if rule is None:
            return Deadlines(None, None, self.policy_version_id)
        first_due = first_warn = None
        if rule.first_response_minutes is not None:
            first_due, first_warn = self._due(
                received_at, rule.first_response_minutes, rule.first_response_clock
            )
        answer_due, answer_warn = self._due(received_at, rule.answer_minutes, rule.answer_clock)
        if first_due is not None and first_due > answer_due:
            # A first response is never due after the answer. Policy validation refuses rules
            # that could do it (`governance.models.answer_time_errors`); this is the safety net
            # for what validation cannot see: weekend opening hours against a weekdays clock,
            # rules stored before the check existed.
            first_due = answer_due
            first_warn = min(first_warn, answer_warn)
        return Deadlines(
            first_due,
            answer_due,
            self.policy_version_id,
            first_warn,
            answer_warn,
            self.crisis.pk if self.crisis is not None else None,
        )

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


@dataclass(frozen=True, slots=True)
class Preview:
    """What an item on a channel would get: its deadlines, the answer-time rule they come from
    (None: the policy in force has none for the platform) and whether crisis mode tightened
    them."""

    deadlines: Deadlines
    rule: object
    crisis_mode: bool


def preview(channel, kind: str, received_at: datetime) -> Preview:
    """The deadlines an item of `kind` on `channel` received at `received_at` would get, by the
    rules, calendar and crisis mode as they stand now: `GET /api/v1/sla/preview/` and the
    opening-hours settings page answer from here."""
    calculator = DeadlineCalculator(municipality_of(channel))
    return Preview(
        calculator.deadlines(channel.platform, kind, received_at),
        calculator.rule(channel.platform, kind),
        calculator.crisis is not None,
    )


def assign_deadlines(item, calculator: DeadlineCalculator | None = None) -> Deadlines:
    """Compute and set `item`'s deadlines (not saved); returns them."""
    if calculator is None:
        calculator = DeadlineCalculator(municipality_of(item.channel))
    result = calculator.deadlines(item.platform, item.kind, item.received_at)
    result.apply(item)
    return result


# -- crisis mode switched on or off: re-judging the items already waiting

# What re-judging reads of an item, and what it may write back.
_REJUDGE_WRITE = (
    "first_response_due",
    "answer_due",
    "first_response_warn_at",
    "answer_warn_at",
    "first_response_escalation",
    "answer_escalation",
    "next_deadline",
    "policy_version",
    "crisis",
)
_REJUDGE_READ = (
    "status",
    "channel",
    "assigned_to",
    "has_personal_data",
    "platform",
    "kind",
    "received_at",
    "first_responded_at",
    "answered_at",
    *_REJUDGE_WRITE,
)
# (target, the field saying it was met)
_TARGETS = (("first_response", "first_responded_at"), ("answer", "answered_at"))
REJUDGE_CHUNK = 1000


@dataclass(slots=True)
class Rejudged:
    """What re-judging the open items did."""

    open_items: int = 0  # open, unanswered items looked at
    changed: int = 0  # items whose deadlines moved
    past_due: int = 0  # of those, items with a target whose new deadline has already passed


def rejudge_open_items(
    municipality,
    *,
    tighten: bool,
    now: datetime | None = None,
    unmarked_since: datetime | None = None,
) -> Rejudged:
    """Re-judge the open, unanswered items of `municipality` by the rules as they stand now
    (crisis mode included) from their received time: all of them when crisis mode is switched
    on (`tighten=True`), those carrying crisis targets when it is switched off. Called inside
    the transaction that writes the crisis period.

    What a change of crisis mode does to the items already waiting:

    - A target already met (the first response was given) is history and keeps its deadline.
    - Switching on never moves a deadline later: an item whose due time is already earlier than
      the crisis target gives (received under a stricter rule, say) keeps it.
    - Switching off puts the items that carry crisis targets (tightened when it started, or
      received during it) back on the normal answer times of the policy version in force,
      counted from the received time. Items the crisis did not touch keep their deadlines.
    - An item the version in force has no rule for keeps its deadlines: nothing to judge it by.
    - Escalation levels never go up here; only the sweep sends warnings and breaches. A level
      goes down where the new deadline (or warning point) lies ahead again, so the item is
      warned and reported against the deadline it is judged by now. An item whose new deadline
      has already passed gets a cursor in the past and is reported by the next sweep.

    `unmarked_since` narrows switching on to the items received since then that carry no crisis
    targets: the sweep's catch-up for a poll that judged its batch just before crisis mode
    started and stored it just after the switch re-judged the queue.

    Rows are read in keyset chunks, locked (a sweep or an action on the same row waits for the
    commit), and the changed ones written back with bulk UPDATEs, not one statement per item.
    """
    from accounts.models import Channel

    from . import counts
    from .models import OPEN_STATUSES, QueueItem

    now = now or timezone.now()
    calculator = DeadlineCalculator(municipality, at=now)
    channels = Channel.objects.filter(owner_unit__municipality=municipality).values("pk")
    rows = QueueItem.objects.filter(
        channel__in=channels, status__in=OPEN_STATUSES, answered_at__isnull=True
    )
    if not tighten:
        rows = rows.filter(crisis__isnull=False)
    elif unmarked_since is not None:
        rows = rows.filter(crisis__isnull=True, received_at__gte=unmarked_since)
    rows = rows.select_for_update().only(*_REJUDGE_READ).order_by("pk")
    result = Rejudged()
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:REJUDGE_CHUNK])
        if not chunk:
            return result
        last = chunk[-1].pk
        dirty = []
        counted_as = {item.pk: counts.key(item) for item in chunk}
        for item in chunk:
            result.open_items += 1
            fresh = calculator.deadlines(item.platform, item.kind, item.received_at)
            moved = _rejudge(item, fresh, tighten=tighten, now=now)
            if moved:
                result.changed += 1
                if _past_due(item, now):
                    result.past_due += 1
            if moved or not tighten:
                item.crisis_id = fresh.crisis_id if moved else None
                item.next_deadline = next_deadline(item)
                dirty.append(item)
        if dirty:
            _write_back(dirty)
            # A lowered escalation level moves the item back from overdue or at risk.
            deltas = Counter()
            for item in dirty:
                counts.moved(counted_as[item.pk], counts.key(item), deltas)
            counts.apply(deltas)
        if len(chunk) < REJUDGE_CHUNK:
            return result


def _write_back(items) -> None:
    """Write the re-judged fields of `items`: one UPDATE joined to a VALUES list per batch.

    Django's `bulk_update` builds a CASE per field and row; at thousands of items building and
    running those costs seconds, far more than the re-judging itself.
    """
    from .models import QueueItem

    connection = connections[router.db_for_write(QueueItem)]
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        QueueItem.objects.bulk_update(items, _REJUDGE_WRITE)  # no UPDATE … FROM before 3.33
        return
    meta = QueueItem._meta
    fields = [meta.get_field(name) for name in _REJUDGE_WRITE]
    columns = [meta.pk, *fields]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # Parameters in a VALUES list carry no type: name it, or PostgreSQL reads text.
        types = [meta.pk.rel_db_type(connection), *(f.db_type(connection) for f in fields)]
        row = "(" + ", ".join(f"%s::{db_type}" for db_type in types) + ")"
    else:
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    pk = quote(meta.pk.column)
    limit = connection.features.max_query_params or len(items) * len(columns)
    per_statement = max(1, min(len(items), limit // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(items), per_statement):
            batch = items[start : start + per_statement]
            params = []
            for item in batch:
                params.append(item.pk)
                params.extend(
                    f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields
                )
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {', '.join([row] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}",
                params,
            )


def _rejudge(item, fresh: Deadlines, *, tighten: bool, now: datetime) -> bool:
    """Apply `fresh` deadlines to the item's open targets by the rules above; whether any
    deadline moved."""
    moved = False
    for target, met in _TARGETS:
        if getattr(item, met) is not None:
            continue
        new_due = getattr(fresh, f"{target}_due")
        new_warn = getattr(fresh, f"{target}_warn_at")
        old_due = getattr(item, f"{target}_due")
        if new_due is None:
            continue
        if tighten and old_due is not None and old_due <= new_due:
            continue
        if new_due == old_due and new_warn == getattr(item, f"{target}_warn_at"):
            continue
        setattr(item, f"{target}_due", new_due)
        setattr(item, f"{target}_warn_at", new_warn)
        level = min(
            getattr(item, f"{target}_escalation"), escalation_reached(now, new_warn, new_due)
        )
        setattr(item, f"{target}_escalation", level)
        moved = True
    if moved:
        item.policy_version_id = fresh.policy_version_id
        item.crisis_id = fresh.crisis_id
    return moved


def escalation_reached(now, warn_at, due) -> int:
    """The escalation level the clock has reached at `now` for one target or internal deadline:
    2 past the deadline, 1 past the warning point, else 0."""
    if due is not None and due <= now:
        return 2
    if warn_at is not None and warn_at <= now:
        return 1
    return 0


def _past_due(item, now) -> bool:
    return any(
        getattr(item, met) is None
        and getattr(item, f"{target}_due") is not None
        and getattr(item, f"{target}_due") <= now
        for target, met in _TARGETS
    )


# -- the internal deadline of a forwarded question


def forwarding_warn_at(
    forwarded_at: datetime, due_at: datetime, calendar: sla.Calendar, *, round_the_clock=False
) -> datetime:
    """When the expert is reminded: at 75 % of their time from forwarding to the internal
    deadline, counted in opening hours so the reminder reaches them at work (a question
    forwarded Friday afternoon and due Monday morning is not recalled on Sunday). In calendar
    time when crisis mode counts every hour or when no opening hour falls in between."""
    if due_at <= forwarded_at:
        return due_at
    if not round_the_clock:
        open_minutes = sla.open_minutes_between(forwarded_at, due_at, calendar, sla.OPENING_HOURS)
        if open_minutes >= 1:
            warn = sla.due_at(
                forwarded_at,
                math.floor(open_minutes * WARN_FRACTION),
                calendar,
                sla.OPENING_HOURS,
            )
            return min(warn, due_at)
    return forwarded_at + (due_at - forwarded_at) * WARN_FRACTION


# The part of the opening hours left before the answer deadline that the forward dialog offers
# the expert; the team keeps the rest to read the answer, post it and follow up.
EXPERT_SHARE = 0.5
# With fewer opening minutes than this before the answer deadline there is no room for an
# expert inside opening hours.
EXPERT_MIN_OPEN_MINUTES = 10
# Without an answer deadline to work back from, the expert is offered this many opening minutes.
EXPERT_DEFAULT_MINUTES = 240
_MINUTE = timedelta(minutes=1)


def suggested_internal_deadline(
    answer_due: datetime | None, now: datetime, calendar: sla.Calendar
) -> datetime:
    """The internal deadline the forward dialog suggests, to the minute.

    Halfway through the opening hours left before the answer deadline: a time the expert is at
    work, strictly after `now` and before `answer_due`, that leaves the team the other half to
    review and post (a comment due Monday 15:00 and forwarded on Saturday is suggested for
    Monday 11:30, not for Sunday night). Without an answer deadline, or with one already
    passed, four opening hours from now. When no opening time is left before the answer
    deadline (crisis mode counting round the clock, a rule in calendar time over a weekend),
    halfway in real time: the expert's help is still wanted, and the reminder says so.
    """
    now = now.replace(second=0, microsecond=0) + _MINUTE if now.second or now.microsecond else now
    if answer_due is None or answer_due <= now:
        try:
            suggested = sla.due_at(now, EXPERT_DEFAULT_MINUTES, calendar, sla.OPENING_HOURS)
        except ValueError:  # a calendar without opening hours
            suggested = now + timedelta(minutes=EXPERT_DEFAULT_MINUTES)
        return _inside_opening_hours(suggested, now, calendar)
    open_minutes = sla.open_minutes_between(now, answer_due, calendar, sla.OPENING_HOURS)
    if open_minutes < EXPERT_MIN_OPEN_MINUTES:
        halfway = now + (answer_due - now) * EXPERT_SHARE
        return max(halfway.replace(second=0, microsecond=0), now)
    suggested = sla.due_at(
        now, math.floor(open_minutes * EXPERT_SHARE), calendar, sla.OPENING_HOURS
    )
    return _inside_opening_hours(suggested, now, calendar)


def _inside_opening_hours(suggested: datetime, now: datetime, calendar: sla.Calendar):
    # A count used up exactly at closing time ends at the closing instant, which is no longer
    # open: the minute before it is.
    suggested = suggested.replace(second=0, microsecond=0)
    if not sla.is_open(suggested, calendar, sla.OPENING_HOURS) and suggested - _MINUTE > now:
        suggested -= _MINUTE
    return suggested


def forwarding_next_deadline(forwarding):
    """The next checkpoint of a forwarding's internal deadline still to act on, or None."""
    from .models import ForwardingStatus

    if forwarding.status != ForwardingStatus.OPEN:
        return None
    if forwarding.escalation < 1 and forwarding.warn_at is not None:
        return min(forwarding.warn_at, forwarding.due_at)
    if forwarding.escalation < 2:
        return forwarding.due_at
    return None


# -- the business calendar, cached per municipality

_local = {}
_lock = threading.Lock()


def _generation_key(municipality_id) -> str:
    return f"moderation:calendar-generation:{municipality_id}"


def calendar_for(municipality) -> sla.Calendar:
    """The municipality's business calendar, built once per process and rebuilt after its
    time zone, country, opening hours or closing days change (in any process: the generation
    lives in the cache)."""
    # The municipality's own fields are part of the stamp too: a time zone or country changed
    # by a path that sends no signal (a queryset update) is still seen at once.
    stamp = (
        cache.get(_generation_key(municipality.pk), 0),
        municipality.time_zone,
        municipality.country,
    )
    cached = _local.get(municipality.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    calendar = build_calendar(municipality)
    with _lock:
        _local[municipality.pk] = (stamp, calendar)
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
    """Make every process rebuild the municipality's calendar on its next use.

    The generation moves now and again after the commit: a process that rebuilds between the
    two still reads the old rows, and must not keep that calendar under the final generation.
    """
    with _lock:
        _local.pop(municipality_id, None)
    _next_generation(municipality_id)
    transaction.on_commit(lambda: _next_generation(municipality_id))


def _next_generation(municipality_id) -> None:
    key = _generation_key(municipality_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


@receiver(post_save, sender=OpeningHours, dispatch_uid="moderation-calendar-hours-saved")
@receiver(post_delete, sender=OpeningHours, dispatch_uid="moderation-calendar-hours-deleted")
@receiver(post_save, sender=ClosingDay, dispatch_uid="moderation-calendar-closing-saved")
@receiver(post_delete, sender=ClosingDay, dispatch_uid="moderation-calendar-closing-deleted")
def _calendar_changed(sender, instance, **kwargs):
    forget_calendar(instance.municipality_id)


@receiver(post_save, sender=Municipality, dispatch_uid="moderation-calendar-municipality-saved")
def _municipality_changed(sender, instance, created, update_fields=None, **kwargs):
    # The calendar is built from the time zone and the country (holidays): a save that names
    # other fields only (the language, say) leaves it as it is.
    if created or (update_fields is not None and not {"time_zone", "country"} & update_fields):
        return
    forget_calendar(instance.pk)
