"""API: questions forwarded to an expert, and their answers."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_errors import action_failed
from core.permissions.api import ActionPermission

from .. import actions, limits
from ..models import (
    Forwarding,
)
from .fields import MaskedTextField


class ForwardingSerializer(serializers.ModelSerializer):
    item_text = serializers.CharField(source="item.masked_text", read_only=True)
    note = MaskedTextField()
    answer_text = MaskedTextField()
    item_answer_due = serializers.DateTimeField(source="item.answer_due", read_only=True)
    internal_state = serializers.SerializerMethodField(
        help_text=_(
            "Where the internal deadline stands: waiting, due_soon (past the reminder point), "
            "overdue, met, late (answered after it), or empty once withdrawn."
        )
    )

    not_sent_reason = serializers.CharField(
        read_only=True,
        help_text=_(
            "Why the platform did not take the reply carrying the answer, when the status is "
            "not_sent (the answer is then ready to be sent again); otherwise empty."
        ),
    )

    class Meta:
        model = Forwarding
        fields = [
            "id",
            "item",
            "item_text",
            "item_answer_due",
            "to_unit",
            "to_user",
            "note",
            "due_at",
            "warn_at",
            "internal_state",
            "status",
            "not_sent_reason",
            "forwarded_at",
            "answer_text",
            "answered_at",
        ]

    def get_internal_state(self, forwarding) -> str:
        return forwarding.internal_state(self.context.get("now") or timezone.now())


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=limits.FORWARDING_ANSWER)


class ForwardingViewSet(viewsets.ReadOnlyModelViewSet):
    """Questions forwarded to the user (or their department) to answer."""

    serializer_class = ForwardingSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "moderation.answer_forwarded",
        "retrieve": "moderation.answer_forwarded",
        "send_back": "moderation.answer_forwarded",
    }

    def get_queryset(self):
        return (
            Forwarding.objects.forwarded_to(self.request.user)
            .select_related("item", "posted_with")
            .order_by("due_at", "id")
        )

    @extend_schema(request=AnswerInput, responses=ForwardingSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        forwarding = self.get_object()
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            forwarding = actions.send_back(
                forwarding, data.validated_data["answer"], acting_user=request.user
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response(self.get_serializer(forwarding).data)
