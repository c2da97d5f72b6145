"""API: journal records, their as-written text and their export."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_errors import BlankableURLField, action_failed
from core.permissions.api import ActionPermission

from .. import actions, limits
from ..models import (
    Record,
)
from .fields import MaskedJSONField


class RecordSerializer(serializers.ModelSerializer):
    """A record as the archive sees it: personal ID numbers masked in the text, the thread and
    our replies (the copy as written is read through `as-written`, restricted and audited)."""

    thread = MaskedJSONField()
    replies = MaskedJSONField()

    permalink = BlankableURLField(read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "item",
            "platform",
            "external_id",
            "channel_name",
            "author_name",
            "text",
            "permalink",
            "created_at",
            "received_at",
            "thread",
            "replies",
            "captured_at",
            "captured_by",
            "subject",
            "case_number",
            "classification",
            "sender",
            "recipient",
            "confidentiality",
            "extra",
            "exported_at",
        ]
        read_only_fields = [
            name
            for name in fields
            if name
            not in (
                "subject",
                "case_number",
                "classification",
                "sender",
                "recipient",
                "confidentiality",
                "extra",
            )
        ]


class AsWrittenInput(serializers.Serializer):
    purpose = serializers.CharField(
        max_length=500, help_text=_("Why the text as written is needed; kept in the audit trail.")
    )


class RecordAsWrittenSerializer(serializers.ModelSerializer):
    """The restricted copy: the text and our replies as written, personal ID numbers unmasked."""

    text = serializers.CharField(source="text_unmasked", read_only=True)
    replies = serializers.JSONField(read_only=True)

    class Meta:
        model = Record
        fields = ["id", "item", "text", "replies"]


class ExportInput(serializers.Serializer):
    exporter = serializers.CharField(
        max_length=limits.EXPORTER, help_text=_("A configured exporter: file or email.")
    )


class RecordViewSet(
    viewsets.mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Captured records: read, complete the archive metadata, export."""

    serializer_class = RecordSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        **dict.fromkeys(
            ("list", "retrieve", "update", "partial_update", "export"), "moderation.records"
        ),
        "as_written": "moderation.read_record_as_written",
    }
    queryset = Record.objects.order_by("-captured_at", "-id")
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        action = self.permission_actions.get(self.action, "moderation.records")
        return super().get_queryset().restrict(self.request.user, action)

    http_method_names = ["get", "patch", "post", "head", "options"]

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = actions.update_record(
            serializer.instance, acting_user=self.request.user, **data
        )

    @extend_schema(request=AsWrittenInput, responses=RecordAsWrittenSerializer)
    @action(detail=True, methods=["post"], url_path="as-written")
    def as_written(self, request, pk=None):
        """The record as written (restricted to the records duty); each reading is audited."""
        record = self.get_object()
        data = AsWrittenInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record = actions.read_record_as_written(
                record, acting_user=request.user, purpose=data.validated_data["purpose"]
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response(RecordAsWrittenSerializer(record).data)

    @extend_schema(request=ExportInput, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        record = self.get_object()
        data = ExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.export_record(
                record, acting_user=request.user, exporter=data.validated_data["exporter"]
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        record.refresh_from_db()
        return Response(self.get_serializer(record).data)
