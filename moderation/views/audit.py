"""The audit log page of moderation actions, with its CSV export."""

from __future__ import annotations

import contextlib
from datetime import datetime

from django.http import HttpResponse
from django.views.generic import TemplateView

from accounts.models import Channel
from audit import labels as audit_labels
from audit.models import AuditEntry
from core import csv_export
from core.permissions.views import ActionRequiredMixin

from ..personal_data import mask_personal_ids, mask_personal_ids_in

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
                        entry.channel.label if entry.channel else "",
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
            "entries": audit_labels.prepare(page.object_list),
            "actions": AuditEntry.objects.order_by("action")
            .values_list("action", flat=True)
            .distinct(),
            "params": self.request.GET,
            "filter_query": query.urlencode(),
            "channels": Channel.objects.for_user(self.request.user).order_by(
                "name", "platform", "pk"
            ),
            **kwargs,
        }


def _masked_json(data) -> str:
    import json

    return json.dumps(mask_personal_ids_in(data), ensure_ascii=False, sort_keys=True)
