"""The queue's dashboard panel: open items in the user's scope and how many are overdue, read
from the open-item counters the actions keep (`moderation.counts`), not counted over the queue."""

from django.utils.translation import gettext_lazy as _

from core.permissions import can
from governance.dashboard import Panel

from .counts import open_counts


def panels(request):
    if not can(request.user, "moderation.view_queue"):
        return []
    figures = open_counts(request.user)
    return [
        Panel(
            title=_("Queue"),
            template="moderation/panels/queue.html",
            context={"open": figures["open"], "overdue": figures["overdue"]},
            order=100,
        )
    ]
