"""Every route, asked by every persona, answers as the permission rules say.

Apps add their routes in `<app>/tests/permission_cases.py`; `test_every_route_is_covered` fails
when a named route has no case, so a new page cannot ship without its permission matrix.
"""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from core.testing import PASSWORD, PERSONAS

MATRIX_APPS = ("governance", "accounts", "moderation", "strategy", "listening", "ambassadors")

# Routes that are not ours to matrix: Django's admin (staff flag), the login library's pages,
# language switching, and DRF's format-suffix twins.
IGNORED_NAMESPACES = {"admin"}
IGNORED_PREFIXES = (
    "account_",
    "socialaccount_",
    "openid_connect_",
    "saml_",
    "set_language",
    "javascript-catalog",
    "mfa_",
    "usersessions_",
    "headless",
)


def load_cases():
    cases = []
    for name in MATRIX_APPS:
        if not apps.is_installed(name):
            continue
        try:
            module = import_module(f"{name}.tests.permission_cases")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.tests.permission_cases":
                raise
            continue
        cases.extend(module.CASES)
    return cases


CASES = load_cases()


def _named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in IGNORED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_route_is_covered():
    covered = {case.route for case in CASES}
    missing = sorted(
        route
        for route in set(_named_routes())
        if not route.startswith(IGNORED_PREFIXES) and route not in covered
    )
    assert missing == [], f"Routes without permission-matrix cases: {missing}"


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("case", CASES, ids=str)
def test_permission_matrix(client, org, case, persona):
    if persona != "anonymous":
        assert client.login(username=persona, password=PASSWORD)
    url = case.url(org)
    send = getattr(client, case.method)
    kwargs = {"data": case.data} if case.data else {}
    if case.method != "get" and "api/" in url:
        kwargs["content_type"] = "application/json"
    response = send(url, **kwargs)
    expected = case.expected[persona]
    if persona == "anonymous" and url.startswith("/api/v1/"):
        # The API asks callers without credentials to authenticate, whatever the route.
        expected = 401
    assert response.status_code == expected, (
        f"{case} as {persona}: {response.status_code}, expected {expected}"
    )
    if case.unchanged is not None and expected >= 400:
        case.unchanged(org, response)
