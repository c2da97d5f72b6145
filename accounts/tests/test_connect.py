"""Connecting a channel: the token is stored encrypted and never shown again, the connection
test records the token's status, and only connectable channels and permitted people get there."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import ChannelConnection, ChannelStatus, TokenStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.tests import polling_support
from moderation.tests.polling_support import ACCOUNTS, add_fault

from .connect_permission_cases import CASES

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim


def _login(client, persona, language="en"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def _connect_url(channel):
    return reverse("accounts:channel-connect", args=[channel.pk])


def _test_url(channel):
    return reverse("accounts:channel-test-connection", args=[channel.pk])


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("persona", ["anonymous", "outsider", "staff", "manager_b", "editor"])
def test_the_permission_cases_hold(client, org, case, persona):
    if persona != "anonymous":
        _login(client, persona)

    response = getattr(client, case.method)(case.url(org))

    assert response.status_code == case.expected[persona]
    if case.unchanged is not None and response.status_code >= 400:
        case.unchanged(org, response)


def test_connecting_stores_the_token_encrypted_and_never_shows_it(client, org):
    # Given a system administrator (the only one who may paste a token)
    channel = org.channels["a"]
    _login(client, "superuser")

    # When they connect the channel
    response = client.post(
        _connect_url(channel),
        {"account_id": "108527460000001", "token": "EAA-secret-token-123", "polling_enabled": "on"},
    )

    # Then the token is stored encrypted, untested, and the page does not show it
    assert response.status_code == 302
    assert response["Location"] == _connect_url(channel)
    connection = ChannelConnection.objects.get(channel=channel)
    assert connection.account_id == "108527460000001"
    assert connection.get_token() == "EAA-secret-token-123"
    assert "EAA-secret-token-123" not in connection.token_encrypted
    assert connection.token_status == TokenStatus.UNTESTED
    assert connection.polling_enabled is True
    page = client.get(_connect_url(channel))
    assert page.status_code == 200
    assert b"EAA-secret-token-123" not in page.content
    assert "Not tested yet" in page.content.decode()
    entry = AuditEntry.objects.get(action="channel.connected")
    assert (entry.channel, entry.actor) == (channel, org.users["superuser"])
    assert "EAA-secret-token-123" not in str(entry.data)


def test_a_form_with_errors_keeps_the_account_and_drops_the_token(client, org):
    channel = org.channels["a"]
    _login(client, "superuser")

    response = client.post(_connect_url(channel), {"account_id": "12 34", "token": "t0ken-xyz"})

    assert response.status_code == 200
    assert "An account id has no spaces." in response.content.decode()
    assert b"t0ken-xyz" not in response.content
    assert not ChannelConnection.objects.filter(channel=channel).exists()


def test_a_missing_token_is_a_form_error(client, org):
    _login(client, "superuser")

    response = client.post(_connect_url(org.channels["a"]), {"account_id": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"token": ["This field is required."]}


def test_a_channel_that_is_not_approved_cannot_be_connected(client, org):
    channel = org.channels["a"]
    channel.status = ChannelStatus.REQUESTED
    channel.save(update_fields=["status"])
    _login(client, "superuser")

    response = client.post(_connect_url(channel), {"account_id": "1", "token": "abc"})

    assert response.status_code == 403
    assert not ChannelConnection.objects.filter(channel=channel).exists()


def test_the_connection_test_marks_a_good_token_valid(client, org, sim):
    channel = org.channels["central"]
    spec = ACCOUNTS["facebook"]
    _login(client, "superuser")
    client.post(_connect_url(channel), {"account_id": spec["id"], "token": spec["token"]})

    response = client.post(_test_url(channel), follow=True)

    connection = ChannelConnection.objects.get(channel=channel)
    assert connection.token_status == TokenStatus.VALID
    assert connection.token_checked_at is not None
    assert [str(m) for m in response.context["messages"]][-1] == (
        f"The platform accepted the token (account: {spec['name']})."
    )
    entry = AuditEntry.objects.get(action="channel.connection_tested")
    assert entry.data["ok"] is True


def test_the_connection_test_marks_a_refused_token_for_reconnecting(client, org, sim):
    channel = org.channels["central"]
    _login(client, "superuser")
    client.post(
        _connect_url(channel), {"account_id": ACCOUNTS["facebook"]["id"], "token": "not-a-token"}
    )

    client.post(_test_url(channel))

    connection = ChannelConnection.objects.get(channel=channel)
    assert connection.token_status == TokenStatus.NEEDS_RECONNECT
    page = client.get(_connect_url(channel)).content.decode()
    assert "Needs reconnect" in page
    assert "no longer accepts the token" in page


def test_a_platform_outage_during_the_test_leaves_the_status_alone(client, org, sim):
    channel = org.channels["central"]
    spec = ACCOUNTS["facebook"]
    _login(client, "superuser")
    client.post(_connect_url(channel), {"account_id": spec["id"], "token": spec["token"]})
    add_fault(sim, "facebook", "server_error", count=5)

    response = client.post(_test_url(channel), follow=True)

    assert ChannelConnection.objects.get(channel=channel).token_status == TokenStatus.UNTESTED
    message = [str(m) for m in response.context["messages"]][-1]
    assert message.startswith("The connection test failed: ")


def test_testing_an_unconnected_channel_says_so(client, org):
    _login(client, "superuser")

    response = client.post(_test_url(org.channels["central"]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Connect the channel before testing the connection."
    ]
    assert not AuditEntry.objects.filter(action="channel.connection_tested").exists()


def test_reconnecting_with_a_new_token_resumes_polling(client, org):
    channel = org.channels["central"]
    connection = ChannelConnection(
        channel=channel, account_id="1", token_status=TokenStatus.NEEDS_RECONNECT, cursor={"a": 1}
    )
    connection.set_token("old")
    connection.token_status = TokenStatus.NEEDS_RECONNECT
    connection.save()
    _login(client, "superuser")

    client.post(_connect_url(channel), {"account_id": "1", "token": "new", "polling_enabled": "on"})

    connection.refresh_from_db()
    assert connection.get_token() == "new"
    assert connection.token_status == TokenStatus.UNTESTED
    assert connection.cursor == {"a": 1}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_the_connect_page_in_a_browser_is_accessible_and_hides_the_token(page, org, width):
    from conftest import axe_violations, browser_login, screenshot

    # Given a system administrator on the connect page, in Danish (the municipality's language)
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, "superuser")
    page.goto(_connect_url(org.channels["a"]))

    # When they enter the account and a token and save
    page.fill("#id_account_id", "108527460000001")
    page.fill("#id_token", "EAA-browser-secret")
    page.locator("form.app-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    # Then the page shows the token's status, never the token, and has no serious a11y issues
    assert "EAA-browser-secret" not in page.content()
    assert page.locator("#id_token").input_value() == ""
    assert page.locator("h1").inner_text().startswith("Forbind")
    screenshot(page, f"channel-connect-{width}")
    assert axe_violations(page) == []
    assert ChannelConnection.objects.get(channel=org.channels["a"]).get_token() == (
        "EAA-browser-secret"
    )
