"""API: the on-duty rotas (set up per team), their members in order with deputies, and the
absences; the same rule as the rota page (`moderation.manage_rota`). Writes go through
`actions`."""

from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_errors import action_failed
from governance.models import OrgUnit

from .. import actions
from ..models import Absence, DutyRota, RotaMember
from ..queries import municipality_of

MANAGE = "moderation.manage_rota"


class RotaMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = RotaMember
        fields = ["id", "rota", "user", "position", "deputy"]
        read_only_fields = ["position"]


class RotaSerializer(serializers.ModelSerializer):
    members = RotaMemberSerializer(many=True, read_only=True)

    class Meta:
        model = DutyRota
        fields = ["id", "team", "starts_on", "turn_days", "members"]


def _municipality(request):
    return municipality_of(request.user)


class RotaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Each team's rota with its members in order; POST sets up a rota for a team; PUT or
    PATCH changes when its turns start and how many days each lasts (its team stays)."""

    serializer_class = RotaSerializer
    permission_actions = dict.fromkeys(
        ("list", "retrieve", "create", "update", "partial_update"), MANAGE
    )
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DutyRota.objects.none()
        return (
            DutyRota.objects.filter(team__municipality=_municipality(self.request))
            .prefetch_related("members")
            .order_by("team__name")
        )

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "team" in getattr(serializer, "fields", {}) and not getattr(
            self, "swagger_fake_view", False
        ):
            serializer.fields["team"].queryset = OrgUnit.objects.filter(
                municipality=_municipality(self.request)
            )
        return serializer

    def perform_create(self, serializer):
        values = serializer.validated_data
        try:
            serializer.instance = actions.create_rota(
                values["team"],
                acting_user=self.request.user,
                starts_on=values["starts_on"],
                turn_days=values.get("turn_days", 7),
            )
        except actions.ActionError as error:
            raise action_failed(error) from None

    def perform_update(self, serializer):
        rota, values = serializer.instance, serializer.validated_data
        if values.get("team", rota.team) != rota.team:
            raise serializers.ValidationError(
                {"team": [_("A rota stays with its team: set up a new one for another team.")]}
            )
        try:
            serializer.instance = actions.change_rota(
                rota,
                acting_user=self.request.user,
                starts_on=values.get("starts_on", rota.starts_on),
                turn_days=values.get("turn_days", rota.turn_days),
            )
        except actions.ActionError as error:
            raise action_failed(error) from None


class DeputyInput(serializers.Serializer):
    deputy = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), allow_null=True
    )


class MoveInput(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class RotaMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Rota members: POST adds one last in the order (with a deputy from the rota), PATCH sets
    the deputy, DELETE takes the member off, `move` moves them up or down."""

    serializer_class = RotaMemberSerializer
    permission_actions = dict.fromkeys(
        ("list", "retrieve", "create", "partial_update", "destroy", "move"), MANAGE
    )
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RotaMember.objects.none()
        return RotaMember.objects.filter(
            rota__team__municipality=_municipality(self.request)
        ).order_by("rota", "position", "id")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "rota" in getattr(serializer, "fields", {}) and not getattr(
            self, "swagger_fake_view", False
        ):
            serializer.fields["rota"].queryset = DutyRota.objects.filter(
                team__municipality=_municipality(self.request)
            )
        return serializer

    def perform_create(self, serializer):
        values = serializer.validated_data
        try:
            serializer.instance = actions.add_rota_member(
                values["rota"],
                values["user"],
                acting_user=self.request.user,
                deputy=values.get("deputy"),
            )
        except actions.ActionError as error:
            raise action_failed(error) from None

    @extend_schema(request=DeputyInput, responses=RotaMemberSerializer)
    def partial_update(self, request, pk=None):
        member = self.get_object()
        data = DeputyInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            member = actions.set_rota_deputy(
                member, data.validated_data["deputy"], acting_user=request.user
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response(RotaMemberSerializer(member).data)

    def perform_destroy(self, instance):
        try:
            actions.remove_rota_member(instance, acting_user=self.request.user)
        except actions.ActionError as error:
            raise action_failed(error) from None

    @extend_schema(request=MoveInput, responses=RotaMemberSerializer(many=True))
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        member = self.get_object()
        data = MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            members = actions.move_rota_member(
                member, acting_user=request.user, direction=data.validated_data["direction"]
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response(RotaMemberSerializer(members, many=True).data)


class AbsenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Absence
        fields = ["id", "user", "starts_on", "ends_on", "note"]


def _local_today(municipality):
    return timezone.localtime(timezone.now(), ZoneInfo(municipality.time_zone)).date()


class AbsenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Absences of the people on a rota not over yet; DELETE only before one has begun."""

    serializer_class = AbsenceSerializer
    permission_actions = dict.fromkeys(("list", "retrieve", "create", "destroy"), MANAGE)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Absence.objects.none()
        municipality = _municipality(self.request)
        on_rotas = RotaMember.objects.filter(rota__team__municipality=municipality)
        people = set(on_rotas.values_list("user_id", flat=True)) | set(
            on_rotas.exclude(deputy=None).values_list("deputy_id", flat=True)
        )
        return Absence.objects.filter(
            user_id__in=people, ends_on__gte=_local_today(municipality)
        ).order_by("starts_on", "pk")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "user" in getattr(serializer, "fields", {}) and not getattr(
            self, "swagger_fake_view", False
        ):
            on_rotas = RotaMember.objects.filter(
                rota__team__municipality=_municipality(self.request)
            )
            serializer.fields["user"].queryset = get_user_model().objects.filter(
                pk__in=on_rotas.values("user_id")
            ) | get_user_model().objects.filter(pk__in=on_rotas.values("deputy_id"))
        return serializer

    def perform_create(self, serializer):
        values = serializer.validated_data
        try:
            serializer.instance = actions.record_absence(
                values["user"],
                acting_user=self.request.user,
                starts_on=values["starts_on"],
                ends_on=values["ends_on"],
                note=values.get("note", ""),
            )
        except actions.ActionError as error:
            raise action_failed(error) from None

    def perform_destroy(self, instance):
        try:
            actions.remove_absence(
                instance,
                acting_user=self.request.user,
                today=_local_today(_municipality(self.request)),
            )
        except actions.ActionError as error:
            raise action_failed(error) from None
