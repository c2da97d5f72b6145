"""The communications team writes a draft's text and rules in forms, adopts it, and sets how the
guidelines are published; bad input is refused with clear errors and changes nothing."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from governance.models import (
    AnswerTimeRule,
    GuidelineSettings,
    Policy,
    PolicyStatus,
    PolicyVersion,
)
from governance.tests.policy_helpers import adopted_policy, new_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The test municipality speaks Danish; these tests read the English source texts.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


PARTS = ("version_form", "sections", "answer_times", "reasons", "translations", "values")


def _form_data(form):
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value
    return data


def _page_data(response):
    """What the browser would post back unchanged: every form's current values."""
    data = {}
    for part in PARTS:
        item = response.context[part]
        if hasattr(item, "management_form"):
            data.update(_form_data(item.management_form))
            for form in item.forms:
                data.update(_form_data(form))
        else:
            data.update(_form_data(item))
    return data


def _rule_field(response, platform, field):
    for form in response.context["answer_times"].forms:
        if form.instance.pk and form.instance.platform == platform:
            return form.add_prefix(field)
    raise AssertionError(platform)


def test_the_team_changes_an_answer_time_in_a_draft(client, org):
    draft = new_draft(org)
    client.force_login(org.users["comms"])
    url = reverse("governance:version-edit", kwargs={"pk": draft.pk})
    page = client.get(url)
    data = _page_data(page)
    data[_rule_field(page, "facebook", "answer_minutes")] = "1440"
    data["version-change_note"] = "Hurtigere svar på Facebook."

    response = client.post(url, data)

    assert response.status_code == 302
    assert AnswerTimeRule.objects.get(version=draft, platform="facebook").answer_minutes == 1440
    assert PolicyVersion.objects.get(pk=draft.pk).change_note == "Hurtigere svar på Facebook."
    assert AuditEntry.objects.filter(action="policy.edit", policy_version=draft).count() == 1


def test_a_first_response_later_than_the_answer_is_refused(client, org):
    draft = new_draft(org)
    client.force_login(org.users["comms"])
    url = reverse("governance:version-edit", kwargs={"pk": draft.pk})
    page = client.get(url)
    data = _page_data(page)
    data[_rule_field(page, "facebook", "first_response_minutes")] = "5000"
    data["version-change_note"] = "skal ikke gemmes"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "The first response cannot come later than the answer." in response.content.decode()
    assert "The draft was not saved." in response.content.decode()
    assert (
        AnswerTimeRule.objects.get(version=draft, platform="facebook").first_response_minutes
        is None
    )
    assert PolicyVersion.objects.get(pk=draft.pk).change_note == ""


def test_an_adopted_version_cannot_be_edited_through_the_form(client, org):
    _policy, version = adopted_policy(org)
    client.force_login(org.users["comms"])
    url = reverse("governance:version-edit", kwargs={"pk": version.pk})

    page = client.get(url)
    response = client.post(url, {"version-change_note": "ændret"})

    assert "Its rules are frozen" in page.content.decode()
    assert response.status_code == 302
    assert PolicyVersion.objects.get(pk=version.pk).change_note == ""


def test_adopting_through_the_form(client, org):
    policy, first = adopted_policy(org)
    draft = new_draft(org, policy)
    client.force_login(org.users["comms_lead"])
    url = reverse("governance:version-adopt", kwargs={"pk": draft.pk})

    invalid = client.post(url, {"adopted_by": "", "adopted_on": "i morgen"})
    valid = client.post(
        url, {"adopted_by": "Byrådet", "adopted_on": "2026-11-20", "reference": "BR § 5/2026"}
    )

    assert invalid.status_code == 200
    assert set(invalid.context["form"].errors) == {"adopted_by", "adopted_on"}
    assert valid.status_code == 302
    draft.refresh_from_db()
    first.refresh_from_db()
    assert (draft.status, draft.reference) == (PolicyStatus.ADOPTED, "BR § 5/2026")
    assert first.status == PolicyStatus.SUPERSEDED


def test_creating_a_sub_policy_and_starting_a_draft(client, org):
    parent, _version = adopted_policy(org)
    client.force_login(org.users["comms"])

    response = client.post(
        reverse("governance:policy-create"),
        {"title": "Retningslinjer for billeder", "parent": parent.pk},
    )

    child = Policy.objects.get(title="Retningslinjer for billeder")
    assert child.parent == parent
    assert not child.governs_social_media
    assert response["Location"] == reverse(
        "governance:version-edit", kwargs={"pk": child.versions.get().pk}
    )
    started = client.post(reverse("governance:policy-start-draft", kwargs={"pk": parent.pk}))
    draft = parent.versions.get(status=PolicyStatus.DRAFT)
    assert started["Location"] == reverse("governance:version-edit", kwargs={"pk": draft.pk})
    assert draft.answer_time_rules.count() == 2


def test_frame_origins_are_checked_and_normalised(client, org):
    client.force_login(org.users["comms"])
    url = reverse("governance:guideline-settings")

    bad = client.post(url, {"frame_origins": "intranet.testby.example\nhttps://ok.example/path"})
    good = client.post(
        url,
        {
            "guidelines_public": "on",
            "frame_origins": "https://intranet.testby.example/\n\nhttps://intranet.testby.example",
        },
    )

    assert bad.status_code == 200
    assert bad.context["form"].errors["frame_origins"] == [
        "intranet.testby.example is not an origin like https://intranet.example.dk",
        "https://ok.example/path is not an origin like https://intranet.example.dk",
    ]
    assert good.status_code == 302
    saved = GuidelineSettings.objects.get(municipality=org.municipality)
    assert saved.guidelines_public is True
    assert saved.frame_origins == "https://intranet.testby.example"
