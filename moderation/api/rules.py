"""API: inbox rules and labels, with the same permissions as the settings pages. The
communications team reads the rules, their versions and dry runs; the communications lead (and
the system administrator) writes them; DELETE archives a rule (its history stays). Writes go
through `rule_actions`; definitions are checked by `inbox_rules.clean_definition`."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_errors import action_failed
from core.permissions import can
from governance.models import Municipality

from .. import inbox_rules, rule_actions
from ..actions import ActionError
from ..inbox_rules import RuleError
from ..models import InboxRule, Label, LabelColour, RuleAction, RuleVersion
from .fields import MaskedTextField

VIEW = "moderation.view_rules"
MANAGE = "moderation.manage_rules"


class LabelSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=rule_actions.LABEL_NAME_MAX)
    colour = serializers.ChoiceField(choices=LabelColour.choices, default=LabelColour.BLUE)

    class Meta:
        model = Label
        fields = ["id", "name", "colour"]
        validators = []


class LabelViewSet(viewsets.ModelViewSet):
    """The municipality's labels. Filter the queue by one: `GET /api/v1/items/?label=<id>`."""

    serializer_class = LabelSerializer
    pagination_class = None
    permission_actions = {
        "list": "moderation.view_labels",
        "retrieve": "moderation.view_labels",
        "create": "moderation.manage_labels",
        "update": "moderation.manage_labels",
        "partial_update": "moderation.manage_labels",
        "destroy": "moderation.manage_labels",
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Label.objects.none()
        return Label.objects.filter(municipality=Municipality.objects.current()).order_by(
            "name", "pk"
        )

    def perform_create(self, serializer):
        try:
            serializer.instance = rule_actions.create_label(
                Municipality.objects.current(),
                acting_user=self.request.user,
                **serializer.validated_data,
            )
        except ActionError as error:
            raise action_failed(error) from None

    def perform_update(self, serializer):
        try:
            serializer.instance = rule_actions.update_label(
                serializer.instance, acting_user=self.request.user, **serializer.validated_data
            )
        except ActionError as error:
            raise action_failed(error) from None

    def perform_destroy(self, instance):
        try:
            rule_actions.delete_label(instance, acting_user=self.request.user)
        except ActionError as error:
            raise action_failed(error) from None


class ConditionsField(serializers.JSONField):
    """The rule's conditions (see `moderation.inbox_rules`): platforms, channels, kinds, words,
    regex, authors, has_link, has_personal_data."""


class ActionsField(serializers.JSONField):
    """The rule's actions (see `moderation.inbox_rules`): labels, assign_to, assign_team,
    forward_to, forward_automatically, priority, close_as, close_reason, hide_reason."""


class InboxRuleSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=rule_actions.NAME_MAX)
    conditions = ConditionsField()
    actions = ActionsField()
    enabled = serializers.BooleanField(default=True)

    class Meta:
        model = InboxRule
        fields = [
            "id",
            "name",
            "enabled",
            "order",
            "conditions",
            "actions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["order", "version", "created_at", "updated_at"]


class RuleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleVersion
        fields = [
            "number",
            "change",
            "name",
            "enabled",
            "order",
            "conditions",
            "actions",
            "changed_by",
            "changed_at",
        ]


class DryRunInput(serializers.Serializer):
    conditions = ConditionsField()
    actions = ActionsField()


class DryRunSampleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    received_at = serializers.DateTimeField()
    channel = serializers.CharField(source="channel.label")
    text = MaskedTextField(source="masked_text")


class DryRunSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    examined = serializers.IntegerField()
    matched = serializers.IntegerField()
    capped = serializers.BooleanField()
    per_action = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Items per action: " + ", ".join(RuleAction.values),
    )
    sample = DryRunSampleSerializer(many=True)


class InboxRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The inbox rules in the order they run. DELETE archives a rule: it stops running, its
    versions and what it did stay."""

    serializer_class = InboxRuleSerializer
    pagination_class = None
    permission_actions = {
        "list": VIEW,
        "retrieve": VIEW,
        "versions": VIEW,
        "dry_run": VIEW,
        "create": MANAGE,
        "update": MANAGE,
        "partial_update": MANAGE,
        "destroy": MANAGE,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InboxRule.objects.none()
        return InboxRule.objects.live().filter(municipality=Municipality.objects.current())

    def _regex(self):
        return can(self.request.user, "moderation.rule_regex")

    def perform_create(self, serializer):
        try:
            serializer.instance = rule_actions.create_rule(
                Municipality.objects.current(),
                acting_user=self.request.user,
                may_use_regex=self._regex(),
                **serializer.validated_data,
            )
        except ActionError as error:
            raise action_failed(error) from None

    def perform_update(self, serializer):
        try:
            serializer.instance = rule_actions.update_rule(
                serializer.instance,
                acting_user=self.request.user,
                may_use_regex=self._regex(),
                **serializer.validated_data,
            )
        except ActionError as error:
            raise action_failed(error) from None

    def perform_destroy(self, instance):
        try:
            rule_actions.archive_rule(instance, acting_user=self.request.user)
        except ActionError as error:
            raise action_failed(error) from None

    @extend_schema(responses=RuleVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Every version of the rule, newest first."""
        rule = self.get_object()
        rows = RuleVersion.objects.filter(rule=rule).order_by("-number")
        return Response(RuleVersionSerializer(rows, many=True).data)

    @extend_schema(request=DryRunInput, responses=DryRunSerializer)
    @action(detail=False, methods=["post"], url_path="dry-run")
    def dry_run(self, request):
        """What a rule with these conditions and actions would have done to the items received
        in the last 30 days: counts per action and a few items (masked). Changes nothing."""
        data = DryRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        municipality = Municipality.objects.current()
        try:
            conditions, actions = inbox_rules.clean_definition(
                municipality,
                data.validated_data["conditions"],
                data.validated_data["actions"],
                may_use_regex=self._regex(),
            )
        except RuleError as error:
            raise action_failed(ActionError(str(error), field=error.field)) from None
        result = inbox_rules.dry_run(municipality, conditions, actions)
        return Response(DryRunSerializer(result).data)
