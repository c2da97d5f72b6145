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
