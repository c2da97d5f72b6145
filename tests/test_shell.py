"""The shell: login, logout, password reset, language, navigation by role, the API door."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core.testing import PASSWORD
from governance.models import Membership, Municipality, OrgUnit, Role
from governance.token_actions import create_token


def test_login_with_a_local_account_leads_to_the_dashboard(client, org):
    response = client.post(
        reverse("account_login"), {"login": "comms", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"].username == "comms"


def test_wrong_password_is_refused_with_a_message(client, org):
    response = client.post(reverse("account_login"), {"login": "comms", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert response.context["form"].errors


def test_logout_ends_the_session(client, org):
    client.login(username="comms", password=PASSWORD)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_reset_sends_an_email(client, org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("account_reset_password"), {"email": "comms@testby.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["comms@testby.example"]


def test_nobody_can_sign_themselves_up(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "new",
            "email": "new@x.example",
            "password1": "a-Long-pass-123",
            "password2": "a-Long-pass-123",
        },
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="new").exists()
    assert response.status_code in (200, 403)


def test_pages_use_the_municipality_language_until_someone_picks_another(client, org):
    org.municipality.default_language = "sv"
    org.municipality.save()
    client.login(username="comms", password=PASSWORD)
    assert client.get(reverse("dashboard")).wsgi_request.LANGUAGE_CODE == "sv"

    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    response = client.get(reverse("dashboard"))
    assert response.wsgi_request.LANGUAGE_CODE == "nb"
    assert '<html lang="nb">' in response.content.decode()


def test_navigation_follows_the_role(client, org):
    client.login(username="staff", password=PASSWORD)
    labels = [item["url"] for item in client.get(reverse("dashboard")).context["navigation"]]
    assert reverse("moderation:queue") not in labels
    assert reverse("accounts:channel-list") in labels

    client.login(username="comms", password=PASSWORD)
    labels = [item["url"] for item in client.get(reverse("dashboard")).context["navigation"]]
    assert reverse("moderation:queue") in labels


def test_a_role_given_shows_in_the_menu_on_the_next_page(client, org):
    # Given a member of staff, whose menu has no queue
    client.login(username="staff", password=PASSWORD)
    before = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("moderation:queue")}"' not in before
    # When they become the on-duty monitor of the communications team
    Membership.objects.create(
        user=org.users["staff"], unit=org.units["comms"], role=Role.ON_DUTY_MONITOR
    )
    after = client.get(reverse("dashboard"))
    # Then the very next page's menu links to the queue
    assert f'href="{reverse("moderation:queue")}"' in after.content.decode()
    assert reverse("moderation:queue") in [item["url"] for item in after.context["navigation"]]


def _token_in_forms(html):
    import re

    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_each_page_header_carries_the_requests_own_csrf_token(org):
    from django.test import Client

    # Given two people on the same page, the header rendered for the first one
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.login(username="comms", password=PASSWORD)
    second.login(username="comms_lead", password=PASSWORD)
    one = first.get(reverse("moderation:queue")).content.decode()
    other = second.get(reverse("moderation:queue")).content.decode()
    # Then each header's forms carry a token of its own session, which logs that person out
    tokens = _token_in_forms(other)
    assert len(tokens) == 1 and tokens != _token_in_forms(one)
    response = second.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert second.get(reverse("dashboard")).status_code == 302
    assert first.get(reverse("dashboard")).status_code == 200


def test_the_header_follows_the_name_and_the_page(client, org):
    client.login(username="comms", password=PASSWORD)
    before = client.get(reverse("moderation:queue") + "?status=all").content.decode()
    # The name links to the person's own profile.
    assert '<a class="app-user" href="/profile/" title="Min profil">comms</a>' in before
    assert 'name="next" type="hidden" value="/moderation/?status=all"' in before
    user = org.users["comms"]
    user.first_name, user.last_name = "Mette", "<Holm>"
    user.save(update_fields=["first_name", "last_name"])
    after = client.get(reverse("dashboard")).content.decode()
    assert '<a class="app-user" href="/profile/" title="Min profil">Mette &lt;Holm&gt;</a>' in after
    assert 'name="next" type="hidden" value="/"' in after


def test_a_signed_out_page_has_the_header_without_a_person(client, org):
    html = client.get(reverse("account_login")).content.decode()
    assert 'class="app-language"' in html
    assert "app-user" not in html
    assert len(_token_in_forms(html)) >= 1


def test_token_authentication_opens_the_api(client, org):
    user = org.users["comms"]
    _token, secret = create_token(user, name="Script", scope="read", acting_user=user)
    response = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["username"] == "comms"
    assert response.json()["is_communications_team"] is True


def test_a_forged_token_is_refused(client, org):
    response = client.get(reverse("api-me"), HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert response.status_code == 401


def test_the_items_api_returns_the_contract_fields(client, org):
    client.login(username="comms", password=PASSWORD)
    response = client.get(reverse("item-list"), {"q": "Afdeling A"})
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    item = body["results"][0]
    for field in (
        "id",
        "platform",
        "channel",
        "external_id",
        "text",
        "author_name",
        "received_at",
        "first_response_due",
        "answer_due",
        "status",
        "web_url",
    ):
        assert field in item
    assert item["web_url"].endswith(reverse("moderation:item-detail", args=[item["id"]]))


def test_a_centre_keeps_itself_and_its_departments_as_centre(org):
    assert org.units["centre_a"].centre_id == org.units["centre_a"].pk
    assert org.units["dept_a"].centre_id == org.units["centre_a"].pk
    assert org.units["comms"].centre_id is None

    # Moving a department to another centre moves its centre with it.
    dept = org.units["dept_a"]
    dept.parent = org.units["centre_b"]
    dept.save()
    dept.refresh_from_db()
    assert dept.centre_id == org.units["centre_b"].pk


@pytest.mark.django_db
def test_the_demo_loads_twice_without_duplicates(capsys):
    call_command("demo")
    call_command("demo")
    out = capsys.readouterr().out
    assert "kommunikationschef" in out and "fjordby-demo" in out
    assert Municipality.objects.count() == 1
    assert OrgUnit.objects.filter(kind="centre").count() == 3
    assert Membership.objects.filter(user__username="centerchef.teknik").count() == 1


def test_only_the_most_specific_menu_entry_is_current(client, org):
    client.login(username="comms", password=PASSWORD)
    response = client.get(reverse("moderation:queue"))
    current = [item["url"] for item in response.context["navigation"] if item["active"]]
    assert current == [reverse("moderation:queue")]
