"""The inbox rules engine: what a rule's definition may hold, how a rule matches an item, what
it does in the intake, and the dry run.

A rule's `conditions` (all must hold; inside a list, any entry may):

- `platforms`, `channels` (ids), `kinds` (comment, reply, message, mention);
- `words`: words and phrases in Danish, Swedish, Norwegian or English, matched on word
  boundaries with their inflected forms and as parts of compounds (`moderation.routing`'s
  matcher: "parkering" finds "parkeringen" and "beboerparkering");
- `regex`: a regular expression (only for those `moderation.rule_regex` allows), checked when
  saved: at most `REGEX_MAX` characters, no back-references and no repeat inside a repeat (the
  patterns that backtrack for ever); it reads at most `REGEX_TEXT_MAX` characters of the text;
- `authors`: names or handles (with or without "@"), compared without case;
- `has_link`, `has_personal_data`: true or false (absent: either).

Its `actions`: `labels` (ids), `assign_to` (a person) or `assign_team` (the team's on-duty
monitor), `forward_to` (a department; suggested in the forward dialog, or forwarded at once
with `forward_automatically`), `priority` (1 high, 2 urgent), `close_as` ("spam", or "praise"
with `close_reason`), `hide_reason` (a removal reason's code: hidden only where the policy in
force lets rules hide for that reason, else suggested to a person).

In the intake (`apply_to_batch`, after the personal-data step) the rules run in their order.
Labels, priority, assignment and suggestions are written in bulk with the batch (a fixed number
of queries whatever the batch's size); forwarding, closing and hiding go through
`moderation.actions` for each item a rule picked (`run_deferred`), so the outbox and the
platform's confirmation hold as for a person. Each step leaves a `RuleHit` (done, suggested or
refused with the reason); a hit is unique per item, rule and action, so the intake run twice
does nothing twice.
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry

from . import routing
from .models import (
    OPEN_STATUSES,
    HitOutcome,
    InboxRule,
    ItemKind,
    ItemLabel,
    Label,
    Priority,
    QueueItem,
    RuleAction,
    RuleHit,
)
from .personal_data import contains_personal_id

REGEX_MAX = 200
REGEX_TEXT_MAX = 2000
# At most this many unbounded repeats (`*`, `+`, `{n,}`) in one expression.
REGEX_UNBOUNDED_MAX = 3
WORDS_MAX = 50
WORD_MAX = 100
AUTHORS_MAX = 50
CLOSE_REASON_MAX = 200
DRY_RUN_DAYS = 30
DRY_RUN_SAMPLE = 10
# The dry run reads at most this many of the latest items (a month of a big municipality).
DRY_RUN_LIMIT = 20000

CONDITION_KEYS = (
    "platforms",
    "channels",
    "kinds",
    "words",
    "regex",
    "authors",
    "has_link",
    "has_personal_data",
)
ACTION_KEYS = (
    "labels",
    "assign_to",
    "assign_team",
    "forward_to",
    "forward_automatically",
    "priority",
    "close_as",
    "close_reason",
    "hide_reason",
)
CLOSE_CHOICES = ("spam", "praise")

_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*\.(?:dk|se|no|com|org|net|eu|io|nu)\b(?:/\S*)?",
    re.IGNORECASE,
)


class RuleError(Exception):
    """A rule's definition is not valid; `field` names the part (conditions.words, ...)."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def has_link(text: str) -> bool:
    return bool(text) and _LINK.search(text) is not None


# -- checking a definition


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` may not be used (in the user's language), or None."""
    if len(pattern) > REGEX_MAX:
        return _("The regular expression is longer than %(max)d characters.") % {"max": REGEX_MAX}
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return _("The regular expression is not valid: %(error)s") % {"error": error}
    if _dangerous(tree) or _count_unbounded(tree) > REGEX_UNBOUNDED_MAX:
        return _(
            "The regular expression could take too long on some texts (a repeat inside a "
            "repeat, many open-ended repeats, or a back-reference). Write it more simply."
        )
    return None


_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}


def _dangerous(tree) -> bool:
    """Whether the parsed pattern can backtrack for ever: a back-reference, a repeat inside a
    repeat where either is unbounded, or alternatives inside an unbounded repeat."""
    for op, value in tree:
        if op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
            return True
        if op in _REPEATS:
            _low, high, body = value
            unbounded = high == sre_constants.MAXREPEAT
            if high > 1 and _inner_repeat(body, any_repeat=unbounded):
                return True
            if unbounded and _has(body, sre_constants.BRANCH):
                return True
            if _dangerous(body):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _dangerous(value[-1]):
                return True
        elif op == sre_constants.BRANCH:
            if any(_dangerous(branch) for branch in value[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and _dangerous(value[1]):
            return True
    return False


def _children(op, value):
    if op in _REPEATS:
        return [value[2]]
    if op == sre_constants.SUBPATTERN:
        return [value[-1]]
    if op == sre_constants.BRANCH:
        return list(value[1])
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [value[1]]
    return []


def _inner_repeat(tree, *, any_repeat) -> bool:
    """A repeat of more than once in `tree` (unbounded only, unless `any_repeat`)."""
    for op, value in tree:
        if op in _REPEATS and value[1] > 1 and (any_repeat or value[1] == sre_constants.MAXREPEAT):
            return True
        if any(_inner_repeat(child, any_repeat=any_repeat) for child in _children(op, value)):
            return True
    return False


def _count_unbounded(tree) -> int:
    total = 0
    for op, value in tree:
        if op in _REPEATS and value[1] == sre_constants.MAXREPEAT:
            total += 1
        total += sum(_count_unbounded(child) for child in _children(op, value))
    return total


def _has(tree, wanted) -> bool:
    return any(
        op == wanted or any(_has(child, wanted) for child in _children(op, value))
        for op, value in tree
    )


def _strings(value, field_name, *, limit, each_max):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(_("Give a list of texts."), field=field_name)
    cleaned = []
    for entry in value:
        entry = entry.strip()
        if not entry:
            continue
        if len(entry) > each_max:
            raise RuleError(
                _("Each entry may be at most %(max)d characters.") % {"max": each_max},
                field=field_name,
            )
        if entry not in cleaned:
            cleaned.append(entry)
    if len(cleaned) > limit:
        raise RuleError(_("At most %(max)d entries.") % {"max": limit}, field=field_name)
    return cleaned


def _ids(value, field_name):
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        value = [value]
    try:
        ids = sorted({int(v) for v in value})
    except (TypeError, ValueError):
        raise RuleError(_("Choose from the list."), field=field_name) from None
    return ids


def _one_id(value, field_name):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise RuleError(_("Choose from the list."), field=field_name)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RuleError(_("Choose from the list."), field=field_name) from None


def _flag(value, field_name):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    raise RuleError(_("Give true, false or nothing."), field=field_name)


def clean_definition(municipality, conditions, actions, *, may_use_regex, stored_regex=""):
    """The definition checked and in its stored form, or `RuleError`. A regular expression
    needs `may_use_regex`, unless it is the one already stored (others may still change the
    rest of the rule)."""
    from accounts.models import Channel, Platform
    from governance.models import OrgUnit, UnitKind
    from governance.policy import version_in_force

    from .models import DutyRota

    if not isinstance(conditions, dict):
        raise RuleError(_("The conditions must be an object."), field="conditions")
    if not isinstance(actions, dict):
        raise RuleError(_("The actions must be an object."), field="actions")
    unknown = sorted(set(conditions) - set(CONDITION_KEYS))
    if unknown:
        raise RuleError(
            _("Unknown conditions: %(names)s") % {"names": ", ".join(unknown)}, field="conditions"
        )
    unknown = sorted(set(actions) - set(ACTION_KEYS))
    if unknown:
        raise RuleError(
            _("Unknown actions: %(names)s") % {"names": ", ".join(unknown)}, field="actions"
        )
    out_c: dict = {}
    platforms = _strings(conditions.get("platforms"), "platforms", limit=20, each_max=20)
    if set(platforms) - set(Platform.values):
        raise RuleError(_("Choose platforms from the list."), field="platforms")
    kinds = _strings(conditions.get("kinds"), "kinds", limit=10, each_max=20)
    if set(kinds) - set(ItemKind.values):
        raise RuleError(_("Choose kinds of item from the list."), field="kinds")
    channels = _ids(conditions.get("channels"), "channels")
    if channels:
        found = set(
            Channel.objects.filter(
                pk__in=channels, owner_unit__municipality=municipality
            ).values_list("pk", flat=True)
        )
        if found != set(channels):
            raise RuleError(_("Choose channels from the list."), field="channels")
    words = _strings(conditions.get("words"), "words", limit=WORDS_MAX, each_max=WORD_MAX)
    if any(routing.Topic.parse(word) is None for word in words):
        raise RuleError(_("Each word or phrase needs at least one letter or digit."), field="words")
    authors = _strings(conditions.get("authors"), "authors", limit=AUTHORS_MAX, each_max=255)
    regex = conditions.get("regex") or ""
    if not isinstance(regex, str):
        raise RuleError(_("Give the regular expression as text."), field="regex")
    if regex:
        if regex != stored_regex and not may_use_regex:
            raise RuleError(
                _(
                    "Only the communications lead or a system administrator may use a regular "
                    "expression."
                ),
                field="regex",
            )
        problem = regex_problem(regex)
        if problem:
            raise RuleError(problem, field="regex")
    for name, value in (
        ("platforms", platforms),
        ("channels", channels),
        ("kinds", kinds),
        ("words", words),
        ("regex", regex),
        ("authors", authors),
    ):
        if value:
            out_c[name] = value
    for name in ("has_link", "has_personal_data"):
        flag = _flag(conditions.get(name), name)
        if flag is not None:
            out_c[name] = flag
    if not out_c:
        raise RuleError(
            _("Give at least one condition: a rule for every item would act on all of them."),
            field="conditions",
        )

    out_a: dict = {}
    labels = _ids(actions.get("labels"), "labels")
    if labels:
        found = set(
            Label.objects.filter(pk__in=labels, municipality=municipality).values_list(
                "pk", flat=True
            )
        )
        if found != set(labels):
            raise RuleError(_("Choose labels from the list."), field="labels")
        out_a["labels"] = labels
    assign_to = _one_id(actions.get("assign_to"), "assign_to")
    assign_team = _one_id(actions.get("assign_team"), "assign_team")
    if assign_to and assign_team:
        raise RuleError(_("Assign to a person or to a team, not both."), field="assign_team")
    if assign_to:
        from .actions import rota_candidates

        if not rota_candidates(municipality).filter(pk=assign_to).exists():
            raise RuleError(_("Choose an active person of the organisation."), field="assign_to")
        out_a["assign_to"] = assign_to
    if assign_team:
        if not DutyRota.objects.filter(
            team_id=assign_team, team__municipality=municipality
        ).exists():
            raise RuleError(_("Choose a team with an on-duty rota."), field="assign_team")
        out_a["assign_team"] = assign_team
    forward_to = _one_id(actions.get("forward_to"), "forward_to")
    automatically = bool(_flag(actions.get("forward_automatically"), "forward_automatically"))
    if forward_to:
        if (
            not OrgUnit.objects.open()
            .filter(pk=forward_to, municipality=municipality)
            .exclude(kind=UnitKind.COMMUNICATIONS)
            .exists()
        ):
            raise RuleError(_("Choose a department of the municipality."), field="forward_to")
        out_a["forward_to"] = forward_to
        out_a["forward_automatically"] = automatically
    elif automatically:
        raise RuleError(_("Choose the department to forward to."), field="forward_to")
    priority = _one_id(actions.get("priority"), "priority")
    if priority:
        if priority not in (Priority.HIGH, Priority.URGENT):
            raise RuleError(_("Choose a priority from the list."), field="priority")
        out_a["priority"] = priority
    close_as = actions.get("close_as") or ""
    close_reason = (actions.get("close_reason") or "").strip()
    if close_as:
        if close_as not in CLOSE_CHOICES:
            raise RuleError(_("Close as spam or as praise."), field="close_as")
        if close_as == "praise" and not close_reason:
            raise RuleError(_("Give the reason for closing."), field="close_reason")
        if len(close_reason) > CLOSE_REASON_MAX:
            raise RuleError(
                _("At most %(max)d characters.") % {"max": CLOSE_REASON_MAX},
                field="close_reason",
            )
        out_a["close_as"] = close_as
        if close_as == "praise":
            out_a["close_reason"] = close_reason
    hide_reason = actions.get("hide_reason") or ""
    if hide_reason:
        version = version_in_force(municipality)
        if version is None or not version.removal_reasons.filter(code=hide_reason).exists():
            raise RuleError(
                _("Choose a removal reason of the policy in force."), field="hide_reason"
            )
        out_a["hide_reason"] = hide_reason
    if "close_as" in out_a and out_a.get("forward_automatically"):
        raise RuleError(
            _("A rule cannot both close an item and forward it."), field="forward_automatically"
        )
    if not out_a:
        raise RuleError(_("Give at least one action."), field="actions")
    return out_c, out_a


# -- matching


@dataclass
class Compiled:
    """A rule made ready to match: sets, parsed topics and the compiled expression."""

    rule: InboxRule
    platforms: frozenset
    channels: frozenset
    kinds: frozenset
    topics: list
    regex: re.Pattern | None
    authors: frozenset
    has_link: bool | None
    has_personal_data: bool | None
    actions: dict = field(default_factory=dict)

    @classmethod
    def of(cls, rule, conditions=None, actions=None):
        conditions = rule.conditions if conditions is None else conditions
        pattern = conditions.get("regex") or ""
        return cls(
            rule=rule,
            platforms=frozenset(conditions.get("platforms") or ()),
            channels=frozenset(conditions.get("channels") or ()),
            kinds=frozenset(conditions.get("kinds") or ()),
            topics=[t for t in map(routing.Topic.parse, conditions.get("words") or []) if t],
            regex=re.compile(pattern, re.IGNORECASE) if pattern else None,
            authors=frozenset(_author_key(a) for a in conditions.get("authors") or ()),
            has_link=conditions.get("has_link"),
            has_personal_data=conditions.get("has_personal_data"),
            actions=rule.actions if actions is None else actions,
        )


def _author_key(value: str) -> str:
    return (value or "").strip().lstrip("@").casefold()


class Facts:
    """What the rules read of one item, worked out once however many rules ask."""

    def __init__(self, item):
        self.item = item
        self.text = item.text or ""
        self._tokens = None
        self._link = None
        self._personal = None

    @property
    def tokens(self):
        if self._tokens is None:
            tokens = routing.words(self.text)
            self._tokens = (tokens, [routing.stem(token) for token in tokens])
        return self._tokens

    @property
    def link(self):
        if self._link is None:
            self._link = has_link(self.text)
        return self._link

    @property
    def personal(self):
        if self._personal is None:
            self._personal = bool(self.item.has_personal_data) or contains_personal_id(self.text)
        return self._personal


def matches(compiled: Compiled, facts: Facts) -> bool:
    item = facts.item
    if compiled.platforms and item.platform not in compiled.platforms:
        return False
    if compiled.channels and item.channel_id not in compiled.channels:
        return False
    if compiled.kinds and item.kind not in compiled.kinds:
        return False
    if compiled.authors and not (
        _author_key(item.author_name) in compiled.authors
        or _author_key(item.author_external_id) in compiled.authors
    ):
        return False
    if compiled.has_link is not None and facts.link != compiled.has_link:
        return False
    if compiled.has_personal_data is not None and facts.personal != compiled.has_personal_data:
        return False
    if compiled.topics:
        tokens, stems = facts.tokens
        if not any(routing.occurs(topic, tokens, stems) for topic in compiled.topics):
            return False
    return compiled.regex is None or compiled.regex.search(facts.text[:REGEX_TEXT_MAX]) is not None


def planned_actions(actions: dict, automatic_reasons: set[str]) -> list[str]:
    """The `RuleAction`s a rule with `actions` takes on an item it matches."""
    planned = []
    if actions.get("labels"):
        planned.append(RuleAction.LABEL)
    if actions.get("assign_to") or actions.get("assign_team"):
        planned.append(RuleAction.ASSIGN)
    if actions.get("priority"):
        planned.append(RuleAction.PRIORITY)
    if actions.get("forward_to"):
        planned.append(
            RuleAction.FORWARD
            if actions.get("forward_automatically")
            else RuleAction.SUGGEST_FORWARD
        )
    if actions.get("close_as"):
        planned.append(RuleAction.CLOSE)
    if actions.get("hide_reason"):
        planned.append(
            RuleAction.HIDE
            if actions["hide_reason"] in automatic_reasons
            else RuleAction.SUGGEST_HIDE
        )
    return planned


def automatic_reasons(municipality) -> set[str]:
    """The removal reasons of the policy in force that rules may hide for by themselves."""
    from governance.policy import version_in_force

    version = version_in_force(municipality)
    if version is None:
        return set()
    return set(
        version.removal_reasons.filter(automatic_allowed=True).values_list("code", flat=True)
    )


# -- the intake


def rules_for(municipality_ids) -> dict:
    """{municipality id: [Compiled]} of the enabled rules, in order (one query)."""
    by_municipality: dict = {}
    for rule in (
        InboxRule.objects.live()
        .filter(enabled=True, municipality_id__in=municipality_ids)
        .exclude(current_version=None)
    ):
        try:
            compiled = Compiled.of(rule)
        except re.error:  # checked when saved; a stored pattern that fails is skipped
            continue
        by_municipality.setdefault(rule.municipality_id, []).append(compiled)
    return by_municipality


@dataclass
class Deferred:
    """A step that goes through `moderation.actions` after the batch is written."""

    item_id: int
    compiled: Compiled
    action: str
    detail: dict


def apply_to_batch(municipality, batch, compiled_rules, calculator, audit, changed, dirty, done):
    """Run the rules over the locked items of one municipality's batch: labels, priority,
    assignment and suggestions in memory and in bulk (written by the caller with the batch);
    returns the forwarding, closing and hiding steps to run afterwards (`run_deferred`)."""
    if not compiled_rules or not batch:
        return []
    now = timezone.now()
    ids = [item.pk for item in batch]
    already = set(
        RuleHit.objects.filter(item_id__in=ids).values_list("item_id", "rule_id", "action")
    )
    automatic = automatic_reasons(municipality) if _any_hide(compiled_rules) else set()
    assignees = _assignees(compiled_rules, batch, calculator)
    hits, labels, deferred = [], [], []
    for item in batch:
        facts = Facts(item)
        assigned_by_rule = False
        for compiled in compiled_rules:
            if not matches(compiled, facts):
                continue
            rule = compiled.rule
            done["rules"] = done.get("rules", 0) + 1
            for action in planned_actions(compiled.actions, automatic):
                if (item.pk, rule.pk, action) in already:
                    continue
                hit = RuleHit(
                    item=item,
                    rule=rule,
                    version_id=rule.current_version_id,
                    action=action,
                    outcome=HitOutcome.DONE,
                    created_at=now,
                )
                if action == RuleAction.LABEL:
                    hit.detail = {"labels": compiled.actions["labels"]}
                    labels.extend(
                        ItemLabel(item=item, label_id=label, rule=rule, added_at=now)
                        for label in compiled.actions["labels"]
                    )
                    audit.append(
                        _audit_row(
                            "rule_label", item, calculator, rule, labels=compiled.actions["labels"]
                        )
                    )
                elif action == RuleAction.PRIORITY:
                    wanted = compiled.actions["priority"]
                    hit.detail = {"priority": wanted}
                    if item.priority < wanted:
                        audit.append(
                            _audit_row(
                                "set_priority",
                                item,
                                calculator,
                                rule,
                                before={"priority": item.priority},
                                after={"priority": wanted},
                            )
                        )
                        item.priority = wanted
                        changed.add("priority")
                        dirty[item.pk] = item
                elif action == RuleAction.ASSIGN:
                    user = assignees.get((rule.pk, item.channel.owner_unit_id))
                    if assigned_by_rule or item.assigned_to_id is not None:
                        hit.outcome = HitOutcome.REFUSED
                        hit.message = str(_("The item was already assigned."))
                    elif user is None:
                        hit.outcome = HitOutcome.REFUSED
                        hit.message = str(
                            _("Nobody the rule names may answer this item (or nobody is on duty).")
                        )
                    else:
                        hit.detail = {"user": user.pk}
                        item.assigned_to = user
                        assigned_by_rule = True
                        changed.add("assigned_to")
                        dirty[item.pk] = item
                        done["assigned"] += 1
                        audit.append(
                            _audit_row(
                                "assign",
                                item,
                                calculator,
                                rule,
                                before={"assigned_to": None},
                                after={"assigned_to": user.pk},
                                to=user.pk,
                            )
                        )
                elif action == RuleAction.SUGGEST_FORWARD:
                    hit.outcome = HitOutcome.SUGGESTED
                    hit.detail = {"unit": compiled.actions["forward_to"]}
                elif action == RuleAction.SUGGEST_HIDE:
                    hit.outcome = HitOutcome.SUGGESTED
                    hit.detail = {"reason": compiled.actions["hide_reason"]}
                    audit.append(
                        _audit_row(
                            "rule_suggest_hide",
                            item,
                            calculator,
                            rule,
                            reason=compiled.actions["hide_reason"],
                        )
                    )
                else:
                    # Forward, close and hide: through the actions once the batch is written.
                    deferred.append(Deferred(item.pk, compiled, action, {}))
                    continue
                hits.append(hit)
    if labels:
        ItemLabel.objects.bulk_create(labels, ignore_conflicts=True)
    if hits:
        RuleHit.objects.bulk_create(hits, ignore_conflicts=True)
    return deferred


def _any_hide(compiled_rules):
    return any(c.actions.get("hide_reason") for c in compiled_rules)


def _audit_row(action, item, calculator, rule, *, before=None, after=None, reason="", **data):
    return AuditEntry(
        action=action,
        object_type=QueueItem._meta.label_lower,
        object_id=item.pk,
        item=item,
        channel_id=item.channel_id,
        before=before or {},
        after=after or {},
        reason=reason or "inbox_rule",
        note="",
        policy_version_id=calculator.policy_version_id,
        data={"rule": rule.pk, "rule_version": rule.version, **data},
    )


def _assignees(compiled_rules, batch, calculator) -> dict:
    """{(rule id, channel's unit id): the user the rule assigns items of that unit to}, checked
    against who may answer them (`actions.assignable_users`): a query per rule that assigns and
    unit in the batch, whatever the number of items."""
    from .actions import _answering
    from .models import DutyRota
    from .models.rota import absences_by_user

    wanted = [
        c for c in compiled_rules if c.actions.get("assign_to") or c.actions.get("assign_team")
    ]
    if not wanted:
        return {}
    units = {
        (item.channel.owner_unit_id, item.channel.owner_unit.municipality_id) for item in batch
    }
    today = timezone.localtime(timezone.now(), calculator.calendar.timezone).date()
    result = {}
    for compiled in wanted:
        user_id = compiled.actions.get("assign_to")
        if compiled.actions.get("assign_team"):
            rota = (
                DutyRota.objects.filter(team_id=compiled.actions["assign_team"])
                .prefetch_related("members__user", "members__deputy")
                .first()
            )
            if rota is None:
                continue
            members = list(rota.members.all())
            people = {m.user_id for m in members} | {m.deputy_id for m in members if m.deputy_id}
            user = rota.on_duty(today, members, absences_by_user(people, today))
            user_id = user.pk if user is not None else None
        if user_id is None:
            continue
        for unit_id, municipality_id in units:
            user = _answering([unit_id], [municipality_id]).filter(pk=user_id).first()
            if user is not None:
                result[(compiled.rule.pk, unit_id)] = user
    return result


def run_deferred(steps) -> int:
    """Forward, close and hide through `moderation.actions` (acting as the system, audited by
    the actions), each in its own savepoint: a refusal is recorded on the hit and the rest go on.
    Returns how many were done."""
    from governance.models import OrgUnit

    from . import actions
    from .deadlines import calendar_for, suggested_internal_deadline

    done = 0
    for step in steps:
        rule = step.compiled.rule
        hit = RuleHit(
            item_id=step.item_id,
            rule=rule,
            version_id=rule.current_version_id,
            action=step.action,
            outcome=HitOutcome.DONE,
        )
        item = QueueItem.objects.select_related("channel__owner_unit__municipality").get(
            pk=step.item_id
        )
        rule_actions = step.compiled.actions
        note = _("Inbox rule “%(rule)s”") % {"rule": rule.name}
        try:
            with transaction.atomic():
                if step.action == RuleAction.FORWARD:
                    unit = OrgUnit.objects.get(pk=rule_actions["forward_to"])
                    municipality = item.channel.owner_unit.municipality
                    due = suggested_internal_deadline(
                        item.answer_due, timezone.now(), calendar_for(municipality)
                    )
                    forwarding = actions.forward(
                        item, to_unit=unit, due_at=due, acting_user=None, note=note
                    )
                    hit.detail = {"unit": unit.pk, "forwarding": forwarding.pk}
                elif step.action == RuleAction.CLOSE:
                    if item.status not in OPEN_STATUSES:
                        raise actions.StateConflict(_("The item is no longer open."))
                    if rule_actions["close_as"] == "spam":
                        actions.mark_spam(item, acting_user=None)
                    else:
                        actions.close(
                            item, rule_actions["close_reason"], acting_user=None, note=note
                        )
                    hit.detail = {"as": rule_actions["close_as"]}
                elif step.action == RuleAction.HIDE:
                    actions.hide(item, rule_actions["hide_reason"], acting_user=None, note=note)
                    hit.detail = {"reason": rule_actions["hide_reason"]}
                hit.save()
        except (actions.ActionError, OrgUnit.DoesNotExist) as error:
            hit.pk = None
            hit.outcome = HitOutcome.REFUSED
            hit.message = str(error)[:500]
            if step.action == RuleAction.HIDE:
                # Not hidden: a person still decides, from the suggestion.
                hit.detail = {"reason": rule_actions["hide_reason"]}
            RuleHit.objects.bulk_create([hit], ignore_conflicts=True)
        else:
            done += 1
    return done


# -- the dry run


@dataclass
class DryRun:
    examined: int
    matched: int
    per_action: dict
    sample: list
    days: int = DRY_RUN_DAYS
    capped: bool = False

    @property
    def actions_named(self):
        """(the action in words, items) for the page."""
        return [(RuleAction(action).label, count) for action, count in self.per_action.items()]


def dry_run(municipality, conditions, actions, *, days=DRY_RUN_DAYS, sample=DRY_RUN_SAMPLE):
    """What a rule with this (checked) definition would have done to the items received in the
    last `days` days: how many it matches, a count per action and a few of them (masked text).
    Reads only; changes nothing."""
    since = timezone.now() - timedelta(days=days)
    rule = InboxRule(municipality=municipality, name="", conditions=conditions, actions=actions)
    compiled = Compiled.of(rule)
    automatic = automatic_reasons(municipality) if actions.get("hide_reason") else set()
    planned = planned_actions(actions, automatic)
    rows = (
        QueueItem.objects.filter(
            channel__owner_unit__municipality=municipality, received_at__gte=since
        )
        .select_related("channel")
        .only(
            "id",
            "platform",
            "kind",
            "channel_id",
            "channel__name",
            "channel__platform",
            "channel__handle",
            "text",
            "masked_text",
            "author_name",
            "author_external_id",
            "has_personal_data",
            "received_at",
            "status",
        )
        .order_by("-received_at", "-id")[: DRY_RUN_LIMIT + 1]
    )
    examined = matched = 0
    counts = Counter()
    found = []
    capped = False
    for item in rows.iterator(chunk_size=1000):
        if examined == DRY_RUN_LIMIT:
            capped = True
            break
        examined += 1
        if not matches(compiled, Facts(item)):
            continue
        matched += 1
        counts.update(planned)
        if len(found) < sample:
            found.append(item)
    per_action = {action: counts.get(action, 0) for action in planned}
    return DryRun(examined, matched, per_action, found, days, capped)
