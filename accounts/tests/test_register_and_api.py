"""The public register's exports, the JSON API, and pinned query counts of list pages."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import (
    Channel,
    ChannelAdmin,
    ChannelRequest,
    ChannelScope,
    ChannelStatus,
    Decision,
)
from core.testing import PASSWORD
from governance.signals import MUNICIPALITY_LANGUAGE_CACHE_KEY

pytestmark = pytest.mark.django_db


def add_channels(org, count, status=ChannelStatus.ACTIVE, prefix="Ekstra"):
    for number in range(count):
        channel = Channel.objects.create(
            platform="youtube",
            name=f"{prefix} {number}",
            url=f"https://video.example/{prefix.lower()}{number}",
            owner_unit=org.units["dept_b"],
            scope=ChannelScope.DECENTRAL,
            status=status,
            responsible=org.users["manager_b"],
        )
        ChannelAdmin.objects.create(channel=channel, user=org.users["manager_b"])


def test_register_exports_contain_exactly_the_active_accounts(client, org):
    # Given one page in every non-active status besides the three active ones
    for status in ("requested", "approved", "dormant", "closing", "closed"):
        add_channels(org, 1, status=status, prefix=status)
    Channel.objects.filter(pk=org.channels["a"].pk).update(url="https://facebook.example/a")

    # When anybody (not signed in) fetches the exports
    csv_response = client.get("/channels/register.csv")
    json_response = client.get("/channels/register.json")

    # Then both list exactly the three active pages
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert rows == [
        {
            "name": "Afdeling A på Facebook",
            "platform": "facebook",
            "url": "https://facebook.example/a",
            "handle": "",
            "owning_unit": "Afdeling A",
        },
        {
            "name": "Testby Kommune",
            "platform": "facebook",
            "url": "",
            "handle": "",
            "owning_unit": "Kommunikation",
        },
        {
            "name": "Afdeling B på Instagram",
            "platform": "instagram",
            "url": "",
            "handle": "",
            "owning_unit": "Afdeling B",
        },
    ]
    body = json_response.json()
    assert body["municipality"] == "Testby Kommune"
    assert body["count"] == 3
    assert body["accounts"] == rows


def test_public_register_page_is_open_and_lists_active_pages(client, org):
    add_channels(org, 1, status="dormant", prefix="Sovende")
    response = client.get(reverse("accounts:public-register"))
    assert response.status_code == 200
    assert [channel.name for channel in response.context["channels"]] == [
        "Afdeling A på Facebook",
        "Testby Kommune",
        "Afdeling B på Instagram",
    ]


@pytest.mark.parametrize("rows", [0, 20])
def test_public_register_query_count_does_not_grow(client, org, django_assert_num_queries, rows):
    add_channels(org, rows)
    # the municipality (language middleware, then the export's header), channels with units
    with django_assert_num_queries(3):
        client.get(reverse("accounts:public-register-json"))


@pytest.mark.parametrize("rows", [0, 20])
def test_channel_list_page_query_count_is_pinned(client, org, django_assert_num_queries, rows):
    add_channels(org, rows)
    assert client.login(username="comms", password=PASSWORD)
    # municipality (language), session, user, memberships with their centres, count,
    # channels (with units, connection and open-flag count in one query), then the answer-time
    # check of the page's channels (one grouped query over the queue)
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:channel-list"))
    assert len(response.context["channels"]) == 3 + rows


@pytest.mark.parametrize("rows", [0, 20])
def test_compliance_page_query_count_is_pinned(client, org, django_assert_num_queries, rows):
    add_channels(org, rows)
    from accounts.actions import sweep_neglect

    sweep_neglect()
    # The sweep's notices read the municipality's language; the page starts from a cold cache.
    cache.delete(MUNICIPALITY_LANGUAGE_CACHE_KEY)
    assert client.login(username="comms", password=PASSWORD)
    # municipality (language), session, user, memberships with their centres, channels with
    # flag counts, their open flags, the answer-time check (one grouped query over the queue)
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:compliance"))
    assert len(response.context["channels"]) == 3 + rows


@pytest.mark.parametrize("rows", [0, 20])
def test_channel_api_list_query_count_is_pinned(client, org, django_assert_num_queries, rows):
    add_channels(org, rows)
    assert client.login(username="comms", password=PASSWORD)
    # municipality (language), session, user, memberships with their centres, count,
    # channels (with unit and connection), admins with users, open flags, the answer-time check
    # (one grouped query over the queue)
    with django_assert_num_queries(9):
        response = client.get("/api/v1/channels/?page_size=100")
    assert response.json()["count"] == 3 + rows


def test_channel_api_has_the_full_record(client, org):
    ChannelAdmin.objects.create(channel=org.channels["a"], user=org.users["editor"])
    assert client.login(username="manager_a", password=PASSWORD)
    body = client.get(f"/api/v1/channels/{org.channels['a'].pk}/").json()
    assert body["centre"] == org.units["centre_a"].pk
    assert body["admins"][0]["username"] == "editor"
    assert body["connection"] is None
    assert body["connectable"] is True
    assert body["status"] == "active"
    assert body["open_flags"] == []
    assert set(body) >= {"purpose", "target_groups", "branding_verified_at", "last_review_at"}


def test_api_request_then_approve_by_the_centre_manager(client, org):
    assert client.login(username="staff", password=PASSWORD)
    response = client.post(
        "/api/v1/channel-requests/",
        {
            "platform": "linkedin",
            "name": "Afdeling A på LinkedIn",
            "department": org.units["dept_a"].pk,
            "purpose": "Rekruttering",
            "target_groups": "Fagfolk",
            "message": "Job og arbejdsliv i afdelingen.",
            "responsible": org.users["editor"].pk,
            "deputy": org.users["expert"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert response.json()["channel_status"] == "requested"
    # the requester cannot approve their own request (the rule refuses)
    refused = client.post(f"/api/v1/channel-requests/{request_id}/approve/")
    assert refused.status_code == 403
    client.logout()

    assert client.login(username="manager_b", password=PASSWORD)
    assert client.post(f"/api/v1/channel-requests/{request_id}/approve/").status_code == 404
    client.logout()

    assert client.login(username="manager_a", password=PASSWORD)
    approved = client.post(
        f"/api/v1/channel-requests/{request_id}/approve/",
        {"comment": "Fint"},
        content_type="application/json",
    )
    assert approved.status_code == 200
    assert approved.json()["decision"] == "approved"
    assert approved.json()["channel_status"] == "approved"
    again = client.post(f"/api/v1/channel-requests/{request_id}/reject/", {"comment": "nej"})
    # A state conflict: the request was decided already.
    assert again.status_code == 409
    assert again.json() == {
        "detail": "Der er allerede truffet afgørelse om denne anmodning.",
        "code": "conflict",
        "errors": {},
    }


def test_api_bad_request_input_is_a_clear_400(client, org):
    assert client.login(username="staff", password=PASSWORD)
    response = client.post(
        "/api/v1/channel-requests/",
        {"platform": "myspace", "name": "X"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {
        "platform",
        "department",
        "purpose",
        "target_groups",
        "message",
        "responsible",
        "deputy",
    }
    assert ChannelRequest.objects.count() == 0


def test_api_refuses_the_same_person_as_responsible_and_deputy(client, org):
    assert client.login(username="staff", password=PASSWORD)
    response = client.post(
        "/api/v1/channel-requests/",
        {
            "platform": "x",
            "name": "Afdeling A på X",
            "department": org.units["dept_a"].pk,
            "purpose": "p",
            "target_groups": "t",
            "message": "m",
            "responsible": org.users["editor"].pk,
            "deputy": org.users["editor"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    # In the municipality's language, like the form says it
    assert response.json()["errors"] == {
        "deputy": ["Stedfortræderen skal være en anden end den ansvarlige."]
    }
    assert ChannelRequest.objects.count() == 0


def test_api_reject_needs_a_comment(client, org):
    from accounts.actions import request_channel

    channel_request = request_channel(
        acting_user=org.users["staff"],
        platform="x",
        name="Afdeling A på X",
        department=org.units["dept_a"],
        purpose="p",
        target_groups="t",
        message="m",
        responsible=org.users["editor"],
        deputy=org.users["expert"],
    )
    assert client.login(username="comms", password=PASSWORD)
    response = client.post(f"/api/v1/channel-requests/{channel_request.pk}/reject/")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "comment": ["Dette felt er påkrævet."]
    }  # the municipality's language
    channel_request.refresh_from_db()
    assert channel_request.decision == Decision.PENDING
