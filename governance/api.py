"""API: who am I, in the organisation's terms; policies, their versions, the rules in force and
read confirmations of the guidelines."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import ActionRefused, action_failed
from core.permissions import access_for, can
from core.permissions.api import SCOPED, ActionPermission

from . import actions, api_tokens, settings_api
from .hours_api import ClosingDayViewSet, MyNotificationsView, OpeningHoursView
from .models import (
    AnswerTimeRule,
    CommunicationValue,
    Membership,
    Municipality,
    Policy,
    PolicySection,
    PolicyStatus,
    PolicyVersion,
    ReadConfirmation,
    RemovalReason,
)
from .policy import version_in_force


class MembershipSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    unit_kind = serializers.CharField(source="unit.kind")
    centre = serializers.IntegerField(source="unit.centre_id", allow_null=True)

    class Meta:
        model = Membership
        fields = ["unit", "unit_name", "unit_kind", "centre", "role", "is_lead"]


class MeView(APIView):
    # Every member may ask who they are; the answer is about themselves only.
    permission_actions = {"get": SCOPED}

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "username": serializers.CharField(),
                "is_communications_team": serializers.BooleanField(),
                "memberships": MembershipSerializer(many=True),
            },
        )
    )
    def get(self, request):
        access = access_for(request.user)
        memberships = Membership.objects.filter(user=request.user).select_related("unit")
        return Response(
            {
                "id": request.user.pk,
                "username": request.user.get_username(),
                "is_communications_team": access.sees_everything,
                "memberships": MembershipSerializer(memberships, many=True).data,
            }
        )


# --- Policies and guidelines


class AnswerTimeRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnswerTimeRule
        fields = [
            "platform",
            "item_kind",
            "first_response_minutes",
            "first_response_clock",
            "answer_minutes",
            "answer_clock",
        ]


class RemovalReasonSerializer(serializers.ModelSerializer):
    translations = serializers.SerializerMethodField()

    class Meta:
        model = RemovalReason
        fields = ["code", "label", "explanation", "order", "automatic_allowed", "translations"]

    @extend_schema_field(serializers.DictField(child=serializers.DictField()))
    def get_translations(self, reason):
        return {
            t.language: {"label": t.label, "explanation": t.explanation}
            for t in reason.translations.all()
        }


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicySection
        fields = ["key", "heading", "audience", "house_rule_part", "language", "order", "body"]


class CommunicationValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommunicationValue
        fields = ["name", "description", "language", "order"]


class PolicyVersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "policy",
            "number",
            "status",
            "adopted_by",
            "adopted_on",
            "reference",
            "in_force_from",
            "inactivity_limit_days",
            "change_note",
        ]


class PolicyVersionSerializer(PolicyVersionSummarySerializer):
    sections = SectionSerializer(many=True, read_only=True)
    answer_time_rules = AnswerTimeRuleSerializer(many=True, read_only=True)
    removal_reasons = RemovalReasonSerializer(many=True, read_only=True)
    communication_values = CommunicationValueSerializer(many=True, read_only=True)

    class Meta(PolicyVersionSummarySerializer.Meta):
        fields = [
            *PolicyVersionSummarySerializer.Meta.fields,
            "sections",
            "answer_time_rules",
            "removal_reasons",
            "communication_values",
        ]


class PolicySerializer(serializers.ModelSerializer):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = ["id", "title", "parent", "governs_social_media", "versions"]

    @extend_schema_field(PolicyVersionSummarySerializer(many=True))
    def get_versions(self, policy):
        return PolicyVersionSummarySerializer(policy.visible_versions, many=True).data


def _visible_versions(user):
    versions = PolicyVersion.objects.all()
    if not can(user, "governance.manage_policy"):
        versions = versions.exclude(status=PolicyStatus.DRAFT)
    return versions.order_by("-number")


def _municipality_scope(queryset, field="municipality"):
    municipality = Municipality.objects.current()
    return queryset.filter(**{field: municipality}) if municipality else queryset.none()


class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    """The municipality's policies with their versions (drafts only for the communications team)."""

    serializer_class = PolicySerializer
    queryset = Policy.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [ActionPermission]
    permission_actions = {"list": "governance.view_policy", "retrieve": "governance.view_policy"}

    def get_queryset(self):
        return (
            _municipality_scope(Policy.objects.all())
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=_visible_versions(self.request.user),
                    to_attr="visible_versions",
                )
            )
            .order_by("title", "id")
        )


class AdoptSerializer(serializers.Serializer):
    adopted_by = serializers.CharField(max_length=200)
    adopted_on = serializers.DateField()
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PolicyVersionFilter(filters.FilterSet):
    class Meta:
        model = PolicyVersion
        fields = ["policy", "status"]


class PolicyVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions with their text and structured rules; `adopt` puts a draft in force."""

    serializer_class = PolicyVersionSerializer
    queryset = PolicyVersion.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "governance.view_policy",
        "retrieve": "governance.view_policy",
        "adopt": "governance.manage_policy",
    }
    filterset_class = PolicyVersionFilter

    def get_queryset(self):
        return (
            _municipality_scope(_visible_versions(self.request.user), "policy__municipality")
            .prefetch_related(
                "sections",
                "answer_time_rules",
                "communication_values",
                Prefetch(
                    "removal_reasons",
                    queryset=RemovalReason.objects.prefetch_related("translations"),
                ),
            )
            .order_by("policy_id", "-number")
        )

    @extend_schema(request=AdoptSerializer, responses=PolicyVersionSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        version = self.get_object()
        payload = AdoptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            actions.adopt_version(version, acting_user=request.user, **payload.validated_data)
        except DjangoValidationError as exc:
            raise action_failed(exc) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=version.pk)).data)


class RulesInForceView(APIView):
    """The numbers the system enforces now: the version in force and its structured rules."""

    permission_classes = [ActionPermission]
    permission_actions = {"get": "governance.read_guidelines"}

    @extend_schema(responses=PolicyVersionSerializer)
    def get(self, request):
        municipality = Municipality.objects.current()
        version = version_in_force(municipality) if municipality else None
        if version is None:
            raise NotFound(_("No policy version is in force."))
        version = PolicyVersion.objects.prefetch_related(
            "sections",
            "answer_time_rules",
            "communication_values",
            Prefetch(
                "removal_reasons",
                queryset=RemovalReason.objects.prefetch_related("translations"),
            ),
        ).get(pk=version.pk)
        return Response(PolicyVersionSerializer(version).data)


class ReadConfirmationSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = ReadConfirmation
        fields = ["id", "version", "user", "username", "confirmed_at"]
        read_only_fields = ["version", "user", "confirmed_at"]


class ReadConfirmationViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Read confirmations: one's own, or everybody's for the communications team. POST confirms
    the version in force for the signed-in user."""

    serializer_class = ReadConfirmationSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "governance.read_guidelines",
        "create": "governance.confirm_reading",
    }
    filterset_fields = ["version"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ReadConfirmation.objects.none()
        confirmations = _municipality_scope(
            ReadConfirmation.objects.select_related("user"), "version__policy__municipality"
        )
        if not can(self.request.user, "governance.view_read_status"):
            confirmations = confirmations.filter(user=self.request.user)
        return confirmations.order_by("-confirmed_at", "-id")

    @extend_schema(request=None, responses={201: ReadConfirmationSerializer})
    def create(self, request, *args, **kwargs):
        municipality = Municipality.objects.current()
        version = version_in_force(municipality) if municipality else None
        if version is None:
            raise ActionRefused(_("No policy version is in force."))
        try:
            confirmation = actions.confirm_reading(version, acting_user=request.user)
        except DjangoValidationError as exc:
            raise action_failed(exc) from None
        return Response(self.get_serializer(confirmation).data, status=201)


def register(router):
    settings_api.register(router)
    router.register("closing-days", ClosingDayViewSet, basename="closing-day")
    api_tokens.register(router)
    router.register("policies", PolicyViewSet, basename="policy")
    router.register("policy-versions", PolicyVersionViewSet, basename="policy-version")
    router.register("read-confirmations", ReadConfirmationViewSet, basename="read-confirmation")


urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("me/notifications/", MyNotificationsView.as_view(), name="api-me-notifications"),
    path("opening-hours/", OpeningHoursView.as_view(), name="api-opening-hours"),
    path("rules-in-force/", RulesInForceView.as_view(), name="api-rules-in-force"),
    *settings_api.urlpatterns,
]
