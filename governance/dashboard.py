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
    """The governance app's own panel: who you are in the organisation."""
    access = access_for(request.user)
    from .models import Membership

    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("unit", "unit__centre")
        .order_by("unit__name")
    )
    return [
        Panel(
            title=_("Your roles"),
            template="governance/panels/roles.html",
            context={"memberships": memberships, "is_superuser": access.is_superuser},
            order=900,
        )
    ]
