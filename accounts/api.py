"""API: the channel registry."""

from rest_framework import serializers, viewsets

from governance.permissions.api import ActionPermission

from .models import Channel


class ChannelSerializer(serializers.ModelSerializer):
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id",
            "platform",
            "name",
            "handle",
            "url",
            "external_id",
            "scope",
            "owner_unit",
            "responsible",
            "deputy",
            "status",
            "created_at",
            "updated_at",
            "web_url",
        ]

    def get_web_url(self, channel) -> str:
        request = self.context.get("request")
        url = channel.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class ChannelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChannelSerializer
    permission_classes = [ActionPermission]
    permission_actions = {"list": "channels.view", "retrieve": "channels.view"}
    filterset_fields = ["platform", "scope", "status", "owner_unit"]

    def get_queryset(self):
        return Channel.objects.for_user(self.request.user).order_by("platform", "name", "id")


def register(router):
    router.register("channels", ChannelViewSet, basename="channel")
