"""The expert's page of questions forwarded to them."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from ..models import (
    Forwarding,
    ForwardingStatus,
)


class ForwardedView(ActionRequiredMixin, TemplateView):
    """The expert's "my forwarded questions"."""

    permission_action = "moderation.answer_forwarded"
    template_name = "moderation/forwarded.html"

    def get_context_data(self, **kwargs):
        rows = (
            Forwarding.objects.forwarded_to(self.request.user)
            .select_related("item", "item__channel", "to_unit", "forwarded_by")
            .order_by("status", "due_at", "id")
        )
        return {
            "open": [f for f in rows if f.status == ForwardingStatus.OPEN],
            "done": [f for f in rows if f.status != ForwardingStatus.OPEN][:50],
            "now": timezone.now(),
            **kwargs,
        }
