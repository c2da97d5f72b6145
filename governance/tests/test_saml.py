"""SAML single sign-on against an identity provider played by the test: the sign-in goes through
the product's own addresses (the login page's button, the ACS endpoint), the identity provider's
response is signed with a key made for the test, and the product must take only what is valid."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from config.saml import saml_app
from governance.models import Membership, Role

from . import saml_idp as idp

IDP_ENTITY = "https://idp.testby.example/adfs/services/trust"
IDP_SSO = "https://idp.testby.example/adfs/ls/"
SP_ENTITY = "https://sociale-medier.testby.example/saml"
HOST = "sociale-medier.testby.example"
ACS = f"http://{HOST}/auth/saml/municipality/acs/"

MAPPING = {
    "SoMe-Kommunikation": {"unit": "Kommunikation", "role": "communications"},
    "SoMe-Redaktoer-A": ["Afdeling A", "channel_editor"],
    "SoMe-Leder-A": [{"unit": "Center A", "role": "centre_manager", "lead": True}],
}


@pytest.fixture
def client():
    # A browser always sends the Host header, which the SAML library reads (and wants a full
    # domain name in); Django's test client leaves it out unless told.
    return Client(HTTP_HOST=HOST)


@pytest.fixture(scope="module")
def keys():
    return idp.make_key_pair()


@pytest.fixture
def saml(settings, keys):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "saml": {
            "APPS": [
                saml_app(
                    slug="municipality",
                    name="Testby Login",
                    idp_entity_id=IDP_ENTITY,
                    sso_url=IDP_SSO,
                    x509cert=keys.cert_pem,
                    sp_entity_id=SP_ENTITY,
                )
            ]
        }
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    settings.SAML_ROLE_MAPPING = MAPPING
    settings.SAML_AUTO_SIGNUP = False
    return settings


def start(client):
    """The login page's button: a POST to the provider's login address, which sends the browser
    to the identity provider with a request; returns that request's ID."""
    response = client.post(reverse("saml_login", kwargs={"organization_slug": "municipality"}))
    assert response.status_code == 302
    assert response["Location"].startswith(IDP_SSO + "?SAMLRequest=")
    return idp.request_id(response["Location"])


def answer(client, xml):
    """The identity provider's answer, POSTed by the browser to the ACS address; returns the
    page the product ends on."""
    posted = client.post(ACS, {"SAMLResponse": idp.encode(xml)})
    assert posted.status_code == 302
    return client.get(posted["Location"])


def sign_in(client, keys, email, groups=(), **overrides):
    request_id = start(client)
    options = {
        "issuer": IDP_ENTITY,
        "audience": SP_ENTITY,
        "destination": ACS,
        "in_response_to": request_id,
        "name_id": email,
        "attributes": {idp.EMAIL: email, idp.GROUPS: list(groups)},
        "signer": keys,
    }
    options.update(overrides)
    return answer(client, idp.response_xml(**options))


def signed_in_user(client):
    from django.contrib.auth import get_user

    class Request:
        session = client.session

    return get_user(Request())


def roles(user):
    return set(Membership.objects.filter(user=user).values_list("unit__name", "role", "is_lead"))


def test_a_signed_assertion_signs_the_person_in_with_the_mapped_role(saml, keys, org, client):
    expert = org.users["expert"]

    page = sign_in(client, keys, "expert@testby.example", groups=["SoMe-Kommunikation"])

    assert page.status_code == 302
    assert page["Location"] == reverse("dashboard")
    assert signed_in_user(client).pk == expert.pk
    # The expert's role in department A was given in the product, for a pair the mapping does
    # not name: it stays.
    assert roles(expert) == {
        ("Afdeling A", Role.DEPARTMENT_EXPERT, False),
        ("Kommunikation", Role.COMMUNICATIONS, False),
    }
    entry = AuditEntry.objects.get(action="membership.idp_added")
    assert entry.actor is None
    assert entry.after == {
        "user": expert.pk,
        "unit": org.units["comms"].pk,
        "role": "communications",
        "is_lead": False,
    }
    assert entry.data == {"provider": "Testby Login"}


def test_a_response_signed_only_as_a_whole_is_refused(saml, keys, org, client):
    # The assertion itself must carry the identity provider's signature (what Entra ID, ADFS
    # and KOMBIT send by default), so that it never counts without one.
    page = sign_in(client, keys, "staff@testby.example", sign_response=True)

    assert_refused(page, client)


def test_groups_changed_at_the_identity_provider_change_the_roles(saml, keys, org, client):
    staff = org.users["staff"]
    sign_in(client, keys, "staff@testby.example", groups=["SoMe-Kommunikation", "SoMe-Leder-A"])
    assert roles(staff) == {
        ("Afdeling A", Role.STAFF, False),
        ("Kommunikation", Role.COMMUNICATIONS, False),
        ("Center A", Role.CENTRE_MANAGER, True),
    }
    client.logout()

    sign_in(client, keys, "staff@testby.example", groups=["SoMe-Redaktoer-A"])

    assert signed_in_user(client).pk == staff.pk
    assert roles(staff) == {
        ("Afdeling A", Role.STAFF, False),
        ("Afdeling A", Role.CHANNEL_EDITOR, False),
    }
    removed = AuditEntry.objects.filter(action="membership.idp_removed").order_by("pk")
    assert [(e.before["role"], e.before["unit"]) for e in removed] == [
        ("communications", org.units["comms"].pk),
        ("centre_manager", org.units["centre_a"].pk),
    ]
    client.logout()

    sign_in(client, keys, "staff@testby.example", groups=[])

    assert roles(staff) == {("Afdeling A", Role.STAFF, False)}


def test_a_role_given_in_the_product_for_a_mapped_pair_follows_the_identity_provider(
    saml, keys, org, client
):
    # The communications persona holds a mapped pair; without the group it goes.
    comms = org.users["comms"]
    sign_in(client, keys, "comms@testby.example", groups=[])

    assert signed_in_user(client).pk == comms.pk
    assert roles(comms) == set()
    assert not comms.is_superuser


def tampered(xml, old, new):
    assert old in xml
    return xml.replace(old, new)


def test_an_assertion_changed_after_signing_is_refused(saml, keys, org, client):
    request_id = start(client)
    xml = idp.response_xml(
        issuer=IDP_ENTITY,
        audience=SP_ENTITY,
        destination=ACS,
        in_response_to=request_id,
        name_id="staff@testby.example",
        attributes={idp.EMAIL: "staff@testby.example", idp.GROUPS: ["SoMe-Redaktoer-A"]},
        signer=keys,
    )
    xml = tampered(xml, ">staff@testby.example<", ">comms_lead@testby.example<")

    page = answer(client, xml)

    assert_refused(page, client)


def test_a_group_added_after_signing_is_refused(saml, keys, org, client):
    request_id = start(client)
    xml = idp.response_xml(
        issuer=IDP_ENTITY,
        audience=SP_ENTITY,
        destination=ACS,
        in_response_to=request_id,
        name_id="staff@testby.example",
        attributes={idp.EMAIL: "staff@testby.example", idp.GROUPS: ["SoMe-Redaktoer-A"]},
        signer=keys,
    )
    xml = tampered(xml, ">SoMe-Redaktoer-A<", ">SoMe-Kommunikation<")

    page = answer(client, xml)

    assert_refused(page, client)
    assert roles(org.users["staff"]) == {("Afdeling A", Role.STAFF, False)}


def assert_refused(page, client):
    assert page.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in page.templates]
    assert not signed_in_user(client).is_authenticated
    assert not AuditEntry.objects.filter(action__startswith="membership.").exists()


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"signer": None}, id="unsigned"),
        pytest.param({"signer": "other key"}, id="signed-by-another-key"),
        pytest.param(
            {"issued_at": datetime.now(UTC) - timedelta(hours=1)},
            id="expired",
        ),
        pytest.param({"audience": "https://other.example/saml"}, id="wrong-audience"),
        pytest.param({"destination": f"http://{HOST}/elsewhere/"}, id="wrong-destination"),
    ],
)
def test_a_response_the_product_did_not_ask_for_or_cannot_trust_is_refused(
    saml, keys, org, client, overrides
):
    if overrides.get("signer") == "other key":
        overrides["signer"] = idp.make_key_pair("attacker.example")

    page = sign_in(client, keys, "staff@testby.example", groups=["SoMe-Kommunikation"], **overrides)

    assert page.status_code == 401
    assert not signed_in_user(client).is_authenticated
    assert roles(org.users["staff"]) == {("Afdeling A", Role.STAFF, False)}


def test_a_response_used_twice_is_refused_the_second_time(saml, keys, org, client):
    request_id = start(client)
    xml = idp.response_xml(
        issuer=IDP_ENTITY,
        audience=SP_ENTITY,
        destination=ACS,
        in_response_to=request_id,
        name_id="staff@testby.example",
        attributes={idp.EMAIL: "staff@testby.example"},
        signer=keys,
    )
    assert answer(client, xml).status_code == 302
    client.logout()

    page = answer(client, xml)

    assert page.status_code == 403
    assert not signed_in_user(client).is_authenticated


def test_a_response_to_a_request_the_product_did_not_send_is_refused(saml, keys, org, client):
    page = sign_in(client, keys, "staff@testby.example", in_response_to="_not-our-request")

    assert page.status_code == 403
    assert not signed_in_user(client).is_authenticated


def test_an_unknown_person_is_refused_with_a_page_that_says_why(saml, keys, org, client):
    User = get_user_model()
    count = User.objects.count()

    page = sign_in(client, keys, "ny.medarbejder@testby.example", groups=["SoMe-Kommunikation"])

    assert page.status_code == 403
    text = page.content.decode()
    assert "Du har endnu ingen konto her" in text
    assert "ny.medarbejder@testby.example" in text
    assert User.objects.count() == count
    assert not signed_in_user(client).is_authenticated


def test_with_account_creation_on_an_unknown_person_gets_an_account_with_the_mapped_role(
    saml, keys, org, client
):
    saml.SAML_AUTO_SIGNUP = True

    page = sign_in(
        client,
        keys,
        "ny.medarbejder@testby.example",
        groups=["SoMe-Redaktoer-A"],
        attributes={
            idp.EMAIL: "ny.medarbejder@testby.example",
            idp.GIVEN_NAME: "Nanna",
            idp.SURNAME: "Nielsen",
            idp.GROUPS: ["SoMe-Redaktoer-A"],
        },
    )

    assert page.status_code == 302
    user = get_user_model().objects.get(email="ny.medarbejder@testby.example")
    assert signed_in_user(client).pk == user.pk
    assert (user.first_name, user.last_name) == ("Nanna", "Nielsen")
    assert (user.is_superuser, user.is_staff) == (False, False)
    assert roles(user) == {("Afdeling A", Role.CHANNEL_EDITOR, False)}


def test_a_superuser_is_never_signed_in_through_saml(saml, keys, org, client):
    page = sign_in(client, keys, "superuser@testby.example", groups=["SoMe-Kommunikation"])

    assert page.status_code == 403
    # (in the municipality's language, Danish)
    assert "logges aldrig ind med single sign-on" in page.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert roles(org.users["superuser"]) == set()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Sign in with Testby Login"),
        ("da", "Log ind med Testby Login"),
        ("sv", "Logga in med Testby Login"),
        ("nb", "Logg inn med Testby Login"),
    ],
)
def test_the_login_page_offers_the_identity_provider(saml, db, client, settings, language, text):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(reverse("account_login"))

    html = page.content.decode()
    assert text in html
    assert 'action="/auth/saml/municipality/login/' in html


def test_without_saml_settings_the_login_page_has_no_saml_button(settings, db, client):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    page = client.get(reverse("account_login"))

    assert "/auth/saml/" not in page.content.decode()


def test_the_product_publishes_its_metadata_for_the_identity_provider(saml, db, client):
    page = client.get(reverse("saml_metadata", kwargs={"organization_slug": "municipality"}))

    assert page.status_code == 200
    xml = page.content.decode()
    assert f'entityID="{SP_ENTITY}"' in xml
    assert f'Location="{ACS}"' in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_a_mapping_with_an_unknown_role_or_a_superuser_flag_is_reported_at_start_up(settings):
    from governance.sso import check_role_mapping, role_mapping

    settings.SAML_ROLE_MAPPING = {
        "Admins": {"unit": "Kommunikation", "role": "superuser"},
        "Leads": ["Kommunikation", "communications", "yes"],
        "SoMe": ["Kommunikation", "communications"],
    }

    errors = check_role_mapping(None)

    assert [e.id for e in errors] == ["governance.E010", "governance.E010"]
    assert "unknown role 'superuser'" in errors[0].msg
    assert "group 'Leads'" in errors[1].msg
    # The sound entries still count.
    assert list(role_mapping()) == ["SoMe"]
    assert role_mapping()["SoMe"][0].role == "communications"


# The OIO Basic Privilege Profile list KOMBIT's context handler sends, base64 encoded, in the
# shape of the example at
# https://ehealth-dk.atlassian.net/wiki/pages/diffpages.action?originalId=348323847&pageId=446758922
PRIVILEGES = """<?xml version="1.0" encoding="UTF-8"?>
<bpp:PrivilegeList xmlns:bpp="http://itst.dk/oiosaml/basic_privilege_profile"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:29189846">
    <Constraint Name="urn:dk:kombit:orgUnit">48df8b3d-56be-4f3a-bd0f-d3ade05348dd</Constraint>
    <Privilege>SoMe-Kommunikation</Privilege>
    <Privilege>urn:dk:testby:other-system:reader</Privilege>
  </PrivilegeGroup>
</bpp:PrivilegeList>"""


def test_kombit_privileges_map_to_roles(saml, keys, org, client):
    import base64

    expert = org.users["expert"]
    encoded = base64.b64encode(PRIVILEGES.encode()).decode()

    page = sign_in(
        client,
        keys,
        "expert@testby.example",
        attributes={
            "https://data.gov.dk/model/core/eid/email": "expert@testby.example",
            "https://data.gov.dk/model/core/eid/privilegesIntermediate": encoded,
        },
    )

    assert page.status_code == 302
    assert signed_in_user(client).pk == expert.pk
    assert ("Kommunikation", Role.COMMUNICATIONS, False) in roles(expert)


def test_a_privilege_list_with_an_entity_is_read_without_expanding_it():
    from governance.sso import oio_privileges

    hostile = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<PrivilegeList><Privilege>&x;</Privilege><Privilege>A</Privilege></PrivilegeList>"
    )

    assert oio_privileges(hostile) == {"A"}
    assert oio_privileges("SoMe-Kommunikation") is None


def test_a_response_sent_unasked_by_the_identity_provider_is_refused(saml, keys, org, client):
    xml = idp.response_xml(
        issuer=IDP_ENTITY,
        audience=SP_ENTITY,
        destination=ACS,
        in_response_to=None,
        name_id="staff@testby.example",
        attributes={idp.EMAIL: "staff@testby.example"},
        signer=keys,
    )

    page = answer(client, xml)

    assert page.status_code == 401
    assert not signed_in_user(client).is_authenticated


def test_a_mapped_role_the_unit_cannot_hold_is_skipped(org):
    from governance.sso_actions import sync_memberships

    staff = org.users["staff"]
    mapping = {
        # Communications-team members belong to the communications unit (Membership.clean).
        "Wrong": ["Afdeling A", "communications"],
        "Right": {"unit": org.units["dept_a"].pk, "role": "channel_editor"},
    }

    done = sync_memberships(staff, {"Wrong", "Right"}, provider="Test", mapping=mapping)

    assert [(action, m.role) for action, m in done] == [("added", "channel_editor")]
    assert roles(staff) == {
        ("Afdeling A", Role.STAFF, False),
        ("Afdeling A", Role.CHANNEL_EDITOR, False),
    }
