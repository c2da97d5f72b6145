"""API: the teams' alert destinations (Microsoft Teams, Slack), with the same rule as the
settings page (`moderation.manage_alert_hooks`): the communications lead every unit's, a centre
manager their centre's. The URL is write-only (the answer shows it masked); `test` queues a test
message. Writes go through `alert_actions`."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_errors import action_failed

from .. import alert_actions
from ..actions import ActionError
from ..models import AlertEvent, AlertHook

RULE = alert_actions.RULE


class AlertHookSerializer(serializers.ModelSerializer):
    url = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="The webhook URL; stored encrypted, shown masked as `url_hint`. When changing "
        "a destination, leave it out to keep the stored one.",
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=AlertEvent.choices))

    class Meta:
        model = AlertHook
        fields = [
            "id",
            "unit",
            "name",
            "kind",
            "url",
            "url_hint",
            "events",
            "language",
            "enabled",
            "last_status",
            "last_status_at",
            "last_error",
        ]
        read_only_fields = ["url_hint", "last_status", "last_status_at", "last_error"]
        # The unit and name together are checked by the action, with its message.
        validators = []


class AlertTestAnswer(serializers.Serializer):
    queued = serializers.BooleanField()


class AlertHookViewSet(viewsets.ModelViewSet):
    """Alert destinations the caller manages; POST `{id}/test/` sends a test message (its
    outcome shows in `last_status` once delivered)."""

    serializer_class = AlertHookSerializer
    permission_actions = dict.fromkeys(
        ("list", "retrieve", "create", "update", "partial_update", "destroy", "test"), RULE
    )
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AlertHook.objects.none()
        return AlertHook.objects.for_user(self.request.user).select_related("unit")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "unit" in getattr(serializer, "fields", {}) and not getattr(
            self, "swagger_fake_view", False
        ):
            from ..views.alerts import manageable_units

            serializer.fields["unit"].queryset = manageable_units(self.request.user)
        return serializer

    def perform_create(self, serializer):
        values = dict(serializer.validated_data)
        try:
            serializer.instance = alert_actions.create_hook(
                acting_user=self.request.user, url=values.pop("url", ""), **values
            )
        except ActionError as error:
            raise action_failed(error) from None

    def perform_update(self, serializer):
        values = dict(serializer.validated_data)
        try:
            serializer.instance = alert_actions.update_hook(
                serializer.instance,
                acting_user=self.request.user,
                url=values.pop("url", ""),
                **values,
            )
        except ActionError as error:
            raise action_failed(error) from None

    def perform_destroy(self, instance):
        alert_actions.delete_hook(instance, acting_user=self.request.user)

    @extend_schema(request=None, responses={202: AlertTestAnswer})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        alert_actions.send_test(self.get_object(), acting_user=request.user)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


__all__ = ["AlertHookSerializer", "AlertHookViewSet"]
