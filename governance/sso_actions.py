"""The memberships an identity provider gives: one action, run at every SAML or OpenID Connect
sign-in, that makes a person's memberships in the pairs the role mapping names match the groups
they have now."""

import logging

from allauth.account.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from audit import record, snapshot

from .models import Membership, OrgUnit
from .sso import groups_of, oidc_groups_of, role_mapping

logger = logging.getLogger(__name__)

FIELDS = ("user", "unit", "role", "is_lead")


def resolve_units(references):
    """{unit reference: OrgUnit} for names and ids; a name two units share is left out (name the
    unit by its id then). One query."""
    ids = {ref for ref in references if isinstance(ref, int)}
    names = {ref for ref in references if isinstance(ref, str)}
    found, by_name = {}, {}
    for unit in OrgUnit.objects.filter(Q(pk__in=ids) | Q(name__in=names)):
        if unit.pk in ids:
            found[unit.pk] = unit
        if unit.name in names:
            by_name.setdefault(unit.name, []).append(unit)
    for name, units in by_name.items():
        if len(units) == 1:
            found[name] = units[0]
        else:
            logger.error(
                "SAML_ROLE_MAPPING: %d units are named %r; name it by its id", len(units), name
            )
    for missing in set(references) - set(found):
        logger.error("SAML_ROLE_MAPPING: no unit %r", missing)
    return found


def _valid(unit, role):
    try:
        Membership(unit=unit, role=role).clean()
    except ValidationError as error:
        logger.error("SAML_ROLE_MAPPING: %s cannot hold %s: %s", unit, role, error.messages)
        return False
    return True


def sync_memberships(user, groups, *, provider, mapping=None):
    """Give `user` the memberships their `groups` map to and take away those of the mapped pairs
    they no longer have; memberships in pairs the mapping does not name are not touched. Each
    change is an audit row. Nothing here sets the superuser or staff flags. Returns the
    (action, membership) pairs done."""
    grants = role_mapping(mapping)
    if not grants:
        return []
    units = resolve_units({grant.unit for entries in grants.values() for grant in entries})
    managed, wanted = set(), {}
    for group, entries in grants.items():
        for grant in entries:
            unit = units.get(grant.unit)
            if unit is None or not _valid(unit, grant.role):
                continue
            key = (unit.pk, grant.role)
            managed.add(key)
            if group in groups:
                wanted[key] = wanted.get(key, False) or grant.lead
    done = []
    data = {"provider": provider}
    with transaction.atomic():
        current = {
            (m.unit_id, m.role): m
            for m in Membership.objects.select_for_update().filter(user=user).order_by("pk")
        }
        for key, membership in current.items():
            if key in managed and key not in wanted:
                record(
                    "membership.idp_removed",
                    obj=membership,
                    before=snapshot(membership, *FIELDS),
                    data=data,
                )
                membership.delete()
                done.append(("removed", membership))
            elif key in wanted and membership.is_lead != wanted[key]:
                before = snapshot(membership, *FIELDS)
                membership.is_lead = wanted[key]
                membership.save(update_fields=["is_lead"])
                after = snapshot(membership, *FIELDS)
                record(
                    "membership.idp_changed", obj=membership, before=before, after=after, data=data
                )
                done.append(("changed", membership))
        for (unit_id, role), lead in wanted.items():
            if (unit_id, role) in current:
                continue
            membership = Membership.objects.create(
                user=user, unit_id=unit_id, role=role, is_lead=lead
            )
            record(
                "membership.idp_added",
                obj=membership,
                after=snapshot(membership, *FIELDS),
                data=data,
            )
            done.append(("added", membership))
    return done


@receiver(user_logged_in)
def apply_identity_provider_roles(sender, request, user, sociallogin=None, **kwargs):
    """At every SAML or OpenID Connect sign-in, make the person's memberships match their
    groups (left as they are when an OpenID Connect provider did not send them for there being
    too many)."""
    if sociallogin is None:
        return
    if sociallogin.provider.id == "saml":
        groups = groups_of(sociallogin)
    elif sociallogin.provider.id == "openid_connect":
        groups = oidc_groups_of(sociallogin)
        if groups is None:
            logger.warning(
                "%s sent too many groups to put in the token; memberships left unchanged for %s",
                sociallogin.provider.name,
                user.pk,
            )
            return
    else:
        return
    sync_memberships(user, groups, provider=sociallogin.provider.name)
