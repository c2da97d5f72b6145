"""The policy API: policies, versions with their rules, the rules in force, read confirmations."""

from datetime import date

import pytest
from django.urls import reverse

from governance import actions
from governance.models import PolicyStatus, PolicyVersion, ReadConfirmation
from governance.tests.policy_helpers import adopted_policy, fill_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The test municipality speaks Danish; these tests read the English source texts.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_rules_in_force_are_the_numbers_the_sla_engine_uses(client, org):
    _policy, version = adopted_policy(org, facebook_answer=1440)
    client.force_login(org.users["staff"])

    data = client.get(reverse("api-rules-in-force")).json()

    assert data["id"] == version.pk
    assert data["status"] == "adopted"
    assert data["reference"] == "BR § 12/2026"
    assert data["answer_time_rules"] == [
        {
            "platform": "facebook",
            "item_kind": "any",
            "first_response_minutes": None,
            "first_response_clock": "calendar",
            "answer_minutes": 1440,
            "answer_clock": "calendar",
        },
        {
            "platform": "x",
            "item_kind": "any",
            "first_response_minutes": None,
            "first_response_clock": "calendar",
            "answer_minutes": 240,
            "answer_clock": "opening_hours",
        },
    ]
    assert data["removal_reasons"][0]["translations"] == {
        "en": {
            "label": "Advertising",
            "explanation": "We remove advertising so the thread stays readable.",
        }
    }


def test_rules_in_force_without_a_policy_is_404(client, org):
    client.force_login(org.users["staff"])

    response = client.get(reverse("api-rules-in-force"))

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No policy version is in force.",
        "code": "not_found",
        "errors": {},
    }


def test_staff_do_not_see_drafts_the_team_does(client, org):
    policy, _version = adopted_policy(org)
    draft = actions.start_draft(policy, acting_user=org.users["comms"])

    client.force_login(org.users["staff"])
    staff_view = client.get(reverse("policy-version-list")).json()
    staff_policy = client.get(reverse("policy-detail", args=[policy.pk])).json()
    draft_as_staff = client.get(reverse("policy-version-detail", args=[draft.pk]))
    client.force_login(org.users["comms"])
    team_view = client.get(reverse("policy-version-list")).json()

    assert [v["number"] for v in staff_view["results"]] == [1]
    assert [v["number"] for v in staff_policy["versions"]] == [1]
    assert draft_as_staff.status_code == 404
    assert [v["number"] for v in team_view["results"]] == [2, 1]


def test_the_team_adopts_a_draft_through_the_api(client, org):
    policy, first = adopted_policy(org)
    draft = actions.start_draft(policy, acting_user=org.users["comms"])
    client.force_login(org.users["comms_lead"])
    url = reverse("policy-version-adopt", args=[draft.pk])

    missing = client.post(url, {}, content_type="application/json")
    done = client.post(
        url,
        {"adopted_by": "Byrådet", "adopted_on": "2026-11-20", "reference": "BR 7"},
        content_type="application/json",
    )
    again = client.post(
        url, {"adopted_by": "Byrådet", "adopted_on": "2026-11-20"}, content_type="application/json"
    )

    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"adopted_by", "adopted_on"}
    assert done.status_code == 200
    assert done.json()["status"] == "adopted"
    assert again.status_code == 409
    assert again.json() == {
        "detail": "Version 2 is adopted; only drafts can be changed.",
        "code": "conflict",
        "errors": {},
    }
    first.refresh_from_db()
    assert first.status == PolicyStatus.SUPERSEDED


def test_staff_cannot_adopt(client, org):
    policy, _first = adopted_policy(org)
    draft = actions.start_draft(policy, acting_user=org.users["comms"])
    client.force_login(org.users["manager_a"])

    response = client.post(
        reverse("policy-version-adopt", args=[draft.pk]),
        {"adopted_by": "x", "adopted_on": "2026-11-20"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert PolicyVersion.objects.get(pk=draft.pk).status == PolicyStatus.DRAFT


def test_read_confirmations_own_for_staff_all_for_the_team(client, org):
    _policy, version = adopted_policy(org)
    actions.confirm_reading(version, acting_user=org.users["editor"])
    client.force_login(org.users["staff"])

    created = client.post(reverse("read-confirmation-list"), content_type="application/json")
    again = client.post(reverse("read-confirmation-list"), content_type="application/json")
    own = client.get(reverse("read-confirmation-list")).json()
    client.force_login(org.users["comms"])
    everyone = client.get(reverse("read-confirmation-list"), {"version": version.pk}).json()

    assert created.status_code == 201
    assert created.json()["username"] == "staff"
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    assert [c["username"] for c in own["results"]] == ["staff"]
    assert sorted(c["username"] for c in everyone["results"]) == ["editor", "staff"]
    assert ReadConfirmation.objects.count() == 2


@pytest.mark.parametrize(
    ("route", "queries"),
    [("policy-list", 7), ("policy-version-list", 11), ("read-confirmation-list", 6)],
)
def test_list_endpoints_use_a_fixed_number_of_queries(
    client, org, route, queries, django_assert_num_queries
):
    policy, version = adopted_policy(org)
    actions.confirm_reading(version, acting_user=org.users["comms"])
    client.force_login(org.users["comms"])
    client.get(reverse(route))
    with django_assert_num_queries(queries):
        client.get(reverse(route))

    readers = ["staff", "editor", "expert", "monitor"]
    for n, reader in enumerate(readers):
        draft = actions.start_draft(policy, acting_user=org.users["comms"])
        adopted = actions.adopt_version(
            draft, acting_user=org.users["comms"], adopted_by="B", adopted_on=date(2026, 1, n + 1)
        )
        actions.confirm_reading(adopted, acting_user=org.users[reader])
    other = actions.create_policy(
        acting_user=org.users["comms"], municipality=org.municipality, title="Anden"
    )
    fill_draft(other.versions.get())

    with django_assert_num_queries(queries):
        response = client.get(reverse(route))
    assert response.json()["count"] > 1
