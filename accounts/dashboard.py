"""The registry's dashboard panel: the channels in the user's scope, by status."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from governance.dashboard import Panel
from governance.permissions import can

from .models import Channel


def panels(request):
    if not can(request.user, "channels.view"):
        return []
    counts = dict(
        Channel.objects.for_user(request.user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return [
        Panel(
            title=_("Channels"),
            template="accounts/panels/channels.html",
            context={"total": sum(counts.values()), "counts": counts},
            order=200,
        )
    ]
