"""The one place that answers "may this user do X to this object" and scopes querysets.

Every view, API view, admin action and task asks here. Each app registers the rules for its own
actions (`register("channels.approve", rule)`) in its `rules.py`, loaded when the app is ready; a
rule receives the user's `Access` (their roles, computed once per request) and the object.
Querysets are scoped by the models' `for_user(user)` methods, which use the same `Access`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

from governance.models import Membership, OrgUnit, Role, UnitKind

_RULES: dict[str, Callable] = {}


@dataclass(frozen=True)
class Access:
    """What one user is, in the organisation's terms."""

    user_id: int | None
    is_authenticated: bool = False
    is_superuser: bool = False
    is_comms: bool = False
    is_comms_lead: bool = False
    # role -> ids of the units where the user holds it
    units_by_role: dict = field(default_factory=dict)
    # ids of centres the user manages, and of every unit inside them
    managed_centre_ids: frozenset = frozenset()
    managed_unit_ids: frozenset = frozenset()
    # the centres of every unit the user belongs to (for "my centre" views)
    centre_ids: frozenset = frozenset()

    @property
    def is_member(self):
        """Any active person of the organisation (has a role, or runs the system)."""
        return self.is_superuser or bool(self.units_by_role)

    @property
    def sees_everything(self):
        return self.is_superuser or self.is_comms

    def has_role(self, role, unit_id=None):
        units = self.units_by_role.get(role, frozenset())
        return bool(units) if unit_id is None else unit_id in units

    def unit_ids(self, *roles):
        ids = set()
        for role in roles or self.units_by_role:
            ids |= self.units_by_role.get(role, frozenset())
        return frozenset(ids)

    def manages_unit(self, unit_id):
        return unit_id in self.managed_unit_ids


ANONYMOUS = Access(user_id=None)


def access_for(user) -> Access:
    """The user's Access, computed once per request and stored on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_governance_access", None)
    if cached is not None:
        return cached
    by_role = defaultdict(set)
    is_lead = False
    centre_ids = set()
    # One query: the user's roles with the centre each unit lies in.
    memberships = (
        Membership.objects.filter(user_id=user.pk)
        .order_by()
        .values_list("unit_id", "role", "is_lead", "unit__centre_id")
    )
    for unit_id, role, lead, centre_id in memberships:
        by_role[role].add(unit_id)
        if centre_id is not None:
            centre_ids.add(centre_id)
        if role == Role.COMMUNICATIONS and lead:
            is_lead = True
    managed_centres = by_role.get(Role.CENTRE_MANAGER, set())
    managed_units = set()
    if managed_centres:
        # Only a centre manager needs the second query: every unit inside their centres.
        managed_units = set(
            OrgUnit.objects.filter(centre_id__in=managed_centres).values_list("id", flat=True)
        )
    access = Access(
        user_id=user.pk,
        is_authenticated=True,
        is_superuser=user.is_superuser,
        is_comms=bool(by_role.get(Role.COMMUNICATIONS)),
        is_comms_lead=is_lead or user.is_superuser,
        units_by_role={role: frozenset(ids) for role, ids in by_role.items()},
        managed_centre_ids=frozenset(managed_centres),
        managed_unit_ids=frozenset(managed_units),
        centre_ids=frozenset(centre_ids),
    )
    user._governance_access = access
    return access


def forget_access(user):
    """Drop the cached Access (after the user's memberships changed within one request)."""
    if hasattr(user, "_governance_access"):
        del user._governance_access


def register(action: str, rule: Callable) -> None:
    """Register the rule deciding `action`; `rule(access, obj) -> bool`.

    A rule asked with `obj=None` answers whether the user may do the action to anything at all
    (it gates the collection: list pages, create forms, the API's has_permission).
    """
    if action in _RULES and _RULES[action] is not rule:
        raise ImproperlyConfigured(f"Permission rule {action!r} is registered twice.")
    _RULES[action] = rule


def rule(action: str):
    """Decorator form of `register`."""

    def decorate(func):
        register(action, func)
        return func

    return decorate


def can(user, action: str, obj=None) -> bool:
    """May `user` do `action` (to `obj`)? Unknown actions are refused loudly."""
    try:
        check = _RULES[action]
    except KeyError:
        raise ImproperlyConfigured(f"No permission rule for {action!r}.") from None
    access = access_for(user)
    if not access.is_authenticated and not getattr(check, "allows_anonymous", False):
        return False
    return bool(check(access, obj))


def registered_actions():
    return sorted(_RULES)


def anonymous_allowed(func):
    """Mark a rule as one that also answers for anonymous visitors."""
    func.allows_anonymous = True
    return func


__all__ = [
    "ANONYMOUS",
    "Access",
    "Role",
    "UnitKind",
    "access_for",
    "anonymous_allowed",
    "can",
    "forget_access",
    "register",
    "registered_actions",
    "rule",
]
