"""The day's essentials on the dashboard, per role: the queue's risk and today's breaches for
the team, the centre's pages and compliance for a centre manager, the guidelines for staff."""

from datetime import datetime, time

from django.db.models import Count, F, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, ChannelStatus
from core.permissions import access_for, can
from governance.dashboard import Panel
from governance.models import Role
from moderation.models import OPEN_STATUSES, QueueItem

from .metrics import _share, _with_answer, municipality_zone

# An open item is at risk once this share of its time to answer has gone.
RISK_SHARE = 0.75


def queue_risk(user, now, zone):
    """Open items past 75 % of their answer time but not yet overdue (the open-item counters
    the actions keep), and today's breaches: deadlines that fell today and were missed, read
    through the index on the answer deadline, so only today's deadlines are looked at."""
    from moderation.counts import open_counts

    start_of_day = datetime.combine(timezone.localdate(now, timezone=zone), time.min, tzinfo=zone)
    missed_today = Q(_answered_at__isnull=True, status__in=OPEN_STATUSES) | Q(
        _answered_at__gt=F("answer_due")
    )
    breaches = (
        _with_answer(QueueItem.objects.for_user(user).order_by())
        .filter(answer_due__gte=start_of_day, answer_due__lte=now)
        .aggregate(breaches_today=Count("pk", filter=missed_today))
    )
    return {"at_risk": open_counts(user)["at_risk"], **breaches}


def centre_figures(user, now, days=30):
    """The pages of the centres the user manages by status, and their SLA compliance over the
    last `days` days from the channel days the sweep keeps (two queries)."""
    from moderation.models import ChannelDay
    from moderation.rollups import window_start

    access = access_for(user)
    channels = Channel.objects.filter(owner_unit_id__in=access.managed_unit_ids)
    by_status = dict(channels.order_by().values_list("status").annotate(n=Count("pk")))
    counts = ChannelDay.objects.filter(
        channel__in=channels, day__gte=window_start(days, now=now)
    ).aggregate(on_time=Sum("on_time", default=0), breached=Sum("missed", default=0))
    return {
        "pages": sum(by_status.values()),
        "active": by_status.get(ChannelStatus.ACTIVE, 0),
        "dormant": by_status.get(ChannelStatus.DORMANT, 0),
        "compliance": _share(counts["on_time"], counts["on_time"] + counts["breached"]),
        "breached": counts["breached"],
        "days": days,
    }


def panels(request):
    user = request.user
    access = access_for(user)
    now = timezone.now()
    result = []
    if access.sees_everything or access.has_role(Role.ON_DUTY_MONITOR):
        figures = queue_risk(user, now, municipality_zone())
        result.append(
            Panel(
                title=_("Today in the queue"),
                template="strategy/panels/risk.html",
                context={**figures, "may_report": can(user, "reports.view")},
                order=50,
            )
        )
    if access.managed_centre_ids:
        result.append(
            Panel(
                title=_("Your centre's pages"),
                template="strategy/panels/centre.html",
                context=centre_figures(user, now),
                order=60,
            )
        )
    if access.has_role(Role.STAFF) or access.has_role(Role.POLITICIAN):
        try:
            url = reverse("governance:guidelines")
        except NoReverseMatch:
            url = None
        if url:
            result.append(
                Panel(
                    title=_("Guidelines"),
                    template="strategy/panels/guidelines.html",
                    context={"url": url},
                    order=40,
                )
            )
    return result
