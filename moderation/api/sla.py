"""API: the SLA preview, the deadlines an item on a channel would get."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Channel
from core.bounds import out_of_span_message, supported_moment
from core.permissions.api import SCOPED, ActionPermission

from ..deadlines import preview


class SlaPreviewView(APIView):
    """The deadlines an item on a channel would get if received at a given moment."""

    permission_classes = [ActionPermission]
    # Any member may ask; only channels they can see are answered.
    permission_actions = {"get": SCOPED}

    @extend_schema(
        parameters=[
            OpenApiParameter("channel", OpenApiTypes.INT, required=True),
            OpenApiParameter(
                "received_at",
                OpenApiTypes.DATETIME,
                required=True,
                description=_("ISO 8601 with a time zone offset"),
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, required=False),
        ],
        responses=inline_serializer(
            "SlaPreview",
            {
                "channel": serializers.IntegerField(),
                "platform": serializers.CharField(),
                "kind": serializers.CharField(),
                "received_at": serializers.DateTimeField(),
                "first_response_due": serializers.DateTimeField(allow_null=True),
                "answer_due": serializers.DateTimeField(allow_null=True),
                "policy_version": serializers.IntegerField(allow_null=True),
                "crisis_mode": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        errors = {}
        channel = None
        raw_channel = request.query_params.get("channel", "")
        if not raw_channel:
            errors["channel"] = [str(_("Give the channel's id."))]
        elif not raw_channel.isdigit():
            errors["channel"] = [str(_("The channel must be a numeric id."))]
        else:
            channel = (
                Channel.objects.for_user(request.user)
                .select_related("owner_unit__municipality")
                .filter(pk=int(raw_channel))
                .first()
            )
            if channel is None:
                errors["channel"] = [str(_("No such channel."))]
        received_at = _parse_received_at(request.query_params.get("received_at", ""), errors)
        kind = request.query_params.get("kind", "comment")
        if kind not in ("comment", "reply", "mention", "message"):
            errors["kind"] = [str(_("Unknown item kind."))]
        if errors:
            raise ValidationError(errors)
        found = preview(channel, kind, received_at)
        result = found.deadlines
        return Response(
            {
                "channel": channel.pk,
                "platform": channel.platform,
                "kind": kind,
                "received_at": received_at.astimezone(UTC).isoformat(),
                "first_response_due": _iso(result.first_response_due),
                "answer_due": _iso(result.answer_due),
                "policy_version": result.policy_version_id,
                "crisis_mode": found.crisis_mode,
            }
        )


def _parse_received_at(raw, errors):
    if not raw:
        errors["received_at"] = [str(_("Give received_at as an ISO 8601 date and time."))]
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        errors["received_at"] = [
            str(_("received_at is not a valid ISO 8601 date and time: %(value)s") % {"value": raw})
        ]
        return None
    if timezone.is_naive(value):
        errors["received_at"] = [
            str(_("received_at must include a time zone offset, e.g. 2026-11-16T10:00:00+01:00."))
        ]
        return None
    moment = supported_moment(value)
    if moment is None:
        errors["received_at"] = [out_of_span_message()]
    return moment


def _iso(value: datetime | None):
    return value.isoformat().replace("+00:00", "Z") if value else None
