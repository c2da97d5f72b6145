"""The channel registry pages."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from governance.permissions.views import ActionRequiredMixin

from .models import Channel


class ChannelListView(ActionRequiredMixin, ListView):
    permission_action = "channels.view"
    template_name = "accounts/channel_list.html"
    context_object_name = "channels"
    paginate_by = 50

    def get_queryset(self):
        return (
            Channel.objects.for_user(self.request.user)
            .select_related("owner_unit", "owner_unit__centre", "responsible")
            .order_by("platform", "name")
        )


class ChannelDetailView(ActionRequiredMixin, DetailView):
    permission_action = "channels.view"
    template_name = "accounts/channel_detail.html"
    context_object_name = "channel"

    def get_permission_object(self):
        # Channels outside the user's scope give 404, never a hint that they exist.
        self.object = get_object_or_404(
            Channel.objects.for_user(self.request.user).select_related(
                "owner_unit", "owner_unit__centre", "responsible", "deputy"
            ),
            pk=self.kwargs["pk"],
        )
        return self.object

    def get_object(self, queryset=None):
        return self.object
