"""API: the signed-in person's own API tokens (`/api/v1/me/tokens/`).

Listing and revoking work with a session or a token (a read-only token may list); making a token
needs a signed-in session, so a token never makes another one."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api_errors import action_failed
from core.permissions.api import SCOPED, ActionPermission

from . import token_actions
from .models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "scope",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "state",
        ]
        read_only_fields = fields

    def get_state(self, token) -> str:
        """active, expired or revoked"""
        return token.state()


class NewTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=token_actions.NAME_MAX_LENGTH)
    scope = serializers.ChoiceField(choices=ApiToken._meta.get_field("scope").choices)
    expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "The last day the token works (in the municipality's time zone); empty: "
            "it does not expire."
        ),
    )


class TokenNeedsSession(PermissionDenied):
    default_detail = _("API tokens are made from a signed-in session, not with a token.")
    default_code = "session_required"


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own API tokens. POST makes one and answers its `token` once: store it then, it
    cannot be shown again. `revoke` ends one at once."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": SCOPED,
        "retrieve": SCOPED,
        "create": "governance.manage_own_tokens",
        "revoke": "governance.manage_own_tokens",
    }

    def get_queryset(self):
        return ApiToken.objects.for_user(self.request.user)

    @extend_schema(
        request=NewTokenSerializer,
        responses={
            201: inline_serializer(
                "NewApiToken",
                {
                    "token": serializers.CharField(help_text="Shown this once only."),
                    "details": ApiTokenSerializer(),
                },
            )
        },
    )
    def create(self, request, *args, **kwargs):
        if request.auth is not None:
            raise TokenNeedsSession()
        payload = NewTokenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            token, secret = token_actions.create_token(
                request.user, acting_user=request.user, **payload.validated_data
            )
        except token_actions.TokenError as exc:
            raise action_failed(exc) from None
        return Response({"token": secret, "details": self.get_serializer(token).data}, status=201)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = self.get_object()
        try:
            token = token_actions.revoke_token(token, acting_user=request.user)
        except token_actions.TokenError as exc:
            raise action_failed(exc) from None
        return Response(self.get_serializer(token).data)


def register(router):
    router.register("me/tokens", ApiTokenViewSet, basename="api-token")
