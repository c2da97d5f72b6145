"""The moderation queue pages."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from governance.permissions.views import ActionRequiredMixin

from .models import QueueItem


class QueueView(ActionRequiredMixin, ListView):
    permission_action = "moderation.view_queue"
    template_name = "moderation/queue.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        return (
            QueueItem.objects.for_user(self.request.user)
            .open()
            .select_related("channel", "assigned_to")
            .order_by("answer_due", "received_at", "id")
        )


class ItemDetailView(ActionRequiredMixin, DetailView):
    permission_action = "moderation.view_item"
    template_name = "moderation/item_detail.html"
    context_object_name = "item"

    def get_permission_object(self):
        self.object = get_object_or_404(
            QueueItem.objects.for_user(self.request.user).select_related(
                "channel", "channel__owner_unit", "assigned_to", "parent"
            ),
            pk=self.kwargs["pk"],
        )
        return self.object

    def get_object(self, queryset=None):
        return self.object
