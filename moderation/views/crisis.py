"""Crisis mode: the page that switches it on and off for the municipality."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from .. import actions
from ..forms import (
    CrisisForm,
)
from ..models import (
    CrisisPeriod,
)
from ..queries import municipality_of
from .common import posted_note


class CrisisView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.crisis"
    template_name = "moderation/crisis.html"

    def get_context_data(self, **kwargs):
        municipality = municipality_of(self.request.user)
        return {
            "municipality": municipality,
            "current": CrisisPeriod.objects.filter(
                municipality=municipality, ended_at__isnull=True
            ).first(),
            "periods": CrisisPeriod.objects.filter(municipality=municipality).select_related(
                "started_by", "ended_by"
            )[:20],
            "form": kwargs.pop("form", None) or CrisisForm(),
            **kwargs,
        }

    def post(self, request):
        municipality = municipality_of(request.user)
        try:
            if request.POST.get("switch") == "off":
                period = actions.end_crisis(
                    municipality, acting_user=request.user, note=posted_note(request)
                )
                messages.success(
                    request,
                    _("Crisis mode is off.")
                    + " "
                    + ngettext(
                        "%(count)d open item is back on the normal answer times.",
                        "%(count)d open items are back on the normal answer times.",
                        period.restored_items,
                    )
                    % {"count": period.restored_items},
                )
                return redirect("moderation:crisis")
            form = CrisisForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=400)
            period = actions.start_crisis(
                municipality, acting_user=request.user, **form.cleaned_data
            )
        except actions.ActionError as error:
            messages.error(request, str(error))
            return redirect("moderation:crisis")
        messages.success(
            request,
            _("Crisis mode is on.")
            + " "
            + ngettext(
                "The deadline of %(count)d open item was tightened.",
                "The deadlines of %(count)d open items were tightened.",
                period.tightened_items,
            )
            % {"count": period.tightened_items},
        )
        return redirect("moderation:crisis")
