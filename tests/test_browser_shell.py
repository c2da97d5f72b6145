"""The shell in a real browser: sign in, open the dashboard in each language, no serious
accessibility violations."""

import pytest
from django.utils import translation

from conftest import axe_violations, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def translated(language, text):
    with translation.override(language):
        return str(translation.gettext(text))


@pytest.mark.parametrize("language", ["da", "sv", "nb", "en"])
def test_dashboard_in_each_language(page, org, language):
    browser_login(page, "comms")
    page.select_option("#language-select", language)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("networkidle")

    assert page.locator("html").get_attribute("lang") == language
    heading = translated(language, "Dashboard")
    assert language == "en" or heading != "Dashboard", (
        f"'Dashboard' is not translated to {language}"
    )
    assert page.locator("h1").inner_text() == heading
    nav = page.locator("nav.app-nav").inner_text()
    assert translated(language, "Queue") in nav
    assert translated(language, "Channels") in nav
    screenshot(page, f"dashboard-{language}")
    assert axe_violations(page) == []


def test_login_page_is_accessible_and_in_the_municipality_language(page, org):
    page.goto("/auth/login/")
    assert page.locator("html").get_attribute("lang") == "da"
    screenshot(page, "login")
    assert axe_violations(page) == []


def test_api_docs_work_under_their_content_security_policy(page, org):
    # Swagger UI starts from a script URL, not inline code; the page fixture fails the test
    # on any CSP violation in the console.
    browser_login(page, "comms")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "governance API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 10
    screenshot(page, "api-docs")
