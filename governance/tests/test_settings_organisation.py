"""The settings area: the municipality and the organisation tree, through the pages and the API.
Each change is one action with its audit row; a refusal changes nothing and says why."""

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import Municipality, OrgUnit, UnitKind
from moderation.deadlines import calendar_for
from moderation.models import Forwarding

pytestmark = pytest.mark.django_db


def _as(client, org, persona="comms_lead"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _municipality_data(**overrides):
    data = {
        "name": "Testby Kommune",
        "country": "DK",
        "time_zone": "Europe/Copenhagen",
        "default_language": "da",
        "website": "",
    }
    return {**data, **overrides}


# --- Menu and overview


def test_settings_in_the_menu_for_the_lead_only(client, org):
    _as(client, org, "comms_lead")
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("settings:overview")}"' in page
    client.logout()
    _as(client, org, "comms")
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("settings:overview")}"' not in page


def test_overview_lists_the_registered_sections(client, org):
    response = _as(client, org).get(reverse("settings:overview"))
    assert response.status_code == 200
    titles = [section.title for section in response.context["sections"]]
    assert [str(t) for t in titles[:3]] == ["Municipality", "Organisation", "People"]
    assert response.context["sections"][1].url == reverse("settings:units")


# --- The municipality


def test_lead_changes_the_municipality_and_the_calendar_follows(client, org):
    before = calendar_for(org.municipality)
    assert str(before.timezone) == "Europe/Copenhagen"
    response = _as(client, org).post(
        reverse("settings:municipality"),
        _municipality_data(
            name="Nyby Kommune",
            country="NO",
            time_zone="Europe/Oslo",
            default_language="nb",
            website="https://nyby.example",
        ),
    )
    assert response.status_code == 302
    municipality = Municipality.objects.get()
    assert (
        municipality.name,
        municipality.country,
        municipality.time_zone,
        municipality.default_language,
        municipality.website,
    ) == ("Nyby Kommune", "NO", "Europe/Oslo", "nb", "https://nyby.example")
    after = calendar_for(municipality)
    assert after is not before
    assert str(after.timezone) == "Europe/Oslo"
    entry = AuditEntry.objects.get(action="municipality.update")
    assert entry.actor == org.users["comms_lead"]
    assert entry.before == {
        "name": "Testby Kommune",
        "country": "DK",
        "time_zone": "Europe/Copenhagen",
        "default_language": "da",
        "website": "",
    }
    assert entry.after == {
        "name": "Nyby Kommune",
        "country": "NO",
        "time_zone": "Europe/Oslo",
        "default_language": "nb",
        "website": "https://nyby.example",
    }


def test_unknown_time_zone_is_refused_and_nothing_changes(client, org):
    response = _as(client, org).post(
        reverse("settings:municipality"),
        _municipality_data(name="Nyby Kommune", time_zone="Europe/Atlantis"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"] == ["Unknown time zone."]
    assert Municipality.objects.get().name == "Testby Kommune"
    assert not AuditEntry.objects.filter(action__startswith="municipality.").exists()


def test_api_unknown_time_zone_names_the_field(client, org):
    response = _as(client, org).patch(
        reverse("api-municipality"), {"time_zone": "Mars/Olympus"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {
        "time_zone": ["“Mars/Olympus” is not a time zone. Use a name such as Europe/Copenhagen."]
    }
    assert Municipality.objects.get().time_zone == "Europe/Copenhagen"


def test_api_patch_saves_only_what_changed(client, org):
    response = _as(client, org).patch(
        reverse("api-municipality"), {"website": "https://testby.example"}, "application/json"
    )
    assert response.status_code == 200
    assert response.json()["website"] == "https://testby.example"
    entry = AuditEntry.objects.get(action="municipality.update")
    assert (entry.before, entry.after) == ({"website": ""}, {"website": "https://testby.example"})


def test_a_new_installation_creates_its_municipality(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.login(username="root", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("settings:municipality"),
        _municipality_data(name="Frisk Kommune", country="SE", time_zone="Europe/Stockholm"),
    )
    assert response.status_code == 302
    municipality = Municipality.objects.get()
    assert (municipality.name, municipality.country) == ("Frisk Kommune", "SE")
    assert AuditEntry.objects.get(action="municipality.create").after["name"] == "Frisk Kommune"


@pytest.mark.parametrize("persona", ["comms", "manager_a", "staff", "monitor"])
def test_others_may_not_change_the_municipality(client, org, persona):
    response = _as(client, org, persona).post(
        reverse("settings:municipality"), _municipality_data(name="Nyby Kommune")
    )
    assert response.status_code == 403
    api = client.patch(reverse("api-municipality"), {"name": "Nyby"}, "application/json")
    assert api.status_code == 403
    assert Municipality.objects.get().name == "Testby Kommune"
    assert not AuditEntry.objects.exists()


# --- The organisation tree


def test_lead_adds_a_centre_and_a_department_under_it(client, org):
    client = _as(client, org)
    response = client.post(
        reverse("settings:unit-create"), {"name": "Center C", "kind": "centre", "parent": ""}
    )
    assert response.status_code == 302
    centre = OrgUnit.objects.get(name="Center C")
    response = client.post(
        reverse("settings:unit-create"),
        {"name": "Afdeling C", "kind": "department", "parent": centre.pk},
    )
    assert response.status_code == 302
    department = OrgUnit.objects.get(name="Afdeling C")
    assert (department.parent, department.centre, department.kind) == (
        centre,
        centre,
        UnitKind.DEPARTMENT,
    )
    entries = AuditEntry.objects.filter(action="unit.create").order_by("pk")
    assert [e.after for e in entries] == [
        {"name": "Center C", "kind": "centre"},
        {"name": "Afdeling C", "kind": "department", "parent": centre.pk},
    ]
    tree = client.get(reverse("settings:units")).context["rows"]
    names = [(unit.name, depth) for unit, depth in tree]
    assert names.index(("Center C", 0)) + 1 == names.index(("Afdeling C", 1))


def test_duplicate_name_in_the_same_place_is_refused(client, org):
    response = _as(client, org).post(
        reverse("settings:unit-create"),
        {"name": "afdeling a", "kind": "department", "parent": org.units["centre_a"].pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "There is already a unit named “afdeling a” in the same place."
    ]
    assert OrgUnit.objects.count() == 6


def test_rename_and_move_under_another_centre(client, org):
    dept = org.units["dept_a"]
    response = _as(client, org).post(
        reverse("settings:unit", kwargs={"pk": dept.pk}),
        {"name": "Afdeling A2", "parent": org.units["centre_b"].pk},
    )
    assert response.status_code == 302
    dept.refresh_from_db()
    assert (dept.name, dept.parent, dept.centre) == (
        "Afdeling A2",
        org.units["centre_b"],
        org.units["centre_b"],
    )
    rename = AuditEntry.objects.get(action="unit.rename")
    assert (rename.before, rename.after) == ({"name": "Afdeling A"}, {"name": "Afdeling A2"})
    move = AuditEntry.objects.get(action="unit.move")
    assert move.before == {"parent": org.units["centre_a"].pk, "centre": org.units["centre_a"].pk}
    assert move.after == {"parent": org.units["centre_b"].pk, "centre": org.units["centre_b"].pk}


def test_a_unit_cannot_move_under_itself(client, org):
    centre = org.units["centre_a"]
    response = _as(client, org).post(
        reverse("settings:unit", kwargs={"pk": centre.pk}),
        {"name": "Center A", "parent": org.units["dept_a"].pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "A unit cannot sit under itself or under one of its own units."
    ]
    centre.refresh_from_db()
    assert centre.parent is None
    assert not AuditEntry.objects.filter(action__startswith="unit.").exists()
    api = client.patch(
        reverse("unit-detail", args=[centre.pk]), {"parent": centre.pk}, "application/json"
    )
    assert api.status_code == 400
    assert api.json()["errors"] == {
        "parent": ["A unit cannot sit under itself or under one of its own units."]
    }


def test_close_is_refused_while_channels_and_questions_are_open(client, org):
    dept = org.units["dept_a"]
    Forwarding.objects.create(
        item=org.items["a"],
        to_unit=dept,
        due_at=org.items["a"].received_at,
        forwarded_by=org.users["comms"],
    )
    response = _as(client, org).post(reverse("settings:unit-close", kwargs={"pk": dept.pk}))
    assert response.status_code == 302
    message = str(list(response.wsgi_request._messages)[0])
    assert message == (
        "“Afdeling A” cannot be closed: It still owns channels that are not closed: Afdeling A "
        "på Facebook. 1 question forwarded to it still waits for an answer."
    )
    dept.refresh_from_db()
    assert dept.closed_at is None
    api = client.post(reverse("unit-close", args=[org.units["centre_a"].pk]))
    assert api.status_code == 409
    assert api.json()["detail"].startswith(
        "“Center A” cannot be closed: Units under it are still open: Afdeling A."
    )
    assert not AuditEntry.objects.filter(action="unit.close").exists()


def test_close_keeps_the_unit_and_hides_it_from_new_choices(client, org):
    empty = OrgUnit.objects.create(
        municipality=org.municipality,
        name="Gammel afdeling",
        kind=UnitKind.DEPARTMENT,
        parent=org.units["centre_b"],
    )
    client = _as(client, org)
    response = client.post(reverse("settings:unit-close", kwargs={"pk": empty.pk}))
    assert response.status_code == 302
    empty.refresh_from_db()
    assert empty.is_closed
    entry = AuditEntry.objects.get(action="unit.close")
    assert entry.before == {"closed_at": None} and entry.after["closed_at"]
    invite = client.get(reverse("settings:invite")).context["form"]
    assert empty not in invite.fields["unit"].queryset
    # Reopened through the API
    api = client.post(reverse("unit-reopen", args=[empty.pk]))
    assert api.status_code == 200
    assert api.json()["closed_at"] is None
    assert AuditEntry.objects.filter(action="unit.reopen").count() == 1


def test_api_creates_and_lists_units(client, org):
    client = _as(client, org)
    response = client.post(
        reverse("unit-list"),
        {"name": "Center C", "kind": "centre", "parent": None},
        "application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["kind"], body["parent"], body["closed_at"]) == (
        "Center C",
        "centre",
        None,
        None,
    )
    assert body["centre"] == body["id"]
    second = client.post(
        reverse("unit-list"),
        {"name": "Kommunikation 2", "kind": "communications"},
        "application/json",
    )
    assert second.status_code == 400
    assert second.json()["errors"] == {
        "kind": ["The municipality already has a communications team."]
    }
    listed = _as(client, org, "staff").get(reverse("unit-list")).json()
    assert "Center C" in [unit["name"] for unit in listed["results"]]


@pytest.mark.parametrize("persona", ["comms", "manager_a", "editor"])
def test_others_may_not_change_units(client, org, persona):
    client = _as(client, org, persona)
    assert (
        client.post(reverse("settings:unit-create"), {"name": "X", "kind": "centre"}).status_code
        == 403
    )
    assert (
        client.patch(
            reverse("unit-detail", args=[org.units["dept_a"].pk]), {"name": "X"}, "application/json"
        ).status_code
        == 403
    )
    assert not OrgUnit.objects.filter(name="X").exists()
    assert not AuditEntry.objects.exists()


def test_units_page_query_count_does_not_grow(client, org, django_assert_max_num_queries):
    client = _as(client, org)
    client.get(reverse("settings:units"))  # warm the session and language caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("settings:units")).status_code == 200
        return len(queries)

    small = count()
    for number in range(10):
        OrgUnit.objects.create(
            municipality=org.municipality,
            name=f"Afdeling {number}",
            kind=UnitKind.DEPARTMENT,
            parent=org.units["centre_b"],
        )
    # The tree is one query, whatever its size.
    assert count() == small
