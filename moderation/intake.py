"""What happens right after new items are stored: deadlines where the pipeline left none,
the personal-data check (flag, hide through the outbox where the platform allows, audit) and
assignment to the monitor on duty for the channel's team.

`on_new_items(ids)` is idempotent (a second call finds nothing left to do) and runs a fixed
number of queries per municipality in the batch, whatever the batch size.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Channel
from audit.models import AuditEntry
from governance.models import OrgUnit

from . import counts, inbox_rules, outbox
from .alerts import alert
from .deadlines import DEADLINE_FIELDS, DeadlineCalculator
from .models import OPEN_STATUSES, AlertEvent, DutyRota, QueueItem
from .models.rota import absences_by_user, team_for
from .personal_data import find_personal_ids

SYSTEM_HIDE_REASON = "personal_data"


def platform_can_hide(platform: str, kind: str = "comment") -> bool:
    """Whether the platform offers hiding an item of `kind` (`platforms.capabilities`)."""
    from platforms import capabilities

    return capabilities.allows(platform, kind, capabilities.HIDE)


# What the intake reads of an item; the rest of the row (the raw payload above all) stays in
# the database.
INTAKE_FIELDS = (
    "channel",
    "platform",
    "kind",
    "text",
    "received_at",
    "status",
    "has_personal_data",
    "hidden_on_platform",
    "assigned_to",
    "author_name",
    "author_external_id",
    "priority",
    *DEADLINE_FIELDS,
)


def on_new_items(item_ids) -> dict:
    """Process freshly stored items; returns counts of what was done (for logs and tests)."""
    # (With inbox rules in force, also "rules": rule matches, "rules_acted": forwarded, closed
    # or hidden by a rule.)
    done = {"deadlines": 0, "personal_data": 0, "hidden": 0, "assigned": 0}
    item_ids = list(item_ids)
    if not item_ids:
        return done
    deferred = []
    with transaction.atomic():
        item_ids, rules = _needing_work(item_ids)
        if not item_ids:
            return done
        # A batch's items share a handful of channels: load those once, not joined to each row.
        items = list(
            QueueItem.objects.select_for_update()
            .filter(pk__in=item_ids, status__in=OPEN_STATUSES)
            .only(*INTAKE_FIELDS)
            .order_by("pk")
        )
        if not items:
            return done
        counted_as = {item.pk: counts.key(item) for item in items}
        channels = Channel.objects.select_related("owner_unit__municipality").in_bulk(
            {item.channel_id for item in items}
        )
        for item in items:
            item.channel = channels[item.channel_id]
        changed: set[str] = set()
        # Only rows something was done to are written back: most of a big batch needs nothing.
        dirty: dict[int, QueueItem] = {}
        audit: list[AuditEntry] = []
        hides: list[QueueItem] = []
        by_municipality = defaultdict(list)
        for item in items:
            by_municipality[item.channel.owner_unit.municipality].append(item)
        for municipality, batch in by_municipality.items():
            calculator = DeadlineCalculator(municipality)
            for item in batch:
                if item.next_deadline is None and item.answer_due is None:
                    before = (item.answer_due, item.first_response_due)
                    calculator.deadlines(item.platform, item.kind, item.received_at).apply(item)
                    if (item.answer_due, item.first_response_due) != before:
                        done["deadlines"] += 1
                        changed.update(DEADLINE_FIELDS)
                        dirty[item.pk] = item
                elif item.next_deadline is None:
                    # Due times set by the caller without warning points: fill those in.
                    calculator.deadlines(item.platform, item.kind, item.received_at).apply(item)
                    changed.update(DEADLINE_FIELDS)
                    dirty[item.pk] = item
            _check_personal_data(
                municipality, batch, calculator, audit, hides, changed, dirty, done
            )
            # The inbox rules, in their order, after the personal-data step and before the
            # on-duty assignment (a rule's assignee comes first).
            deferred += inbox_rules.apply_to_batch(
                municipality,
                batch,
                rules.get(municipality.pk, []),
                calculator,
                audit,
                changed,
                dirty,
                done,
            )
            _assign(municipality, batch, calculator, audit, changed, dirty, done)
        if dirty:
            QueueItem.objects.bulk_update(list(dirty.values()), sorted(changed))
            # An assignee or a personal-data flag moves the item to another counter.
            deltas = Counter()
            for item in dirty.values():
                counts.moved(counted_as[item.pk], counts.key(item), deltas)
            counts.apply(deltas)
        if audit:
            AuditEntry.objects.bulk_create(audit)
        if hides:
            outbox.enqueue_hides(
                hides,
                acting_user=None,
                key_prefix="personal-data-hide",
                reason=SYSTEM_HIDE_REASON,
            )
        # Forwarding, closing and hiding by rule: through the actions, on the written rows.
        if deferred:
            done["rules_acted"] = inbox_rules.run_deferred(deferred)
    return done


def _needing_work(item_ids):
    """The ids among `item_ids` the intake has something to do for, and the enabled inbox
    rules of their municipalities: every item, where a rule may apply; else those with no
    deadlines yet, a personal ID number not yet flagged, or no assignee while a duty rota could
    give one.

    Most of a big polled batch needs nothing (the poll already set the deadlines); reading
    only a few columns of those rows is far cheaper than loading them as items. The text was
    scanned when it was stored: it holds a number exactly when its masked copy differs.
    """
    rows = list(
        QueueItem.objects.filter(pk__in=item_ids, status__in=OPEN_STATUSES)
        .annotate(
            exposes=~Q(masked_text=F("text")),
            municipality_id=F("channel__owner_unit__municipality_id"),
        )
        .values_list(
            "pk",
            "channel_id",
            "exposes",
            "has_personal_data",
            "assigned_to_id",
            "next_deadline",
            "municipality_id",
        )
    )
    if not rows:
        return [], {}
    # Rules may act on any new item of their municipality: those items all need the intake.
    rules = inbox_rules.rules_for({row[6] for row in rows})
    rest = [row for row in rows if row[6] not in rules]
    unassigned_channels = {row[1] for row in rest if row[4] is None}
    rota_possible = (
        bool(unassigned_channels)
        and DutyRota.objects.filter(
            team__municipality__units__channels__in=unassigned_channels
        ).exists()
    )
    needed = [row[0] for row in rows if row[6] in rules]
    needed += [
        pk
        for pk, _, exposes, flagged, assignee, next_deadline, _m in rest
        if next_deadline is None
        or (assignee is None and rota_possible)
        or (exposes and not flagged)
    ]
    return needed, rules


def _check_personal_data(municipality, batch, calculator, audit, hides, changed, dirty, done):
    countries = (municipality.country,) if municipality.country in ("DK", "SE", "NO") else None
    for item in batch:
        if item.has_personal_data or not item.text:
            continue
        hits = find_personal_ids(item.text, countries)
        if not hits:
            continue
        item.has_personal_data = True
        changed.add("has_personal_data")
        dirty[item.pk] = item
        done["personal_data"] += 1
        will_hide = not item.hidden_on_platform and platform_can_hide(item.platform, item.kind)
        audit.append(
            AuditEntry(
                action="personal_data_found",
                object_type=QueueItem._meta.label_lower,
                object_id=item.pk,
                item=item,
                channel_id=item.channel_id,
                before={"has_personal_data": False},
                after={"has_personal_data": True},
                reason=SYSTEM_HIDE_REASON,
                note="",
                policy_version_id=calculator.policy_version_id,
                data={
                    "countries": sorted({hit.country for hit in hits}),
                    "hide_queued": will_hide,
                },
            )
        )
        if will_hide:
            hides.append(item)
            done["hidden"] += 1


def _assign(municipality, batch, calculator, audit, changed, dirty, done):
    todo = [item for item in batch if item.assigned_to_id is None]
    if not todo:
        return
    units = {
        unit["id"]: unit
        for unit in OrgUnit.objects.filter(municipality=municipality).values(
            "id", "parent_id", "kind"
        )
    }
    rotas = {
        rota.team_id: rota
        for rota in DutyRota.objects.filter(team__municipality=municipality).prefetch_related(
            "members__user", "members__deputy"
        )
    }
    if not rotas:
        return
    today = timezone.localtime(timezone.now(), calculator.calendar.timezone).date()
    members = {team: list(rota.members.all()) for team, rota in rotas.items()}
    absences = absences_by_user(
        {
            user_id
            for rows in members.values()
            for member in rows
            for user_id in (member.user_id, member.deputy_id)
            if user_id
        },
        today,
    )
    # In crisis mode everyone on the team monitors: new items are shared out in turn.
    crisis_turns = {}
    assigned = []
    for item in todo:
        rota = team_for(item.channel.owner_unit_id, units, rotas)
        if rota is None:
            continue
        if calculator.crisis is not None:
            present = [
                m.user
                for m in members[rota.team_id]
                if not any(s <= today <= e for s, e in absences.get(m.user_id, ()))
            ]
            if not present:
                continue
            turns = crisis_turns.setdefault(rota.team_id, itertools.cycle(present))
            user = next(turns)
        else:
            user = rota.on_duty(today, members[rota.team_id], absences)
        if user is None:
            continue
        was = item.assigned_to_id
        item.assigned_to = user
        changed.add("assigned_to")
        dirty[item.pk] = item
        done["assigned"] += 1
        audit.append(
            AuditEntry(
                action="assign",
                object_type=QueueItem._meta.label_lower,
                object_id=item.pk,
                item=item,
                channel_id=item.channel_id,
                before={"assigned_to": was},
                after={"assigned_to": user.pk},
                reason="on_duty",
                note="",
                policy_version_id=calculator.policy_version_id,
                data={"to": user.pk, "crisis": calculator.crisis is not None},
            )
        )
        assigned.append(item)
    if assigned:
        # The team's chat hears of the new items too (after the commit, one message per
        # destination for the whole batch).
        alert(AlertEvent.NEW_ITEM, items=assigned)
