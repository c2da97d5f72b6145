"""API: the municipality's own posts (`/api/v1/posts/`), with the same rules and actions as the
pages: compose, submit, approve, reject, comment, schedule, publish at once in crisis mode, and
send again after a failure."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import Channel
from core.api_errors import action_failed
from core.permissions.api import ActionPermission

from . import publishing
from .models import PlanItem, Post, PostComment, PostTarget, YearTheme


class PostTargetSerializer(serializers.ModelSerializer):
    platform = serializers.CharField(source="channel.platform", read_only=True)
    channel_name = serializers.CharField(source="channel.name", read_only=True)
    failure_text = serializers.CharField(read_only=True)
    # Empty until the platform confirmed the post.
    permalink = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = PostTarget
        fields = [
            "channel",
            "channel_name",
            "platform",
            "text",
            "status",
            "external_id",
            "permalink",
            "published_at",
            "failure",
            "failure_text",
        ]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    channels = serializers.PrimaryKeyRelatedField(
        queryset=Channel.objects.all(), many=True, write_only=True
    )
    variants = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        write_only=True,
        help_text="The text for a channel's platform, by channel id; a channel left out uses "
        "the common text.",
    )
    clear_picture = serializers.BooleanField(required=False, write_only=True, default=False)
    plan_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.all(), required=False, allow_null=True
    )
    theme = serializers.PrimaryKeyRelatedField(
        queryset=YearTheme.objects.all(), required=False, allow_null=True
    )
    targets = PostTargetSerializer(many=True, read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "title",
            "text",
            "link",
            "picture",
            "picture_alt",
            "clear_picture",
            "plan_item",
            "theme",
            "channels",
            "variants",
            "targets",
            "status",
            "author",
            "rejection_reason",
            "decided_by",
            "decided_at",
            "scheduled_at",
            "published_at",
            "crisis_publish",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = [
            "status",
            "author",
            "rejection_reason",
            "decided_by",
            "decided_at",
            "scheduled_at",
            "published_at",
            "crisis_publish",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}


class PostScheduleInputSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()


class PostApproveInputSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True)


class PostRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PostCommentInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class PostCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostComment
        fields = ["id", "post", "author", "text", "created_at"]
        read_only_fields = fields


class PostViewSet(viewsets.ModelViewSet):
    """The municipality's own posts on its channels and their approval and publishing."""

    serializer_class = PostSerializer
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_actions = {
        "list": "posts.view",
        "retrieve": "posts.view",
        "create": "posts.create",
        "partial_update": "posts.edit",
        "destroy": "posts.delete",
        "submit": "posts.submit",
        "approve": "posts.approve",
        "reject": "posts.reject",
        "comment": "posts.comment",
        "schedule": "posts.schedule",
        "publish_now": "posts.publish_now",
        "retry": "posts.retry",
    }
    filterset_fields = ["status", "plan_item", "theme"]

    def get_queryset(self):
        return (
            Post.objects.for_user(self.request.user)
            .prefetch_related(
                Prefetch("targets", queryset=PostTarget.objects.select_related("channel"))
            )
            .order_by("-updated_at", "-id")
        )

    def _save(self, serializer, post):
        data = serializer.validated_data
        current = {t.channel_id: t.text for t in post.targets.all()} if post else {}
        channels = data.get("channels")
        if channels is None:
            channels = [target.channel for target in post.targets.select_related("channel")]
        try:
            return publishing.save_draft(
                post,
                acting_user=self.request.user,
                title=data.get("title", post.title if post else ""),
                text=data.get("text", post.text if post else ""),
                link=data.get("link", post.link if post else ""),
                channels=channels,
                variants=data.get("variants", current),
                picture=data.get("picture"),
                clear_picture=data.get("clear_picture", False),
                picture_alt=data.get("picture_alt", post.picture_alt if post else ""),
                plan_item=data.get("plan_item", post.plan_item if post else None),
                theme=data.get("theme", post.theme if post else None),
            )
        except publishing.PostError as error:
            raise action_failed(error) from None

    def _done(self, post, code=status.HTTP_200_OK):
        post = self.get_queryset().get(pk=post.pk)
        return Response(self.get_serializer(post).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._done(self._save(serializer, None), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        post = self.get_object()
        serializer = self.get_serializer(post, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._done(self._save(serializer, post))

    def destroy(self, request, *args, **kwargs):
        post = self.get_object()
        try:
            publishing.delete_draft(post, acting_user=request.user)
        except publishing.PostError as error:
            raise action_failed(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _step(self, function, input_class=None, arguments=lambda data: {}):
        # The post first: its rule is asked before the input is read (a refusal is a refusal,
        # whatever was sent).
        post = self.get_object()
        data = {}
        if input_class is not None:
            serializer = input_class(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        try:
            function(post, acting_user=self.request.user, **arguments(data))
        except publishing.PostError as error:
            raise action_failed(error) from None
        return self._done(post)

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(publishing.submit)

    @extend_schema(request=PostApproveInputSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(
            publishing.approve,
            PostApproveInputSerializer,
            lambda data: {"scheduled_at": data.get("scheduled_at")},
        )

    @extend_schema(request=PostRejectInputSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(
            publishing.reject, PostRejectInputSerializer, lambda data: {"reason": data["reason"]}
        )

    @extend_schema(request=PostCommentInputSerializer, responses={201: PostCommentSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        post = self.get_object()
        data = PostCommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = publishing.add_comment(
                post, data.validated_data["text"], acting_user=request.user
            )
        except publishing.PostError as error:
            raise action_failed(error) from None
        return Response(PostCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PostScheduleInputSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        return self._step(
            lambda post, **kwargs: publishing.schedule(post, kwargs.pop("at"), **kwargs),
            PostScheduleInputSerializer,
            lambda data: {"at": data["scheduled_at"]},
        )

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"], url_path="publish-now")
    def publish_now(self, request, pk=None):
        return self._step(publishing.publish_now)

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return self._step(publishing.retry)
