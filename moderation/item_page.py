"""What an item's page shows, assembled from the item and the user's scoped querysets: the
thread around it, the author's earlier items, its history, forwardings and record, and the
forms' starting values. Read side only; the page's writes go through `actions`."""

import uuid

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from audit import labels as audit_labels
from core.permissions import can
from governance.models import RemovalReason
from governance.policy import version_in_force

from . import canned, similar
from .actions import platform_refusals
from .conversation import conversation
from .deadlines import calendar_for, suggested_internal_deadline
from .models import (
    ANSWER_READY,
    CannedAnswer,
    Forwarding,
    ItemLabel,
    Label,
    OutboxKind,
    OutboxStatus,
    QueueItem,
    Record,
)

# The item page lists this many of the item's latest writes to the platform.
WRITES_SHOWN = 10


def visible_item(user, pk):
    """The item `pk` among those `user` may see (the queue's own scoping), or 404."""
    return get_object_or_404(
        QueueItem.objects.restrict(user, "moderation.view_item").select_related(
            "channel", "channel__owner_unit", "assigned_to", "parent", "policy_version__policy"
        ),
        pk=pk,
    )


def forwarding_to_answer(user, item, raw_id):
    """The forwarding `raw_id` of `item` among those forwarded to `user`, or 404."""
    if not (raw_id.isdigit() and len(raw_id) < 19):
        raise Http404
    return get_object_or_404(Forwarding.objects.forwarded_to(user), pk=raw_id, item=item)


def removal_reasons(item):
    """The removal reasons of the policy version in force for the item's municipality."""
    version = version_in_force(item.channel.owner_unit.municipality)
    return list(RemovalReason.objects.filter(version=version)) if version else []


def earlier_from_author(visible, item):
    """The author's ten latest earlier items on the same platform the user may see."""
    if not item.author_external_id:
        return []
    return list(
        visible.filter(
            platform=item.platform,
            author_external_id=item.author_external_id,
            received_at__lt=item.received_at,
        )
        .select_related("channel")
        .order_by("-received_at")
        .only(
            "id",
            "masked_text",
            "received_at",
            "status",
            "channel__name",
            "channel__platform",
            "channel__handle",
        )[:10]
    )


def reply_initial(item, suggested, writes, draft=None):
    """The reply form's starting values: a fresh idempotency key, the newest write on the item
    (an answer someone asks for after it is shown before this one goes), and the earlier answer
    picked as a draft (`draft`), else the expert's latest answer or, for an item holding
    personal data, the suggested canned answer."""
    # Any write asked for later has a higher id than every one on the page.
    seen = max((write.pk for write in writes), default=0)
    initial = {"idempotency_key": uuid.uuid4().hex, "seen_write": seen}
    if item.has_personal_data and suggested is not None:
        initial["text"] = suggested.filled
    answered = item.forwardings.filter(status__in=ANSWER_READY).order_by("-answered_at").first()
    if answered is not None:
        # Masked: an answer stored before outgoing text was checked may hold an ID number.
        initial["text"] = answered.masked_answer_text
        initial["forwarding"] = answered.pk
    if draft is not None:
        # Someone chose an earlier answer to start from: it is not the expert's answer.
        initial["text"] = draft
        initial.pop("forwarding", None)
    return initial


def forward_initial(item, suggestion=None):
    """The forward form's starting values: the deadline, as a local wall-clock time to the
    minute, inside opening hours and before the answer deadline
    (`deadlines.suggested_internal_deadline`); and the department the item's text suggests
    (`routing.suggest_departments`), if any."""
    calendar = calendar_for(item.channel.owner_unit.municipality)
    due = suggested_internal_deadline(item.answer_due, timezone.now(), calendar)
    initial = {"due_at": timezone.localtime(due).replace(tzinfo=None)}
    if suggestion is not None:
        initial["to_unit"] = suggestion.unit_id
    return initial


def item_outbox(item):
    """The item's messages in the outbox the page shows, oldest first, in one query: every
    reply (the conversation places them) and the latest `WRITES_SHOWN` writes of any kind."""
    latest = item.outbox_messages.order_by("-created_at", "-id").values("pk")[:WRITES_SHOWN]
    return list(
        item.outbox_messages.filter(Q(kind=OutboxKind.REPLY) | Q(pk__in=Subquery(latest)))
        .select_related("waits_for", "requested_by")
        .order_by("created_at", "id")
    )


def replies_in(messages):
    """The replies among the item's outbox `messages` (from `item_outbox`), oldest first."""
    return [message for message in messages if message.kind == OutboxKind.REPLY]


def platform_writes(item, messages=None):
    """The item's latest writes to the platform, newest first, each with `retriable`: the
    failed ones no newer write of the same kind has replaced (a later answer, a second hide).
    `messages`: the item's outbox as `item_outbox` read it, when the caller has it."""
    if messages is None:
        messages = item_outbox(item)
    writes = list(reversed(messages))[:WRITES_SHOWN]
    seen = set()
    for write in writes:
        write.retriable = write.status == OutboxStatus.FAILED and write.kind not in seen
        seen.add(write.kind)
    return writes


def offered_canned_answers(item, municipality):
    """The canned answers for the item's platform (and those for every platform), each with
    `filled`: its text with the placeholders filled in for this item. Those in the reader's
    language come first, then those for any language, then the others."""
    answers = list(
        CannedAnswer.objects.filter(municipality=municipality)
        .filter(Q(platform="") | Q(platform=item.platform))
        .order_by("order", "title")
    )
    language = translation.get_language() or ""
    values = canned.values_for(item)
    for answer in answers:
        answer.filled = canned.fill(answer.text, values)
    rank = {language: 0, "": 1}
    return sorted(answers, key=lambda a: rank.get(a.language, 2))


def rule_hits(item):
    """What the inbox rules did to the item, oldest first, each with `labels` (the labels'
    names, for a labelling hit), `unit` (a department's name) and `reason` (a removal reason's
    label) read in two queries."""
    from governance.models import OrgUnit

    hits = list(item.rule_hits.select_related("rule", "version"))
    if not hits:
        return []
    label_ids = {pk for hit in hits for pk in (hit.detail or {}).get("labels", [])}
    labels = dict(Label.objects.filter(pk__in=label_ids).values_list("pk", "name"))
    unit_ids = {hit.detail.get("unit") for hit in hits if (hit.detail or {}).get("unit")}
    units = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    reasons = {r.code: r.label for r in removal_reasons(item)}
    for hit in hits:
        detail = hit.detail or {}
        hit.labels = [labels.get(pk, "?") for pk in detail.get("labels", [])]
        hit.unit = units.get(detail.get("unit"), "")
        hit.reason = reasons.get(detail.get("reason"), detail.get("reason", ""))
    return hits


def item_labels(item, municipality):
    """The labels on the item (`labels`) and the municipality's others a person may add
    (`label_choices`), by name, read in one query."""
    on_item = ItemLabel.objects.filter(item=item, label=OuterRef("pk"))
    rows = list(
        Label.objects.filter(municipality=municipality)
        .annotate(on_item=Exists(on_item))
        .order_by("name", "pk")
    )
    return {
        "labels": [label for label in rows if label.on_item],
        "label_choices": [label for label in rows if not label.on_item],
    }


def item_page_data(user, item, draft_of=None):
    """Everything the item page reads, apart from its forms. `draft_of`: the id (as asked for)
    of an earlier item whose answer the reply box starts from."""
    visible = QueueItem.objects.for_user(user)
    municipality = item.channel.owner_unit.municipality
    canned = offered_canned_answers(item, municipality)
    suggested = next((c for c in canned if c.for_personal_data), None)
    forwardings = list(
        item.forwardings.select_related(
            "to_unit", "to_user", "forwarded_by", "answered_by", "posted_with"
        )
    )
    my_forwardings = [f for f in forwardings if can(user, "moderation.answer_forwarded", f)]
    outbox = item_outbox(item)  # one read serves the conversation and the latest writes
    replies = replies_in(outbox)
    writes = platform_writes(item, outbox)
    hits = rule_hits(item)
    return {
        "item": item,
        **item_labels(item, municipality),
        "rule_hits": hits,
        "rule_forward": next(
            (h for h in hits if h.action in ("suggest_forward", "forward") and h.unit), None
        ),
        "now": timezone.now(),
        "conversation": conversation(visible, item, replies),
        "earlier": earlier_from_author(visible, item),
        "history": audit_labels.prepare(
            item.audit_entries.select_related("actor").order_by("at", "id")
        ),
        "forwardings": forwardings,
        "my_open_forwardings": [f for f in my_forwardings if f.is_open],
        "record": Record.objects.filter(item=item).first(),
        "notices": item.author_notices.select_related("reason", "sent_by"),
        "may_handle": can(user, "moderation.handle_item", item),
        "may_record": can(user, "moderation.records"),
        "canned": canned,
        "suggested": suggested if item.has_personal_data else None,
        "reasons": removal_reasons(item),
        "writes": writes,
        "refusals": platform_refusals(item),
        "similar": similar.similar_items(user, item),
        "reply_initial": reply_initial(
            item, suggested, writes, similar.answer_of(user, draft_of) if draft_of else None
        ),
    }
