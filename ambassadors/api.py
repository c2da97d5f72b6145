"""API of the ambassador programme (/api/v1/ambassadors/…), with the pages' rules: guides and
courses (the team writes them), course sign-up and cancelling, the person's own membership, and
the team's list of members."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import action_failed
from core.permissions.api import ActionPermission

from . import actions
from .forms import CourseForm, GuideForm
from .models import CourseSignup, Membership
from .views import courses_for, guides_for


class GuideSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    body = serializers.CharField()
    position = serializers.IntegerField(min_value=0, required=False)
    published = serializers.BooleanField(required=False)
    updated_at = serializers.DateTimeField(read_only=True)


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    online_link = serializers.URLField(max_length=500, required=False, allow_blank=True)
    seats = serializers.IntegerField(min_value=1)
    published = serializers.BooleanField(required=False)
    seats_taken = serializers.IntegerField(source="taken", read_only=True)
    has_seat = serializers.BooleanField(read_only=True)


def _form_errors(form):
    return ValidationError({field: list(messages) for field, messages in form.errors.items()})


class _FormWrites:
    """Create and change through the pages' form and action, so the limits are the same."""

    form_class = None
    save_action = None

    def _save(self, request, instance=None, partial=False):
        incoming = self.get_serializer(instance, data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        data = {}
        if instance is not None:
            for name in self.form_class._meta.fields:
                data[name] = getattr(instance, name)
        data.update(incoming.validated_data)
        form = self.form_class(
            data={
                key: "on" if value is True else value
                for key, value in data.items()
                if value is not False and value is not None
            },
            instance=instance,
        )
        if not form.is_valid():
            raise _form_errors(form)
        try:
            obj = type(self).save_action(form, acting_user=request.user)
        except actions.ProgrammeError as exc:
            raise action_failed(exc) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    def create(self, request, *args, **kwargs):
        response = self._save(request)
        response.status_code = 201
        return response

    def update(self, request, *args, **kwargs):
        return self._save(request, self.get_object(), partial=kwargs.get("partial", False))

    def partial_update(self, request, *args, **kwargs):
        return self._save(request, self.get_object(), partial=True)


class GuideViewSet(
    _FormWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Guides for ambassadors; the communications team writes them."""

    serializer_class = GuideSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "ambassadors.view",
        "retrieve": "ambassadors.view",
        "create": "ambassadors.manage",
        "update": "ambassadors.manage",
        "partial_update": "ambassadors.manage",
    }
    form_class = GuideForm
    save_action = actions.save_guide

    def get_queryset(self):
        return guides_for(self.request.user)


class CourseViewSet(
    _FormWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Courses with their seats; any employee signs up or gives a seat back."""

    serializer_class = CourseSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "ambassadors.view",
        "retrieve": "ambassadors.view",
        "create": "ambassadors.manage",
        "update": "ambassadors.manage",
        "partial_update": "ambassadors.manage",
        "sign_up": "ambassadors.sign_up",
        "cancel": "ambassadors.sign_up",
    }
    form_class = CourseForm
    save_action = actions.save_course

    def get_queryset(self):
        return courses_for(self.request.user)

    def _step(self, request, step):
        course = self.get_object()
        try:
            step(course, acting_user=request.user)
        except actions.ProgrammeError as exc:
            raise action_failed(exc) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=course.pk)).data)

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, pk=None):
        return self._step(request, actions.sign_up)

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(request, actions.cancel)


class AmbassadorMembershipSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    joined_at = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField(allow_null=True)
    course_seats = serializers.ListField(child=serializers.IntegerField())


def _membership(user):
    membership = Membership.objects.filter(user=user).first()
    return {
        "active": bool(membership and membership.active),
        "joined_at": membership.joined_at if membership else None,
        "left_at": membership.left_at if membership else None,
        "course_seats": list(
            CourseSignup.objects.filter(user=user, cancelled_at__isnull=True)
            .order_by("course__starts_at")
            .values_list("course_id", flat=True)
        ),
    }


class MyMembershipView(APIView):
    """The signed-in person's membership and course seats; POST joins, DELETE leaves."""

    permission_classes = [ActionPermission]
    permission_actions = {
        "get": "ambassadors.view",
        "post": "ambassadors.join",
        "delete": "ambassadors.join",
    }

    @extend_schema(responses=AmbassadorMembershipSerializer)
    def get(self, request):
        return Response(AmbassadorMembershipSerializer(_membership(request.user)).data)

    @extend_schema(request=None, responses=AmbassadorMembershipSerializer)
    def post(self, request):
        try:
            actions.join(request.user, acting_user=request.user)
        except actions.ProgrammeError as exc:
            raise action_failed(exc) from None
        return Response(AmbassadorMembershipSerializer(_membership(request.user)).data)

    @extend_schema(request=None, responses={200: AmbassadorMembershipSerializer})
    def delete(self, request):
        try:
            actions.leave(request.user, acting_user=request.user)
        except actions.ProgrammeError as exc:
            raise action_failed(exc) from None
        return Response(AmbassadorMembershipSerializer(_membership(request.user)).data)


class MemberSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="user.email")
    joined_at = serializers.DateTimeField()

    def get_name(self, member) -> str:
        return member.user.get_full_name() or member.user.username


class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The active ambassadors, for the communications team."""

    serializer_class = MemberSerializer
    permission_classes = [ActionPermission]
    permission_actions = {"list": "ambassadors.manage"}

    def get_queryset(self):
        return (
            Membership.objects.filter(active=True)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username", "pk")
        )


def register(router):
    router.register("ambassadors/guides", GuideViewSet, basename="ambassador-guide")
    router.register("ambassadors/courses", CourseViewSet, basename="ambassador-course")
    router.register("ambassadors/members", MemberViewSet, basename="ambassador-member")


urlpatterns = [
    path("ambassadors/me/", MyMembershipView.as_view(), name="ambassador-me"),
]
