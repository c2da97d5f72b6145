"""API: the user's notifications."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.permissions.api import ActionPermission

from ..models import (
    Notification,
)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "item", "message", "created_at", "read_at", "emailed_at"]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The user's own notifications; `read` marks one as read."""

    serializer_class = NotificationSerializer
    permission_classes = [ActionPermission]
    permission_actions = dict.fromkeys(("list", "retrieve", "read"), "moderation.view_queue")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()
        if note.read_at is None:
            Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
            note.refresh_from_db()
        return Response(self.get_serializer(note).data)
