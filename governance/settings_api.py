"""API of the settings area, under the same rule as its pages (`governance.manage_settings`):
the municipality, the organisation's units, people and their roles, invitations. Every write
calls the same action as the page."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Subquery
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import action_failed
from core.permissions.api import ActionPermission

from . import org_actions
from .invitations import invite_person, withdraw_invitation
from .models import Invitation, Membership, Municipality, OrgUnit, Role, UnitKind
from .org_actions import SettingsError

RULE = "governance.manage_settings"
TOPIC_FIELDS = ("topics", "kle_numbers")


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "country", "time_zone", "default_language", "website"]
        read_only_fields = ["id"]


class MunicipalityView(APIView):
    """The municipality this installation serves. PUT creates it on a new installation."""

    permission_classes = [ActionPermission]
    permission_actions = {"get": "governance.view_organisation", "put": RULE, "patch": RULE}

    @extend_schema(responses=MunicipalitySerializer)
    def get(self, request):
        municipality = Municipality.objects.current()
        if municipality is None:
            raise NotFound()
        return Response(MunicipalitySerializer(municipality).data)

    @extend_schema(request=MunicipalitySerializer, responses=MunicipalitySerializer)
    def put(self, request):
        return self._save(request, partial=False)

    @extend_schema(request=MunicipalitySerializer, responses=MunicipalitySerializer)
    def patch(self, request):
        return self._save(request, partial=True)

    def _save(self, request, *, partial):
        current = Municipality.objects.current()
        if current is None and partial:
            raise NotFound()
        payload = MunicipalitySerializer(current, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        try:
            saved = org_actions.save_municipality(
                current, acting_user=request.user, **payload.validated_data
            )
        except SettingsError as error:
            raise action_failed(error) from None
        code = status.HTTP_201_CREATED if current is None else status.HTTP_200_OK
        return Response(MunicipalitySerializer(saved).data, status=code)


def _current_municipality_id():
    """The current municipality's id as a subquery: lazy, so describing the API (the schema)
    reads no rows."""
    return Subquery(Municipality.objects.order_by("pk").values("pk")[:1])


def _current_units():
    return OrgUnit.objects.filter(municipality_id=_current_municipality_id())


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), allow_null=True, required=False
    )
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    # A department's routing topics (words and phrases) and KLE numbers; the action checks them.
    topics = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        max_length=org_actions.MAX_TOPICS * 2,
    )
    kle_numbers = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, max_length=100
    )

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "centre", "closed_at", "topics", "kle_numbers"]
        read_only_fields = ["id", "centre", "closed_at"]

    def get_fields(self):
        fields = super().get_fields()
        fields["parent"].queryset = _current_units()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["kind"].read_only = True
        return fields


class ChangeThroughAction:
    """A viewset's POST step on one object through a settings action: the refusal in the API's
    error body, the object read again as the list shows it."""

    def _change(self, change):
        obj = self.get_object()
        try:
            change(obj, acting_user=self.request.user)
        except SettingsError as error:
            raise action_failed(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


class UnitViewSet(
    ChangeThroughAction,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation tree. PATCH renames (`name`) and moves (`parent`); `close` and
    `reopen` keep the unit's rows and history."""

    serializer_class = UnitSerializer
    queryset = OrgUnit.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "governance.view_organisation",
        "retrieve": "governance.view_organisation",
        "create": RULE,
        "update": RULE,
        "partial_update": RULE,
        "close": RULE,
        "reopen": RULE,
    }
    filterset_fields = ["kind", "parent"]

    def get_queryset(self):
        return _current_units().order_by("name", "id")

    def perform_create(self, serializer):
        municipality = Municipality.objects.current()
        if municipality is None:
            raise action_failed(SettingsError(_("Set up the municipality first.")))
        data = dict(serializer.validated_data)
        topics = {name: data.pop(name) for name in TOPIC_FIELDS if name in data}
        try:
            with transaction.atomic():
                unit = org_actions.create_unit(municipality, acting_user=self.request.user, **data)
                if topics:
                    unit = org_actions.set_unit_topics(
                        unit, acting_user=self.request.user, **topics
                    )
        except SettingsError as error:
            raise action_failed(error) from None
        serializer.instance = unit

    def perform_update(self, serializer):
        unit, data = serializer.instance, serializer.validated_data
        topics = {name: data[name] for name in TOPIC_FIELDS if name in data}
        user = self.request.user
        try:
            # All or nothing: a refused topic list leaves the name and place unchanged too.
            with transaction.atomic():
                if "name" in data:
                    org_actions.rename_unit(unit, acting_user=user, name=data["name"])
                if "parent" in data:
                    org_actions.move_unit(unit, acting_user=user, parent=data["parent"])
                if topics:
                    org_actions.set_unit_topics(unit, acting_user=user, **topics)
        except SettingsError as error:
            raise action_failed(error) from None
        serializer.instance = self.get_queryset().get(pk=unit.pk)

    @extend_schema(request=None, responses=UnitSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._change(org_actions.close_unit)

    @extend_schema(request=None, responses=UnitSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._change(org_actions.reopen_unit)


class PersonMembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "unit", "role", "is_lead"]


class PersonSerializer(serializers.ModelSerializer):
    memberships = PersonMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_superuser",
            "memberships",
        ]
        read_only_fields = fields


class PersonViewSet(ChangeThroughAction, viewsets.ReadOnlyModelViewSet):
    """People and their roles; `deactivate` and `reactivate` switch the account off and on."""

    serializer_class = PersonSerializer
    queryset = get_user_model().objects.none()  # for the schema; requests use get_queryset
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": RULE,
        "retrieve": RULE,
        "deactivate": RULE,
        "reactivate": RULE,
    }
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return (
            get_user_model()
            .objects.prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.order_by("unit_id", "role"))
            )
            .order_by("username")
        )

    @extend_schema(request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._change(org_actions.deactivate_person)

    @extend_schema(request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._change(org_actions.reactivate_person)


class RoleSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "user", "unit", "role", "is_lead"]
        read_only_fields = ["id"]
        # The duplicate check is the action's, with its own message.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        fields["unit"].queryset = _current_units()
        return fields


class RoleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Roles (memberships): a person's role in a unit. POST gives one, DELETE takes it away."""

    serializer_class = RoleSerializer
    queryset = Membership.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [ActionPermission]
    permission_actions = {"list": RULE, "retrieve": RULE, "create": RULE, "destroy": RULE}
    filterset_fields = ["user", "unit", "role"]

    def get_queryset(self):
        return Membership.objects.filter(unit__in=_current_units()).order_by("user_id", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = org_actions.add_membership(
                data.pop("user"), acting_user=self.request.user, **data
            )
        except SettingsError as error:
            raise action_failed(error) from None

    def perform_destroy(self, instance):
        try:
            org_actions.remove_membership(instance, acting_user=self.request.user)
        except SettingsError as error:
            raise action_failed(error) from None


class InvitationSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "unit",
            "role",
            "is_lead",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "accepted_user",
            "withdrawn_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "accepted_user",
            "withdrawn_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        fields["unit"].queryset = _current_units()
        return fields


class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations by e-mail. POST sends one (the link goes only to the invitee); `withdraw`
    makes a waiting one unusable."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [ActionPermission]
    permission_actions = {"list": RULE, "retrieve": RULE, "create": RULE, "withdraw": RULE}

    def get_queryset(self):
        return Invitation.objects.filter(municipality_id=_current_municipality_id()).order_by(
            "-created_at", "-id"
        )

    def perform_create(self, serializer):
        municipality = Municipality.objects.current()
        if municipality is None:
            raise action_failed(SettingsError(_("Set up the municipality first.")))
        try:
            serializer.instance = invite_person(
                municipality, acting_user=self.request.user, **serializer.validated_data
            )
        except SettingsError as error:
            raise action_failed(error) from None

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        invitation = self.get_object()
        try:
            invitation = withdraw_invitation(invitation, acting_user=request.user)
        except SettingsError as error:
            raise action_failed(error) from None
        return Response(self.get_serializer(invitation).data)


def register(router):
    router.register("units", UnitViewSet, basename="unit")
    router.register("people", PersonViewSet, basename="person")
    router.register("roles", RoleViewSet, basename="role")
    router.register("invitations", InvitationViewSet, basename="invitation")


urlpatterns = [
    path("municipality/", MunicipalityView.as_view(), name="api-municipality"),
]
