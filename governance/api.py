"""API: who am I, in the organisation's terms."""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Membership
from .permissions import access_for


class MembershipSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    unit_kind = serializers.CharField(source="unit.kind")
    centre = serializers.IntegerField(source="unit.centre_id", allow_null=True)

    class Meta:
        model = Membership
        fields = ["unit", "unit_name", "unit_kind", "centre", "role", "is_lead"]


class MeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "username": serializers.CharField(),
                "is_communications_team": serializers.BooleanField(),
                "memberships": MembershipSerializer(many=True),
            },
        )
    )
    def get(self, request):
        access = access_for(request.user)
        memberships = Membership.objects.filter(user=request.user).select_related("unit")
        return Response(
            {
                "id": request.user.pk,
                "username": request.user.get_username(),
                "is_communications_team": access.sees_everything,
                "memberships": MembershipSerializer(memberships, many=True).data,
            }
        )


urlpatterns = [path("me/", MeView.as_view(), name="api-me")]
