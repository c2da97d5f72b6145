"""The person's own profile page and their API tokens, under /profile/."""

from django.urls import path

from . import views_profile as views

app_name = "profile"

urlpatterns = [
    path("", views.ProfileView.as_view(), name="page"),
    path("tokens/", views.TokenCreateView.as_view(), name="token-create"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
]
