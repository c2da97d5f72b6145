"""The SAML identity provider as the login library's provider settings, built from plain values
(the settings read them from the environment; the tests hand in their own provider's).

Plain Python, no Django: `config/settings.py` imports it before Django is set up.
"""

# Where the identity providers the municipalities use put a person's e-mail address, names and
# stable id. The first attribute present wins. Microsoft's claim names are what Entra ID and
# ADFS send by default; the OIDs are the standard (eduPerson/X.500) names KOMBIT and most others
# release.
DEFAULT_ATTRIBUTE_MAPPING = {
    "uid": [
        "urn:oasis:names:tc:SAML:attribute:subject-id",
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
    ],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "https://data.gov.dk/model/core/eid/email",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
    ],
}

# Attributes that carry a person's groups or roles: Entra ID's and ADFS's group and role claims,
# the plain names other providers use, and the privileges KOMBIT's context handler sends (OIO
# Basic Privilege Profile, OIOSAML 2 and 3 names: each privilege counts as a group).
DEFAULT_GROUP_ATTRIBUTES = [
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    "http://schemas.xmlsoap.org/claims/Group",
    "groups",
    "dk:gov:saml:attribute:Privileges_intermediate",
    "https://data.gov.dk/model/core/eid/privilegesIntermediate",
]


def pem_body(certificate):
    """A certificate as python3-saml takes it: the base64 body, whether it came as PEM (with
    its BEGIN/END lines and line breaks, as an environment variable often holds it) or bare."""
    lines = [line.strip() for line in certificate.replace("\\n", "\n").splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))


def saml_app(
    *,
    slug,
    name,
    idp_entity_id,
    sso_url="",
    x509cert="",
    slo_url="",
    metadata_url="",
    sp_entity_id="",
    sp_x509cert="",
    sp_private_key="",
    sign_requests=False,
    want_encrypted_assertions=False,
    attribute_mapping=None,
    email_domains=(),
):
    """One entry of `SOCIALACCOUNT_PROVIDERS["saml"]["APPS"]`.

    `slug` names the provider in its addresses (`/auth/saml/<slug>/acs/` and so on). The
    identity provider is either described here (`sso_url` and `x509cert`) or read from its
    `metadata_url`. Responses are taken only when strictly valid: the assertion signed by the
    provider's certificate, for this service provider (audience, recipient), in time, and in
    answer to a request this service provider made (sign-ins started at the identity provider
    are refused).
    """
    idp = {"entity_id": idp_entity_id}
    if metadata_url:
        idp["metadata_url"] = metadata_url
    else:
        idp.update({"sso_url": sso_url, "x509cert": pem_body(x509cert)})
        if slo_url:
            idp["slo_url"] = slo_url
    advanced = {
        "strict": True,
        "want_assertion_signed": True,
        "reject_deprecated_algorithm": True,
        "reject_idp_initiated_sso": True,
        "authn_request_signed": bool(sign_requests),
        "want_assertion_encrypted": bool(want_encrypted_assertions),
    }
    if sp_x509cert and sp_private_key:
        advanced["x509cert"] = pem_body(sp_x509cert)
        advanced["private_key"] = sp_private_key.replace("\\n", "\n")
    settings = {
        "idp": idp,
        "advanced": advanced,
        "attribute_mapping": attribute_mapping or DEFAULT_ATTRIBUTE_MAPPING,
        # The municipality's own identity provider vouches for its staff's addresses (or only for
        # those in the listed domains), so a person is matched to their account by e-mail.
        "verified_email": list(email_domains) if email_domains else True,
    }
    if sp_entity_id:
        settings["sp"] = {"entity_id": sp_entity_id}
    return {"name": name, "client_id": slug, "settings": settings}
