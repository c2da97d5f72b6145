"""Who can be named on a page: the pick-lists offer the people close to the page (its unit, its
centre, the communications team); the forms, the API and the actions refuse anybody else."""

import pytest
from django.urls import reverse

from accounts import actions
from accounts.models import Channel, ChannelAdmin, ChannelRequest
from audit.models import AuditEntry
from core.testing import PASSWORD

pytestmark = pytest.mark.django_db

# Centre A (department A and the centre itself) and the communications team.
NEAR_A = ["comms", "comms_lead", "editor", "expert", "manager_a", "monitor", "staff"]


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)


def offered(form, name):
    return sorted(person.username for person in form.fields[name].queryset)


def request_form(org, **overrides):
    data = {
        "platform": "instagram",
        "name": "Afdeling A på Instagram",
        "department": org.units["dept_a"].pk,
        "purpose": "Vise hverdagen i afdelingen.",
        "target_groups": "Forældre i området",
        "message": "Små nyheder hver uge.",
        "responsible": org.users["editor"].pk,
        "deputy": org.users["expert"].pk,
        "url": "",
        "handle": "",
    }
    data.update(overrides)
    return data


def edit_form(org, channel, **overrides):
    data = {
        "name": channel.name,
        "handle": channel.handle,
        "url": channel.url,
        "external_id": channel.external_id,
        "purpose": channel.purpose,
        "target_groups": channel.target_groups,
        "responsible": channel.responsible_id or "",
        "deputy": channel.deputy_id or "",
    }
    data.update(overrides)
    return data


# --- Requesting a page ----------------------------------------------------------------------


def test_request_form_offers_people_of_the_centres_and_the_team(client, org):
    login(client, "staff")
    form = client.get(reverse("accounts:request-create")).context["form"]
    # Not the politician (council, outside any centre), nor people without a unit
    assert offered(form, "responsible") == sorted([*NEAR_A, "manager_b"])
    assert offered(form, "deputy") == offered(form, "responsible")


def test_request_naming_someone_from_another_centre_is_refused_clearly(client, org):
    login(client, "staff")
    response = client.post(
        reverse("accounts:request-create"),
        request_form(org, deputy=org.users["manager_b"].pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "deputy": [
            "manager_b kan ikke angives på denne side: vælg en person fra Center A eller fra "
            "kommunikationsteamet."
        ]
    }
    assert ChannelRequest.objects.count() == 0


def test_request_naming_someone_outside_every_centre_is_refused(client, org):
    login(client, "staff")
    response = client.post(
        reverse("accounts:request-create"),
        request_form(org, responsible=org.users["politician"].pk),
    )
    assert response.context["form"].errors == {
        "responsible": ["Vælg en person fra sidens eget center eller fra kommunikationsteamet."]
    }
    assert ChannelRequest.objects.count() == 0


def test_request_may_name_the_communications_team(client, org):
    login(client, "staff")
    response = client.post(
        reverse("accounts:request-create"),
        request_form(org, deputy=org.users["monitor"].pk),
    )
    assert response.status_code == 302
    assert ChannelRequest.objects.get().channel.deputy == org.users["monitor"]


def test_api_request_naming_someone_from_another_centre_is_a_400(client, org):
    login(client, "staff")
    payload = request_form(org, responsible=org.users["manager_b"].pk)
    response = client.post("/api/v1/channel-requests/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "responsible": [
            "manager_b kan ikke angives på denne side: vælg en person fra Center A eller fra "
            "kommunikationsteamet."
        ]
    }
    assert (ChannelRequest.objects.count(), Channel.objects.count()) == (0, 3)


def test_api_request_with_people_of_the_centre_is_created(client, org):
    login(client, "staff")
    payload = request_form(org, responsible=org.users["manager_a"].pk)
    response = client.post("/api/v1/channel-requests/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert ChannelRequest.objects.get().channel.responsible == org.users["manager_a"]


def test_the_action_refuses_too(org):
    with pytest.raises(actions.WorkflowError):
        actions.request_channel(
            acting_user=org.users["staff"],
            platform="x",
            name="Afdeling A på X",
            department=org.units["dept_a"],
            purpose="p",
            target_groups="t",
            message="m",
            responsible=org.users["editor"],
            deputy=org.users["outsider"],
        )
    assert ChannelRequest.objects.count() == 0


# --- Editing the record ---------------------------------------------------------------------


def test_edit_form_offers_the_page_s_people_only(client, org):
    login(client, "manager_a")
    channel = org.channels["a"]
    form = client.get(reverse("accounts:channel-edit", args=[channel.pk])).context["form"]
    assert offered(form, "responsible") == NEAR_A
    assert offered(form, "deputy") == NEAR_A


def test_edit_keeps_a_person_already_on_an_old_record(client, org):
    # Given an old record whose deputy works outside the centre today
    channel = org.channels["a"]
    Channel.objects.filter(pk=channel.pk).update(deputy=org.users["outsider"])
    channel.refresh_from_db()
    login(client, "manager_a")
    form = client.get(reverse("accounts:channel-edit", args=[channel.pk])).context["form"]
    assert "outsider" in offered(form, "deputy")
    # When the record is saved with other changes, the deputy stays
    response = client.post(
        reverse("accounts:channel-edit", args=[channel.pk]),
        edit_form(org, channel, purpose="Nyheder fra afdelingen"),
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.deputy, channel.purpose) == (org.users["outsider"], "Nyheder fra afdelingen")


def test_edit_naming_someone_from_another_centre_is_refused(client, org):
    channel = org.channels["a"]
    login(client, "comms")
    response = client.post(
        reverse("accounts:channel-edit", args=[channel.pk]),
        edit_form(org, channel, responsible=org.users["manager_b"].pk, name="Nyt navn"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "responsible": ["Vælg en person fra sidens eget center eller fra kommunikationsteamet."]
    }
    channel.refresh_from_db()
    assert (channel.responsible, channel.name) == (org.users["editor"], "Afdeling A på Facebook")
    assert not AuditEntry.objects.history_of(channel).exists()


def test_edit_of_another_centre_s_page_is_not_found(client, org):
    login(client, "manager_b")
    channel = org.channels["a"]
    response = client.post(
        reverse("accounts:channel-edit", args=[channel.pk]),
        edit_form(org, channel, deputy=org.users["manager_b"].pk),
    )
    assert response.status_code == 404
    channel.refresh_from_db()
    assert channel.deputy == org.users["manager_a"]


def test_update_action_refuses_a_new_person_from_elsewhere(org):
    with pytest.raises(actions.WorkflowError):
        actions.update_channel(
            org.channels["b"], acting_user=org.users["comms"], deputy=org.users["editor"]
        )
    org.channels["b"].refresh_from_db()
    assert org.channels["b"].deputy is None


# --- Admin access ---------------------------------------------------------------------------


def test_admin_pick_list_offers_the_page_s_people(client, org):
    login(client, "editor")
    response = client.get(reverse("accounts:channel-detail", args=[org.channels["a"].pk]))
    assert offered(response.context["admin_form"], "user") == NEAR_A


def test_adding_an_admin_from_another_centre_is_refused_with_a_message(client, org):
    login(client, "editor")
    channel = org.channels["a"]
    response = client.post(
        reverse("accounts:channel-admin-add", args=[channel.pk]),
        {"user": org.users["manager_b"].pk, "platform_role": "admin"},
        follow=True,
    )
    assert [str(message) for message in response.context["messages"]] == [
        "Person: Vælg en person fra sidens eget center eller fra kommunikationsteamet."
    ]
    assert not ChannelAdmin.objects.filter(channel=channel).exists()


def test_adding_an_admin_from_the_team_works(client, org):
    login(client, "editor")
    channel = org.channels["a"]
    client.post(
        reverse("accounts:channel-admin-add", args=[channel.pk]),
        {"user": org.users["comms"].pk, "platform_role": "editor"},
    )
    assert list(ChannelAdmin.objects.filter(channel=channel).values_list("user__username")) == [
        ("comms",)
    ]


def test_add_admin_action_refuses_someone_from_elsewhere(org):
    with pytest.raises(actions.WorkflowError):
        actions.add_admin(
            org.channels["b"],
            acting_user=org.users["comms"],
            user=org.users["expert"],
            platform_role="admin",
        )
    assert not ChannelAdmin.objects.filter(channel=org.channels["b"]).exists()
