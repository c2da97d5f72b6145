"""Journal records: a record's page, its as-written text, its PDF and its export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import can
from core.permissions.views import ActionRequiredMixin

from .. import actions, exporters, record_content
from ..forms import (
    RecordForm,
)
from ..models import (
    Record,
)


class RecordObjectMixin(ActionRequiredMixin):
    """The page's record comes from the records the user may do its `permission_action` to."""

    def records(self):
        return Record.objects.restrict(self.request.user, self.permission_action)


class RecordDetailView(RecordObjectMixin, TemplateView):
    permission_action = "moderation.records"
    template_name = "moderation/record_detail.html"

    def get_context_data(self, **kwargs):
        record = get_object_or_404(
            self.records().select_related("item__channel__owner_unit__municipality", "captured_by"),
            pk=self.kwargs["pk"],
        )
        return {
            "record": record,
            "content": record_content.build(record),
            "form": kwargs.pop("form", None) or RecordForm(instance_record=record),
            "exporters": exporters.configured(),
            "may_read_as_written": can(self.request.user, "moderation.read_record_as_written"),
            **kwargs,
        }

    def post(self, request, pk):
        record = get_object_or_404(self.records(), pk=pk)
        form = RecordForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        actions.update_record(record, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Record metadata saved."))
        return redirect("moderation:record-detail", pk=pk)


class RecordAsWrittenView(RecordObjectMixin, TemplateView):
    """The restricted copy of a record (personal ID numbers unmasked), for the records duty.
    Shown only after the reader states why; each reading is audited."""

    permission_action = "moderation.read_record_as_written"
    template_name = "moderation/record_as_written.html"

    def get_context_data(self, **kwargs):
        return {"record": get_object_or_404(self.records(), pk=self.kwargs["pk"]), **kwargs}

    def post(self, request, pk):
        record = get_object_or_404(self.records(), pk=pk)
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


class RecordPdfView(RecordObjectMixin, View):
    permission_action = "moderation.records"

    def get(self, request, pk):
        record = get_object_or_404(self.records(), pk=pk)
        response = HttpResponse(exporters.render_pdf(record), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="record-{record.pk}.pdf"'
        return response


class RecordExportView(RecordObjectMixin, View):
    permission_action = "moderation.records"

    def post(self, request, pk):
        record = get_object_or_404(self.records(), pk=pk)
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
