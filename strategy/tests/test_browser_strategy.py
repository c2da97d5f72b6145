"""The reports and the annual wheel in a real browser: the charts draw with data, the wheel
shows the plan, no serious accessibility violations. Screenshots go to test-artifacts/."""

import io
from datetime import datetime, timedelta

import pytest

from conftest import axe_violations, browser_login, screenshot
from strategy.tests.conftest import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOVEMBER = "?start=2026-11-01&end=2026-11-30"


@pytest.fixture
def demo_content(org, report_data):
    from accounts.models import ChannelStatus
    from strategy import demo

    org.channels["b"].status = ChannelStatus.DORMANT
    org.channels["b"].save(update_fields=["status"])
    # Answers over four weeks of November so the trends have a shape.
    for week, start in enumerate(["2026-11-03", "2026-11-10", "2026-11-24", "2026-11-27"]):
        received = datetime.fromisoformat(f"{start}T08:30:00+00:00")
        for index, key in enumerate(("a", "b", "central")):
            make_item(
                org.channels[key],
                f"trend-{week}-{key}",
                received=received + timedelta(hours=index * 3),
                answered_after=40 + 25 * week + 30 * index,
            )
    demo.load(municipality=org.municipality, units=org.units, users=org.users, stdout=io.StringIO())


def _charts_with_data(page):
    """How many charts Chart.js drew, each with at least one non-empty dataset."""
    page.wait_for_function("() => typeof Chart !== 'undefined'")
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart]')).filter(c => {
              const chart = Chart.getChart(c);
              return chart && chart.data.datasets.some(d => d.data.some(v => v !== null));
           }).length"""
    )


def _english(page):
    page.select_option("#language-select", "en")
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("path", "charts"),
    [
        ("/strategy/reports/answer-times/" + NOVEMBER, 3),
        ("/strategy/reports/removals/" + NOVEMBER, 1),
        ("/strategy/reports/volume/" + NOVEMBER, 2),
        ("/strategy/reports/goals/", 4),
        ("/strategy/reports/council/" + NOVEMBER, 3),
    ],
)
def test_each_report_draws_its_charts(page, demo_content, path, charts):
    browser_login(page, "comms")
    _english(page)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert _charts_with_data(page) == charts
    name = path.split("/")[3]
    screenshot(page, f"strategy-report-{name}")
    assert axe_violations(page) == []


def test_pages_report_lists_findings(page, demo_content):
    browser_login(page, "manager_b")
    _english(page)
    page.goto("/strategy/reports/pages/")
    assert "Marked dormant" in page.locator("#dormant-pages").inner_text()
    screenshot(page, "strategy-report-pages")
    assert axe_violations(page) == []


def test_annual_wheel_and_list(page, demo_content):
    browser_login(page, "editor")
    _english(page)
    page.goto("/strategy/plan/")
    wheel = page.locator(".strategy-wheel svg")
    assert wheel.is_visible()
    assert page.locator(".strategy-wheel path.wheel-item").count() >= 9
    assert page.locator(".strategy-wheel path.wheel-theme").count() == 4
    screenshot(page, "strategy-annual-wheel")
    assert axe_violations(page) == []


def test_wheel_and_overview_on_a_phone(page, demo_content):
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, "comms")
    _english(page)
    for path in ("/strategy/", "/strategy/reports/volume/" + NOVEMBER, "/strategy/plan/"):
        page.goto(path)
        # Wide tables scroll inside their own box; the page itself never scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto("/strategy/")
    screenshot(page, "strategy-overview-phone")
    page.goto("/strategy/plan/")
    box = page.locator(".strategy-wheel svg").bounding_box()
    assert box["width"] <= 375
    screenshot(page, "strategy-annual-wheel-phone")
    assert axe_violations(page) == []


def test_annual_wheel_in_danish(page, demo_content):
    browser_login(page, "comms")
    page.select_option("#language-select", "da")
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto("/strategy/plan/")
    assert page.locator("h1").inner_text().startswith("Årsplan")
    assert page.locator("#wheel-title").text_content().startswith("Årshjul")
    screenshot(page, "strategy-annual-wheel-da")


def test_dashboard_shows_the_days_essentials(page, demo_content):
    browser_login(page, "comms")
    _english(page)
    page.goto("/")
    assert page.get_by_role("heading", name="Today in the queue").is_visible()
    screenshot(page, "strategy-dashboard-team")
    page.context.clear_cookies()
    browser_login(page, "manager_a")
    _english(page)
    page.goto("/")
    assert page.get_by_role("heading", name="Your centre's pages").is_visible()
    screenshot(page, "strategy-dashboard-manager")
    assert axe_violations(page) == []
