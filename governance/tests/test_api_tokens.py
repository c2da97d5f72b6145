"""Personal API tokens: made on the profile page or the API (shown once, stored as a digest),
used with `Authorization: Bearer`, read-only ones refused every write at every API door,
moderating ones limited to their person's permissions, expiry, revocation and the audit trail."""

import hashlib
import importlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from governance import token_actions
from governance.models import ApiToken, PersonPreference, TokenScope

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 10:00:00+00:00"


def make(user, scope=TokenScope.READ, name="Script", expires_on=None):
    return token_actions.create_token(
        user, name=name, scope=scope, expires_on=expires_on, acting_user=user
    )


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- Made on the profile page


@time_machine.travel(NOW, tick=False)
def test_the_profile_page_makes_a_token_shows_it_once_and_stores_only_its_digest(client, org):
    client.force_login(org.users["comms"])

    response = client.post(
        reverse("profile:token-create"),
        {"name": "Report script", "scope": "read", "expires_on": "2026-12-31"},
    )

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("smg_") and len(secret) == 47
    assert secret in response.content.decode()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    assert (token.user, token.name, token.scope) == (org.users["comms"], "Report script", "read")
    # Through the last day in Copenhagen: it ends at the next local midnight.
    assert token.expires_at.isoformat() == "2026-12-31T23:00:00+00:00"
    stored = ApiToken.objects.values_list(
        "name", "scope", "prefix", "digest", "created_at", "expires_at"
    ).get()
    assert not any(secret == str(value) for value in stored)

    page = client.get(reverse("profile:page")).content.decode()
    assert secret not in page
    assert f"{token.prefix}…" in page
    assert "Report script" in page


def test_the_profile_form_refuses_bad_input_and_makes_nothing(client, org):
    client.force_login(org.users["comms"])

    response = client.post(
        reverse("profile:token-create"),
        {"name": "  ", "scope": "admin", "expires_on": "2001-01-01"},
    )

    assert response.status_code == 400
    form = response.context["token_form"]
    assert set(form.errors) == {"name", "scope"}
    assert ApiToken.objects.count() == 0
    assert not AuditEntry.objects.filter(action="api_token.create").exists()


@time_machine.travel(NOW, tick=False)
def test_an_expiry_in_the_past_is_refused(client, org):
    client.force_login(org.users["comms"])

    response = client.post(
        reverse("profile:token-create"),
        {"name": "Old", "scope": "read", "expires_on": "2026-11-19"},
    )

    assert response.status_code == 400
    # In the municipality's language (Danish).
    assert response.context["token_form"].errors == {"expires_on": ["Udløbsdatoen er passeret."]}
    assert ApiToken.objects.count() == 0


def test_revoking_on_the_profile_page_is_audited_and_ends_the_token(client, org):
    user = org.users["monitor"]
    token, secret = make(user)
    client.force_login(user)

    response = client.post(reverse("profile:token-revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        user,
        "governance.apitoken",
        token.pk,
    )
    assert entry.before == {"revoked_at": None}
    assert entry.after == {"revoked_at": token.revoked_at.isoformat()}
    client.logout()
    answer = client.get(reverse("api-me"), **bearer(secret))
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_revoked"


def test_another_persons_token_is_neither_shown_nor_revocable(client, org):
    token, _secret = make(org.users["comms"], name="Comms script")
    client.force_login(org.users["monitor"])

    page = client.get(reverse("profile:page")).content.decode()
    refused = client.post(reverse("profile:token-revoke", args=[token.pk]))
    listed = client.get(reverse("api-token-list")).json()
    api_refused = client.post(reverse("api-token-revoke", args=[token.pk]))

    assert "Comms script" not in page
    assert refused.status_code == 404
    assert listed["results"] == []
    assert api_refused.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(action="api_token.revoke").exists()


def test_the_create_audit_row_names_the_token_never_its_secret(org):
    user = org.users["comms"]
    token, secret = make(user, scope=TokenScope.MODERATE, name="Queue bot")

    entry = AuditEntry.objects.get(action="api_token.create")
    assert (entry.actor, entry.object_id) == (user, token.pk)
    # Only what changed is kept: a new token without expiry shows its name, scope and prefix.
    assert entry.after == {"name": "Queue bot", "scope": "moderate", "prefix": token.prefix}
    assert entry.data == {"person": user.pk}
    assert secret not in str(entry.after) + str(entry.data)
    assert token.digest not in str(entry.after) + str(entry.data)


# --- Used through the API


@time_machine.travel(NOW, tick=False)
def test_a_bearer_token_reads_the_api_as_its_person_and_notes_when_it_was_used(client, org):
    token, secret = make(org.users["monitor"])

    response = client.get(reverse("api-me"), **bearer(secret))

    assert response.status_code == 200
    assert response.json()["username"] == "monitor"
    token.refresh_from_db()
    assert token.last_used_at.isoformat() == "2026-11-20T10:00:00+00:00"
    # The keyword of the earlier tokens works too.
    again = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert again.status_code == 200


def test_a_wrong_or_missing_token_is_a_401_asking_for_a_bearer_token(client, org):
    wrong = client.get(
        "/api/v1/items/", HTTP_ACCEPT_LANGUAGE="en", **bearer("smg_not-a-real-token")
    )
    missing = client.get("/api/v1/items/")

    for response in (wrong, missing):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert wrong.json() == {
        "detail": "The token is not valid.",
        "code": "authentication_failed",
        "errors": {},
    }


def test_an_expired_token_is_a_401(client, org):
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        _token, secret = make(org.users["monitor"], expires_on=date(2026, 11, 30))
    with time_machine.travel("2026-11-30 22:59:00+00:00", tick=False):
        last_minute = client.get(reverse("api-me"), **bearer(secret))
    with time_machine.travel("2026-11-30 23:00:00+00:00", tick=False):
        expired = client.get(reverse("api-me"), **bearer(secret))

    assert last_minute.status_code == 200
    assert expired.status_code == 401
    assert expired.json()["code"] == "token_expired"


def test_the_token_of_a_deactivated_person_is_a_401(client, org):
    user = org.users["monitor"]
    _token, secret = make(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert client.get(reverse("api-me"), **bearer(secret)).status_code == 401


def _unsafe_api_routes(org):
    """(method, url, offered) for every API route and unsafe method, with real objects in the
    address; `offered`: the route offers the method (else it answers 405 to anybody)."""
    from rest_framework.permissions import SAFE_METHODS

    from core.permissions.api import ActionPermission
    from governance.tests.test_route_matrix import _objects, _routes, _url, _view_class

    objects = _objects(org)
    found = []
    for name, pattern, address in _routes():
        view_class = _view_class(pattern)
        if view_class is None or not any(
            issubclass(cls, ActionPermission)
            for cls in getattr(view_class, "permission_classes", ())
        ):
            continue
        url, why = _url(name, pattern, address, objects)
        assert url is not None, why
        actions = getattr(pattern.callback, "actions", None)
        for method in ("post", "put", "patch", "delete"):
            if method.upper() in SAFE_METHODS:
                continue
            offered = (
                method in actions if actions is not None else hasattr(view_class, method)
            ) and method in view_class.http_method_names
            found.append((method, url, offered))
    return found


def test_a_read_only_token_is_refused_every_write_at_every_api_door(client, org):
    from governance.tests.test_route_matrix import _snapshot, _snapshot_queries

    routes = _unsafe_api_routes(org)
    # The router's writes: items, channels, requests, policies, forwardings, tokens, ...
    assert len([offered for _method, _url, offered in routes if offered]) > 20
    assert {method for method, _url, offered in routes if offered} == {
        "post",
        "put",
        "patch",
        "delete",
    }
    # The system administrator may do everything: only the token's scope can refuse.
    _token, secret = make(org.users["superuser"])
    queries = _snapshot_queries()
    before = _snapshot(queries)
    tokens_before = list(ApiToken.objects.values_list("pk", "revoked_at"))

    problems = []
    for method, url, offered in routes:
        response = getattr(client, method)(
            url, {}, content_type="application/json", **bearer(secret)
        )
        want = (403, "read_only_token") if offered else (405, "method_not_allowed")
        if (response.status_code, response.json()["code"]) != want:
            problems.append(
                f"{method.upper()} {url}: {response.status_code} {response.content[:200]}"
            )

    assert problems == []
    assert _snapshot(queries) == before
    assert list(ApiToken.objects.values_list("pk", "revoked_at")) == tokens_before


def test_a_read_only_token_still_reads(client, org):
    _token, secret = make(org.users["monitor"])

    response = client.get(reverse("item-list"), **bearer(secret))

    assert response.status_code == 200


def test_a_moderating_token_does_what_its_person_may_and_no_more(client, org):
    item = org.items["central"]
    url = reverse("item-acknowledge", args=[item.pk])
    _m, monitor_secret = make(org.users["monitor"], scope=TokenScope.MODERATE)
    _s, staff_secret = make(org.users["staff"], scope=TokenScope.MODERATE)
    _r, read_secret = make(org.users["monitor"], scope=TokenScope.READ)

    staff = client.post(url, {"note": ""}, content_type="application/json", **bearer(staff_secret))
    read_only = client.post(
        url, {"note": ""}, content_type="application/json", **bearer(read_secret)
    )
    assert staff.status_code in (403, 404)
    assert read_only.status_code == 403
    assert not AuditEntry.objects.filter(item=item).exists()

    monitor = client.post(
        url, {"note": ""}, content_type="application/json", **bearer(monitor_secret)
    )

    assert monitor.status_code == 200
    entry = AuditEntry.objects.get(item=item)
    assert entry.actor == org.users["monitor"]


# --- The API's own token endpoints


@time_machine.travel(NOW, tick=False)
def test_the_api_makes_a_token_from_a_session_and_answers_it_once(client, org):
    client.force_login(org.users["editor"])

    response = client.post(
        reverse("api-token-list"),
        {"name": "Editor bot", "scope": "moderate", "expires_on": "2027-01-31"},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["details"] == {
        "id": token.pk,
        "name": "Editor bot",
        "scope": "moderate",
        "prefix": body["token"][:12],
        "created_at": "2026-11-20T11:00:00+01:00",
        "expires_at": "2027-02-01T00:00:00+01:00",
        "last_used_at": None,
        "revoked_at": None,
        "state": "active",
    }
    listed = client.get(reverse("api-token-list")).json()["results"]
    assert [entry["id"] for entry in listed] == [token.pk]
    assert "token" not in listed[0]
    assert "digest" not in listed[0]


def test_a_token_cannot_make_tokens(client, org):
    _token, secret = make(org.users["editor"], scope=TokenScope.MODERATE)

    response = client.post(
        reverse("api-token-list"),
        {"name": "Child", "scope": "moderate"},
        content_type="application/json",
        **bearer(secret),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "session_required"
    assert ApiToken.objects.count() == 1


def test_the_api_refuses_bad_token_input_field_by_field(client, org):
    client.force_login(org.users["editor"])

    response = client.post(
        reverse("api-token-list"),
        {"name": "", "scope": "everything", "expires_on": "2001-01-01"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "scope"}
    assert ApiToken.objects.count() == 0


def test_a_moderating_token_revokes_its_persons_tokens_and_revoked_twice_is_a_conflict(client, org):
    user = org.users["editor"]
    old, _old_secret = make(user, name="Old")
    _bot, secret = make(user, scope=TokenScope.MODERATE, name="Rotation")
    url = reverse("api-token-revoke", args=[old.pk])

    first = client.post(url, **bearer(secret))
    second = client.post(url, **bearer(secret))

    assert first.status_code == 200
    assert first.json()["state"] == "revoked"
    assert second.status_code == 409
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_a_person_has_at_most_so_many_active_tokens(org):
    user = org.users["editor"]
    for number in range(token_actions.MAX_ACTIVE_TOKENS):
        make(user, name=f"Token {number}")

    with pytest.raises(token_actions.TokenError) as refused:
        make(user, name="One too many")

    assert refused.value.conflict
    assert ApiToken.objects.count() == token_actions.MAX_ACTIVE_TOKENS


def test_only_the_person_makes_their_own_tokens(org):
    with pytest.raises(token_actions.TokenError):
        token_actions.create_token(
            org.users["staff"], name="x", scope="read", acting_user=org.users["comms_lead"]
        )
    assert ApiToken.objects.count() == 0


# --- The earlier tokens


def test_the_migration_carries_earlier_tokens_over_as_moderating_personal_tokens(client, org):
    migration = importlib.import_module("governance.migrations.0006_api_tokens")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id integer)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [key, "2026-01-02 03:04:05", org.users["comms"].pk],
        )
    # The step reads only the editor's connection (a real editor cannot open inside the test's
    # transaction on SQLite).
    migration.carry_over_earlier_tokens(django_apps, SimpleNamespace(connection=connection))

    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.prefix, token.expires_at) == (
        org.users["comms"],
        "moderate",
        key[:8],
        None,
    )
    assert client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get(reverse("api-me"), **bearer(key)).status_code == 200


def test_expiry_moment_is_the_next_local_midnight():
    from zoneinfo import ZoneInfo

    moment = token_actions.expiry_moment(date(2026, 3, 28), ZoneInfo("Europe/Copenhagen"))
    # The night summer time starts: still midnight on the wall clock.
    assert moment.isoformat() == "2026-03-29T00:00:00+01:00"
    assert moment - token_actions.expiry_moment(
        date(2026, 3, 27), ZoneInfo("Europe/Copenhagen")
    ) == timedelta(days=1)


# --- The rest of the profile


def test_the_profile_shows_the_persons_roles_and_saves_their_language(client, org):
    user = org.users["manager_a"]
    client.force_login(user)

    page = client.get(reverse("profile:page"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Center A" in page
    assert "Centerchef" in page

    response = client.post(reverse("profile:page"), {"language": "sv"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "sv"
    assert user.preference.language == "sv"
    assert "Min profil" in client.get(reverse("profile:page")).content.decode()
    assert '<html lang="sv">' in client.get(reverse("profile:page")).content.decode()

    client.post(reverse("profile:page"), {"language": ""})
    user.preference.refresh_from_db()
    assert user.preference.language == ""


def test_the_profile_refuses_an_unknown_language(client, org):
    user = org.users["manager_a"]
    client.force_login(user)

    response = client.post(reverse("profile:page"), {"language": "xx"})

    assert response.status_code == 200
    assert "language" in response.context["language_form"].errors
    assert not PersonPreference.objects.filter(user=user).exists()
