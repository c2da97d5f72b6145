"""A first response is never due after the answer: an answer-time rule that could make it so is
refused with the same message at every door (the draft's form page, the admin, adoption through
the page and the API), and nothing is saved or adopted."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from governance.models import AnswerTimeRule, PolicyStatus, PolicyVersion, answer_time_errors
from governance.tests.policy_helpers import new_draft
from governance.tests.test_adopted_rules_frozen import form_as_shown, inline_for
from governance.tests.test_policy_editing import _page_data, _rule_field

pytestmark = pytest.mark.django_db

CLOCK_MISMATCH = (
    "Counted in opening hours, the first response can fall due after an answer counted in "
    "calendar time, for an item received on a Friday evening say."
)
LATER = "The first response cannot come later than the answer."


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("first", "first_clock", "answer", "answer_clock", "field"),
    [
        # The demo's old Facebook rule: 4 opening hours against 24 calendar hours.
        (240, "opening_hours", 1440, "calendar", "first_response_clock"),
        (60, "weekdays", 1440, "calendar", "first_response_clock"),
        (60, "opening_hours", 840, "weekdays", "first_response_clock"),
        (500, "calendar", 420, "opening_hours", "first_response_minutes"),
        (500, "opening_hours", 420, "opening_hours", "first_response_minutes"),
        (None, "calendar", 0, "calendar", "answer_minutes"),
    ],
)
def test_rules_that_could_put_the_first_response_after_the_answer_are_wrong(
    first, first_clock, answer, answer_clock, field
):
    assert list(answer_time_errors(first, first_clock, answer, answer_clock)) == [field]


@pytest.mark.parametrize(
    ("first", "first_clock", "answer", "answer_clock"),
    [
        (120, "opening_hours", 420, "opening_hours"),
        (420, "opening_hours", 420, "opening_hours"),
        (120, "calendar", 420, "opening_hours"),
        (120, "weekdays", 840, "opening_hours"),
        (60, "calendar", 1440, "weekdays"),
        (None, "opening_hours", 240, "calendar"),
    ],
)
def test_rules_whose_first_response_always_comes_first_are_accepted(
    first, first_clock, answer, answer_clock
):
    assert answer_time_errors(first, first_clock, answer, answer_clock) == {}


def test_the_draft_page_refuses_a_first_response_in_opening_hours_against_calendar_time(
    client, org
):
    draft = new_draft(org)
    client.force_login(org.users["comms"])
    url = reverse("governance:version-edit", kwargs={"pk": draft.pk})
    page = client.get(url)
    data = _page_data(page)
    data[_rule_field(page, "facebook", "first_response_minutes")] = "240"
    data[_rule_field(page, "facebook", "first_response_clock")] = "opening_hours"
    data[_rule_field(page, "facebook", "answer_minutes")] = "1440"
    data[_rule_field(page, "facebook", "answer_clock")] = "calendar"

    response = client.post(url, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert CLOCK_MISMATCH in body
    assert "The draft was not saved." in body
    rule = AnswerTimeRule.objects.get(version=draft, platform="facebook")
    assert (rule.first_response_minutes, rule.answer_minutes) == (None, 2880)
    assert not AuditEntry.objects.filter(action="policy.edit", policy_version=draft).exists()


def test_the_draft_page_speaks_the_users_language(client, org, settings):
    draft = new_draft(org)
    client.force_login(org.users["comms"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    url = reverse("governance:version-edit", kwargs={"pk": draft.pk})
    page = client.get(url)
    data = _page_data(page)
    data[_rule_field(page, "facebook", "first_response_minutes")] = "240"
    data[_rule_field(page, "facebook", "first_response_clock")] = "opening_hours"

    body = client.post(url, data).content.decode()

    assert "Regnet i åbningstid kan den første reaktion falde efter et svar" in body
    assert CLOCK_MISMATCH not in body


def test_the_draft_page_accepts_both_targets_in_opening_hours(client, org):
    draft = new_draft(org)
    client.force_login(org.users["comms"])
    url = reverse("governance:version-edit", kwargs={"pk": draft.pk})
    page = client.get(url)
    data = _page_data(page)
    data[_rule_field(page, "facebook", "first_response_minutes")] = "120"
    data[_rule_field(page, "facebook", "first_response_clock")] = "opening_hours"
    data[_rule_field(page, "facebook", "answer_minutes")] = "420"
    data[_rule_field(page, "facebook", "answer_clock")] = "opening_hours"

    response = client.post(url, data)

    assert response.status_code == 302
    rule = AnswerTimeRule.objects.get(version=draft, platform="facebook")
    assert (rule.first_response_minutes, rule.answer_minutes, rule.answer_clock) == (
        120,
        420,
        "opening_hours",
    )


def test_the_admin_refuses_the_rule_and_keeps_the_draft(client, org):
    draft = new_draft(org)
    admin = get_user_model().objects.create_superuser("root", "root@example.dk", "pw")
    client.force_login(admin)
    url = reverse("admin:governance_policyversion_change", args=[draft.pk])
    shown, data = form_as_shown(client, url)
    rules = inline_for(shown, AnswerTimeRule).formset
    row = next(form for form in rules.forms if form.instance.platform == "facebook")
    data[row.add_prefix("first_response_minutes")] = "240"
    data[row.add_prefix("first_response_clock")] = "opening_hours"

    response = client.post(url, data)

    assert response.status_code == 200
    assert CLOCK_MISMATCH in response.content.decode()
    rule = AnswerTimeRule.objects.get(version=draft, platform="facebook")
    assert rule.first_response_minutes is None


def _bad_rule(draft):
    # Written without a form, as an import or the shell would: adoption still checks it.
    AnswerTimeRule.objects.filter(version=draft, platform="facebook").update(
        first_response_minutes=240, first_response_clock="opening_hours", answer_clock="calendar"
    )


def test_adoption_through_the_api_refuses_a_version_with_such_a_rule(client, org):
    draft = new_draft(org)
    _bad_rule(draft)
    client.force_login(org.users["comms_lead"])

    response = client.post(
        reverse("policy-version-adopt", args=[draft.pk]),
        {"adopted_by": "Byrådet", "adopted_on": "2026-11-20"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == f"Facebook, any kind: {CLOCK_MISMATCH}" + (
        " Count the first response in the same time as the answer, or in calendar time."
    )
    assert PolicyVersion.objects.get(pk=draft.pk).status == PolicyStatus.DRAFT
    assert not AuditEntry.objects.filter(action="policy.adopt", policy_version=draft).exists()


def test_adoption_through_the_page_refuses_a_version_with_such_a_rule(client, org):
    draft = new_draft(org)
    _bad_rule(draft)
    client.force_login(org.users["comms_lead"])

    response = client.post(
        reverse("governance:version-adopt", kwargs={"pk": draft.pk}),
        {"adopted_by": "Byrådet", "adopted_on": "2026-11-20"},
    )

    assert response.status_code == 200
    assert CLOCK_MISMATCH in response.content.decode()
    assert PolicyVersion.objects.get(pk=draft.pk).status == PolicyStatus.DRAFT
