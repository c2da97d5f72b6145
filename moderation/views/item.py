"""An item's page and the actions taken on it (reply, hide, forward, close, ...). Writes go
through `actions`."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from governance.models import RemovalReason
from governance.permissions import can
from governance.permissions.views import ActionRequiredMixin
from governance.policy import version_in_force

from .. import actions
from ..forms import (
    AssignForm,
    CloseForm,
    ForwardForm,
    NoteForm,
    ReasonForm,
    RecordForm,
    ReplyForm,
    SendBackForm,
    TellAuthorForm,
)
from ..models import (
    CannedAnswer,
    Forwarding,
    ForwardingStatus,
    QueueItem,
    Record,
)
from .common import _posted_note


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
        forwarding = get_object_or_404(
            Forwarding.objects.forwarded_to(request.user), pk=forwarding_id, item=item
        )
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
