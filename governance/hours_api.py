"""API: the municipality's opening hours and closing days (the communications lead, like the
settings pages), and each person's own choice of how notices reach them. Writes go through
`calendar_actions` and `actions`; refusals carry the one error body."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import action_failed
from core.permissions.api import SCOPED, ActionPermission

from . import actions, calendar_actions
from .models import ClosingDay, Municipality, NotificationDelivery, PersonPreference, Weekday

MANAGE = "governance.manage_settings"


class SpanSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    opens = serializers.TimeField(format="%H:%M")
    closes = serializers.TimeField(format="%H:%M")


class WeekInput(serializers.Serializer):
    """The normal week (no dates), or a season's (both dates); `replacing_from`/`replacing_to`
    name the season rewritten when its dates change. A season with no spans is removed."""

    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    replacing_from = serializers.DateField(required=False, allow_null=True, default=None)
    replacing_to = serializers.DateField(required=False, allow_null=True, default=None)
    spans = SpanSerializer(many=True, allow_empty=True)


_SEASON = inline_serializer(
    "Season",
    {
        "valid_from": serializers.DateField(),
        "valid_to": serializers.DateField(),
        "spans": SpanSerializer(many=True),
    },
    many=True,
)
_HOURS = inline_serializer(
    "OpeningHoursState", {"weekly": SpanSerializer(many=True), "seasons": _SEASON}
)


def _spans(municipality, first=None, last=None):
    rows = municipality.opening_hours.filter(valid_from=first, valid_to=last).order_by(
        "weekday", "opens"
    )
    return SpanSerializer(rows, many=True).data


def hours_state(municipality):
    return {
        "weekly": _spans(municipality),
        "seasons": [
            {"valid_from": first, "valid_to": last, "spans": _spans(municipality, first, last)}
            for first, last in calendar_actions.seasons_of(municipality)
        ],
    }


class OpeningHoursView(APIView):
    """The weekly opening hours and seasons: GET them, PUT one week (normal or a season)."""

    permission_classes = [ActionPermission]
    permission_actions = {"get": MANAGE, "put": MANAGE}

    @extend_schema(responses=_HOURS)
    def get(self, request):
        return Response(hours_state(Municipality.objects.current()))

    @extend_schema(request=WeekInput, responses=_HOURS)
    def put(self, request):
        data = WeekInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        replacing = None
        if values["replacing_from"] and values["replacing_to"]:
            replacing = (values["replacing_from"], values["replacing_to"])
        municipality = Municipality.objects.current()
        try:
            calendar_actions.set_week(
                municipality,
                [(s["weekday"], s["opens"], s["closes"]) for s in values["spans"]],
                acting_user=request.user,
                valid_from=values["valid_from"],
                valid_to=values["valid_to"],
                replacing=replacing,
            )
        except calendar_actions.SettingsError as error:
            raise action_failed(error) from None
        return Response(hours_state(municipality))


class ClosingDaySerializer(serializers.ModelSerializer):
    open_until = serializers.TimeField(format="%H:%M", allow_null=True, required=False)

    class Meta:
        model = ClosingDay
        fields = ["id", "date", "open_until", "reason"]


class ClosingDayViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The municipality's own closing days: whole days, or open until a time. PUT or PATCH
    moves one to another date or changes its closing time or reason."""

    serializer_class = ClosingDaySerializer
    permission_classes = [ActionPermission]
    permission_actions = dict.fromkeys(
        ("list", "retrieve", "create", "update", "partial_update", "destroy"), MANAGE
    )
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema reads the model, no rows
            return ClosingDay.objects.none()
        return ClosingDay.objects.filter(municipality=Municipality.objects.current())

    def perform_create(self, serializer):
        values = serializer.validated_data
        try:
            serializer.instance = calendar_actions.add_closing_day(
                Municipality.objects.current(),
                acting_user=self.request.user,
                day=values["date"],
                open_until=values.get("open_until"),
                reason=values.get("reason", ""),
            )
        except calendar_actions.SettingsError as error:
            raise action_failed(error) from None

    def perform_update(self, serializer):
        closing, values = serializer.instance, serializer.validated_data
        try:
            serializer.instance = calendar_actions.change_closing_day(
                closing,
                acting_user=self.request.user,
                day=values.get("date", closing.date),
                open_until=values.get("open_until", closing.open_until),
                reason=values.get("reason", closing.reason),
            )
        except calendar_actions.SettingsError as error:
            raise action_failed(error) from None

    def perform_destroy(self, instance):
        calendar_actions.remove_closing_day(instance, acting_user=self.request.user)


class NotificationChoice(serializers.Serializer):
    notifications = serializers.ChoiceField(choices=NotificationDelivery.choices)
    digest_weekday = serializers.ChoiceField(
        choices=Weekday.choices,
        required=False,
        help_text="The weekday the weekly digest comes on (Monday = 0).",
    )


class MyNotificationsView(APIView):
    """How the signed-in person's notices reach them: GET it, PUT to change it."""

    permission_classes = [ActionPermission]
    # About the person themselves only.
    permission_actions = {"get": SCOPED, "put": SCOPED}

    @extend_schema(responses=NotificationChoice)
    def get(self, request):
        chosen = (
            PersonPreference.objects.filter(user=request.user)
            .values("notifications", "digest_weekday")
            .first()
        ) or {"notifications": NotificationDelivery.EMAIL_NOW, "digest_weekday": Weekday.MONDAY}
        return Response(chosen)

    @extend_schema(request=NotificationChoice, responses=NotificationChoice)
    def put(self, request):
        data = NotificationChoice(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            preference = actions.set_notification_delivery(
                request.user,
                data.validated_data["notifications"],
                acting_user=request.user,
                weekday=data.validated_data.get("digest_weekday"),
            )
        except DjangoValidationError as error:
            raise action_failed(error) from None
        return Response(
            {
                "notifications": preference.notifications,
                "digest_weekday": preference.digest_weekday,
            }
        )
