"""Routes for connecting a channel to its platform account; included by accounts/urls.py."""

from django.urls import path

from . import connect_views

urlpatterns = [
    path(
        "<int:pk>/connect/",
        connect_views.ChannelConnectView.as_view(),
        name="channel-connect",
    ),
    path(
        "<int:pk>/connect/oauth/",
        connect_views.ChannelOAuthStartView.as_view(),
        name="channel-oauth-start",
    ),
    path(
        "<int:pk>/connect/oauth/pick/",
        connect_views.ChannelOAuthPickView.as_view(),
        name="channel-oauth-pick",
    ),
    path(
        "connect/oauth/callback/",
        connect_views.ChannelOAuthCallbackView.as_view(),
        name="channel-oauth-callback",
    ),
    path(
        "<int:pk>/connect/test/",
        connect_views.ChannelTestConnectionView.as_view(),
        name="channel-test-connection",
    ),
    path(
        "<int:pk>/connect/webhooks/",
        connect_views.ChannelSubscribeWebhooksView.as_view(),
        name="channel-subscribe-webhooks",
    ),
    path(
        "<int:pk>/connect/disconnect/",
        connect_views.ChannelDisconnectView.as_view(),
        name="channel-disconnect",
    ),
]
