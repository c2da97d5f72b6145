"""The profile's API tokens and the dashboard's first-run checklist in a real browser: made,
shown once, used, revoked; no serious accessibility violations."""

import pytest
import requests

from conftest import axe_violations, browser_login, screenshot
from governance.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_person_makes_uses_and_revokes_a_token_on_their_profile(page, org, language):
    browser_login(page, "monitor")
    page.select_option("#language-select", language)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("load")
    page.click("a.app-user")
    assert page.url.endswith("/profile/")

    page.fill("#id_name", "Vagtens script" if language == "da" else "Duty script")
    page.check("#id_scope_0")  # read only
    page.click("form[action$='/profile/tokens/'] button[type=submit]")
    page.wait_for_load_state("load")

    secret = page.input_value("#new-token")
    assert secret.startswith("smg_")
    # The form suggests an expiry 90 days ahead, which the person kept.
    made = ApiToken.objects.get()
    assert (made.expires_at - made.created_at).days == 90
    screenshot(page, f"profile-new-token-{language}")
    assert axe_violations(page) == []
    answer = requests.get(
        f"{page.base_url}/api/v1/me/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert answer.json()["username"] == "monitor"

    page.goto("/profile/")
    assert secret not in page.content()
    screenshot(page, f"profile-tokens-{language}")
    page.click("form[action$='/revoke/'] button[type=submit]")
    page.wait_for_load_state("load")
    assert ApiToken.objects.get().revoked_at is not None
    refused = requests.get(
        f"{page.base_url}/api/v1/me/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert refused.status_code == 401
    screenshot(page, f"profile-revoked-{language}")


def test_the_lead_sees_the_first_run_checklist(page, org):
    browser_login(page, "comms_lead")

    checklist = page.locator("ol.app-checklist")
    assert checklist.locator("li").count() == 5
    assert checklist.locator("li.app-step-done").count() == 1
    screenshot(page, "dashboard-first-run")
    assert axe_violations(page) == []
