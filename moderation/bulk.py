"""Bulk actions on queue items (the queue page's selection and `POST /api/v1/items/bulk/`).

Each selected item goes through its own single-item action in `actions` (its own transaction,
its own audit row) after its own permission check, so a bulk step can do nothing one could not
do item by item. An item that cannot take the step (outside the user's reach, or in a state
that refuses it) is skipped with the reason; the others go ahead."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.permissions import can

from . import actions, limits, rule_actions
from .models import Label, QueueItem

# At most this many items in one request: each item is one transaction of its own.
MAX_ITEMS = 200

ACKNOWLEDGE, CLOSE, ASSIGN, SPAM, LABEL = "acknowledge", "close", "assign", "spam", "label"
ACTIONS = {
    ACKNOWLEDGE: gettext_lazy("Acknowledge"),
    CLOSE: gettext_lazy("Close"),
    ASSIGN: gettext_lazy("Assign"),
    SPAM: gettext_lazy("Mark as spam"),
    LABEL: gettext_lazy("Add label"),
}

# The largest id the database stores (a bigint); a longer number names no item.
_MAX_ID = 2**63 - 1


class BulkInputError(Exception):
    """The request cannot be run as it is; `errors` maps the input's name to why."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Request:
    """A bulk request that passed `read_request`: the step, the ids (each once, in order), and
    what the step needs (the reason to close, the person to assign, the label to add)."""

    action: str
    ids: list
    reason: str = ""
    assignee: object = None
    label: Label | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one selected item: done, or skipped with a code and the reason."""

    id: int
    code: str = "done"
    reason: str = ""

    @property
    def done(self):
        return self.code == "done"


def read_ids(values) -> list[int]:
    """The selected item ids as integers, each once, in the order given. Refuses
    (BulkInputError on "ids") anything but a non-empty list of positive whole numbers (numbers
    or their digits as text) of at most MAX_ITEMS entries."""
    if not isinstance(values, list | tuple):
        raise BulkInputError({"ids": _("Send the selected items as a list of item numbers.")})
    if not values:
        raise BulkInputError({"ids": _("Select at least one item.")})
    if len(values) > MAX_ITEMS:
        raise BulkInputError(
            {
                "ids": ngettext(
                    "Select at most %(max)d item at a time.",
                    "Select at most %(max)d items at a time.",
                    MAX_ITEMS,
                )
                % {"max": MAX_ITEMS}
            }
        )
    ids = [_whole_number(value) for value in values]
    if None in ids:
        raise BulkInputError({"ids": _("The selection holds something that is no item number.")})
    return list(dict.fromkeys(ids))


def _whole_number(value):
    """`value` (a number, or its ASCII digits as text) as a positive int that fits an id;
    None for anything else (a boolean, a fraction, a word, a number too long)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= _MAX_ID else None


def read_request(action, ids, *, reason="", assignee=None, label=None) -> Request:
    """Check a bulk request before anything runs: the action, the ids, and what the action
    needs (a reason to close, a person to assign, a label to add). Returns the `Request`;
    refuses with BulkInputError, every problem by its input's name."""
    errors = {}
    if not isinstance(action, str) or action not in ACTIONS:
        errors["action"] = _("Choose what to do with the selected items.")
    try:
        ids = read_ids(ids)
    except BulkInputError as error:
        errors.update(error.errors)
    reason = reason.strip() if isinstance(reason, str) else ""
    if action == CLOSE and not reason:
        errors["reason"] = _("Give a reason for closing.")
    elif len(reason) > limits.CLOSE_REASON:
        errors["reason"] = ngettext(
            "Keep the reason to %(max)d character.",
            "Keep the reason to %(max)d characters.",
            limits.CLOSE_REASON,
        ) % {"max": limits.CLOSE_REASON}
    person = None
    if action == ASSIGN:
        person = _person(assignee)
        if person is None:
            errors["assignee"] = _("Choose the person to assign the items to.")
    chosen = None
    if action == LABEL:
        pk = _whole_number(label)
        chosen = Label.objects.filter(pk=pk).first() if pk is not None else None
        if chosen is None:
            errors["label"] = _("Choose the label to add to the items.")
    if errors:
        raise BulkInputError(errors)
    return Request(action, ids, reason, person, chosen)


def _person(value):
    pk = _whole_number(value)
    if pk is None:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def run(user, request: Request) -> list[Outcome]:
    """Run the request's step on each of its items as `user`: one Outcome per id, in their
    order. A label of another municipality than an item's is refused for that item by the
    action."""
    perform = {
        ACKNOWLEDGE: lambda item: actions.acknowledge(item, acting_user=user),
        CLOSE: lambda item: actions.close(item, request.reason, acting_user=user),
        ASSIGN: lambda item: actions.assign(item, request.assignee, acting_user=user),
        SPAM: lambda item: actions.mark_spam(item, acting_user=user),
        LABEL: lambda item: rule_actions.add_label(item, request.label, acting_user=user),
    }[request.action]
    # One query for the items the user may see; each action then locks and reads its item.
    found = QueueItem.objects.for_user(user).filter(pk__in=request.ids).select_related("channel")
    items = {item.pk: item for item in found}
    return [_outcome(user, pk, items.get(pk), perform) for pk in request.ids]


def _outcome(user, pk, item, perform) -> Outcome:
    if item is None:
        # An item outside the user's reach is not told apart from one that does not exist.
        return Outcome(pk, "not_found", _("No such item, or it is outside your reach."))
    if not can(user, "moderation.handle_item", item):
        return Outcome(pk, "forbidden", _("You may look at this item but not handle it."))
    try:
        perform(item)
    except actions.ActionError as error:
        code = getattr(error, "code", "conflict" if error.conflict else "refused")
        return Outcome(pk, code, str(error))
    return Outcome(pk)


def summary(request: Request, outcomes) -> list[tuple[str, str]]:
    """The outcome in sentences, as (level, text): how many items the step was done to, then
    how many were skipped for each reason (most first)."""
    done = sum(outcome.done for outcome in outcomes)
    lines = []
    if done:
        lines.append(("success", _done_sentence(request, done)))
    skipped = Counter(outcome.reason for outcome in outcomes if not outcome.done)
    for why, count in skipped.most_common():
        text = ngettext(
            "%(count)d item skipped: %(why)s", "%(count)d items skipped: %(why)s", count
        ) % {"count": count, "why": why}
        lines.append(("warning", text))
    return lines


def _done_sentence(request, count):
    action, assignee = request.action, request.assignee
    if action == LABEL:
        text = ngettext(
            "Label %(label)s added to %(count)d item.",
            "Label %(label)s added to %(count)d items.",
            count,
        )
        return text % {"count": count, "label": request.label.name}
    if action == ACKNOWLEDGE:
        text = ngettext("%(count)d item acknowledged.", "%(count)d items acknowledged.", count)
    elif action == CLOSE:
        text = ngettext("%(count)d item closed.", "%(count)d items closed.", count)
    elif action == SPAM:
        text = ngettext("%(count)d item closed as spam.", "%(count)d items closed as spam.", count)
    else:
        text = ngettext(
            "%(count)d item assigned to %(name)s.", "%(count)d items assigned to %(name)s.", count
        )
    name = (assignee.get_full_name() or assignee.get_username()) if assignee else ""
    return text % {"count": count, "name": name}
