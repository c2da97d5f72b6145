"""Who else is on an item's page: the page's heartbeat (POST, every few seconds: viewing, or
writing while the reply box has focus or text; "left" when the page closes) answers with the
others present; a GET only reads them. Kept in the cache by `moderation.presence`."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from core.permissions.views import ActionRequiredMixin

from .. import presence
from ..item_page import visible_item

LEFT = "left"


class ItemPresenceView(ActionRequiredMixin, View):
    """Only people who may see the item see, and are seen, on its page."""

    permission_action = "moderation.view_item"
    http_method_names = ["get", "post"]

    def get_permission_object(self):
        self.item = visible_item(self.request.user, self.kwargs["pk"])
        return self.item

    def get(self, request, pk):
        return self._others()

    def post(self, request, pk):
        state = request.POST.get("state", presence.VIEWING)
        if state == LEFT:
            presence.leave(self.item.pk, request.user.pk)
            return HttpResponse(status=204)
        presence.beat(self.item.pk, request.user.pk, state)
        return self._others()

    def _others(self):
        present = presence.others(self.item.pk, self.request.user.pk)
        return render(
            self.request,
            "moderation/includes/presence.html",
            {"present": present, "writers": [p for p in present if p.writing]},
        )
