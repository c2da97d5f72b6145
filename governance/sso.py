"""Roles and units from the identity provider: the mapping of its groups to memberships
(`SAML_ROLE_MAPPING`), read and checked here, and applied at every SAML or OpenID Connect
sign-in by `governance.sso_actions.sync_memberships`. A SAML sign-in's groups come from the
attributes `SAML_GROUP_ATTRIBUTES` names (`groups_of`), an OpenID Connect sign-in's from the
claims `OIDC_GROUP_CLAIMS` names (`oidc_groups_of`).

The mapping names, for each group (or role claim) the identity provider sends, the unit and the
role it gives:

    {"SoMe-Kommunikation": {"unit": "Kommunikation", "role": "communications"},
     "Leder-Center-A": [{"unit": "Center A", "role": "centre_manager", "lead": true}],
     "Redaktoerer-Afd-A": ["Afdeling A", "channel_editor"]}

A unit is named by its name or its id (the id where two units share a name). The (unit, role)
pairs the mapping names belong to the identity provider: a person who no longer has the group
loses the membership at their next sign-in. Memberships given in the product for other pairs are
left alone.
"""

import base64
import binascii
from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, Tags, register
from lxml import etree

from .models import Role


@dataclass(frozen=True)
class Grant:
    unit: str | int
    role: str
    lead: bool = False


def mapping_errors(mapping):
    """What is wrong with a role mapping, in words a system administrator can act on."""
    if not isinstance(mapping, dict):
        return ["SAML_ROLE_MAPPING must be a JSON object of group name -> grant."]
    errors = []
    for group, value in mapping.items():
        entries = value if isinstance(value, list) and _is_list_of_grants(value) else [value]
        for entry in entries:
            grant, problem = _grant(entry)
            if problem:
                errors.append(f"group {group!r}: {problem}")
            elif grant.role not in Role.values:
                errors.append(
                    f"group {group!r}: unknown role {grant.role!r} "
                    f"(one of {', '.join(Role.values)})"
                )
    return errors


def role_mapping(mapping=None):
    """{group: [Grant, ...]} from `SAML_ROLE_MAPPING`; entries with a problem are left out
    (the system check governance.E010 names them)."""
    mapping = settings.SAML_ROLE_MAPPING if mapping is None else mapping
    if not isinstance(mapping, dict):
        return {}
    grants = {}
    for group, value in mapping.items():
        entries = value if isinstance(value, list) and _is_list_of_grants(value) else [value]
        for entry in entries:
            grant, problem = _grant(entry)
            if not problem and grant.role in Role.values:
                grants.setdefault(str(group), []).append(grant)
    return grants


def _is_list_of_grants(value):
    # ["Unit", "role"] is one grant; [{...}, ["Unit", "role"]] is several.
    return all(isinstance(entry, dict | list) for entry in value)


def _grant(entry):
    if isinstance(entry, list):
        if len(entry) not in (2, 3) or not all(isinstance(part, str | int) for part in entry[:2]):
            return None, 'a grant as a list is ["unit", "role"] or ["unit", "role", true]'
        entry = {"unit": entry[0], "role": entry[1], "lead": entry[2] if len(entry) > 2 else False}
    if not isinstance(entry, dict):
        return None, 'a grant is {"unit": ..., "role": ...} or ["unit", "role"]'
    unit, role, lead = entry.get("unit"), entry.get("role"), entry.get("lead", False)
    if isinstance(unit, bool) or not isinstance(unit, str | int) or unit == "":
        return None, "names no unit (its name or id)"
    if not isinstance(role, str):
        return None, "names no role"
    if not isinstance(lead, bool):
        return None, '"lead" must be true or false'
    return Grant(unit=unit, role=role, lead=lead), None


def groups_of(sociallogin):
    """The groups (and role claims, and OIO privileges) a SAML sign-in carries, from the
    attributes named in `SAML_GROUP_ATTRIBUTES`."""
    attributes = sociallogin.account.extra_data or {}
    groups = set()
    for name in settings.SAML_GROUP_ATTRIBUTES:
        values = attributes.get(name) or []
        for value in values if isinstance(values, list) else [values]:
            privileges = oio_privileges(str(value))
            groups.update(privileges if privileges is not None else [str(value)])
    return groups


def oidc_groups_of(sociallogin):
    """The groups (or app roles) an OpenID Connect sign-in carries: the values of the claims
    `OIDC_GROUP_CLAIMS` names, in the ID token and the userinfo answer (allauth keeps both), or
    None when the provider left them out for there being too many (Microsoft Entra ID's
    "groups overage": `_claim_names` names the claim instead of the token holding it), so the
    memberships are left as they are rather than taken away."""
    data = sociallogin.account.extra_data or {}
    # allauth keeps {"userinfo": {...}, "id_token": {...}}; older versions the claims flat.
    sources = [data[key] for key in ("id_token", "userinfo") if isinstance(data.get(key), dict)]
    sources = sources or [data]
    groups = set()
    for claims in sources:
        overage = claims.get("_claim_names") or {}
        for name in settings.OIDC_GROUP_CLAIMS:
            if isinstance(overage, dict) and name in overage and name not in claims:
                return None
            values = claims.get(name) or []
            groups.update(str(v) for v in (values if isinstance(values, list) else [values]))
    return groups


# An XML parser that reads no DTD, entities or network resources: the privilege list comes from
# inside a signed assertion, but is still only data.
_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def oio_privileges(value):
    """The privileges of an OIO Basic Privilege Profile list (base64 XML, as KOMBIT sends
    them), or None when `value` is not one."""
    if "PrivilegeList" in value:
        xml = value
    else:
        try:
            xml = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, ValueError):
            return None
        if "PrivilegeList" not in xml:
            return None
    try:
        root = etree.fromstring(xml.encode(), parser=_SAFE_XML)
    except etree.XMLSyntaxError:
        return None
    if etree.QName(root).localname != "PrivilegeList":
        return None
    return {
        node.text.strip()
        for node in root.iter("{*}Privilege", "Privilege")
        if node.text and node.text.strip()
    }


@register(Tags.security)
def check_role_mapping(app_configs, **kwargs):
    """A mistake in the mapping would silently give no one a role: say so at start-up."""
    return [
        Error(
            problem,
            hint="Fix SAML_ROLE_MAPPING (README: SAML single sign-on).",
            id="governance.E010",
        )
        for problem in mapping_errors(settings.SAML_ROLE_MAPPING)
    ]
