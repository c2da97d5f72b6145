"""API: the audit trail of moderation actions."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from audit.models import AuditEntry
from core.bounds import SupportedIsoDateTimeFilter
from core.permissions.api import ActionPermission

from .fields import MaskedJSONField, MaskedTextField


class AuditEntrySerializer(serializers.ModelSerializer):
    # Replies, notices and answers in `data.text` (and notes) as the pages show them.
    note = MaskedTextField()
    before = MaskedJSONField()
    after = MaskedJSONField()
    data = MaskedJSONField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "item",
            "channel",
            "reason",
            "note",
            "policy_version",
            "before",
            "after",
            "data",
            "request_id",
        ]


class AuditEntryFilter(filters.FilterSet):
    since = SupportedIsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = SupportedIsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = [
            "action",
            "actor",
            "object_type",
            "item",
            "channel",
            "reason",
            "since",
            "until",
        ]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The append-only audit trail (read only)."""

    serializer_class = AuditEntrySerializer
    permission_classes = [ActionPermission]
    permission_actions = {"list": "moderation.view_audit", "retrieve": "moderation.view_audit"}
    filterset_class = AuditEntryFilter
    queryset = AuditEntry.objects.order_by("-at", "-id")
