"""Our own posts with their figures and the ambassador programme in a real browser, in Danish
and English, with demo content collected through the simulator: no serious accessibility
violations. Screenshots go to test-artifacts/."""

import io
import os
import shutil

import pytest

from conftest import axe_violations, browser_login, screenshot
from moderation.tests import polling_support
from moderation.tests.polling_support import ACCOUNTS, connect, make_channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

simulator_module = polling_support.simulator_module
sim = polling_support.sim


@pytest.fixture
def demo_posts(org, sim):
    from ambassadors import actions
    from ambassadors import demo as ambassadors_demo
    from strategy import demo

    for platform in ACCOUNTS:
        connect(make_channel(org, platform, name=f"Testby Kommune ({platform})"))
    demo.load_own_posts(users={"kommunikation": org.users["comms"]}, stdout=io.StringIO())
    ambassadors_demo.load(
        municipality=org.municipality, units=org.units, users={}, stdout=io.StringIO()
    )
    actions.join(org.users["staff"], acting_user=org.users["staff"])


def _keep(path, name):
    """A copy for reviewers outside the test run, where one is asked for."""
    target = os.environ.get("SHOTS_DIR")
    if target:
        os.makedirs(target, exist_ok=True)
        shutil.copy(path, os.path.join(target, f"{name}.png"))


@pytest.mark.parametrize("language", ["da", "en"])
def test_own_posts_and_programme_pages(page, demo_posts, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, "comms")
    page.goto("/strategy/own-posts/")
    not_given = "gives ikke af platformen" if language == "da" else "not given by the platform"
    assert page.get_by_text(not_given).first.is_visible()
    assert axe_violations(page) == []
    _keep(screenshot(page, f"own-posts-{language}"), f"own-posts-{language}")

    page.goto("/auth/logout/")
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, "staff")
    page.goto("/guidelines/ambassadors/")
    leave = "Meld dig ud af programmet" if language == "da" else "Leave the programme"
    assert page.get_by_role("button", name=leave).is_visible()
    assert axe_violations(page) == []
    _keep(screenshot(page, f"ambassadors-{language}"), f"ambassadors-{language}")
