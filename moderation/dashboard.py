"""The queue's dashboard panel: open items in the user's scope and how many are overdue, read
from the open-item counters the actions keep (`moderation.counts`), not counted over the queue."""

from django.utils.translation import gettext_lazy as _

from core.permissions import can
from governance.dashboard import Panel

from .counts import open_counts
from .models import CrisisPeriod


def panels(request):
    if not can(request.user, "moderation.view_queue"):
        return []
    figures = open_counts(request.user)
    return crisis_panels(request) + [
        Panel(
            title=_("Queue"),
            template="moderation/panels/queue.html",
            context={"open": figures["open"], "overdue": figures["overdue"]},
            order=100,
        )
    ]


def crisis_panels(request):
    """While crisis mode is on, a banner says so, since when, why, and how answer times change."""
    period = (
        CrisisPeriod.objects.filter(ended_at__isnull=True)
        .select_related("started_by")
        .order_by("-started_at")
        .first()
    )
    if period is None:
        return []
    return [
        Panel(
            title=_("Crisis mode is on"),
            template="moderation/panels/crisis.html",
            context={"period": period, "may_end": can(request.user, "moderation.crisis")},
            order=0,
            alert=True,
        )
    ]
