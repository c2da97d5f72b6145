"""The user's notifications page."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from ..models import (
    Notification,
)


class NotificationsView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.view_queue"
    template_name = "moderation/notifications.html"

    def get_context_data(self, **kwargs):
        return {
            "notifications": Notification.objects.filter(user=self.request.user).select_related(
                "item"
            )[:100],
            **kwargs,
        }

    def post(self, request):
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return redirect("moderation:notifications")
