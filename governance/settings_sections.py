"""The settings overview is made of sections contributed by the apps.

Each app may have a `settings_sections.py` with `sections(request) -> list[Section]`; the
overview at /settings/ shows the sections of every app in INSTALLED_APPS order, then by `order`.
An app returns only the sections the user may open (it asks its own permission rules), so the
overview never links to a page that would refuse them.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.permissions import can


@dataclass
class Section:
    title: str
    url: str
    description: str = ""
    # Short facts about the current state ("3 centres"), shown under the description.
    facts: list = field(default_factory=list)
    order: int = 100


def collect_sections(request):
    sections = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.settings_sections")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.settings_sections":
                raise
            continue
        contribute = getattr(module, "sections", None)
        if contribute is not None:
            sections.extend(contribute(request))
    return sorted(sections, key=lambda section: section.order)


def sections(request):
    """The governance app's own sections: the municipality, the organisation, the people."""
    if not can(request.user, "governance.manage_settings"):
        return []
    from django.contrib.auth import get_user_model

    from .models import Invitation, Municipality, OrgUnit
    from .views_settings import settings_sections

    municipality = Municipality.objects.current()
    units = OrgUnit.objects.open().filter(municipality=municipality).count() if municipality else 0
    people = get_user_model().objects.filter(is_active=True).count()
    waiting = (
        Invitation.objects.filter(
            municipality=municipality, accepted_at__isnull=True, withdrawn_at__isnull=True
        ).count()
        if municipality
        else 0
    )
    return [
        Section(
            title=_("Municipality"),
            url=reverse("settings:municipality"),
            description=_("Name, country, time zone, default language and website."),
            facts=[str(municipality)] if municipality else [_("Not set up yet")],
            order=10,
        ),
        Section(
            title=_("Organisation"),
            url=reverse("settings:units"),
            description=_("Centres, departments and teams as a tree: add, rename, move, close."),
            facts=[
                ngettext("%(count)d unit in use", "%(count)d units in use", units)
                % {"count": units}
            ],
            order=20,
        ),
        Section(
            title=_("People"),
            url=reverse("settings:people"),
            description=_("Invite people by e-mail, change their roles, deactivate accounts."),
            facts=[
                ngettext("%(count)d active account", "%(count)d active accounts", people)
                % {"count": people},
                ngettext(
                    "%(count)d invitation not yet accepted",
                    "%(count)d invitations not yet accepted",
                    waiting,
                )
                % {"count": waiting},
            ],
            order=30,
        ),
        Section(
            title=_("Routing topics"),
            url=reverse("settings:topics"),
            description=_(
                "What each department answers questions about, so the forward dialog can "
                "suggest where an item belongs."
            ),
            order=35,
        ),
        *(
            Section(
                title=entry["title"],
                url=entry["url"],
                description=entry["description"],
                order=40 + index * 10,
            )
            for index, entry in enumerate(settings_sections(request))
        ),
    ]
