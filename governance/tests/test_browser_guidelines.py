"""In a real browser: a member of staff reads the guidelines, confirms them and opens what changed;
a citizen reads the house rules."""

from datetime import date

import pytest

from conftest import axe_violations, browser_login, screenshot
from governance import actions
from governance.models import PolicySection, ReadConfirmation
from governance.tests.policy_helpers import adopted_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _two_versions(org):
    policy, _first = adopted_policy(org, facebook_answer=2880)
    draft = actions.start_draft(policy, acting_user=org.users["comms"])
    draft.answer_time_rules.filter(platform="facebook").update(answer_minutes=1440)
    PolicySection.objects.filter(version=draft, key="medarbejdere").update(
        body="Tavshedspligten gælder også på nettet.\n\nSpørg kommunikation, hvis du er i tvivl."
    )
    return actions.adopt_version(
        draft, acting_user=org.users["comms"], adopted_by="Byrådet", adopted_on=date(2026, 11, 1)
    )


def test_staff_read_confirm_and_see_what_changed(page, org):
    version = _two_versions(org)
    browser_login(page, "staff")
    page.select_option("#language-select", "en")
    page.click("form.app-language button[type=submit]")

    page.click("nav.app-nav >> text=Guidelines")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Politik for sociale medier"
    assert page.locator("#answer-times").get_by_text("1 day (Calendar time)").count() == 1
    screenshot(page, "guidelines-reading")
    assert axe_violations(page) == []

    page.get_by_role("button", name="I have read this version").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".app-messages").inner_text().startswith("Thank you.")
    assert ReadConfirmation.objects.filter(version=version, user=org.users["staff"]).exists()

    page.get_by_role("link", name="What changed since version 1").click()
    page.wait_for_load_state("networkidle")
    row = page.locator("#changed-rules tbody tr")
    assert row.count() == 1
    assert row.inner_text().split("\t") == [
        "Facebook · Any kind: answer",
        "2 days (Calendar time)",
        "1 day (Calendar time)",
    ]
    assert (
        page.locator(".gl-added").inner_text().endswith("Spørg kommunikation, hvis du er i tvivl.")
    )
    screenshot(page, "guidelines-changes")
    assert axe_violations(page) == []


def test_search_on_a_phone(page, org):
    _two_versions(org)
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, "politician")
    page.goto("/guidelines/")
    page.fill("#guideline-search", "profiler")
    page.get_by_role("button", name="Søg").click()
    page.wait_for_load_state("networkidle")

    assert page.locator(".gl-section[id^=section-]").count() == 1
    screenshot(page, "guidelines-search-phone")
    assert axe_violations(page) == []


def test_citizens_read_the_house_rules_without_signing_in(page, org):
    _two_versions(org)
    page.goto("/guidelines/house-rules/da/")

    assert page.locator("h1").inner_text() == "Husregler for Testby Kommune på sociale medier"
    assert page.get_by_text("Reklame fjerner vi, så tråden kan læses.").count() == 1
    screenshot(page, "house-rules-da")
    assert axe_violations(page) == []


def test_the_team_drafts_and_adopts_a_new_answer_time(page, org):
    adopted_policy(org, facebook_answer=2880)
    browser_login(page, "comms_lead")
    page.select_option("#language-select", "en")
    page.click("form.app-language button[type=submit]")
    page.goto("/guidelines/policies/")
    page.get_by_role("link", name="Politik for sociale medier").click()
    page.get_by_role("button", name="Start a new draft").click()
    page.wait_for_load_state("networkidle")

    # Rules are listed by platform: Facebook's is the first row.
    assert page.locator("#id_answer_times-0-platform").input_value() == "facebook"
    page.fill("#id_answer_times-0-answer_minutes", "720")
    page.fill("#id_version-change_note", "Facebook within 12 hours.")
    screenshot(page, "policy-draft-edit")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "policy-draft-saved")
    assert page.locator(".app-messages").inner_text() == "The draft was saved."

    page.get_by_role("link", name="Adopt this version").click()
    page.fill("#id_adopted_by", "Byrådet")
    page.fill("#id_adopted_on", "2026-11-20")
    page.fill("#id_reference", "BR § 140/2026")
    screenshot(page, "policy-adopt")
    page.get_by_role("button", name="Adopt", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "Version 2 is adopted" in page.locator(".app-messages").inner_text()

    page.goto("/guidelines/")
    assert page.locator("#answer-times").get_by_text("12 hours (Calendar time)").count() == 1
