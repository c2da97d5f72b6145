"""Shared test fixtures: the organisation with one person for every role (the personas)."""

import pytest


@pytest.fixture
def org(db):
    # Imported here so pure tests (run without Django) can share this conftest.
    from governance.testing import build_org

    return build_org()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing a dozen persona passwords with the production hasher would dominate test time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
