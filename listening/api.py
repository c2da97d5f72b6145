"""API of listening under the page's rules: streams (`/api/v1/listening/streams/`, written
through the same actions as the form) and the posts they found
(`/api/v1/listening/hits/`, with filters and `POST …/{id}/promote/`)."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from accounts.models import Channel
from core.api_errors import action_failed
from core.permissions.api import ActionPermission

from . import actions
from .forms import stream_channels
from .models import ListeningHit, ListeningStream


class StreamSerializer(serializers.ModelSerializer):
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.none())
    platform = serializers.CharField(source="channel.platform", read_only=True)

    class Meta:
        model = ListeningStream
        fields = [
            "id",
            "name",
            "platform",
            "channel",
            "kind",
            "query",
            "enabled",
            "state",
            "last_error",
            "last_read_at",
            "next_read_at",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "platform",
            "state",
            "last_error",
            "last_read_at",
            "next_read_at",
            "created_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        fields["channel"].queryset = stream_channels()
        return fields


class StreamViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Listening streams: what is followed on which platform, through which channel's
    connection, and where reading stands (`state`, `last_error`)."""

    serializer_class = StreamSerializer
    queryset = ListeningStream.objects.none()
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "listening.view",
        "retrieve": "listening.view",
        "create": "listening.manage",
        "update": "listening.manage",
        "partial_update": "listening.manage",
    }

    def get_queryset(self):
        return ListeningStream.objects.for_user(self.request.user).select_related("channel")

    def perform_create(self, serializer):
        try:
            serializer.instance = actions.create_stream(
                acting_user=self.request.user, **serializer.validated_data
            )
        except actions.ListeningError as error:
            raise action_failed(error) from None

    def perform_update(self, serializer):
        try:
            actions.change_stream(
                serializer.instance, acting_user=self.request.user, **serializer.validated_data
            )
        except actions.ListeningError as error:
            raise action_failed(error) from None
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class HitSerializer(serializers.ModelSerializer):
    queue_item = serializers.IntegerField(source="promoted_item_id", read_only=True)

    # Empty where the platform gave no address for the post.
    url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = ListeningHit
        fields = [
            "id",
            "stream",
            "platform",
            "external_id",
            "author_name",
            "text",
            "url",
            "published_at",
            "found_at",
            "likes",
            "comments",
            "shares",
            "views",
            "engagement",
            "queue_item",
        ]
        read_only_fields = fields


class HitPagination(CursorPagination):
    page_size = 50
    ordering = ("-published_at", "-id")


ORDERINGS = {"published": ("-published_at", "-id"), "engagement": ("-engagement", "-id")}


class HitPaginationByEngagement(HitPagination):
    ordering = ORDERINGS["engagement"]


class PromoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


@extend_schema(
    parameters=[
        OpenApiParameter("stream", OpenApiTypes.INT, description="Only this stream's posts."),
        OpenApiParameter("platform", OpenApiTypes.STR),
        OpenApiParameter("published_after", OpenApiTypes.DATETIME),
        OpenApiParameter("published_before", OpenApiTypes.DATETIME),
        OpenApiParameter("min_engagement", OpenApiTypes.INT),
        OpenApiParameter("promoted", OpenApiTypes.BOOL),
        OpenApiParameter(
            "order",
            OpenApiTypes.STR,
            enum=list(ORDERINGS),
            description="Newest or most engaged first.",
        ),
    ]
)
class HitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public posts the streams found (text with personal ID numbers masked), newest first or
    most engaged first, in cursor pages. `promote` puts one into the queue."""

    serializer_class = HitSerializer
    # The schema's page shape (cursor pages, no count); `paginator` picks the ordering.
    pagination_class = HitPagination
    queryset = ListeningHit.objects.none()
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "listening.view",
        "retrieve": "listening.view",
        "promote": "listening.promote",
    }

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            order = self.request.query_params.get("order", "published")
            self._paginator = (
                HitPaginationByEngagement() if order == "engagement" else HitPagination()
            )
        return self._paginator

    def get_queryset(self):
        hits = ListeningHit.objects.for_user(self.request.user)
        if self.action != "list":
            return hits
        params = self.request.query_params
        errors = {}
        if params.get("order", "published") not in ORDERINGS:
            errors["order"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ORDERINGS)}]
        for name in ("stream", "min_engagement"):
            value = params.get(name)
            if value not in (None, ""):
                if not value.isdigit():
                    errors[name] = [_("A whole number, please.")]
                elif name == "stream":
                    hits = hits.filter(stream_id=int(value))
                else:
                    hits = hits.filter(engagement__gte=int(value))
        if params.get("platform"):
            hits = hits.filter(platform=params["platform"])
        for name, lookup in (("published_after", "gte"), ("published_before", "lt")):
            value = params.get(name)
            if value:
                moment = parse_datetime(value)
                if moment is None or moment.tzinfo is None:
                    errors[name] = [
                        _("A date and time with its time zone, e.g. 2026-05-01T08:00:00Z.")
                    ]
                else:
                    hits = hits.filter(**{f"published_at__{lookup}": moment})
        promoted = params.get("promoted")
        if promoted in ("true", "false"):
            hits = hits.filter(promoted_item__isnull=promoted == "false")
        elif promoted not in (None, ""):
            errors["promoted"] = [_("true or false.")]
        if errors:
            raise ValidationError(errors)
        return hits

    @extend_schema(request=PromoteSerializer, responses={201: HitSerializer})
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        hit = self.get_object()
        payload = PromoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            actions.promote(
                hit, acting_user=request.user, note=payload.validated_data.get("note", "")
            )
        except actions.ListeningError as error:
            raise action_failed(error) from None
        hit.refresh_from_db()
        return Response(HitSerializer(hit).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("listening/streams", StreamViewSet, basename="listening-stream")
    router.register("listening/hits", HitViewSet, basename="listening-hit")
