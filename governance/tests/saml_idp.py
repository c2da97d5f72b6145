"""An identity provider played inside the test suite: its own key pair and certificate, made at
test time, and SAML responses it signs the way Entra ID, ADFS and KOMBIT's context handler do (the
assertion signed with RSA-SHA256, exclusive canonicalisation, the certificate in KeyInfo).

The XML follows the SAML 2.0 core specification (saml-core-2.0-os, sections 2 and 3.3.3).
"""

import base64
import re
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
GIVEN_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


@dataclass
class KeyPair:
    key_pem: str
    cert_pem: str


def make_key_pair(common_name="idp.testby.example"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    return KeyPair(key_pem, cert.public_bytes(serialization.Encoding.PEM).decode())


def _instant(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attribute(name, values):
    if isinstance(values, str):
        values = [values]
    inner = "".join(
        f'<saml:AttributeValue xsi:type="xs:string">{escape(value)}</saml:AttributeValue>'
        for value in values
    )
    return f"<saml:Attribute Name={quoteattr(name)}>{inner}</saml:Attribute>"


def _sign(xml, signer):
    signed = OneLogin_Saml2_Utils.add_sign(
        xml,
        signer.key_pem,
        signer.cert_pem,
        sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
        digest_algorithm=OneLogin_Saml2_Constants.SHA256,
    )
    signed = signed.decode() if isinstance(signed, bytes) else signed
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", signed)


def response_xml(
    *,
    issuer,
    audience,
    destination,
    in_response_to,
    name_id,
    attributes,
    signer=None,
    sign_response=False,
    issued_at=None,
    lifetime=timedelta(minutes=5),
):
    """A SAML Response with one assertion for `name_id`, signed by `signer` (None: unsigned),
    issued at `issued_at` (now) and valid for `lifetime`."""
    issued_at = issued_at or datetime.now(UTC)
    until = _instant(issued_at + lifetime)
    # A response the identity provider sends unasked (IdP-initiated) answers no request.
    answers = f" InResponseTo={quoteattr(in_response_to)}" if in_response_to else ""
    statements = "".join(_attribute(name, values) for name, values in attributes.items())
    assertion = (
        '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(issued_at)}">'
        f"<saml:Issuer>{escape(issuer)}</saml:Issuer>"
        "<saml:Subject>"
        f'<saml:NameID Format="{EMAIL_FORMAT}">{escape(name_id)}</saml:NameID>'
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient={quoteattr(destination)}'
        f"{answers}/>"
        "</saml:SubjectConfirmation>"
        "</saml:Subject>"
        f'<saml:Conditions NotBefore="{_instant(issued_at - timedelta(minutes=1))}" '
        f'NotOnOrAfter="{until}">'
        f"<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience>"
        "</saml:AudienceRestriction>"
        "</saml:Conditions>"
        f'<saml:AuthnStatement AuthnInstant="{_instant(issued_at)}" SessionIndex="_s1">'
        "<saml:AuthnContext><saml:AuthnContextClassRef>"
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        "</saml:AuthnContextClassRef></saml:AuthnContext>"
        "</saml:AuthnStatement>"
        f"<saml:AttributeStatement>{statements}</saml:AttributeStatement>"
        "</saml:Assertion>"
    )
    if signer is not None and not sign_response:
        assertion = _sign(assertion, signer)
    response = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(issued_at)}" '
        f"Destination={quoteattr(destination)}{answers}>"
        f"<saml:Issuer>{escape(issuer)}</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        "</samlp:Status>"
        f"{assertion}"
        "</samlp:Response>"
    )
    if signer is not None and sign_response:
        response = _sign(response, signer)
    return response


def request_id(redirect_location):
    """The ID of the AuthnRequest the product sent, from the HTTP-Redirect binding's
    SAMLRequest parameter (DEFLATE, then base64: saml-bindings-2.0-os, 3.4.4.1)."""
    query = parse_qs(urlparse(redirect_location).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    return re.search(r'\bID="([^"]+)"', xml).group(1)


def encode(xml):
    return base64.b64encode(xml.encode()).decode()
