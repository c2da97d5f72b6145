"""The dashboard is made of panels contributed by the apps.

Each app may have a `dashboard.py` with `panels(request) -> list[Panel]`; the dashboard shows
the panels of every app in INSTALLED_APPS order, each already scoped to the user by its app.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from core.permissions import access_for


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    # An alert is shown as a banner above the cards (e.g. crisis mode is on).
    alert: bool = False


def collect_panels(request):
    panels = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        contribute = getattr(module, "panels", None)
        if contribute is not None:
            panels.extend(contribute(request))
    return sorted(panels, key=lambda panel: panel.order)


def panels(request):
    """The governance app's own panels: the first run's checklist for the people who set the
    product up (until it is done), and who you are in the organisation."""
    access = access_for(request.user)
    from .first_run import checklist, shown_to
    from .models import Membership

    own = []
    if shown_to(request.user):
        steps = checklist()
        if not all(step.done for step in steps):
            own.append(
                Panel(
                    title=_("Getting started"),
                    template="governance/panels/first_run.html",
                    context={"steps": steps, "done": sum(step.done for step in steps)},
                    order=0,
                )
            )

    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("unit", "unit__centre")
        .order_by("unit__name")
    )
    own.append(
        Panel(
            title=_("Your roles"),
            template="governance/panels/roles.html",
            context={"memberships": memberships, "is_superuser": access.is_superuser},
            order=900,
        )
    )
    return own
