"""Every response carries the Content-Security-Policy, and no page needs what it forbids: no
inline script, event-handler attribute, javascript: link, <style> block or style attribute."""

import re

import pytest
from django.urls import reverse

from core.testing import PASSWORD

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# The item page shows the post's picture from the platforms' image hosts, and nothing else more.
ITEM_POLICY = POLICY.replace(
    "img-src 'self' data:;",
    "img-src 'self' data: https://*.fbcdn.net https://*.cdninstagram.com https://i.ytimg.com;",
)

INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>"),
    "event-handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
    "style block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE),
}

PUBLIC_PAGES = [
    lambda org: "/auth/login/",
    lambda org: reverse("accounts:public-register"),
    lambda org: reverse("governance:house-rules", args=["da"]),
    lambda org: "/no-such-page/",
]

TEAM_PAGES = [
    lambda org: reverse("dashboard"),
    lambda org: reverse("moderation:queue"),
    lambda org: reverse("moderation:queue-counts"),
    lambda org: org.items["a"].get_absolute_url(),
    lambda org: reverse("moderation:forwarded"),
    lambda org: reverse("moderation:notifications"),
    lambda org: reverse("moderation:crisis"),
    lambda org: reverse("moderation:audit-log"),
    lambda org: reverse("moderation:rota"),
    lambda org: reverse("accounts:channel-list"),
    lambda org: reverse("accounts:channel-detail", args=[org.channels["a"].pk]),
    lambda org: reverse("accounts:request-list"),
    lambda org: reverse("accounts:request-create"),
    lambda org: reverse("accounts:compliance"),
    lambda org: reverse("governance:guidelines"),
    lambda org: reverse("governance:policy-list"),
    lambda org: reverse("strategy:overview"),
    lambda org: reverse("strategy:plan"),
    lambda org: reverse("strategy:reports"),
    lambda org: reverse("strategy:report-volume"),
    lambda org: "/api/v1/items/",
]


def assert_protected(response):
    path = response.request["PATH_INFO"]
    expected = ITEM_POLICY if path.startswith("/moderation/items/") else POLICY
    assert response["Content-Security-Policy"] == expected, path
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        found = {name: rule.findall(html)[:3] for name, rule in INLINE.items() if rule.search(html)}
        assert found == {}, response.request["PATH_INFO"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_carry_the_policy(client, org, url):
    assert_protected(client.get(url(org)))


@pytest.mark.parametrize("url", TEAM_PAGES)
def test_the_teams_pages_carry_the_policy(client, org, url):
    assert client.login(username="comms", password=PASSWORD)
    response = client.get(url(org))
    assert response.status_code == 200, response.request["PATH_INFO"]
    assert_protected(response)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/moderation/queueitem/",
        "/admin/accounts/channel/add/",
    ],
)
def test_the_admin_carries_the_policy(client, org, url):
    assert client.login(username="superuser", password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert_protected(response)


def test_a_refused_post_and_a_redirect_carry_the_policy(client, org):
    assert_protected(client.post("/auth/login/", {"login": "comms", "password": "wrong"}))
    assert_protected(client.get(reverse("moderation:queue")))  # to the login page
    assert client.login(username="editor", password=PASSWORD)
    refused = client.post(
        reverse("moderation:item-action", args=[org.items["a"].pk, "close"]), {"close-reason": ""}
    )
    assert refused.status_code == 400
    assert_protected(refused)


def test_the_api_docs_load_their_script_from_a_url(client, org):
    assert client.login(username="comms", password=PASSWORD)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    # Swagger UI writes style attributes and brings a <style> block: styles may be inline
    # there, scripts still may not.
    assert page["Content-Security-Policy"] == POLICY.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )
    html = page.content.decode()
    assert not INLINE["inline script"].search(html)
    script = re.search(r'<script src="([^"]*\?script=[^"]*)"', html).group(1)
    init = client.get(script.replace("&amp;", "&"))
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.content.decode()


def test_the_login_form_may_lead_to_the_identity_provider(settings):
    # Browsers check form-action on the redirect after the OIDC login's POST as well.
    from core import csp

    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [{"settings": {"server_url": "https://login.microsoftonline.com/t-1/v2.0"}}]
        }
    }
    assert "form-action 'self' https://login.microsoftonline.com" in csp.build()


def test_the_login_form_may_lead_to_the_saml_identity_provider(settings):
    # The SAML button's POST is answered with a redirect to the provider's sign-on address.
    from config.saml import saml_app
    from core import csp

    settings.SOCIALACCOUNT_PROVIDERS = {
        "saml": {
            "APPS": [
                saml_app(
                    slug="municipality",
                    name="ADFS",
                    idp_entity_id="http://adfs.testby.example/adfs/services/trust",
                    sso_url="https://adfs.testby.example/adfs/ls/",
                    x509cert="MIIB",
                )
            ]
        }
    }
    assert "form-action 'self' https://adfs.testby.example" in csp.build()
