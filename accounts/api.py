"""API: the channel registry (full record), page requests with approve/reject, and closing.

Same permissions as the UI: querysets are scoped with `for_user`, so objects outside the user's
reach give 404, and each action asks the permission module for the object.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_errors import BlankableURLField, action_failed
from core.permissions.api import ActionPermission
from governance.models import OrgUnit

from . import actions, connect_actions, limits, oauth, webhook_actions
from .answer_times import attach_answer_times
from .compliance import live_flags
from .models import (
    Channel,
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelFlag,
    ChannelRequest,
    ConnectedVia,
    Platform,
)
from .people import is_eligible, not_eligible_message
from .rules import may_connect


class ChannelAdminSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = ChannelAdmin
        fields = ["user", "username", "platform_role", "added_on"]


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelFlag
        fields = ["kind", "since"]


class AnswerTimesSerializer(serializers.Serializer):
    """The live "answer times met" check: items received in the window, answered by their
    deadline or not; `met` is null while nothing in the window has been judged."""

    window_days = serializers.IntegerField()
    target_percent = serializers.IntegerField()
    judged = serializers.IntegerField()
    on_time = serializers.IntegerField()
    missed = serializers.IntegerField()
    share_percent = serializers.FloatField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class WebhookStateSerializer(serializers.Serializer):
    """Whether Meta sends the channel's webhooks: the Page fields subscribed (and what they
    deliver), the fields left out, why it is not subscribed, the last delivery received."""

    status = serializers.CharField()
    subscribed_fields = serializers.ListField(child=serializers.CharField(), source="fields")
    delivered_fields = serializers.ListField(child=serializers.CharField())
    missing_fields = serializers.ListField(child=serializers.CharField())
    problem = serializers.CharField()
    problem_text = serializers.CharField(source="get_problem_display")
    detail = serializers.CharField()
    subscribed_at = serializers.DateTimeField()
    attempted_at = serializers.DateTimeField()
    last_delivery_at = serializers.DateTimeField()


class ConnectionStateSerializer(serializers.Serializer):
    """The polling side's state, read-only here."""

    account_id = serializers.CharField()
    token_status = serializers.CharField()
    token_checked_at = serializers.DateTimeField()
    token_expires_at = serializers.DateTimeField()
    polling_enabled = serializers.BooleanField()
    last_polled_at = serializers.DateTimeField()
    last_own_post_at = serializers.DateTimeField()
    connected_via = serializers.CharField()
    connected_at = serializers.DateTimeField()
    refresh_token_expires_at = serializers.DateTimeField()
    granted_scopes = serializers.ListField(child=serializers.CharField())
    webhooks = serializers.SerializerMethodField()

    @extend_schema_field(WebhookStateSerializer(allow_null=True))
    def get_webhooks(self, connection):
        subscription = webhook_actions.subscription_of(connection)
        return WebhookStateSerializer(subscription).data if subscription is not None else None


class PastedTokenSerializer(serializers.Serializer):
    """A pasted account id and token: system administrators only."""

    account_id = serializers.RegexField(r"^\S+$", max_length=200)
    token = serializers.CharField(max_length=4000, write_only=True)
    polling_enabled = serializers.BooleanField(default=True)


class ConnectStartSerializer(serializers.Serializer):
    authorize_url = serializers.URLField(
        help_text="Open it in the same browser session: the platform sends the person back "
        "to the product's callback, where they pick the account."
    )


class ChannelSerializer(serializers.ModelSerializer):
    web_url = serializers.SerializerMethodField()
    # Null for a page owned by a unit outside any centre (the communications team's own).
    centre = serializers.IntegerField(
        source="owner_unit.centre_id", read_only=True, allow_null=True
    )
    url = BlankableURLField(read_only=True)
    # Name, platform and handle, as the pages name the channel (the stored name is `name`).
    label = serializers.CharField(read_only=True)
    admins = ChannelAdminSerializer(many=True, read_only=True)
    open_flags = serializers.SerializerMethodField()
    answer_times = serializers.SerializerMethodField()
    connection = serializers.SerializerMethodField()
    connectable = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id",
            "platform",
            "name",
            "label",
            "handle",
            "url",
            "external_id",
            "scope",
            "owner_unit",
            "centre",
            "responsible",
            "deputy",
            "purpose",
            "target_groups",
            "admins",
            "status",
            "approved_at",
            "approved_by",
            "branding_verified_at",
            "branding_verified_by",
            "last_review_at",
            "closed_at",
            "connection",
            "connectable",
            "open_flags",
            "answer_times",
            "created_at",
            "updated_at",
            "web_url",
        ]

    def get_web_url(self, channel) -> str:
        request = self.context.get("request")
        url = channel.get_absolute_url()
        return request.build_absolute_uri(url) if request else url

    @extend_schema(responses=ConnectionStateSerializer(allow_null=True))
    def get_connection(self, channel) -> dict | None:
        connection = getattr(channel, "connection", None)
        return ConnectionStateSerializer(connection).data if connection is not None else None

    @extend_schema_field(FlagSerializer(many=True))
    def get_open_flags(self, channel):
        return FlagSerializer([*channel.open_flags, *live_flags(channel)], many=True).data

    @extend_schema_field(AnswerTimesSerializer(allow_null=True))
    def get_answer_times(self, channel):
        answer_times = getattr(channel, "answer_times", None)
        return AnswerTimesSerializer(answer_times).data if answer_times is not None else None

    def get_connectable(self, channel) -> bool:
        return may_connect(channel)


# Every text field has the length limit of the page's form (accounts.limits).
class ClosingInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.TEXT)
    notice_text = serializers.CharField(max_length=limits.TEXT)


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.COMMENT
    )


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=limits.COMMENT)


class ClosingRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelClosingRequest
        fields = [
            "id",
            "channel",
            "requested_by",
            "reason",
            "notice_text",
            "created_at",
            "decision",
            "decided_by",
            "decided_at",
            "decision_comment",
            "notice_status",
        ]
        read_only_fields = fields


class ChannelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChannelSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "channels.view",
        "retrieve": "channels.view",
        "request_closing": "channels.look_after",
        "review": "channels.look_after",
        "verify_branding": "channels.manage",
        "archive": "channels.manage",
        "connect_start": "channels.connect",
        "connect_token": "channels.paste_token",
        "subscribe_webhooks": "channels.connect",
        "disconnect": "channels.connect",
    }
    filterset_fields = ["platform", "scope", "status", "owner_unit"]

    def get_queryset(self):
        return (
            Channel.objects.for_user(self.request.user)
            .select_related("owner_unit", "connection", "connection__webhook_subscription")
            .prefetch_related(
                Prefetch("admins", queryset=ChannelAdmin.objects.select_related("user")),
                Prefetch("flags", queryset=ChannelFlag.objects.open(), to_attr="open_flags"),
            )
            .order_by("platform", "name", "id")
        )

    def paginate_queryset(self, queryset):
        # The live answer-time check, for the whole page in one query.
        page = super().paginate_queryset(queryset)
        return attach_answer_times(list(page)) if page is not None else None

    def retrieve(self, request, *args, **kwargs):
        channel = attach_answer_times([self.get_object()])[0]
        return Response(self.get_serializer(channel).data)

    def _done(self, channel):
        channel = attach_answer_times([self.get_queryset().get(pk=channel.pk)])[0]
        return Response(self.get_serializer(channel).data)

    @extend_schema(request=ClosingInputSerializer, responses={201: ClosingRequestSerializer})
    @action(detail=True, methods=["post"], url_path="request-closing")
    def request_closing(self, request, pk=None):
        channel = self.get_object()
        data = ClosingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            closing = actions.request_closing(
                channel, acting_user=request.user, **data.validated_data
            )
        except actions.WorkflowError as error:
            raise action_failed(error) from None
        return Response(
            ClosingRequestSerializer(closing, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=CommentInputSerializer, responses=ChannelSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        channel = self.get_object()
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.confirm_review(channel, acting_user=request.user, **data.validated_data)
        except actions.WorkflowError as error:
            raise action_failed(error) from None
        return self._done(channel)

    @extend_schema(request=CommentInputSerializer, responses=ChannelSerializer)
    @action(detail=True, methods=["post"], url_path="verify-branding")
    def verify_branding(self, request, pk=None):
        channel = self.get_object()
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.verify_branding(channel, acting_user=request.user, **data.validated_data)
        return self._done(channel)

    @extend_schema(request=CommentInputSerializer, responses=ChannelSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        channel = self.get_object()
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.close_channel(channel, acting_user=request.user, **data.validated_data)
        except actions.WorkflowError as error:
            raise action_failed(error) from None
        return self._done(channel)

    @extend_schema(request=None, responses=ConnectStartSerializer)
    @action(detail=True, methods=["post"], url_path="connect/start")
    def connect_start(self, request, pk=None):
        """Start connecting the channel through its platform's sign-in."""
        channel = self.get_object()
        sign_in = oauth.availability(channel.platform, request)
        if not sign_in.available:
            raise action_failed(sign_in.reason)
        return Response({"authorize_url": oauth.start(request.session, channel, sign_in.app)})

    @extend_schema(request=PastedTokenSerializer, responses=ChannelSerializer)
    @action(detail=True, methods=["post"], url_path="connect/token")
    def connect_token(self, request, pk=None):
        """Connect with a pasted account id and token (system administrators only)."""
        channel = self.get_object()
        data = PastedTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            connect_actions.connect_channel(
                channel, via=ConnectedVia.PASTED, acting_user=request.user, **data.validated_data
            )
        except connect_actions.ConnectionNotAllowed:
            raise action_failed(
                _("This channel cannot be connected in its present state.")
            ) from None
        return self._done(channel)

    @extend_schema(request=None, responses=ChannelSerializer)
    @action(detail=True, methods=["post"], url_path="subscribe-webhooks")
    def subscribe_webhooks(self, request, pk=None):
        """Switch the channel's webhooks on now ("Subscribe again"); the outcome is in
        `connection.webhooks`."""
        channel = self.get_object()
        try:
            webhook_actions.subscribe_webhooks(channel, acting_user=request.user)
        except webhook_actions.WebhookActionError as error:
            raise action_failed(error) from None
        return self._done(channel)

    @extend_schema(request=None, responses=ChannelSerializer)
    @action(detail=True, methods=["post"])
    def disconnect(self, request, pk=None):
        """Remove the stored token, stop polling and switch the webhooks off; a failed
        unsubscription is in `connection.webhooks` (`problem`, `detail`)."""
        channel = self.get_object()
        try:
            webhook_actions.disconnect_channel(channel, acting_user=request.user)
        except webhook_actions.WebhookActionError as error:
            raise action_failed(error) from None
        return self._done(channel)


class ChannelRequestSerializer(serializers.ModelSerializer):
    """A page request; on create, the page's record fields come along."""

    platform = serializers.ChoiceField(choices=Platform.choices, source="channel.platform")
    name = serializers.CharField(source="channel.name", max_length=limits.NAME)
    purpose = serializers.CharField(source="channel.purpose", max_length=limits.TEXT)
    target_groups = serializers.CharField(source="channel.target_groups", max_length=limits.TEXT)
    responsible = serializers.PrimaryKeyRelatedField(
        source="channel.responsible", queryset=get_user_model().objects.filter(is_active=True)
    )
    deputy = serializers.PrimaryKeyRelatedField(
        source="channel.deputy", queryset=get_user_model().objects.filter(is_active=True)
    )
    url = BlankableURLField(
        source="channel.url", required=False, allow_blank=True, max_length=limits.URL
    )
    handle = serializers.CharField(
        source="channel.handle", required=False, allow_blank=True, max_length=limits.HANDLE
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.open().filter(centre__isnull=False)
    )
    channel_status = serializers.CharField(source="channel.status", read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = ChannelRequest
        fields = [
            "id",
            "channel",
            "channel_status",
            "platform",
            "name",
            "url",
            "handle",
            "department",
            "purpose",
            "target_groups",
            "message",
            "responsible",
            "deputy",
            "requester",
            "created_at",
            "decision",
            "decided_by",
            "decided_at",
            "decision_comment",
            "web_url",
        ]
        read_only_fields = [
            "channel",
            "requester",
            "created_at",
            "decision",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        extra_kwargs = {"message": {"max_length": limits.TEXT}}

    def get_web_url(self, channel_request) -> str:
        request = self.context.get("request")
        url = channel_request.get_absolute_url()
        return request.build_absolute_uri(url) if request else url

    def validate(self, attrs):
        channel = attrs.get("channel", {})
        if channel.get("responsible") and channel.get("responsible") == channel.get("deputy"):
            raise serializers.ValidationError(
                {"deputy": _("The deputy must be someone other than the responsible.")}
            )
        department = attrs.get("department")
        errors = {
            name: not_eligible_message(channel[name], department)
            for name in ("responsible", "deputy")
            if channel.get(name) is not None and not is_eligible(channel[name], department)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        channel = validated_data.pop("channel")
        try:
            return actions.request_channel(
                acting_user=self.context["request"].user,
                department=validated_data["department"],
                message=validated_data["message"],
                **channel,
            )
        except actions.WorkflowError as error:
            raise serializers.ValidationError({"detail": str(error)}) from error


class ChannelRequestViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ChannelRequestSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "channels.view_request",
        "retrieve": "channels.view_request",
        "create": "channels.request",
        "approve": "channels.decide_request",
        "reject": "channels.decide_request",
    }
    filterset_fields = ["decision", "department"]

    def get_queryset(self):
        return (
            ChannelRequest.objects.for_user(self.request.user)
            .select_related("channel")
            .order_by("-created_at", "-id")
        )

    def _decide(self, request, decide, input_serializer):
        channel_request = self.get_object()
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decide(channel_request, acting_user=request.user, **data.validated_data)
        except actions.WorkflowError as error:
            raise action_failed(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=channel_request.pk)).data)

    @extend_schema(request=CommentInputSerializer, responses=ChannelRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, actions.approve_request, CommentInputSerializer)

    @extend_schema(request=RequiredCommentSerializer, responses=ChannelRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, actions.reject_request, RequiredCommentSerializer)


class ClosingRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClosingRequestSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "channels.view",
        "retrieve": "channels.view_closing",
        "approve": "channels.decide_closing",
        "reject": "channels.decide_closing",
    }
    filterset_fields = ["decision", "channel"]

    def get_queryset(self):
        return (
            ChannelClosingRequest.objects.filter(
                channel__in=Channel.objects.for_user(self.request.user)
            )
            .select_related("channel", "channel__owner_unit")
            .order_by("-created_at", "-id")
        )

    def _decide(self, request, decide, input_serializer):
        closing = self.get_object()
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decide(closing, acting_user=request.user, **data.validated_data)
        except actions.WorkflowError as error:
            raise action_failed(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=closing.pk)).data)

    @extend_schema(request=CommentInputSerializer, responses=ClosingRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, actions.approve_closing, CommentInputSerializer)

    @extend_schema(request=RequiredCommentSerializer, responses=ClosingRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, actions.reject_closing, RequiredCommentSerializer)


def register(router):
    router.register("channels", ChannelViewSet, basename="channel")
    router.register("channel-requests", ChannelRequestViewSet, basename="channel-request")
    router.register("closing-requests", ClosingRequestViewSet, basename="closing-request")
