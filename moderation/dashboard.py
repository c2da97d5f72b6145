"""The queue's dashboard panel: open items in the user's scope and how many are overdue."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.dashboard import Panel
from governance.permissions import can

from .models import QueueItem


def panels(request):
    if not can(request.user, "moderation.view_queue"):
        return []
    figures = (
        QueueItem.objects.for_user(request.user)
        .open()
        .aggregate(open=Count("id"), overdue=Count("id", filter=Q(answer_due__lt=timezone.now())))
    )
    return [
        Panel(
            title=_("Queue"),
            template="moderation/panels/queue.html",
            context=figures,
            order=100,
        )
    ]
