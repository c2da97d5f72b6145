"""API: the moderation queue."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from governance.permissions.api import ActionPermission

from .models import QueueItem


class QueueItemSerializer(serializers.ModelSerializer):
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = QueueItem
        fields = [
            "id",
            "platform",
            "channel",
            "external_id",
            "kind",
            "parent",
            "text",
            "author_name",
            "permalink",
            "created_at",
            "received_at",
            "first_response_due",
            "answer_due",
            "status",
            "assigned_to",
            "web_url",
        ]

    def get_web_url(self, item) -> str:
        request = self.context.get("request")
        url = item.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class QueueItemFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="text", lookup_expr="icontains", label="Text contains")

    class Meta:
        model = QueueItem
        fields = ["q", "platform", "channel", "status", "kind", "assigned_to"]


class QueueItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QueueItemSerializer
    permission_classes = [ActionPermission]
    permission_actions = {"list": "moderation.view_queue", "retrieve": "moderation.view_item"}
    filterset_class = QueueItemFilter

    def get_queryset(self):
        return QueueItem.objects.for_user(self.request.user).order_by(
            "answer_due", "received_at", "id"
        )


def register(router):
    router.register("items", QueueItemViewSet, basename="item")
