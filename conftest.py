"""Shared test fixtures: the organisation with one person for every role (the personas)."""

import copy

import pytest


def _can_share_the_module_org(item):
    """Whether a test can run inside the transaction that holds its module's organisation: it
    asks for the organisation (a test that does not must not find one), and it does not commit
    for real (transactional_db, live_server), which that open transaction would break."""
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    uses_database = marker is not None or "db" in fixtures or "transactional_db" in fixtures
    if not uses_database:
        return True
    commits = (
        (
            marker is not None
            and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
        )
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )
    return "org" in fixtures and not commits


@pytest.fixture(scope="module")
def _module_org(request, django_db_setup, django_db_blocker):
    """The personas' organisation, built once per test module.

    It is built inside a transaction that stays open for the module and is rolled back at its
    end; each test's own transaction (pytest-django's `db`) is a savepoint inside it, rolled back
    after the test, so every test starts from the same rows. Modules with a test that cannot
    share it (see `_can_share_the_module_org`) get None: there `org` builds its own organisation
    for each test, as before.
    """
    if not all(
        _can_share_the_module_org(item)
        for item in request.session.items
        if getattr(item, "module", None) is request.module
    ):
        yield None
        return

    from django.db import transaction
    from django.test import override_settings

    from core.testing import build_org

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # Marked like Django's TestCase marks its own class-wide transaction, so that code under
        # test may still open `atomic(durable=True)` blocks.
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
                built = build_org()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def org(_module_org, db):
    """The personas' organisation: every test gets its own copies of the model instances
    (as Django's `setUpTestData` hands them out), so nothing a test sets or caches on them,
    such as a user's computed access, reaches the next test."""
    if _module_org is None:
        # Imported here so pure tests (run without Django) can share this conftest.
        from core.testing import build_org

        return build_org()
    from django.core.cache import cache

    from governance.signals import MUNICIPALITY_LANGUAGE_CACHE_KEY

    # Building the organisation saved a municipality, whose signal emptied this cache entry;
    # a test starts from that state (pages' query counts include reading the language).
    cache.delete(MUNICIPALITY_LANGUAGE_CACHE_KEY)
    return copy.deepcopy(_module_org)


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    # Hashing a dozen persona passwords with the production hasher would dominate test time.
    # (Pure tests may run without pytest-django, where there are no settings to change.)
    if not request.config.pluginmanager.has_plugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


# --- Browser tests: Playwright driving Debian's Chromium against the live test server. ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    import os

    if not os.path.exists(CHROMIUM):
        why = f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            # CI installs Chromium: a missing browser there is a broken build, never a skip.
            pytest.fail(f"{why}; CI must run them", pytrace=False)
        pytest.skip(why)
    # The live server runs in a thread of this process; Playwright's sync API runs an event
    # loop, which Django would otherwise take for an async context.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


CSP_VIOLATION = ("Content Security Policy", "Refused to")


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser page; `page.base_url` is the live server. Screenshots go to
    test-artifacts/ (look at them).

    Every page the test opens must carry a Content-Security-Policy header and break none of
    it: the browser's "Refused to ..." console errors fail the test."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    violations, without_policy = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and any(m in message.text for m in CSP_VIOLATION)
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            without_policy.append(response.url)
            if response.request.resource_type == "document"
            and response.url.startswith(live_server.url)
            and not response.headers.get("content-security-policy")
            else None
        ),
    )
    yield page
    context.close()
    assert without_policy == [], "pages without a Content-Security-Policy header"
    assert violations == [], "Content-Security-Policy violations in the browser console"


def browser_login(page, username, password=None):
    """Sign in through the login form like a person would."""
    from core.testing import PASSWORD

    page.goto("/auth/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("form.app-form button[type=submit]")
    # Signed in once the browser has left the login page and loaded the next one. (Waiting for
    # "networkidle" instead cost half a second of quiet network on every sign-in.)
    page.wait_for_url(lambda url: "/auth/login/" not in url, wait_until="load")


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impact=("serious", "critical")):
    """Run axe-core (installed from npm) on the page; return the violations of that impact."""
    from pathlib import Path

    axe = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
    # Evaluated by the browser's debugging protocol, not added as an inline <script>, which the
    # page's Content-Security-Policy would (rightly) refuse.
    page.evaluate(axe.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async () => await axe.run(document, "
        "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impact
    ]
