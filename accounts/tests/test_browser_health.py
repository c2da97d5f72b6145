"""A refused token in a real browser: the channel page says "needs reconnect" beside the flag,
and the queue's channel filter tells the municipality's same-named pages apart, in Danish and
English."""

import pytest
from django.conf import settings
from django.utils import translation

from accounts import health
from accounts.models import Channel, ChannelConnection, ChannelScope, ChannelStatus, TokenStatus
from conftest import axe_violations, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in(language, text):
    with translation.override(language):
        return str(translation.gettext(text))


def _channel(org, platform, handle):
    return Channel.objects.create(
        platform=platform,
        name="Fjordby Kommune",
        handle=handle,
        owner_unit=org.units["comms"],
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
        responsible=org.users["comms_lead"],
        deputy=org.users["comms"],
    )


def _language(page, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.base_url}]
    )


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_channel_page_and_the_queue_filter_agree_and_name_channels(page, org, language):
    # Given the municipality's Facebook page, whose token the platform refused, and its
    # Instagram page of the same name
    facebook = _channel(org, "facebook", "fjordby")
    _channel(org, "instagram", "")
    connection = ChannelConnection(channel=facebook, account_id="1", polling_enabled=True)
    connection.set_token("secret")
    connection.token_status = TokenStatus.VALID
    connection.save()
    health.mark_needs_reconnect(connection, error="token expired", source=health.POLL)

    browser_login(page, "comms")
    _language(page, language)

    # Then the channel page shows the token and the flag saying the same thing
    page.goto(facebook.get_absolute_url())
    text = page.inner_text("main")
    assert _in(language, "Needs reconnect") in text
    assert _in(language, "No valid API token") in text
    screenshot(page, f"health-channel-page-{language}")
    assert axe_violations(page) == []

    # And the queue's channel filter names each page by name, platform and handle
    page.goto("/moderation/")
    options = page.locator("select[name=channel] option").all_inner_texts()
    assert "Fjordby Kommune · Facebook · @fjordby" in options
    assert "Fjordby Kommune · Instagram" in options
    page.select_option("select[name=channel]", label="Fjordby Kommune · Facebook · @fjordby")
    screenshot(page, f"health-queue-filters-{language}")
