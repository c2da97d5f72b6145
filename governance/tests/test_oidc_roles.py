"""Roles from an OpenID Connect sign-in's groups: the role mapping SAML sign-ins follow applies
to OIDC sign-ins too, their groups read from the claims `OIDC_GROUP_CLAIMS` names. Through the
product's own OIDC addresses (the login step and the callback), the provider played by the test:
its discovery document, token and userinfo answers are served to allauth's HTTP session, never
the network.

The claims are shaped as Microsoft Entra ID documents them: "groups" holds group object ids,
"roles" app roles; a user in too many groups gets no "groups" claim but `_claim_names`
pointing elsewhere ("groups overage"), see
https://learn.microsoft.com/en-us/security/zero-trust/develop/configure-tokens-group-claims-app-roles
"""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from audit.models import AuditEntry
from governance.models import Membership, Role

pytestmark = pytest.mark.django_db

ISSUER = "https://login.microsoftonline.com/833ced3d-cb2e-41de-92f1-29e2af035ddc/v2.0"
CLIENT_ID = "e18c04b1-4868-4b93-93d1-8d71f17ab99b"
COMMS_GROUP = "0760b6cf-170e-4a14-91b3-4b78e0739963"
EDITOR_GROUP = "3b2b0c93-acd8-4208-8eba-7a48db1cd4c0"
MAPPING = {
    COMMS_GROUP: {"unit": "Kommunikation", "role": "communications"},
    EDITOR_GROUP: ["Afdeling A", "channel_editor"],
    "SoMe.Leder": [{"unit": "Center A", "role": "centre_manager", "lead": True}],
}
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": "https://login.example.invalid/authorize",
    "token_endpoint": "https://login.example.invalid/token",
    "userinfo_endpoint": "https://login.example.invalid/userinfo",
    "jwks_uri": "https://login.example.invalid/keys",
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}


class _Answer:
    def __init__(self, body):
        self.body, self.status_code = body, 200
        self.headers = {"content-type": "application/json; charset=utf-8"}
        self.text = self.content = json.dumps(body)

    def json(self):
        return self.body

    def raise_for_status(self):
        pass


class FakeProvider:
    """The identity provider's HTTP answers: discovery, the token (with the ID token's claims)
    and userinfo. Every request allauth makes is kept."""

    def __init__(self):
        self.id_claims, self.userinfo, self.requests = {}, {}, []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _answer(self, method, url):
        self.requests.append((method, url))
        if url.endswith("/.well-known/openid-configuration"):
            return _Answer(DISCOVERY)
        if url == DISCOVERY["token_endpoint"]:
            now = int(time.time())
            claims = {"iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 3600}
            token = jwt.encode(
                {**claims, **self.id_claims},
                "signature-not-checked-after-the-code-exchange",
                algorithm="HS256",
            )
            return _Answer({"access_token": "at-1", "token_type": "Bearer", "id_token": token})
        if url == DISCOVERY["userinfo_endpoint"]:
            return _Answer(self.userinfo)
        raise AssertionError(f"unexpected request {method} {url}")

    def get(self, url, **kwargs):
        return self._answer("GET", url)

    def post(self, url, **kwargs):
        return self._answer("POST", url)

    def request(self, method, url, **kwargs):
        return self._answer(method.upper(), url)


@pytest.fixture
def provider(settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "entra",
                    "name": "Testby Entra",
                    "client_id": CLIENT_ID,
                    "secret": "secret",
                    "settings": {"server_url": "https://login.example.invalid/v2.0"},
                }
            ]
        }
    }
    settings.SAML_ROLE_MAPPING = MAPPING
    fake = FakeProvider()
    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", lambda self: fake)
    return fake


def _sign_in(client, provider, user, *, id_claims=None, userinfo=None):
    """Sign `user` (known to the provider as "sub-<username>") in through the product's OIDC
    login and callback addresses."""
    SocialAccount.objects.get_or_create(provider="entra", uid=f"sub-{user.username}", user=user)
    subject = {"sub": f"sub-{user.username}", "email": user.email}
    provider.id_claims = {**subject, **(id_claims or {})}
    provider.userinfo = {**subject, **(userinfo or {})}
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "entra"}))
    assert start.status_code == 302, start.content
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "entra"})
    return client.get(callback, {"code": "code-1", "state": state})


def _roles(user):
    return set(Membership.objects.filter(user=user).values_list("unit__name", "role", "is_lead"))


def _signed_in(client):
    return int(client.session["_auth_user_id"])


def test_an_oidc_sign_in_gives_the_roles_its_groups_map_to(client, org, provider):
    expert = org.users["expert"]

    # When the expert signs in with the communications group and an app role in the ID token
    page = _sign_in(client, provider, expert, id_claims={"groups": [COMMS_GROUP], "roles": []})

    # Then they are signed in with the communications role; the role given in the product for
    # a pair the mapping does not name stays
    assert page.status_code == 302
    assert _signed_in(client) == expert.pk
    assert _roles(expert) == {
        ("Afdeling A", Role.DEPARTMENT_EXPERT, False),
        ("Kommunikation", Role.COMMUNICATIONS, False),
    }
    entry = AuditEntry.objects.get(action="membership.idp_added")
    assert entry.data == {"provider": "Testby Entra"}
    assert entry.after["role"] == "communications"
    assert ("GET", DISCOVERY["userinfo_endpoint"]) in provider.requests


def test_a_group_taken_away_removes_its_role_at_the_next_sign_in(client, org, provider):
    staff = org.users["staff"]
    _sign_in(client, provider, staff, userinfo={"groups": [COMMS_GROUP, EDITOR_GROUP]})
    assert _roles(staff) >= {
        ("Kommunikation", Role.COMMUNICATIONS, False),
        ("Afdeling A", Role.CHANNEL_EDITOR, False),
    }
    client.logout()

    # When the provider no longer sends the editor group, and sends an app role instead
    _sign_in(client, provider, staff, userinfo={"groups": [COMMS_GROUP], "roles": ["SoMe.Leder"]})

    # Then the editor role goes, the app role's lead membership comes
    roles = _roles(staff)
    assert ("Afdeling A", Role.CHANNEL_EDITOR, False) not in roles
    assert ("Center A", Role.CENTRE_MANAGER, True) in roles
    assert AuditEntry.objects.filter(action="membership.idp_removed").count() == 1


def test_the_claim_name_is_a_setting(client, org, provider, settings):
    settings.OIDC_GROUP_CLAIMS = ["memberOf"]
    staff = org.users["staff"]

    _sign_in(
        client,
        provider,
        staff,
        userinfo={"memberOf": EDITOR_GROUP, "groups": [COMMS_GROUP]},
    )

    # A single value is one group; a claim the setting does not name is not read
    roles = _roles(staff)
    assert ("Afdeling A", Role.CHANNEL_EDITOR, False) in roles
    assert ("Kommunikation", Role.COMMUNICATIONS, False) not in roles


def test_a_groups_overage_leaves_the_memberships_as_they_are(client, org, provider):
    staff = org.users["staff"]
    _sign_in(client, provider, staff, id_claims={"groups": [EDITOR_GROUP]})
    before = _roles(staff)
    assert ("Afdeling A", Role.CHANNEL_EDITOR, False) in before
    client.logout()

    # When the person is in too many groups: the token names a source instead of the groups
    page = _sign_in(
        client,
        provider,
        staff,
        id_claims={
            "_claim_names": {"groups": "src1"},
            "_claim_sources": {
                "src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"}
            },
        },
    )

    # Then they are signed in and nothing is taken away
    assert page.status_code == 302
    assert _signed_in(client) == staff.pk
    assert _roles(staff) == before
    assert not AuditEntry.objects.filter(action="membership.idp_removed").exists()


def test_without_a_mapping_an_oidc_sign_in_changes_no_role(client, org, provider, settings):
    settings.SAML_ROLE_MAPPING = {}
    staff = org.users["staff"]
    before = _roles(staff)

    _sign_in(client, provider, staff, userinfo={"groups": [COMMS_GROUP]})

    assert _signed_in(client) == staff.pk
    assert _roles(staff) == before
