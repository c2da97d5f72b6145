"""The departments' routing topics in the settings area: the page and the API call the same
action, each change is audited, others are refused and bad input changes nothing."""

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import OrgUnit

pytestmark = pytest.mark.django_db


def _as(client, persona="comms_lead"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _post(client, unit, topics, kle=""):
    return client.post(
        reverse("settings:topics"), {"unit": unit.pk, "topics": topics, "kle_numbers": kle}
    )


def test_the_overview_links_to_the_topics_page(client, org):
    response = _as(client).get(reverse("settings:overview"))
    urls = [section.url for section in response.context["sections"]]
    assert reverse("settings:topics") in urls


def test_the_page_lists_the_departments_only(client, org):
    response = _as(client).get(reverse("settings:topics"))
    assert response.status_code == 200
    assert [unit.name for unit, _form in response.context["rows"]] == ["Afdeling A", "Afdeling B"]


def test_the_lead_saves_a_departments_topics_and_it_is_audited(client, org):
    dept = org.units["dept_a"]
    response = _post(
        _as(client), dept, "affald\n  Skraldespand \n\nhul i  vejen\nAFFALD\n", "07.18, 05.01"
    )
    assert response.status_code == 302
    dept.refresh_from_db()
    # Trimmed, spaces collapsed, empty lines and duplicates (ignoring case) dropped.
    assert dept.topics == ["affald", "Skraldespand", "hul i vejen"]
    assert dept.kle_numbers == ["07.18", "05.01"]
    entry = AuditEntry.objects.get(action="unit.topics")
    assert entry.before == {"topics": [], "kle_numbers": []}
    assert entry.after == {"topics": dept.topics, "kle_numbers": dept.kle_numbers}
    # Saving the same again changes nothing and writes no second row.
    _post(client, dept, "affald\nSkraldespand\nhul i vejen", "07.18 05.01")
    assert AuditEntry.objects.filter(action="unit.topics").count() == 1
    page = client.get(reverse("settings:topics")).content.decode()
    assert "affald\nSkraldespand\nhul i vejen" in page


@pytest.mark.parametrize(
    ("topics", "kle", "message"),
    [
        ("affald", "7.18", "“7.18” is not a KLE number. Write it as 07.18 or 07.18.05."),
        ("x" * 101, "", "a topic has at most 100 characters."),
        ("affald\n!!!", "", "“!!!” has no word in it."),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client, org, topics, kle, message):
    dept = org.units["dept_a"]
    OrgUnit.objects.filter(pk=dept.pk).update(topics=["genbrug"])
    response = _post(_as(client), dept, topics, kle)
    assert response.status_code == 400
    assert message in response.content.decode()
    # The refused form keeps what was typed.
    [form] = [form for unit, form in response.context["rows"] if unit.pk == dept.pk]
    assert form.data["topics"] == topics
    dept.refresh_from_db()
    assert dept.topics == ["genbrug"]
    assert not AuditEntry.objects.filter(action="unit.topics").exists()


def test_only_departments_have_topics(client, org):
    response = client.patch(
        reverse("unit-detail", args=[org.units["centre_a"].pk]),
        {"topics": ["affald"]},
        "application/json",
    )
    assert response.status_code in (401, 403)
    response = _as(client).patch(
        reverse("unit-detail", args=[org.units["centre_a"].pk]),
        {"topics": ["affald"]},
        "application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"topics": ["Only departments have topics."]}
    # The page offers no form for a centre and refuses one posted anyway.
    response = _post(client, org.units["centre_a"], "affald")
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=org.units["centre_a"].pk).topics == []


def test_the_api_reads_and_writes_topics(client, org):
    dept = org.units["dept_b"]
    url = reverse("unit-detail", args=[dept.pk])
    response = _as(client).patch(
        url, {"topics": ["vej", "fortov"], "kle_numbers": ["05"]}, "application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["topics"], body["kle_numbers"]) == (["vej", "fortov"], ["05"])
    assert AuditEntry.objects.get(action="unit.topics").after == {
        "topics": ["vej", "fortov"],
        "kle_numbers": ["05"],
    }
    assert client.get(url).json()["topics"] == ["vej", "fortov"]


def test_the_api_refuses_bad_input_and_keeps_the_rest_unchanged(client, org):
    dept = org.units["dept_b"]
    response = _as(client).patch(
        reverse("unit-detail", args=[dept.pk]),
        {"name": "Veje", "kle_numbers": ["abc"]},
        "application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "kle_numbers": ["“abc” is not a KLE number. Write it as 07.18 or 07.18.05."]
    }
    dept.refresh_from_db()
    # All or nothing: the rename in the same request did not happen either.
    assert (dept.name, dept.kle_numbers) == ("Afdeling B", [])
    assert not AuditEntry.objects.exists()


def test_the_api_creates_a_department_with_its_topics(client, org):
    response = _as(client).post(
        reverse("unit-list"),
        {
            "name": "Affald",
            "kind": "department",
            "parent": org.units["centre_a"].pk,
            "topics": ["affald"],
        },
        "application/json",
    )
    assert response.status_code == 201
    assert response.json()["topics"] == ["affald"]
    assert AuditEntry.objects.filter(action__in=["unit.create", "unit.topics"]).count() == 2


@pytest.mark.parametrize("persona", ["comms", "manager_a", "expert", "staff"])
def test_others_may_not_change_topics(client, org, persona):
    client = _as(client, persona)
    dept = org.units["dept_a"]
    assert client.get(reverse("settings:topics")).status_code == 403
    assert _post(client, dept, "affald").status_code == 403
    response = client.patch(
        reverse("unit-detail", args=[dept.pk]), {"topics": ["affald"]}, "application/json"
    )
    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=dept.pk).topics == []
    assert not AuditEntry.objects.exists()


def test_the_page_speaks_danish(client, org):
    assert client.login(username="comms_lead", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    page = client.get(reverse("settings:topics")).content.decode()
    assert "Emner til videresendelse" in page
    assert "Gem emnerne for Afdeling A" in page


def test_too_long_kle_input_is_refused_on_its_form(client, org):
    dept = org.units["dept_a"]
    response = _post(_as(client), dept, "affald", "07.18 " * 400)
    assert response.status_code == 400
    [form] = [form for unit, form in response.context["rows"] if unit.pk == dept.pk]
    assert "kle_numbers" in form.errors
    assert OrgUnit.objects.get(pk=dept.pk).topics == []


def test_an_unknown_department_is_refused(client, org):
    response = _as(client).post(reverse("settings:topics"), {"unit": "999999", "topics": "x"})
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()
