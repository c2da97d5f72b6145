"""The moderation queue page and its live counts: a keyset-paginated list of the items the
user may see, filtered by the queue form."""

from __future__ import annotations

import contextlib
from collections import namedtuple
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, F, OuterRef
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from accounts.models import Platform, channel_label
from core.bounds import supported_moment
from core.permissions import can
from core.permissions.views import ActionRequiredMixin

from .. import actions, bulk, limits
from ..counts import open_counts
from ..forms import (
    QueueFilterForm,
)
from ..models import (
    OPEN_STATUSES,
    CrisisPeriod,
    ItemLabel,
    ItemStatus,
    QueueItem,
)
from ..pagination import union_of_ranges
from ..personal_data import mask_personal_ids

PAGE_SIZE = 50


MAX_PAGE_SIZE = 200


def queue_queryset(user, filters: dict, now=None):
    """The queue's rows for `user` and the cleaned filters, in deadline order."""
    now = now or timezone.now()
    items = QueueItem.objects.for_user(user)
    state = filters.get("status") or "open"
    if state == "open":
        items = items.filter(status__in=OPEN_STATUSES)
    elif state != "all":
        items = items.filter(status=state)
    if filters.get("platform"):
        items = items.filter(platform=filters["platform"])
    if filters.get("channel"):
        items = items.filter(channel_id=filters["channel"])
    if filters.get("centre"):
        items = items.filter(channel__owner_unit__centre_id=filters["centre"])
    if filters.get("mine"):
        items = items.filter(assigned_to_id=user.pk)
    if filters.get("overdue"):
        items = items.filter(answer_due__lt=now, answered_at__isnull=True)
    if filters.get("at_risk"):
        items = items.filter(answer_warn_at__lte=now, answer_due__gte=now)
    if filters.get("personal"):
        items = items.filter(has_personal_data=True)
    if filters.get("label"):
        labelled = ItemLabel.objects.filter(item=OuterRef("pk"), label_id=filters["label"])
        items = items.filter(Exists(labelled))
    return items


# The queue table's columns: QueueRow's field, and the values_list name it is read from.
_ROW_COLUMNS = (
    ("pk", "id"),
    ("platform", "platform"),
    ("kind", "kind"),
    # The queue reads only the masked copy of citizens' texts.
    ("text", "masked_text"),
    ("author_name", "author_name"),
    ("received_at", "received_at"),
    ("answer_due", "answer_due"),
    ("answer_warn_at", "answer_warn_at"),
    ("status", "status"),
    ("has_personal_data", "has_personal_data"),
    ("hidden_on_platform", "hidden_on_platform"),
    ("answered_at", "answered_at"),
    ("channel_id", "channel_id"),
    ("channel_name", "channel__name"),
    ("assigned_username", "assigned_to__username"),
    ("assigned_first_name", "assigned_to__first_name"),
    ("assigned_last_name", "assigned_to__last_name"),
    # Last, with a default: rows built by hand may leave it out.
    ("channel_handle", "channel__handle"),
)


_ROW_FIELDS = tuple(column for _name, column in _ROW_COLUMNS)
_DUE = _ROW_FIELDS.index("answer_due")
# Sorts the rows without an answer deadline among themselves by id alone.
_NO_DUE = datetime.min.replace(tzinfo=UTC)


class QueueRow(
    namedtuple("QueueRowValues", [name for name, _column in _ROW_COLUMNS], defaults=("",))
):
    """One row of the queue table: the columns it shows, a tuple straight from the database
    row instead of a model instance (the queue is re-fetched every few seconds by every open
    browser)."""

    __slots__ = ()

    @property
    def masked_text(self):
        # `text` is read from the masked column (see _ROW_COLUMNS); masking again costs one
        # failed search, and keeps a row built from other values safe.
        return mask_personal_ids(self.text) if self.text else ""

    @property
    def assigned_to_name(self):
        if not self.assigned_username:
            return ""
        full = f"{self.assigned_first_name or ''} {self.assigned_last_name or ''}".strip()
        return full or self.assigned_username

    @property
    def channel_display(self):
        """The channel by name, platform and handle, as everywhere channels are listed."""
        return channel_label(self.channel_name, self.platform, self.channel_handle)

    def get_platform_display(self):
        return _PLATFORM_LABELS.get(self.platform, self.platform)

    def get_status_display(self):
        return _STATUS_LABELS.get(self.status, self.status)

    def get_absolute_url(self):
        return reverse("moderation:item-detail", args=[self.pk])


_PLATFORM_LABELS = dict(Platform.choices)


_STATUS_LABELS = dict(ItemStatus.choices)


def parse_cursor(after: str):
    """The queue cursor "<answer due ISO>~<id>" (or "none~<id>") as (due, last id); a cursor
    that cannot be read, or names a moment outside the supported span, gives (None, None) or
    a due of None: the first page."""
    if not after:
        return None, None
    due_part, _sep, id_part = after.partition("~")
    last_id = int(id_part) if id_part.isdigit() and len(id_part) < 19 else None
    if due_part == "none":
        return "none", last_id
    due = None
    with contextlib.suppress(ValueError):  # a well-formed but impossible date
        due = parse_datetime(due_part.replace(" ", "+"))
    # An odd offset or a moment at the end of the calendar: the first page.
    if due is not None:
        due = supported_moment(due) if timezone.is_aware(due) else None
    return due, last_id


def keyset_page(user, filters: dict, after: str, size: int, now=None):
    """One page of `user`'s queue in (answer due, id) order, nulls last, starting after the
    cursor, and the cursor of the next page (None on the last). `now`: the moment the time
    filters (overdue, at risk) are judged at."""
    now = now or timezone.now()
    due, last_id = parse_cursor(after)

    # Two ranges in the queue's order, each a range scan from the cursor on the open items'
    # index: items with an answer deadline, then those without; one statement reads both.
    items = queue_queryset(user, filters, now)
    dated = items.filter(answer_due__isnull=False)
    undated = items.filter(answer_due__isnull=True)
    if last_id is not None and isinstance(due, datetime):
        dated = dated.filter(
            TupleGreaterThan(Tuple(F("answer_due"), F("id")), (due, last_id)),
            answer_due__gte=due,
        )
    elif last_id is not None and due == "none":
        dated = dated.none()
        undated = undated.filter(id__gt=last_id)
    # The page's rows and one more, which tells whether there is a next page.
    found = union_of_ranges(
        dated.order_by("answer_due", "id").values_list(*_ROW_FIELDS)[: size + 1],
        undated.order_by("id").values_list(*_ROW_FIELDS)[: size + 1],
    )
    found.sort(key=lambda row: (row[_DUE] is None, row[_DUE] or _NO_DUE, row[0]))
    rows = [QueueRow._make(row) for row in found[: size + 1]]
    cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        cursor = f"{last.answer_due.isoformat() if last.answer_due else 'none'}~{last.pk}"
    return rows, cursor


def queue_context(request, params, *, live=False):
    """The queue page's context for the query `params` (the filters, the page size, the
    cursor): the page, its live refresh and a refused bulk step render the same rows."""
    # The page and its live refresh read the filters through the same form.
    filter_form = QueueFilterForm(params, user=request.user)
    filters = filter_form.filters()
    try:
        size = min(MAX_PAGE_SIZE, max(1, int(params.get("size", PAGE_SIZE))))
    except ValueError:
        size = PAGE_SIZE
    # One moment for the whole page: what the filters select and what the rows say.
    now = timezone.now()
    rows, cursor = keyset_page(request.user, filters, params.get("after", ""), size, now)
    # The page's own query without the cursor, for the next and first pages' links.
    filter_query = urlencode(
        [(key, value) for key, values in params.lists() if key != "after" for value in values]
    )
    next_query = "&".join(
        part for part in (filter_query, urlencode({"after": cursor or ""})) if part
    )
    may_bulk = can(request.user, "moderation.handle_item")
    return {
        "items": rows,
        "filter_form": filter_form,
        "filters": filters,
        "now": now,
        "next_url": f"?{next_query}" if cursor else "",
        "first_url": f"?{filter_query}" if params.get("after") else "",
        "filter_query": filter_query,
        "size": size,
        "may_bulk": may_bulk,
        **bulk_bar_context(filter_form, rows, offered=may_bulk and not live),
    }


def bulk_bar_context(filter_form, rows, *, offered):
    """What the bulk bar offers; nothing when it is not `offered` (the live refresh does not
    redraw it, and people who may not handle items do not get it)."""
    return {
        # The people the rows' channels may be assigned to, asked once for all of them.
        "assignees": (
            list(actions.assignable_to_any({row.channel_id for row in rows}))
            if offered and rows
            else []
        ),
        # The labels a selection can be given: the filter's choices, read once for both.
        "bulk_labels": [(pk, name) for pk, name in filter_form.fields["label"].choices if pk != ""]
        if offered
        else [],
        "selected": set(),
        "bulk_reason_max": limits.CLOSE_REASON,
        "bulk_texts": selection_texts(0),
    }


def selection_texts(count):
    """How many items are selected, in words: now, and the sentences the page's script fills
    in as the selection changes (for one, and for any other number: the plural rule of every
    language served)."""
    empty = _("No items selected.")
    return {
        "now": _selected(count) % {"count": count} if count else empty,
        "one": _selected(1),
        "many": _selected(2),
        "empty": empty,
    }


def _selected(count):
    return ngettext("%(count)s item selected.", "%(count)s items selected.", count)


class QueueView(ActionRequiredMixin, View):
    """Every item the user may see, the next answer deadline first; HTMX asks for the rows."""

    permission_action = "moderation.view_queue"

    def get(self, request):
        live = bool(request.META.get("HTTP_HX_REQUEST"))
        context = queue_context(request, request.GET, live=live)
        if live:
            # The live refresh replaces the table only, which needs no context processors
            # (navigation, messages): render it without the request.
            return HttpResponse(render_to_string("moderation/includes/queue_rows.html", context))
        return render(request, "moderation/queue.html", context)


class QueueBulkView(ActionRequiredMixin, View):
    """POST one step on the items selected on the queue page (`moderation.bulk`): each item
    through its own action, the outcome told in messages on the queue, with its filters. A
    request that cannot run re-renders the page with why, the selection and reason kept."""

    permission_action = "moderation.handle_item"
    http_method_names = ["post"]

    def post(self, request):
        posted = request.POST
        params = QueryDict(posted.get("query", ""))
        try:
            step = bulk.read_request(
                posted.get("action"),
                posted.getlist("ids"),
                reason=posted.get("reason", ""),
                assignee=posted.get("assignee"),
                label=posted.get("label"),
            )
        except bulk.BulkInputError as error:
            selected = {int(v) for v in posted.getlist("ids") if v.isascii() and v.isdigit()}
            context = queue_context(request, params)
            context.update(
                bulk_errors=error.errors,
                bulk_reason=posted.get("reason", ""),
                bulk_assignee=posted.get("assignee", ""),
                bulk_label=posted.get("label", ""),
                selected=selected,
                bulk_texts=selection_texts(len(selected)),
            )
            return render(request, "moderation/queue.html", context, status=400)
        outcomes = bulk.run(request.user, step)
        for level, text in bulk.summary(step, outcomes):
            messages.add_message(request, _MESSAGE_LEVELS[level], text)
        query = urlencode(list(params.lists()), doseq=True)
        return redirect(reverse("moderation:queue") + (f"?{query}" if query else ""))


_MESSAGE_LEVELS = {"success": messages.SUCCESS, "warning": messages.WARNING}


class QueueCountsView(ActionRequiredMixin, View):
    """The queue's counts, polled by the queue page: read from the open-item counters the
    actions keep (`moderation.counts`), so their cost does not grow with the queue."""

    permission_action = "moderation.view_queue"

    def get(self, request):
        counts = open_counts(request.user)
        crisis = CrisisPeriod.objects.filter(ended_at__isnull=True).exists()
        return render(
            request,
            "moderation/includes/queue_counts.html",
            {"counts": counts, "crisis": crisis},
        )
