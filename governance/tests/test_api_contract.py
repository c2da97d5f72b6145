"""The API's doors: HTTP verbs, deny by default, throttling, one error body in the requester's
language, 401/409, JSON for unknown addresses and server errors, and the schema's promises."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.decorators import action
from rest_framework.test import APIRequestFactory, force_authenticate

from audit.models import AuditEntry
from core.permissions.api import SCOPED, ActionPermission, api_permission_errors
from moderation.api import QueueItemViewSet
from moderation.models import Forwarding, OutboxMessage, QueueItem


def _item_state(item):
    item = QueueItem.objects.get(pk=item.pk)
    return (
        item.status,
        item.hidden_on_platform,
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def _forward_to_expert(org):
    return Forwarding.objects.create(
        item=org.items["a"],
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
    )


# --- HTTP verbs and deny by default


def test_delete_on_an_action_address_is_405_and_removes_nothing(client, org):
    # Given an item forwarded to the department expert, who may see it but not handle it
    _forward_to_expert(org)
    item = org.items["a"]
    before = _item_state(item)
    client.force_login(org.users["expert"])

    # When the expert sends DELETE to one of the item's action addresses
    response = client.delete(f"/api/v1/items/{item.pk}/acknowledge/")

    # Then the method is not offered, and the item is neither removed nor queued for deletion
    assert response.status_code == 405
    assert response.json() == {
        "detail": 'Metoden "DELETE" er ikke tilladt.',
        "code": "method_not_allowed",
        "errors": {},
    }
    assert _item_state(item) == before == ("new", False, 0, 0)


@pytest.mark.parametrize("persona", ["expert", "editor", "comms", "superuser"])
def test_delete_on_the_item_address_is_405_for_everyone(client, org, persona):
    _forward_to_expert(org)
    item = org.items["a"]
    before = _item_state(item)
    client.force_login(org.users[persona])

    response = client.delete(f"/api/v1/items/{item.pk}/")

    assert response.status_code == 405
    assert _item_state(item) == before


def test_delete_on_the_item_list_is_405_not_a_server_error(client, org):
    client.force_login(org.users["staff"])

    response = client.delete("/api/v1/items/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_the_delete_action_keeps_its_address(client, org):
    # POST items/{id}/delete/ is still the door for deleting on the platform.
    client.force_login(org.users["comms"])
    item = org.items["central"]
    before = _item_state(item)

    response = client.post(
        f"/api/v1/items/{item.pk}/delete/", {"reason": "no-such-reason"}, "application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert _item_state(item) == before


def test_an_action_without_a_rule_is_refused(org):
    # Given the queue's list answered by a view whose permission_actions do not name "list"
    view = QueueItemViewSet.as_view({"get": "list"}, permission_actions={"retrieve": SCOPED})
    request = APIRequestFactory().get("/api/v1/items/")
    force_authenticate(request, user=org.users["comms"])

    response = view(request)

    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"


def test_the_system_check_refuses_verb_named_and_unmapped_actions():
    class Broken(QueueItemViewSet):
        permission_actions = {"list": SCOPED}

        @action(detail=True, methods=["post"])
        def patch(self, request, pk=None):  # pragma: no cover - never routed
            raise AssertionError

    errors = api_permission_errors(
        [(Broken, {"get": "list"}), (Broken, {"get": "retrieve"}), (Broken, {"post": "patch"})]
    )

    name = Broken.__qualname__
    assert [(error.id, error.msg.split(name)[1]) for error in errors] == [
        (
            "governance.E101",
            ".patch is named after an HTTP verb: Django would run it for every PATCH request.",
        ),
        ("governance.E103", " offers 'retrieve' without a rule in permission_actions."),
        ("governance.E103", " offers 'patch' without a rule in permission_actions."),
    ]


def test_every_routed_api_view_passes_the_check():
    from core.permissions.api import check_api_permissions

    assert check_api_permissions() == []
    call_command("check", fail_level="ERROR")


def test_action_permission_is_the_default():
    from rest_framework.settings import api_settings

    assert [ActionPermission] == api_settings.DEFAULT_PERMISSION_CLASSES


# --- Throttling


def _rates(settings, anon, user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
    }


def test_a_user_over_the_rate_gets_429_with_retry_after(client, org, settings):
    _rates(settings, "1000/min", "3/min")
    cache.clear()
    client.force_login(org.users["comms"])

    statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    refused = client.get("/api/v1/me/")

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert set(refused.json()) == {"detail", "code", "errors"}
    # The counts live in the shared cache, one list of request times per user.
    assert len(cache.get(f"throttle_user_{org.users['comms'].pk}")) == 3
    # Another user still has their own allowance.
    client.force_login(org.users["comms_lead"])
    assert client.get("/api/v1/me/").status_code == 200


def test_anonymous_callers_over_the_rate_get_429(client, org, settings):
    # The schema is the API's public door; callers without credentials count per address.
    _rates(settings, "2/min", "1000/min")
    cache.clear()

    statuses = [client.get("/api/schema/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_anonymous_callers_refused_are_counted_too(client, org, settings):
    _rates(settings, "2/min", "1000/min")
    cache.clear()

    responses = [client.get("/api/v1/items/") for _ in range(3)]

    assert [response.status_code for response in responses] == [401, 401, 429]
    assert responses[2].json()["code"] == "throttled"
    assert 1 <= int(responses[2].headers["Retry-After"]) <= 60


# --- The error body, its language, 401 and 409


def test_missing_credentials_are_401_with_www_authenticate(client, org):
    response = client.get("/api/v1/items/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_401(client, org):
    response = client.get("/api/v1/items/", HTTP_AUTHORIZATION="Bearer not-a-real-token")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "authentication_failed"


def test_a_token_opens_the_api(client, org):
    from governance.token_actions import create_token

    user = org.users["comms"]
    _token, secret = create_token(user, name="Script", scope="read", acting_user=user)

    response = client.get("/api/v1/items/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.parametrize(
    ("headers", "cookie", "expected"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "sv"}, None, ("Ange ett år mellan 1970 och 2100.", "sv")),
        (
            {"HTTP_ACCEPT_LANGUAGE": "nb-NO,nb;q=0.9"},
            "da",
            ("Oppgi et år mellom 1970 og 2100.", "nb"),
        ),
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, "nb", ("Oppgi et år mellom 1970 og 2100.", "nb")),
        ({}, "sv", ("Ange ett år mellan 1970 och 2100.", "sv")),
        ({}, None, ("Angiv et år mellem 1970 og 2100.", "da")),
    ],
)
def test_errors_speak_accept_language_then_the_users_choice_then_the_municipalitys(
    client, org, settings, headers, cookie, expected
):
    client.force_login(org.users["comms"])
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    response = client.get("/api/v1/plan-items/?year=soon", **headers)

    assert response.status_code == 400
    body = response.json()
    assert (body["errors"]["year"][0], response.headers["Content-Language"]) == expected
    assert body["code"] == "invalid"


def test_field_errors_come_per_field(client, org):
    client.force_login(org.users["comms"])

    response = client.post(
        f"/api/v1/items/{org.items['central'].pk}/close/",
        {},
        "application/json",
        HTTP_ACCEPT_LANGUAGE="da",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Noget af det indsendte er ikke gyldigt.",
        "code": "invalid",
        "errors": {"reason": ["Dette felt er påkrævet."]},
    }


def test_acting_on_a_closed_item_is_a_409_and_changes_nothing(client, org):
    item = org.items["central"]
    QueueItem.objects.filter(pk=item.pk).update(status="closed")
    before = _item_state(item)
    client.force_login(org.users["comms"])

    response = client.post(
        f"/api/v1/items/{item.pk}/acknowledge/", {}, "application/json", HTTP_ACCEPT_LANGUAGE="da"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Sagen er ikke længere åben.",
        "code": "conflict",
        "errors": {},
    }
    assert _item_state(item) == before


def test_an_answered_forwarding_is_a_409(client, org):
    forwarding = _forward_to_expert(org)
    Forwarding.objects.filter(pk=forwarding.pk).update(status="answered", answer_text="Svar")
    client.force_login(org.users["expert"])

    response = client.post(
        f"/api/v1/forwardings/{forwarding.pk}/send-back/",
        {"answer": "Igen"},
        "application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "This question has already been answered."
    assert Forwarding.objects.get(pk=forwarding.pk).answer_text == "Svar"


def test_an_unknown_api_address_is_a_json_404(client, org):
    client.force_login(org.users["comms"])

    response = client.get("/api/v1/nonexistent", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


def test_an_unknown_page_is_still_a_page(client, org):
    response = client.get("/nonexistent/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json(org, monkeypatch):
    from governance.api import MeView

    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(MeView, "get", broken)
    client = Client(raise_request_exception=False)
    client.force_login(org.users["comms"])

    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "A server error occurred.",
        "code": "server_error",
        "errors": {},
    }


# --- The schema's promises


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_its_error_answers(schema):
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {"400", "401", "403", "404", "405", "429"}
            if method != "get":
                codes |= {"409", "415"}
            for code in codes:
                assert operation["responses"][code]["content"] == error, (path, method, code)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code", "errors"]


def test_the_schema_says_what_can_be_null_or_empty(schema):
    schemas = schema["components"]["schemas"]
    assert schemas["Channel"]["properties"]["centre"]["nullable"] is True
    assert schemas["PlanItem"]["properties"]["theme_title"]["nullable"] is True
    for component in ("Record", "QueueItem"):
        permalink = schemas[component]["properties"]["permalink"]
        assert "format" not in permalink
        assert permalink["anyOf"] == [{"format": "uri"}, {"maxLength": 0}]


def test_a_central_channel_has_no_centre_and_an_empty_address(client, org):
    client.force_login(org.users["comms"])

    response = client.get(f"/api/v1/channels/{org.channels['central'].pk}/")

    assert (response.json()["centre"], response.json()["url"]) == (None, "")
