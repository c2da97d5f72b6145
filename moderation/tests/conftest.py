"""Moderation tests assert on messages in the English source text, whatever catalogues are
compiled: code and test-client requests run in English unless a test picks a language."""

import pytest
from django.conf import settings as django_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(request):
    if "client" in request.fixturenames:
        # The language switch's cookie wins over the municipality's language.
        request.getfixturevalue("client").cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendars():
    # The business calendar is cached per municipality id, and ids repeat between tests (each
    # rolls back): a closing day added by one test must not leak into the next one's deadlines.
    from moderation import deadlines

    deadlines._local.clear()
    yield
    deadlines._local.clear()
