"""The registry's pages under /channels/. The public register lives at /channels/register/ and
its exports at /channels/register.csv and /channels/register.json (stable, no login)."""

from django.urls import path

from . import public, views

app_name = "accounts"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channel-list"),
    path("<int:pk>/", views.ChannelDetailView.as_view(), name="channel-detail"),
    path("<int:pk>/edit/", views.ChannelEditView.as_view(), name="channel-edit"),
    path("<int:pk>/admins/", views.ChannelAdminAddView.as_view(), name="channel-admin-add"),
    path(
        "<int:pk>/admins/<int:admin_pk>/remove/",
        views.ChannelAdminRemoveView.as_view(),
        name="channel-admin-remove",
    ),
    path(
        "<int:pk>/verify-branding/",
        views.ChannelVerifyBrandingView.as_view(),
        name="channel-verify-branding",
    ),
    path("<int:pk>/review/", views.ChannelReviewView.as_view(), name="channel-review"),
    path("<int:pk>/activate/", views.ChannelActivateView.as_view(), name="channel-activate"),
    path("<int:pk>/close/", views.ChannelRequestClosingView.as_view(), name="channel-close"),
    path("<int:pk>/archive/", views.ChannelArchiveView.as_view(), name="channel-archive"),
    path("closing/<int:pk>/decide/", views.ClosingDecideView.as_view(), name="closing-decide"),
    path("requests/", views.RequestListView.as_view(), name="request-list"),
    path("requests/new/", views.RequestCreateView.as_view(), name="request-create"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("requests/<int:pk>/decide/", views.RequestDecideView.as_view(), name="request-decide"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("register/", public.PublicRegisterView.as_view(), name="public-register"),
    path("register.csv", public.PublicRegisterCsvView.as_view(), name="public-register-csv"),
    path("register.json", public.PublicRegisterJsonView.as_view(), name="public-register-json"),
]

from .connect_urls import urlpatterns as connect_urlpatterns  # noqa: E402

urlpatterns += connect_urlpatterns
