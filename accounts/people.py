"""Who may be named on a channel's record: responsible person, deputy, admins.

The people close to the page: members of its owning unit and of every unit in the same centre,
and the communications team (members of a communications unit or holders of its role), who
stand in for any page. The pick-lists offer them; the forms, the API and the actions refuse
anybody else. A person already on a record stays selectable there, so editing an old record
never silently loses them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models import Role, UnitKind

_COMMUNICATIONS_TEAM = Q(memberships__unit__kind=UnitKind.COMMUNICATIONS) | Q(
    memberships__role=Role.COMMUNICATIONS
)


def _active():
    return get_user_model().objects.filter(is_active=True)


def _close_to(unit):
    close = Q(memberships__unit_id=unit.pk) | _COMMUNICATIONS_TEAM
    if unit.centre_id is not None:
        close |= Q(memberships__unit__centre_id=unit.centre_id)
    return close


def eligible_people(unit, *, keep_ids=()):
    """Active people who may be named on a page of `unit`, plus the people `keep_ids` names."""
    keep_ids = [pk for pk in keep_ids if pk is not None]
    return _active().filter(_close_to(unit) | Q(pk__in=keep_ids)).distinct().order_by("username")


def people_in_centres():
    """Active people who may be named on some decentral page: members of a unit inside a
    centre, and the communications team. (The request form narrows to the chosen department
    when it checks the choice.)"""
    return (
        _active()
        .filter(Q(memberships__unit__centre__isnull=False) | _COMMUNICATIONS_TEAM)
        .distinct()
        .order_by("username")
    )


def is_eligible(person, unit):
    return eligible_people(unit).filter(pk=person.pk).exists()


def not_eligible_message(person, unit):
    """The error for a person who may not be named on a page of `unit`."""
    return _(
        "%(person)s cannot be named on this page: choose someone from %(area)s or from the "
        "communications team."
    ) % {"person": person.get_full_name() or person.username, "area": unit.centre or unit}
