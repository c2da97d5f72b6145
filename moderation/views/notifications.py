"""The user's notifications page, and the header's unread count polled on every page (which
also tells the opted-in browser alerts what is new: `static/js/alerts.js`)."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from ..models import OPEN_STATUSES, Notification, QueueItem

# The newest unread notifications an alert names at most; the rest are counted on the badge.
FRESH_SHOWN = 5
NO_ITEM_ABOVE = 2**62


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


def _id(raw):
    """A positive id from the query string, or None."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


class UnreadView(ActionRequiredMixin, View):
    """The header's link to the notifications with the unread count (one query). With
    `after` (the newest notification the browser has seen), the unread ones since then; with
    `alerts=1` and `item` (the newest item it has seen), the open items assigned to the person
    since then, for the monitor on duty's alerts."""

    permission_action = "moderation.view_queue"
    http_method_names = ["get"]

    def get(self, request):
        unread = Notification.objects.filter(user=request.user).unread()
        counted = unread.aggregate(count=Count("pk"), latest=Max("pk"))
        after = _id(request.GET.get("after"))
        fresh = []
        if after is not None and (counted["latest"] or 0) > after:
            fresh = list(
                unread.filter(pk__gt=after)
                .order_by("-pk")
                .only("pk", "kind", "message", "item_id")[:FRESH_SHOWN]
            )
        context = {"unread": counted["count"], "latest": counted["latest"] or 0, "fresh": fresh}
        if request.GET.get("alerts") == "1":
            context.update(assigned_since(request.user, _id(request.GET.get("item"))))
        return render(request, "moderation/includes/unread.html", context)


def assigned_since(user, seen_item):
    """The newest open item assigned to `user`, and how many arrived after `seen_item`."""
    # Without a starting point nothing counts as new: the browser learns the newest first.
    since = Q(pk__gt=seen_item if seen_item is not None else NO_ITEM_ABOVE)
    mine = QueueItem.objects.filter(assigned_to=user, status__in=OPEN_STATUSES).order_by()
    assigned = mine.aggregate(latest=Max("pk"), new=Count("pk", filter=since))
    return {"alerts": True, "latest_item": assigned["latest"] or 0, "new_items": assigned["new"]}
