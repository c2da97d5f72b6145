"""Forwarded questions: the expert's questions to answer, and for the communications team the
questions the team forwarded, open first."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from core.permissions import access_for
from core.permissions.views import ActionRequiredMixin
from governance.models import Role

from ..models import Forwarding, ForwardingStatus

RELATED = ("item", "item__channel", "to_unit", "to_user", "forwarded_by", "posted_with")


class ForwardedView(ActionRequiredMixin, TemplateView):
    """The expert's "my forwarded questions"; the team's "forwarded by the team"."""

    permission_action = "moderation.view_forwarded"
    template_name = "moderation/forwarded.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        access = access_for(user)
        mine = list(
            Forwarding.objects.forwarded_to(user)
            .select_related(*RELATED)
            .order_by("status", "due_at", "id")
        )
        context = {
            "open": [f for f in mine if f.status == ForwardingStatus.OPEN],
            "done": [f for f in mine if f.status != ForwardingStatus.OPEN][:50],
            "is_expert": bool(access.unit_ids(Role.DEPARTMENT_EXPERT)),
            "is_team": access.sees_everything,
            "now": timezone.now(),
            **kwargs,
        }
        if access.sees_everything:
            context.update(team_forwarded(exclude={f.pk for f in mine}))
        return context


def team_forwarded(exclude=()):
    """What the team forwarded: every open question, and the 50 latest answered or withdrawn."""
    rows = Forwarding.objects.exclude(pk__in=exclude).select_related(*RELATED)
    return {
        "team_open": list(rows.filter(status=ForwardingStatus.OPEN).order_by("due_at", "id")),
        "team_done": list(
            rows.exclude(status=ForwardingStatus.OPEN).order_by("-forwarded_at", "-id")[:50]
        ),
    }
