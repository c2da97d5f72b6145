"""API: canned answers. Everyone who works the queue reads them; the communications lead (and
the system administrator) writes them, like the settings page. Placeholders are checked by
`canned.placeholder_errors` in the actions; writes go through `actions`."""

from rest_framework import serializers, viewsets

from core.api_errors import action_failed
from governance.models import Municipality

from .. import actions, limits
from ..models import CannedAnswer

MANAGE = "governance.manage_settings"


class CannedAnswerSerializer(serializers.ModelSerializer):
    text = serializers.CharField(max_length=limits.REPLY_TEXT)

    class Meta:
        model = CannedAnswer
        fields = [
            "id",
            "code",
            "title",
            "text",
            "language",
            "platform",
            "for_personal_data",
            "order",
        ]
        # The code, language and platform together are checked by the action, with its message.
        validators = []


class CannedAnswerViewSet(viewsets.ModelViewSet):
    """The municipality's canned answers; `?platform=` and `?language=` narrow the list."""

    serializer_class = CannedAnswerSerializer
    permission_actions = {
        "list": "moderation.view_queue",
        "retrieve": "moderation.view_queue",
        "create": MANAGE,
        "update": MANAGE,
        "partial_update": MANAGE,
        "destroy": MANAGE,
    }
    filterset_fields = ["platform", "language"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema reads the model, no rows
            return CannedAnswer.objects.none()
        return CannedAnswer.objects.filter(municipality=Municipality.objects.current()).order_by(
            "language", "platform", "order", "title", "pk"
        )

    def perform_create(self, serializer):
        try:
            serializer.instance = actions.create_canned_answer(
                Municipality.objects.current(),
                acting_user=self.request.user,
                **serializer.validated_data,
            )
        except actions.ActionError as error:
            raise action_failed(error) from None

    def perform_update(self, serializer):
        try:
            serializer.instance = actions.update_canned_answer(
                serializer.instance, acting_user=self.request.user, **serializer.validated_data
            )
        except actions.ActionError as error:
            raise action_failed(error) from None

    def perform_destroy(self, instance):
        actions.delete_canned_answer(instance, acting_user=self.request.user)
