"""The moderation pages: the queue, an item with its actions, the expert's forwarded questions,
notifications, crisis mode, records and the audit log. Views stay thin: they check permissions,
read forms and call `actions`."""

from __future__ import annotations

import contextlib
import uuid
from collections import namedtuple
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Channel, Platform
from audit.models import AuditEntry
from governance import csv_export
from governance.bounds import supported_moment
from governance.models import Membership, RemovalReason
from governance.permissions import can
from governance.permissions.views import ActionRequiredMixin
from governance.policy import version_in_force

from . import actions, exporters
from .api import forwarded_to
from .counts import open_counts
from .forms import (
    AssignForm,
    CloseForm,
    CrisisForm,
    ForwardForm,
    NoteForm,
    QueueFilterForm,
    ReasonForm,
    RecordForm,
    ReplyForm,
    SendBackForm,
    TellAuthorForm,
)
from .models import (
    OPEN_STATUSES,
    CannedAnswer,
    CrisisPeriod,
    ForwardingStatus,
    ItemStatus,
    Notification,
    QueueItem,
    Record,
)
from .pagination import union_of_ranges
from .personal_data import mask_personal_ids, mask_personal_ids_in

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _municipality(user):
    """The user's municipality (the product serves one per installation)."""
    membership = Membership.objects.filter(user=user).select_related("unit__municipality").first()
    if membership is not None:
        return membership.unit.municipality
    from governance.models import Municipality

    return Municipality.objects.order_by("pk").first()


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
)
_ROW_FIELDS = tuple(column for _name, column in _ROW_COLUMNS)
_DUE = _ROW_FIELDS.index("answer_due")
# Sorts the rows without an answer deadline among themselves by id alone.
_NO_DUE = datetime.min.replace(tzinfo=UTC)


class QueueRow(namedtuple("QueueRowValues", [name for name, _column in _ROW_COLUMNS])):
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

    def get_platform_display(self):
        return _PLATFORM_LABELS.get(self.platform, self.platform)

    def get_status_display(self):
        return _STATUS_LABELS.get(self.status, self.status)

    def get_absolute_url(self):
        return reverse("moderation:item-detail", args=[self.pk])


_PLATFORM_LABELS = dict(Platform.choices)
_STATUS_LABELS = dict(ItemStatus.choices)


def keyset_page(user, filters: dict, after: str, size: int, now=None):
    """One page of `user`'s queue in (answer due, id) order, nulls last, starting after the
    cursor, and the cursor of the next page (None on the last). `now`: the moment the time
    filters (overdue, at risk) are judged at."""
    now = now or timezone.now()
    due = last_id = None
    if after:
        due_part, _sep, id_part = after.partition("~")
        try:
            last_id = int(id_part)
        except ValueError:
            last_id = None
        if due_part == "none":
            due = "none"
        else:
            with contextlib.suppress(ValueError):  # a well-formed but impossible date
                due = parse_datetime(due_part.replace(" ", "+"))
            # An odd offset or a moment at the end of the calendar: the first page.
            if due is not None:
                due = supported_moment(due) if timezone.is_aware(due) else None

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


def _scoped_item(request, pk):
    return get_object_or_404(
        QueueItem.objects.for_user(request.user).select_related(
            "channel", "channel__owner_unit", "assigned_to", "parent", "policy_version__policy"
        ),
        pk=pk,
    )


class ItemDetailView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.view_item"
    template_name = "moderation/item_detail.html"

    def get_permission_object(self):
        self.object = _scoped_item(self.request, self.kwargs["pk"])
        return self.object

    def get_context_data(self, **kwargs):
        return item_context(self.request, self.object, **kwargs)


def item_context(request, item, *, forms=None, error=None, **extra):
    """Everything the item page shows; `forms` replaces blank forms after a refused post."""
    user = request.user
    visible = QueueItem.objects.for_user(user)
    thread = []
    if item.thread_external_id:
        thread = list(
            visible.filter(channel_id=item.channel_id, thread_external_id=item.thread_external_id)
            .exclude(pk=item.pk)
            .order_by("created_at", "id")
            .only("id", "author_name", "masked_text", "created_at", "status")[:50]
        )
    earlier = []
    if item.author_external_id:
        earlier = list(
            visible.filter(
                platform=item.platform,
                author_external_id=item.author_external_id,
                received_at__lt=item.received_at,
            )
            .select_related("channel")
            .order_by("-received_at")
            .only("id", "masked_text", "received_at", "status", "channel__name")[:10]
        )
    municipality = item.channel.owner_unit.municipality
    version = version_in_force(municipality)
    reasons = list(RemovalReason.objects.filter(version=version)) if version else []
    may_handle = can(user, "moderation.handle_item", item)
    canned = list(CannedAnswer.objects.filter(municipality=municipality))
    suggested = next((c for c in canned if c.for_personal_data), None)
    forms = forms or {}
    key = uuid.uuid4().hex
    reply_initial = {"idempotency_key": key}
    if item.has_personal_data and suggested is not None:
        reply_initial["text"] = suggested.text
    answered = (
        item.forwardings.filter(status=ForwardingStatus.ANSWERED).order_by("-answered_at").first()
    )
    if answered is not None:
        # Masked: an answer stored before outgoing text was checked may hold an ID number.
        reply_initial["text"] = answered.masked_answer_text
        reply_initial["forwarding"] = answered.pk
    my_forwardings = [
        f
        for f in item.forwardings.select_related("to_unit", "to_user", "forwarded_by")
        if can(user, "moderation.answer_forwarded", f)
    ]
    return {
        "item": item,
        "now": timezone.now(),
        "thread": thread,
        "earlier": earlier,
        "history": item.audit_entries.select_related("actor").order_by("at", "id"),
        "forwardings": item.forwardings.select_related("to_unit", "to_user", "forwarded_by"),
        "my_open_forwardings": [f for f in my_forwardings if f.is_open],
        "record": Record.objects.filter(item=item).first(),
        "notices": item.author_notices.select_related("reason", "sent_by"),
        "may_handle": may_handle,
        "may_record": can(user, "moderation.records"),
        "canned": canned,
        "suggested": suggested if item.has_personal_data else None,
        "reasons": reasons,
        "error": error,
        "reply_form": forms.get("reply") or ReplyForm(initial=reply_initial),
        "forward_form": forms.get("forward")
        or ForwardForm(item=item, initial=_forward_initial(item), prefix="forward"),
        "close_form": forms.get("close") or CloseForm(prefix="close"),
        "assign_form": forms.get("assign")
        or AssignForm(item=item, initial={"to_user": item.assigned_to_id}, prefix="assign"),
        "hide_form": forms.get("hide") or ReasonForm(reasons=reasons, prefix="hide"),
        "delete_form": forms.get("delete") or ReasonForm(reasons=reasons, prefix="delete"),
        "tell_form": forms.get("tell") or TellAuthorForm(reasons=reasons, prefix="tell"),
        "note_form": NoteForm(),
        "record_form": forms.get("record") or RecordForm(prefix="record"),
        "send_back_form": forms.get("send_back") or SendBackForm(),
        **extra,
    }


def _forward_initial(item):
    now = timezone.now()
    if item.answer_due and item.answer_due > now:
        # Half the time left: the team needs the other half to review and post.
        return {
            "due_at": timezone.localtime(now + (item.answer_due - now) / 2).replace(
                second=0, microsecond=0, tzinfo=None
            )
        }
    return {
        "due_at": timezone.localtime(now + timedelta(hours=4)).replace(
            second=0, microsecond=0, tzinfo=None
        )
    }


class ItemActionView(ActionRequiredMixin, View):
    """POST one action on an item; a refused step re-renders the page with the message."""

    http_method_names = ["post"]

    @property
    def permission_action(self):
        # An expert sends an answer back on an item they may only see; the forwarding itself
        # is then looked up among those forwarded to them.
        if self.kwargs.get("action") == "send_back":
            return "moderation.view_item"
        return "moderation.handle_item"

    def get_permission_object(self):
        self.item = _scoped_item(self.request, self.kwargs["pk"])
        return self.item

    def post(self, request, pk, action):
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            raise Http404
        try:
            result = handler(request, self.item)
        except actions.ActionError as error:
            return self._refused(str(error), {})
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, result)
        return redirect(self.item.get_absolute_url())

    def _refused(self, message, forms):
        context = item_context(self.request, self.item, forms=forms, error=message)
        return render(self.request, "moderation/item_detail.html", context, status=400)

    def _form(self, form, key):
        if not form.is_valid():
            return None, self._refused(_("Check the form."), {key: form})
        return form.cleaned_data, None

    def _on_form(self, form, key, perform):
        """Run `perform()`; a personal ID number in the text is shown on the form's field."""
        try:
            perform()
        except actions.PersonalIdInText as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return self._refused(str(error), {key: form})
        return None

    def do_acknowledge(self, request, item):
        actions.acknowledge(item, acting_user=request.user, note=_posted_note(request))
        return _("Acknowledged.")

    def do_reply(self, request, item):
        form = ReplyForm(request.POST)
        data, refused = self._form(form, "reply")
        if refused:
            return refused
        forwarding = None
        if data.get("forwarding"):
            forwarding = item.forwardings.filter(pk=data["forwarding"]).first()
        refused = self._on_form(
            form,
            "reply",
            lambda: actions.reply(
                item,
                data["text"],
                acting_user=request.user,
                idempotency_key=data["idempotency_key"],
                canned=data.get("canned") or "",
                forwarding=forwarding,
            ),
        )
        return refused or _("The answer is on its way to the platform.")

    def do_forward(self, request, item):
        form = ForwardForm(request.POST, prefix="forward", item=item)
        data, refused = self._form(form, "forward")
        if refused:
            return refused
        try:
            actions.forward(
                item,
                to_unit=data["to_unit"],
                to_user=data.get("to_user"),
                due_at=data["due_at"],
                note=data.get("note", ""),
                acting_user=request.user,
            )
        except actions.ActionError as error:
            form.add_error(error.field or "due_at", str(error))
            return self._refused(str(error), {"forward": form})
        return _("Forwarded.")

    def do_close(self, request, item):
        data, refused = self._form(CloseForm(request.POST, prefix="close"), "close")
        if refused:
            return refused
        actions.close(item, data["reason"], acting_user=request.user)
        return _("Closed.")

    def do_assign(self, request, item):
        data, refused = self._form(AssignForm(request.POST, item=item, prefix="assign"), "assign")
        if refused:
            return refused
        actions.assign(item, data.get("to_user"), acting_user=request.user)
        return _("Assignment saved.")

    def _reasons(self, item):
        version = version_in_force(item.channel.owner_unit.municipality)
        return list(RemovalReason.objects.filter(version=version)) if version else []

    def do_hide(self, request, item):
        form = ReasonForm(request.POST, reasons=self._reasons(item), prefix="hide")
        data, refused = self._form(form, "hide")
        if refused:
            return refused
        actions.hide(item, data["reason"], acting_user=request.user, note=data.get("note", ""))
        return _("Hiding is on its way to the platform.")

    def do_unhide(self, request, item):
        actions.unhide(item, acting_user=request.user, note=_posted_note(request))
        return _("Unhiding is on its way to the platform.")

    def do_tell_author(self, request, item):
        form = TellAuthorForm(request.POST, reasons=self._reasons(item), prefix="tell")
        data, refused = self._form(form, "tell")
        if refused:
            return refused
        refused = self._on_form(
            form,
            "tell",
            lambda: actions.tell_author(
                item, data["reason"], data["text"], acting_user=request.user
            ),
        )
        return refused or _("The author is being told why.")

    def do_delete(self, request, item):
        form = ReasonForm(request.POST, reasons=self._reasons(item), prefix="delete")
        data, refused = self._form(form, "delete")
        if refused:
            return refused
        try:
            actions.delete(
                item, data["reason"], acting_user=request.user, note=data.get("note", "")
            )
        except actions.ActionError as error:
            form.add_error(None, str(error))
            return self._refused(str(error), {"delete": form})
        return _("Deletion is on its way to the platform.")

    def do_record(self, request, item):
        data, refused = self._form(RecordForm(request.POST, prefix="record"), "record")
        if refused:
            return refused
        actions.capture_record(item, acting_user=request.user, **data)
        return _("Captured as a record.")

    def do_send_back(self, request, item):
        forwarding_id = request.POST.get("forwarding", "")
        if not (forwarding_id.isdigit() and len(forwarding_id) < 19):
            raise Http404
        forwarding = get_object_or_404(forwarded_to(request.user), pk=forwarding_id, item=item)
        form = SendBackForm(request.POST)
        data, refused = self._form(form, "send_back")
        if refused:
            return refused
        refused = self._on_form(
            form,
            "send_back",
            lambda: actions.send_back(forwarding, data["answer"], acting_user=request.user),
        )
        if refused:
            return refused
        messages.success(request, _("Your answer was sent back to the team."))
        return redirect("moderation:forwarded")


def _posted_note(request) -> str:
    """The optional note of a one-button action, held to the note form's rules (length, no
    NUL character); a note that breaks them refuses the action with the reason."""
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise actions.ActionError(" ".join(form.errors["note"]))
    return form.cleaned_data["note"]


class ForwardedView(ActionRequiredMixin, TemplateView):
    """The expert's "my forwarded questions"."""

    permission_action = "moderation.answer_forwarded"
    template_name = "moderation/forwarded.html"

    def get_context_data(self, **kwargs):
        rows = (
            forwarded_to(self.request.user)
            .select_related("item", "item__channel", "to_unit", "forwarded_by")
            .order_by("status", "due_at", "id")
        )
        return {
            "open": [f for f in rows if f.status == ForwardingStatus.OPEN],
            "done": [f for f in rows if f.status != ForwardingStatus.OPEN][:50],
            "now": timezone.now(),
            **kwargs,
        }


class NotificationsView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.view_queue"
    template_name = "moderation/notifications.html"

    def get_context_data(self, **kwargs):
        return {
            "notifications": Notification.objects.filter(user=self.request.user).select_related(
                "item"
            )[:100],
            **kwargs,
        }

    def post(self, request):
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return redirect("moderation:notifications")


class CrisisView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.crisis"
    template_name = "moderation/crisis.html"

    def get_context_data(self, **kwargs):
        municipality = _municipality(self.request.user)
        return {
            "municipality": municipality,
            "current": CrisisPeriod.objects.filter(
                municipality=municipality, ended_at__isnull=True
            ).first(),
            "periods": CrisisPeriod.objects.filter(municipality=municipality).select_related(
                "started_by", "ended_by"
            )[:20],
            "form": kwargs.pop("form", None) or CrisisForm(),
            **kwargs,
        }

    def post(self, request):
        municipality = _municipality(request.user)
        try:
            if request.POST.get("switch") == "off":
                period = actions.end_crisis(
                    municipality, acting_user=request.user, note=_posted_note(request)
                )
                messages.success(
                    request,
                    _("Crisis mode is off.")
                    + " "
                    + ngettext(
                        "%(count)d open item is back on the normal answer times.",
                        "%(count)d open items are back on the normal answer times.",
                        period.restored_items,
                    )
                    % {"count": period.restored_items},
                )
                return redirect("moderation:crisis")
            form = CrisisForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=400)
            period = actions.start_crisis(
                municipality, acting_user=request.user, **form.cleaned_data
            )
        except actions.ActionError as error:
            messages.error(request, str(error))
            return redirect("moderation:crisis")
        messages.success(
            request,
            _("Crisis mode is on.")
            + " "
            + ngettext(
                "The deadline of %(count)d open item was tightened.",
                "The deadlines of %(count)d open items were tightened.",
                period.tightened_items,
            )
            % {"count": period.tightened_items},
        )
        return redirect("moderation:crisis")


class RecordDetailView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.records"
    template_name = "moderation/record_detail.html"

    def get_context_data(self, **kwargs):
        record = get_object_or_404(
            Record.objects.select_related("item", "captured_by"), pk=self.kwargs["pk"]
        )
        return {
            "record": record,
            "form": kwargs.pop("form", None) or RecordForm(instance_record=record),
            "exporters": exporters.configured(),
            "may_read_as_written": can(self.request.user, "moderation.read_record_as_written"),
            **kwargs,
        }

    def post(self, request, pk):
        record = get_object_or_404(Record, pk=pk)
        form = RecordForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        actions.update_record(record, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Record metadata saved."))
        return redirect("moderation:record-detail", pk=pk)


class RecordAsWrittenView(ActionRequiredMixin, TemplateView):
    """The restricted copy of a record (personal ID numbers unmasked), for the records duty.
    Shown only after the reader states why; each reading is audited."""

    permission_action = "moderation.read_record_as_written"
    template_name = "moderation/record_as_written.html"

    def get_context_data(self, **kwargs):
        return {"record": get_object_or_404(Record, pk=self.kwargs["pk"]), **kwargs}

    def post(self, request, pk):
        record = get_object_or_404(Record, pk=pk)
        try:
            record = actions.read_record_as_written(
                record, acting_user=request.user, purpose=request.POST.get("purpose", "")
            )
        except actions.ActionError as error:
            return self.render_to_response(self.get_context_data(error=str(error)), status=400)
        response = self.render_to_response(self.get_context_data(as_written=record))
        # Never kept by a browser or proxy cache.
        response["Cache-Control"] = "no-store"
        return response


class RecordPdfView(ActionRequiredMixin, View):
    permission_action = "moderation.records"

    def get(self, request, pk):
        record = get_object_or_404(Record, pk=pk)
        response = HttpResponse(exporters.render_pdf(record), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="record-{record.pk}.pdf"'
        return response


class RecordExportView(ActionRequiredMixin, View):
    permission_action = "moderation.records"

    def post(self, request, pk):
        record = get_object_or_404(Record, pk=pk)
        try:
            done = actions.export_record(
                record, acting_user=request.user, exporter=request.POST.get("exporter", "")
            )
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Exported: %(where)s") % {"where": done})
        return redirect("moderation:record-detail", pk=pk)

    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])


AUDIT_COLUMNS = ("at", "actor", "action", "item", "channel", "reason", "note", "policy_version")


class AuditLogView(ActionRequiredMixin, TemplateView):
    """The audit trail, filterable; `?format=csv` downloads the filtered rows."""

    permission_action = "moderation.view_audit"
    template_name = "moderation/audit_log.html"

    def entries(self):
        params = self.request.GET
        rows = AuditEntry.objects.select_related("actor", "channel", "policy_version__policy")
        if params.get("action"):
            rows = rows.filter(action=params["action"])
        if params.get("actor"):
            rows = rows.filter(actor__username=params["actor"])
        # An id past the database's largest integer finds nothing (SQLite cannot even ask).
        for key in ("channel", "item"):
            value = params.get(key, "")
            if value.isdigit():
                rows = rows.filter(**{f"{key}_id": int(value)}) if len(value) < 19 else rows.none()
        for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
            value = params.get(key, "")
            with contextlib.suppress(ValueError):
                rows = rows.filter(**{lookup: datetime.strptime(value, "%Y-%m-%d").date()})
        return rows.order_by("-at", "-id")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
            writer = csv_export.writer(response)
            writer.writerow([*AUDIT_COLUMNS, "data", "object_type", "object_id", "before", "after"])
            for entry in self.entries().iterator(chunk_size=2000):
                writer.writerow(
                    [
                        entry.at.isoformat(),
                        entry.actor.username if entry.actor else "",
                        entry.action,
                        entry.item_id or "",
                        entry.channel.name if entry.channel else "",
                        entry.reason,
                        mask_personal_ids(entry.note),
                        str(entry.policy_version) if entry.policy_version else "",
                        _masked_json(entry.data),
                        entry.object_type,
                        entry.object_id or "",
                        _masked_json(entry.before),
                        _masked_json(entry.after),
                    ]
                )
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        page = Paginator(self.entries(), 100).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "entries": page.object_list,
            "actions": AuditEntry.objects.order_by("action")
            .values_list("action", flat=True)
            .distinct(),
            "params": self.request.GET,
            "filter_query": query.urlencode(),
            "channels": Channel.objects.for_user(self.request.user).order_by("name"),
            **kwargs,
        }


def _masked_json(data) -> str:
    import json

    return json.dumps(mask_personal_ids_in(data), ensure_ascii=False, sort_keys=True)
