"""The actions posted from an item's page (acknowledge, reply, forward, close, assign, hide,
unhide, tell the author, delete, send a failed write again, capture a record, send an expert's
answer back, add or remove a label): each reads its
form and calls its function in `actions`; a refused step re-renders the page with the message."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.permissions.views import ActionRequiredMixin

from .. import actions
from ..forms import (
    AssignForm,
    CloseForm,
    ForwardForm,
    ReasonForm,
    RecordForm,
    ReplyForm,
    SendBackForm,
    TellAuthorForm,
)
from ..item_page import forwarding_to_answer, removal_reasons, visible_item
from .common import posted_note
from .item import item_context, with_post_pictures


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
        self.item = visible_item(self.request.user, self.kwargs["pk"])
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

    def _refused(self, message, forms, *, status=400, **extra):
        context = item_context(self.request, self.item, forms=forms, error=message, **extra)
        return with_post_pictures(
            render(self.request, "moderation/item_detail.html", context, status=status)
        )

    def _form(self, form, key):
        if not form.is_valid():
            return None, self._refused(_("Check the form."), {key: form})
        return form.cleaned_data, None

    def _on_form(self, form, key, perform, refusals=actions.PersonalIdInText, field=None):
        """Run `perform()`; a refusal of the kind `refusals` is shown on the form, on the field
        it names (else on `field`, else on the form as a whole)."""
        try:
            perform()
        except refusals as error:
            named = error.field if error.field in form.fields else None
            form.add_error(named or field, str(error))
            return self._refused(str(error), {key: form})
        return None

    def do_acknowledge(self, request, item):
        actions.acknowledge(item, acting_user=request.user, note=posted_note(request))
        return _("Acknowledged.")

    def do_reply(self, request, item):
        form = ReplyForm(request.POST)
        data, refused = self._form(form, "reply")
        if refused:
            return refused
        forwarding = None
        if data.get("forwarding"):
            forwarding = item.forwardings.filter(pk=data["forwarding"]).first()
        try:
            actions.reply(
                item,
                data["text"],
                acting_user=request.user,
                idempotency_key=data["idempotency_key"],
                canned=data.get("canned") or "",
                forwarding=forwarding,
                seen_write=data.get("seen_write"),
                send_anyway=data.get("send_anyway", False),
            )
        except actions.AnsweredMeanwhile as error:
            # The typed answer stays in the form, with "send mine anyway" offered beside it.
            return self._refused(str(error), {"reply": form}, status=409, answered_meanwhile=True)
        except actions.ActionError as error:
            # Whatever the refusal, the typed answer is kept.
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return self._refused(str(error), {"reply": form})
        return _("The answer is on its way to the platform.")

    def do_forward(self, request, item):
        form = ForwardForm(request.POST, prefix="forward", item=item)
        data, refused = self._form(form, "forward")
        if refused:
            return refused
        refused = self._on_form(
            form,
            "forward",
            lambda: actions.forward(
                item,
                to_unit=data["to_unit"],
                to_user=data.get("to_user"),
                due_at=data["due_at"],
                note=data.get("note", ""),
                acting_user=request.user,
            ),
            refusals=actions.ActionError,
            field="due_at",
        )
        return refused or _("Forwarded.")

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

    def do_hide(self, request, item):
        form = ReasonForm(request.POST, reasons=removal_reasons(item), prefix="hide")
        data, refused = self._form(form, "hide")
        if refused:
            return refused
        actions.hide(item, data["reason"], acting_user=request.user, note=data.get("note", ""))
        return _("Hiding is on its way to the platform.")

    def do_accept_suggestion(self, request, item):
        """Accept what an inbox rule suggested (hiding), with one click."""
        from .. import rule_actions

        raw = request.POST.get("hit", "")
        hit = item.rule_hits.filter(pk=raw).first() if raw.isdigit() and len(raw) < 19 else None
        if hit is None:
            raise Http404
        rule_actions.accept_suggestion(hit, acting_user=request.user)
        return _("Hiding is on its way to the platform.")

    def _posted_label(self, request, item):
        """The label named by the form, among the item's municipality's; None for anything
        else."""
        from ..models import Label

        raw = request.POST.get("label", "")
        if not (raw.isdigit() and len(raw) < 19):
            return None
        municipality = item.channel.owner_unit.municipality_id
        return Label.objects.filter(pk=raw, municipality_id=municipality).first()

    def do_add_label(self, request, item):
        from .. import rule_actions

        label = self._posted_label(request, item)
        if label is None:
            return self._refused(_("Choose one of your municipality's labels."), {})
        if rule_actions.add_label(item, label, acting_user=request.user):
            return _("Label “%(name)s” added.") % {"name": label.name}
        return _("The item already has the label “%(name)s”.") % {"name": label.name}

    def do_remove_label(self, request, item):
        from .. import rule_actions

        label = self._posted_label(request, item)
        if label is None:
            return self._refused(_("Choose one of your municipality's labels."), {})
        if rule_actions.remove_label(item, label, acting_user=request.user):
            return _("Label “%(name)s” removed.") % {"name": label.name}
        return _("The item does not have the label “%(name)s”.") % {"name": label.name}

    def do_unhide(self, request, item):
        actions.unhide(item, acting_user=request.user, note=posted_note(request))
        return _("Unhiding is on its way to the platform.")

    def do_tell_author(self, request, item):
        form = TellAuthorForm(request.POST, reasons=removal_reasons(item), prefix="tell")
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
        form = ReasonForm(request.POST, reasons=removal_reasons(item), prefix="delete")
        data, refused = self._form(form, "delete")
        if refused:
            return refused
        refused = self._on_form(
            form,
            "delete",
            lambda: actions.delete(
                item, data["reason"], acting_user=request.user, note=data.get("note", "")
            ),
            refusals=actions.ActionError,
        )
        return refused or _("Deletion is on its way to the platform.")

    def do_retry(self, request, item):
        raw = request.POST.get("message", "")
        message = None
        if raw:
            if not (raw.isdigit() and len(raw) < 19):
                return self._refused(_("Check the form."), {})
            message = item.outbox_messages.filter(pk=raw).first()
            if message is None:
                return self._refused(
                    _("There is nothing to send again: no write on it failed."), {}
                )
        actions.retry(item, acting_user=request.user, message=message)
        return _("Sent to the platform again.")

    def do_record(self, request, item):
        data, refused = self._form(RecordForm(request.POST, prefix="record"), "record")
        if refused:
            return refused
        actions.capture_record(item, acting_user=request.user, **data)
        return _("Captured as a record.")

    def do_send_back(self, request, item):
        forwarding = forwarding_to_answer(request.user, item, request.POST.get("forwarding", ""))
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
