"""The moderation queue page and its live counts: a keyset-paginated list of the items the
user may see, filtered by the queue form."""

from __future__ import annotations

import contextlib
from collections import namedtuple
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views import View

from accounts.models import Platform, channel_label
from core.bounds import supported_moment
from core.permissions.views import ActionRequiredMixin

from ..counts import open_counts
from ..forms import (
    QueueFilterForm,
)
from ..models import (
    OPEN_STATUSES,
    CrisisPeriod,
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


class QueueView(ActionRequiredMixin, View):
    """Every item the user may see, the next answer deadline first; HTMX asks for the rows."""

    permission_action = "moderation.view_queue"

    def get(self, request):
        live = bool(request.META.get("HTTP_HX_REQUEST"))
        # The page and its live refresh read the filters through the same form.
        filter_form = QueueFilterForm(request.GET, user=request.user)
        filters = filter_form.filters()
        try:
            size = min(MAX_PAGE_SIZE, max(1, int(request.GET.get("size", PAGE_SIZE))))
        except ValueError:
            size = PAGE_SIZE
        # One moment for the whole page: what the filters select and what the rows say.
        now = timezone.now()
        rows, cursor = keyset_page(request.user, filters, request.GET.get("after", ""), size, now)
        # The page's own query without the cursor, for the next and first pages' links.
        filter_query = urlencode(
            [
                (key, value)
                for key, values in request.GET.lists()
                if key != "after"
                for value in values
            ]
        )
        next_query = "&".join(
            part for part in (filter_query, urlencode({"after": cursor or ""})) if part
        )
        context = {
            "items": rows,
            "filter_form": filter_form,
            "filters": filters,
            "now": now,
            "next_url": f"?{next_query}" if cursor else "",
            "first_url": f"?{filter_query}" if request.GET.get("after") else "",
            "filter_query": filter_query,
            "size": size,
        }
        if live:
            # The live refresh replaces the table only, which needs no context processors
            # (navigation, messages): render it without the request.
            return HttpResponse(render_to_string("moderation/includes/queue_rows.html", context))
        return render(request, "moderation/queue.html", context)


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
