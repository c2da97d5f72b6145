"""API: crisis mode, read and switched for the municipality."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import action_failed
from core.permissions.api import ActionPermission

from .. import actions, limits
from ..models import (
    CrisisPeriod,
)
from ..queries import municipality_of


class CrisisInput(serializers.Serializer):
    on = serializers.BooleanField()
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.CRISIS_REASON
    )
    target_percent = serializers.IntegerField(min_value=1, max_value=100, default=25)
    round_the_clock = serializers.BooleanField(default=True)


_CRISIS_STATE = {
    "on": serializers.BooleanField(),
    "since": serializers.DateTimeField(allow_null=True),
    "reason": serializers.CharField(),
    "target_percent": serializers.IntegerField(allow_null=True),
    "round_the_clock": serializers.BooleanField(allow_null=True),
    "tightened_items": serializers.IntegerField(
        allow_null=True,
        help_text=_("Open items whose deadlines were tightened when crisis mode started."),
    ),
}


class CrisisView(APIView):
    """Crisis mode of the user's municipality: GET the state, POST to switch it on or off.

    Switching on re-judges every open item by the crisis targets (no deadline moves later);
    switching off puts them back on the normal answer times. The POST answer's
    `rejudged_items` says how many open items' deadlines the switch moved."""

    permission_classes = [ActionPermission]
    permission_actions = {"get": "moderation.crisis", "post": "moderation.crisis"}

    def _state(self, municipality):
        period = CrisisPeriod.objects.filter(
            municipality=municipality, ended_at__isnull=True
        ).first()
        return {
            "on": period is not None,
            "since": period.started_at.isoformat() if period else None,
            "reason": period.reason if period else "",
            "target_percent": period.target_percent if period else None,
            "round_the_clock": period.round_the_clock if period else None,
            "tightened_items": period.tightened_items if period else None,
        }

    def _municipality(self, request):
        from django.core.exceptions import PermissionDenied

        from core.permissions import can

        if not can(request.user, "moderation.crisis"):
            raise PermissionDenied
        return municipality_of(request.user)

    @extend_schema(responses=inline_serializer("CrisisState", _CRISIS_STATE))
    def get(self, request):
        return Response(self._state(self._municipality(request)))

    @extend_schema(
        request=CrisisInput,
        responses=inline_serializer(
            "CrisisSwitched", {**_CRISIS_STATE, "rejudged_items": serializers.IntegerField()}
        ),
    )
    def post(self, request):
        municipality = self._municipality(request)
        data = CrisisInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            if values["on"]:
                period = actions.start_crisis(
                    municipality,
                    acting_user=request.user,
                    reason=values["reason"],
                    target_percent=values["target_percent"],
                    round_the_clock=values["round_the_clock"],
                )
                moved = period.tightened_items
            else:
                period = actions.end_crisis(
                    municipality, acting_user=request.user, note=values["reason"]
                )
                moved = period.restored_items
        except actions.ActionError as error:
            raise action_failed(error) from None
        return Response({**self._state(municipality), "rejudged_items": moved})
