"""The registry's dashboard panels: a platform API version that ends soon or has ended (for the
communications team, first), and the channels in the user's scope by status, what waits for
them."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.permissions import access_for, can
from governance.dashboard import Panel

from .api_versions import notices_for
from .models import Channel, ChannelFlag, ChannelRequest, Decision, FlagKind


def panels(request):
    return _version_panels(request) + _channel_panels(request)


def _version_panels(request):
    notices = notices_for(request.user)
    if not notices:
        return []
    return [
        Panel(
            title=_("Platform API versions"),
            template="accounts/includes/api_version_notices.html",
            context={"notices": notices},
            order=0,
        )
    ]


def _channel_panels(request):
    user = request.user
    if not can(user, "channels.view"):
        return []
    counts = dict(
        Channel.objects.for_user(user).order_by().values_list("status").annotate(n=Count("id"))
    )
    context = {"total": sum(counts.values()), "counts": counts}
    if can(user, "channels.decide_request"):
        context["pending_requests"] = (
            ChannelRequest.objects.for_user(user)
            .filter(decision=Decision.PENDING)
            .exclude(requester=user)
            .count()
        )
    if access_for(user).sees_everything:
        context["overdue_reviews"] = (
            ChannelFlag.objects.open().filter(kind=FlagKind.REVIEW_OVERDUE).count()
        )
    return [
        Panel(
            title=_("Channels"),
            template="accounts/panels/channels.html",
            context=context,
            order=200,
        )
    ]
