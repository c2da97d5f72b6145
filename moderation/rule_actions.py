"""Writing inbox rules and labels, and a person accepting what a rule suggested.

Every change to a rule writes a new `RuleVersion` (the whole definition as it now stands) and
an audit row in the same transaction; rules are archived, never deleted, so the items they
acted on keep naming them. Definitions are checked by `inbox_rules.clean_definition`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

import audit

from . import actions
from .actions import ActionError, StateConflict
from .inbox_rules import RuleError, clean_definition
from .models import (
    HitOutcome,
    InboxRule,
    ItemLabel,
    Label,
    LabelColour,
    RuleAction,
    RuleChange,
    RuleHit,
    RuleVersion,
)

RULE_FIELDS = ("name", "enabled", "order", "conditions", "actions")
NAME_MAX = 120
LABEL_NAME_MAX = 60


def _definition_error(error: RuleError):
    return ActionError(str(error), field=error.field)


def _version(rule, change, acting_user):
    rule.version += 1
    version = RuleVersion.objects.create(
        rule=rule,
        number=rule.version,
        change=change,
        name=rule.name,
        enabled=rule.enabled,
        order=rule.order,
        conditions=rule.conditions,
        actions=rule.actions,
        changed_by=acting_user,
        changed_at=timezone.now(),
    )
    rule.current_version = version
    rule.updated_by = acting_user
    rule.save(update_fields=["version", "current_version", "updated_by", "updated_at"])
    return version


def _clean_name(name):
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Give the rule a name."), field="name")
    if len(name) > NAME_MAX:
        raise ActionError(_("At most %(max)d characters.") % {"max": NAME_MAX}, field="name")
    return name


def create_rule(
    municipality, *, acting_user, name, conditions, actions, enabled=True, may_use_regex=False
):
    """A new rule, last in the order. Versioned and audited."""
    name = _clean_name(name)
    try:
        conditions, actions = clean_definition(
            municipality, conditions, actions, may_use_regex=may_use_regex
        )
    except RuleError as error:
        raise _definition_error(error) from None
    with transaction.atomic():
        last = InboxRule.objects.filter(municipality=municipality).aggregate(Max("order"))
        rule = InboxRule.objects.create(
            municipality=municipality,
            name=name,
            enabled=bool(enabled),
            order=(last["order__max"] or 0) + 1,
            conditions=conditions,
            actions=actions,
            created_by=acting_user,
            updated_by=acting_user,
        )
        version = _version(rule, RuleChange.CREATED, acting_user)
        audit.record(
            "inbox_rule_create",
            actor=acting_user,
            obj=rule,
            after=audit.snapshot(rule, *RULE_FIELDS),
            rule_version=version.number,
        )
    return rule


def _locked(rule):
    rule = InboxRule.objects.select_for_update().get(pk=rule.pk)
    if rule.archived_at is not None:
        raise StateConflict(_("This rule is archived."))
    return rule


def update_rule(rule, *, acting_user, may_use_regex=False, **values):
    """Change a rule's name, conditions, actions or enabled state; a new version when anything
    changed. Audited with before and after."""
    with transaction.atomic():
        rule = _locked(rule)
        merged = {name: values.get(name, getattr(rule, name)) for name in RULE_FIELDS}
        merged["name"] = _clean_name(merged["name"])
        try:
            merged["conditions"], merged["actions"] = clean_definition(
                rule.municipality,
                merged["conditions"],
                merged["actions"],
                may_use_regex=may_use_regex,
                stored_regex=rule.conditions.get("regex", ""),
            )
        except RuleError as error:
            raise _definition_error(error) from None
        merged["enabled"] = bool(merged["enabled"])
        changed = [name for name in RULE_FIELDS if getattr(rule, name) != merged[name]]
        if not changed:
            return rule
        before = audit.snapshot(rule, *RULE_FIELDS)
        for name in changed:
            setattr(rule, name, merged[name])
        rule.save(update_fields=changed)
        if changed == ["enabled"]:
            change = RuleChange.ENABLED if rule.enabled else RuleChange.DISABLED
        else:
            change = RuleChange.CHANGED
        version = _version(rule, change, acting_user)
        audit.record(
            "inbox_rule_update",
            actor=acting_user,
            obj=rule,
            before=before,
            after=audit.snapshot(rule, *RULE_FIELDS),
            rule_version=version.number,
        )
    return rule


def set_rule_enabled(rule, enabled, *, acting_user):
    return update_rule(rule, acting_user=acting_user, enabled=enabled, may_use_regex=False)


def move_rule(rule, direction, *, acting_user):
    """One place up or down among the municipality's rules; the orders are renumbered 1..n.
    A new version of each rule whose place changed; audited."""
    if direction not in ("up", "down"):
        raise ActionError(_("Choose up or down."))
    with transaction.atomic():
        rule = _locked(rule)
        rules = list(
            InboxRule.objects.select_for_update()
            .filter(municipality_id=rule.municipality_id)
            .live()
        )
        index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rules):
            raise ActionError(
                _("This rule is already first.")
                if direction == "up"
                else _("This rule is already last.")
            )
        before = [r.pk for r in rules]
        rules[index], rules[other] = rules[other], rules[index]
        # Every rule whose place changed gets a version: each version holds the whole rule.
        for position, row in enumerate(rules, start=1):
            if row.order != position:
                row.order = position
                row.save(update_fields=["order"])
                _version(row, RuleChange.MOVED, acting_user)
        rule = next(r for r in rules if r.pk == rule.pk)
        version = rule.current_version
        audit.record(
            "inbox_rule_move",
            actor=acting_user,
            obj=rule,
            direction=direction,
            before={"rules": before},
            after={"rules": [r.pk for r in rules]},
            rule_version=version.number,
        )
    return rule


def archive_rule(rule, *, acting_user):
    """Stop a rule for good and take it off the list; its versions and hits stay. Audited."""
    with transaction.atomic():
        rule = _locked(rule)
        rule.archived_at = timezone.now()
        rule.enabled = False
        rule.save(update_fields=["archived_at", "enabled"])
        version = _version(rule, RuleChange.ARCHIVED, acting_user)
        audit.record(
            "inbox_rule_archive",
            actor=acting_user,
            obj=rule,
            before={"enabled": True},
            after={"enabled": False},
            rule_version=version.number,
        )
    return rule


# -- labels


def _clean_label(municipality, name, colour, *, exclude=None):
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Give the label a name."), field="name")
    if len(name) > LABEL_NAME_MAX:
        raise ActionError(_("At most %(max)d characters.") % {"max": LABEL_NAME_MAX}, field="name")
    if colour not in LabelColour.values:
        raise ActionError(_("Choose a colour from the list."), field="colour")
    clash = Label.objects.filter(municipality=municipality, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ActionError(_("Another label already has this name."), field="name")
    return name


def create_label(municipality, *, acting_user, name, colour=LabelColour.BLUE):
    with transaction.atomic():
        name = _clean_label(municipality, name, colour)
        label = Label.objects.create(municipality=municipality, name=name, colour=colour)
        audit.record(
            "label_create",
            actor=acting_user,
            obj=label,
            after=audit.snapshot(label, "name", "colour"),
        )
    return label


def update_label(label, *, acting_user, name=None, colour=None):
    with transaction.atomic():
        label = Label.objects.select_for_update().get(pk=label.pk)
        name = label.name if name is None else name
        colour = label.colour if colour is None else colour
        name = _clean_label(label.municipality_id, name, colour, exclude=label)
        before = audit.snapshot(label, "name", "colour")
        if (name, colour) == (label.name, label.colour):
            return label
        label.name, label.colour = name, colour
        label.save(update_fields=["name", "colour"])
        audit.record(
            "label_update",
            actor=acting_user,
            obj=label,
            before=before,
            after=audit.snapshot(label, "name", "colour"),
        )
    return label


def delete_label(label, *, acting_user):
    """Delete a label that no live rule uses; it comes off the items that had it. Audited."""
    with transaction.atomic():
        label = Label.objects.select_for_update().get(pk=label.pk)
        users = [
            rule.name
            for rule in InboxRule.objects.live().filter(municipality_id=label.municipality_id)
            if label.pk in (rule.actions.get("labels") or [])
        ]
        if users:
            raise StateConflict(
                _("Rules still add this label: %(rules)s. Change them first.")
                % {"rules": ", ".join(users)}
            )
        on_items = ItemLabel.objects.filter(label=label).count()
        audit.record(
            "label_delete",
            actor=acting_user,
            obj=label,
            before=audit.snapshot(label, "name", "colour"),
            items=on_items,
        )
        label.delete()


# -- a person puts a label on an item or takes it off


def _item_municipality_id(item):
    return item.channel.owner_unit.municipality_id


def add_label(item, label, *, acting_user):
    """Put `label` on `item` as the person; a label already on it stays as it was (no second
    row, no audit row). Returns True when the label was added. The label must be one of the
    item's municipality."""
    if label.municipality_id != _item_municipality_id(item):
        raise ActionError(_("Choose one of your municipality's labels."), field="label")
    with transaction.atomic():
        row, created = ItemLabel.objects.get_or_create(
            item=item, label=label, defaults={"added_by": acting_user}
        )
        if created:
            audit.record(
                "label_add",
                actor=acting_user,
                item=item,
                after={"label": label.name},
                label_id=label.pk,
            )
    return created


def remove_label(item, label, *, acting_user):
    """Take `label` off `item`, whoever put it there (a rule or a person); a label not on the
    item is left alone (no audit row). Returns True when a label was removed."""
    with transaction.atomic():
        removed, _rows = ItemLabel.objects.filter(item=item, label=label).delete()
        if removed:
            audit.record(
                "label_remove",
                actor=acting_user,
                item=item,
                before={"label": label.name},
                label_id=label.pk,
            )
    return bool(removed)


# -- a person accepts a rule's suggestion


def accept_suggestion(hit, *, acting_user, note=""):
    """Do what a rule suggested, as the person: hide for the suggested reason (through
    `actions.hide`, so the platform's confirmation still decides). The hit is marked accepted."""
    with transaction.atomic():
        hit = RuleHit.objects.select_for_update().select_related("rule").get(pk=hit.pk)
        if hit.action not in (RuleAction.SUGGEST_HIDE, RuleAction.HIDE) or hit.outcome not in (
            HitOutcome.SUGGESTED,
            HitOutcome.REFUSED,
        ):
            raise StateConflict(_("There is no suggestion to accept here."))
        reason = (hit.detail or {}).get("reason", "")
        note = note or _("Suggested by the inbox rule “%(rule)s”") % {"rule": hit.rule.name}
        actions.hide(hit.item, reason, acting_user=acting_user, note=note)
        hit.outcome = HitOutcome.ACCEPTED
        hit.save(update_fields=["outcome"])
    return hit
