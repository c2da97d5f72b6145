"""The settings area: inviting people, their acceptance through the link, roles, deactivation,
through the pages and the API."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import Invitation, Membership, Role
from governance.models.invitations import hash_key

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-long-new-password-42"


def _as(client, persona="comms_lead"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _invite(client, org, email="ny@testby.example", role="department_expert", unit="dept_a"):
    with_commit = client.post(
        reverse("settings:invite"),
        {"email": email, "unit": org.units[unit].pk, "role": role},
    )
    return with_commit


def _link_path(message):
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    return urlsplit(link).path


# --- Inviting


def test_invitation_is_sent_in_the_municipality_language(
    client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(_as(client), org, email="  Ny@Testby.example ")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.unit, invitation.role, invitation.is_lead) == (
        "ny@testby.example",
        org.units["dept_a"],
        Role.DEPARTMENT_EXPERT,
        False,
    )
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=7)) < timedelta(
        seconds=1
    )
    (message,) = mail.outbox
    assert message.to == ["ny@testby.example"]
    # The municipality speaks Danish: so does the e-mail, whatever the inviter's page language.
    assert message.subject == "Du er inviteret til Testby Kommunes arbejde med sociale medier"
    assert "som fagekspert i Afdeling A" in message.body
    key = _link_path(message).rstrip("/").rsplit("/", 1)[-1]
    assert invitation.key_hash == hash_key(key)
    assert key not in invitation.key_hash
    entry = AuditEntry.objects.get(action="invitation.create")
    assert entry.actor == org.users["comms_lead"]
    assert entry.after["email"] == "ny@testby.example"
    assert entry.after["unit"] == org.units["dept_a"].pk


def test_duplicate_invitation_is_refused(client, org, django_capture_on_commit_callbacks):
    client = _as(client)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, org)
    response = _invite(client, org, role="staff")
    assert response.status_code == 200
    (error,) = response.context["form"].errors["email"]
    assert error.startswith("ny@testby.example was already invited on ")
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1
    api = client.post(
        reverse("invitation-list"),
        {"email": "ny@testby.example", "unit": org.units["dept_a"].pk, "role": "staff"},
        "application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"]["email"][0].startswith("ny@testby.example was already invited")


def test_an_existing_account_is_not_invited(client, org):
    response = _invite(_as(client), org, email="STAFF@testby.example")
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "staff@testby.example already has an account. Give the role on the person's page instead."
    ]
    assert not Invitation.objects.exists()


def test_invitation_follows_the_role_rules(client, org):
    response = _invite(_as(client), org, role="centre_manager", unit="dept_a")
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == ["A centre manager belongs to a centre."]
    assert not Invitation.objects.exists()


def test_an_expired_invitation_is_replaced(client, org, django_capture_on_commit_callbacks):
    client = _as(client)
    _invite(client, org)
    first = Invitation.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = _invite(client, org)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert Invitation.objects.count() == 2
    assert (
        AuditEntry.objects.filter(action="invitation.create").order_by("pk").last().data["replaces"]
        == first.pk
    )


# --- Accepting


def _invited(client, org, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_as(client), org, **kwargs)
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return _link_path(mail.outbox[-1])


def test_invitee_sets_a_password_and_signs_in(client, org, django_capture_on_commit_callbacks):
    path = _invited(client, org, django_capture_on_commit_callbacks)
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "first_name": "Nina",
            "last_name": "Nybo",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    user = User.objects.get(email="ny@testby.example")
    assert (user.username, user.get_full_name(), user.is_active) == (
        "ny@testby.example",
        "Nina Nybo",
        True,
    )
    assert list(user.memberships.values_list("unit", "role", "is_lead")) == [
        (org.units["dept_a"].pk, Role.DEPARTMENT_EXPERT, False)
    ]
    invitation = Invitation.objects.get()
    assert (invitation.accepted_user, invitation.status) == (user, "accepted")
    entry = AuditEntry.objects.get(action="invitation.accept")
    assert entry.actor == user
    assert entry.after["accepted_user"] == user.pk
    # Signs in with the e-mail address and the new password.
    assert (
        client.post(
            reverse("account_login"), {"login": "ny@testby.example", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_used_link_does_not_work_twice(client, org, django_capture_on_commit_callbacks):
    path = _invited(client, org, django_capture_on_commit_callbacks)
    data = {
        "first_name": "A",
        "last_name": "B",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert client.post(path, data).status_code == 302
    again = client.post(path, {**data, "first_name": "Mallory"})
    assert again.status_code == 410
    assert again.context["problem"] == "This invitation has already been used. Sign in."
    assert User.objects.filter(email="ny@testby.example").count() == 1
    assert User.objects.get(email="ny@testby.example").first_name == "A"


def test_an_expired_link_is_refused(client, org, django_capture_on_commit_callbacks):
    path = _invited(client, org, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(
            path,
            {
                "first_name": "A",
                "last_name": "B",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    assert response.status_code == 410
    assert response.context["problem"] == "This invitation has expired. Ask for a new one."
    assert not User.objects.filter(email="ny@testby.example").exists()
    assert not AuditEntry.objects.filter(action="invitation.accept").exists()


def test_a_wrong_key_and_a_weak_password(client, org, django_capture_on_commit_callbacks):
    path = _invited(client, org, django_capture_on_commit_callbacks)
    assert client.get(path[:-5] + "xxxx/").status_code == 404
    weak = client.post(
        path, {"first_name": "A", "last_name": "B", "password1": "123", "password2": "123"}
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["password1"]
    assert not User.objects.filter(email="ny@testby.example").exists()
    assert Invitation.objects.get().status == "waiting"


def test_with_single_sign_on_the_invitee_goes_to_the_identity_provider(
    client, org, django_capture_on_commit_callbacks, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "entra",
                    "name": "Entra ID",
                    "client_id": "client",
                    "secret": "secret",
                    "settings": {"server_url": "https://login.example.invalid/v2.0"},
                }
            ]
        }
    }
    path = _invited(client, org, django_capture_on_commit_callbacks)
    page = client.get(path)
    assert "password1" not in page.context["form"].fields
    response = client.post(path, {"first_name": "Sso", "last_name": "Person"})
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/oidc/entra/login/")
    user = User.objects.get(email="ny@testby.example")
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified


def test_withdrawn_invitation(client, org, django_capture_on_commit_callbacks):
    path = _invited(client, org, django_capture_on_commit_callbacks)
    client = _as(client)
    invitation = Invitation.objects.get()
    assert (
        client.post(reverse("invitation-withdraw", args=[invitation.pk])).json()["status"]
        == "withdrawn"
    )
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(path).status_code == 410
    assert AuditEntry.objects.filter(action="invitation.withdraw").count() == 1


# --- Roles


def test_lead_gives_and_takes_a_role(client, org):
    staff = org.users["staff"]
    client = _as(client)
    response = client.post(
        reverse("settings:person", kwargs={"pk": staff.pk}),
        {"unit": org.units["dept_b"].pk, "role": "department_expert"},
    )
    assert response.status_code == 302
    added = Membership.objects.get(user=staff, unit=org.units["dept_b"])
    assert AuditEntry.objects.get(action="membership.add").after == {
        "user": staff.pk,
        "unit": org.units["dept_b"].pk,
        "role": "department_expert",
        "is_lead": False,
    }
    page = client.get(reverse("settings:person", kwargs={"pk": staff.pk}))
    assert [m.role for m in page.context["memberships"]] == ["staff", "department_expert"]
    response = client.post(reverse("settings:membership-remove", kwargs={"pk": added.pk}))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=added.pk).exists()
    assert AuditEntry.objects.get(action="membership.remove").before["role"] == "department_expert"


def test_role_rules_apply_through_the_api(client, org):
    client = _as(client)
    response = client.post(
        reverse("role-list"),
        {"user": org.users["staff"].pk, "unit": org.units["dept_a"].pk, "role": "communications"},
        "application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "role": ["Communications-team members belong to the communications unit."]
    }
    duplicate = client.post(
        reverse("role-list"),
        {"user": org.users["staff"].pk, "unit": org.units["dept_a"].pk, "role": "staff"},
        "application/json",
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == {"role": ["staff already has this role in Afdeling A."]}
    assert Membership.objects.filter(user=org.users["staff"]).count() == 1


def test_the_last_communications_lead_cannot_be_removed(client, org):
    lead = org.users["comms_lead"].memberships.get()
    client = _as(client, "superuser")
    response = client.delete(reverse("role-detail", args=[lead.pk]))
    assert response.status_code == 409
    assert response.json()["code"] == "last_lead"
    page = client.post(reverse("settings:membership-remove", kwargs={"pk": lead.pk}))
    assert str(list(page.wsgi_request._messages)[0]).startswith(
        "This is the last communications lead."
    )
    deactivate = client.post(reverse("person-deactivate", args=[org.users["comms_lead"].pk]))
    assert deactivate.status_code == 409
    assert Membership.objects.filter(pk=lead.pk).exists()
    assert User.objects.get(pk=org.users["comms_lead"].pk).is_active
    assert not AuditEntry.objects.exists()
    # With a second lead, the first may go.
    Membership.objects.filter(user=org.users["comms"], role=Role.COMMUNICATIONS).update(
        is_lead=True
    )
    assert client.delete(reverse("role-detail", args=[lead.pk])).status_code == 204


# --- Deactivating


def test_deactivation_warns_of_open_work_and_keeps_it(client, org):
    editor = org.users["editor"]
    item = org.items["a"]
    item.assigned_to = editor
    item.save(update_fields=["assigned_to"])
    client = _as(client)
    page = client.get(reverse("settings:person-deactivate", kwargs={"pk": editor.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Still open with this person" in text
    assert "An item from Borger a on Afdeling A på Facebook" in text
    assert "Responsible or deputy for Afdeling A på Facebook" in text
    response = client.post(reverse("settings:person-deactivate", kwargs={"pk": editor.pk}))
    assert response.status_code == 302
    editor.refresh_from_db()
    item.refresh_from_db()
    assert not editor.is_active
    assert item.assigned_to == editor
    entry = AuditEntry.objects.get(action="person.deactivate")
    assert (entry.before, entry.after) == ({"is_active": True}, {"is_active": False})
    assert entry.data["open_items"] == [item.pk]
    assert entry.data["channels"] == [org.channels["a"].pk]
    # A deactivated person cannot sign in.
    client.logout()
    assert not client.login(username="editor", password=PASSWORD)


def test_nobody_deactivates_themselves(client, org):
    response = _as(client, "superuser").post(
        reverse("person-deactivate", args=[org.users["superuser"].pk])
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "You cannot deactivate your own account."
    assert User.objects.get(username="superuser").is_active


@pytest.mark.parametrize("persona", ["comms", "manager_a", "staff"])
def test_others_may_not_manage_people(client, org, persona):
    client = _as(client, persona)
    staff = org.users["staff"]
    assert client.get(reverse("settings:people")).status_code == 403
    assert client.post(reverse("person-deactivate", args=[staff.pk])).status_code == 403
    assert (
        client.post(
            reverse("invitation-list"),
            {"email": "x@testby.example", "unit": org.units["dept_a"].pk, "role": "staff"},
            "application/json",
        ).status_code
        == 403
    )
    assert User.objects.get(pk=staff.pk).is_active
    assert not Invitation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_people_page_query_count_does_not_grow(client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _as(client)
    client.get(reverse("settings:people"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("settings:people")).status_code == 200
        return len(queries)

    small = count()
    for number in range(10):
        user = User.objects.create_user(username=f"person{number}")
        Membership.objects.create(user=user, unit=org.units["dept_b"], role=Role.STAFF)
    # People with their roles are two queries, whatever their number.
    assert count() == small


def test_the_invitation_form_draws_its_checkbox_and_ties_hints_and_errors(client, org):
    # The design system resets a bare checkbox to nothing: the box is drawn on the label after
    # an input of class "form-checkbox". The hint and the error are tied to their inputs.
    _as(client)
    page = client.get(reverse("settings:invite")).content.decode()
    (checkbox,) = re.findall(r'<input type="checkbox" name="is_lead"[^>]*>', page)
    assert 'class="form-checkbox"' in checkbox
    assert 'aria-describedby="id_is_lead-hint"' in checkbox
    assert 'id="id_is_lead-hint"' in page
    assert re.search(r'id="id_is_lead"[^>]*>\s*<label class="form-label" for="id_is_lead"', page)

    page = client.post(reverse("settings:invite"), {"email": "not an address"}).content.decode()
    (email,) = re.findall(r'<input type="email" name="email"[^>]*>', page)
    assert 'aria-describedby="id_email-error"' in email
    assert 'aria-invalid="true"' in email
    assert 'id="id_email-error"' in page
