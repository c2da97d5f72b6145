"""Setting up the on-duty rota from its page and the API: a team's rota, adding and removing
members, deputies; refusals for other roles and for a deputy who is not on the rota, with
nothing changed."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.models import DutyRota, RotaMember

from .support import rota

pytestmark = pytest.mark.django_db


def _login(client, persona="comms"):
    assert client.login(username=persona, password=PASSWORD)
    return client


@pytest.fixture
def comms_rota(org):
    return rota(org.units["comms"], [org.users["monitor"], org.users["comms"]])


def _members(duty):
    return list(duty.members.order_by("position").values_list("user__username", "deputy__username"))


def test_the_page_offers_to_set_up_a_rota_instead_of_an_administrator(client, org):
    page = _login(client).get(reverse("moderation:rota")).content.decode()
    assert "An administrator sets one up" not in page
    assert "Set up a rota for a team" in page

    response = client.post(
        reverse("moderation:rota-create"),
        {"team": org.units["comms"].pk, "starts_on": "2026-11-16", "turn_days": "7"},
    )

    assert response.status_code == 302
    duty = DutyRota.objects.get()
    assert (duty.team, duty.starts_on, duty.turn_days) == (
        org.units["comms"],
        date(2026, 11, 16),
        7,
    )
    entry = AuditEntry.objects.get(action="rota_create")
    assert entry.after == {"team": org.units["comms"].pk, "starts_on": "2026-11-16", "turn_days": 7}


def test_a_team_gets_one_rota(client, org, comms_rota):
    response = _login(client).post(
        reverse("moderation:rota-create"),
        {"team": org.units["comms"].pk, "starts_on": "2026-11-16", "turn_days": "7"},
    )
    assert response.status_code == 400
    assert "Choose a team that has no rota yet." in response.content.decode()
    assert DutyRota.objects.count() == 1


def test_adding_a_member_with_a_deputy(client, org, comms_rota):
    response = _login(client).post(
        reverse("moderation:rota-member-add", args=[comms_rota.pk]),
        {"user": org.users["comms_lead"].pk, "deputy": org.users["monitor"].pk},
    )

    assert response.status_code == 302
    assert _members(comms_rota) == [
        ("monitor", None),
        ("comms", None),
        ("comms_lead", "monitor"),
    ]
    entry = AuditEntry.objects.get(action="rota_member_add")
    assert entry.after == {
        "user": org.users["comms_lead"].pk,
        "deputy": org.users["monitor"].pk,
        "position": 2,
    }


def test_a_deputy_who_is_not_a_member_is_refused(client, org, comms_rota):
    _login(client)
    added = client.post(
        reverse("moderation:rota-member-add", args=[comms_rota.pk]),
        {"user": org.users["comms_lead"].pk, "deputy": org.users["editor"].pk},
    )
    member = comms_rota.members.get(user=org.users["monitor"])
    changed = client.post(
        reverse("moderation:rota-member-deputy", args=[member.pk]),
        {"deputy": org.users["editor"].pk},
    )

    assert (added.status_code, changed.status_code) == (400, 400)
    assert "The deputy must be a member of the same rota." in added.content.decode()
    assert "The deputy must be a member of the same rota." in changed.content.decode()
    assert _members(comms_rota) == [("monitor", None), ("comms", None)]
    assert not AuditEntry.objects.exists()


def test_a_member_cannot_be_their_own_deputy(client, org, comms_rota):
    member = comms_rota.members.get(user=org.users["monitor"])
    response = _login(client).post(
        reverse("moderation:rota-member-deputy", args=[member.pk]),
        {"deputy": org.users["monitor"].pk},
    )
    assert response.status_code == 400
    assert "A member cannot be their own deputy." in response.content.decode()
    assert _members(comms_rota) == [("monitor", None), ("comms", None)]


def test_setting_and_clearing_a_deputy(client, org, comms_rota):
    member = comms_rota.members.get(user=org.users["monitor"])
    _login(client).post(
        reverse("moderation:rota-member-deputy", args=[member.pk]),
        {"deputy": org.users["comms"].pk},
    )
    assert _members(comms_rota)[0] == ("monitor", "comms")
    client.post(reverse("moderation:rota-member-deputy", args=[member.pk]), {"deputy": ""})
    assert _members(comms_rota)[0] == ("monitor", None)
    entries = AuditEntry.objects.filter(action="rota_deputy_set").order_by("pk")
    assert [(e.before, e.after) for e in entries] == [
        ({"deputy": None}, {"deputy": org.users["comms"].pk}),
        ({"deputy": org.users["comms"].pk}, {"deputy": None}),
    ]


def test_removing_a_member_closes_up_and_clears_them_as_deputy(client, org):
    duty = rota(
        org.units["comms"],
        [org.users["monitor"], org.users["comms"], org.users["comms_lead"]],
        deputies={"comms_lead": org.users["monitor"]},
    )
    member = duty.members.get(user=org.users["monitor"])

    response = _login(client).post(reverse("moderation:rota-member-remove", args=[member.pk]))

    assert response.status_code == 302
    assert _members(duty) == [("comms", None), ("comms_lead", None)]
    assert list(duty.members.order_by("position").values_list("position", flat=True)) == [0, 1]
    entry = AuditEntry.objects.get(action="rota_member_remove")
    assert entry.data["deputy_cleared_for"] == [org.users["comms_lead"].pk]


@pytest.mark.parametrize("persona", ["monitor", "editor", "staff"])
def test_other_roles_cannot_change_the_rota(client, org, comms_rota, persona):
    member = comms_rota.members.get(user=org.users["monitor"])
    _login(client, persona)
    responses = [
        client.post(
            reverse("moderation:rota-member-add", args=[comms_rota.pk]),
            {"user": org.users["comms_lead"].pk},
        ),
        client.post(reverse("moderation:rota-member-remove", args=[member.pk])),
        client.post(
            reverse("moderation:rota-member-deputy", args=[member.pk]),
            {"deputy": org.users["comms"].pk},
        ),
        client.post(
            reverse("rota-member-list"),
            {"rota": comms_rota.pk, "user": org.users["comms_lead"].pk},
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert _members(comms_rota) == [("monitor", None), ("comms", None)]


# --- the API


def test_api_sets_up_a_rota_and_its_members(client, org):
    _login(client)
    created = client.post(
        reverse("rota-list"),
        {"team": org.units["comms"].pk, "starts_on": "2026-11-16", "turn_days": 14},
        content_type="application/json",
    )
    assert created.status_code == 201
    rota_id = created.json()["id"]
    first = client.post(
        reverse("rota-member-list"),
        {"rota": rota_id, "user": org.users["monitor"].pk},
        content_type="application/json",
    )
    second = client.post(
        reverse("rota-member-list"),
        {"rota": rota_id, "user": org.users["comms"].pk, "deputy": org.users["monitor"].pk},
        content_type="application/json",
    )
    assert (first.status_code, second.status_code) == (201, 201)
    deputy = client.patch(
        reverse("rota-member-detail", args=[first.json()["id"]]),
        {"deputy": org.users["comms"].pk},
        content_type="application/json",
    )
    assert deputy.status_code == 200

    listed = client.get(reverse("rota-detail", args=[rota_id])).json()
    assert listed["turn_days"] == 14
    assert [(m["user"], m["position"], m["deputy"]) for m in listed["members"]] == [
        (org.users["monitor"].pk, 0, org.users["comms"].pk),
        (org.users["comms"].pk, 1, org.users["monitor"].pk),
    ]


def test_api_refuses_a_deputy_not_on_the_rota(client, org, comms_rota):
    member = comms_rota.members.get(user=org.users["monitor"])
    response = _login(client).patch(
        reverse("rota-member-detail", args=[member.pk]),
        {"deputy": org.users["editor"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "deputy": ["The deputy must be a member of the same rota."]
    }
    assert _members(comms_rota) == [("monitor", None), ("comms", None)]


def test_api_removes_a_member_and_moves_one(client, org, comms_rota):
    _login(client)
    comms = comms_rota.members.get(user=org.users["comms"])
    moved = client.post(
        reverse("rota-member-move", args=[comms.pk]),
        {"direction": "up"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert _members(comms_rota) == [("comms", None), ("monitor", None)]
    gone = client.delete(reverse("rota-member-detail", args=[comms.pk]))
    assert gone.status_code == 204
    assert _members(comms_rota) == [("monitor", None)]
    assert RotaMember.objects.get().position == 0
