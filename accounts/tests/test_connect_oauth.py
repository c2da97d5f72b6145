"""Connecting a channel through its platform's sign-in, against the simulated providers: start on
the connect page, Allow on the provider's consent page, the callback, the person's pick, a poll;
refusals (bad state, access_denied, a wrong PKCE verifier) that change nothing; the pasted
token kept for system administrators; and the renewal task (LinkedIn, X with its rotating
refresh tokens, YouTube), including a renewal the provider refuses for good."""

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import ChannelConnection, ConnectedVia, FlagKind, TokenStatus
from accounts.tasks import renew_tokens
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.models import Notification
from moderation.polling.poller import STORED, poll_connection
from moderation.tests import polling_support
from moderation.tests.polling_support import ACCOUNTS, add_comment, connect, make_channel

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim

CALLBACK = "/channels/connect/oauth/callback/"


def _login(client, persona, language="en"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def _start(client, channel):
    response = client.post(reverse("accounts:channel-oauth-start", args=[channel.pk]))
    assert response.status_code == 302
    return response["Location"]


def _consent(authorize_url, decision="allow"):
    """The person's browser on the provider's consent page: returns where it sends them."""
    page = requests.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    assert "Allow" in page.text and "Cancel" in page.text
    answer = requests.post(
        authorize_url, data={"decision": decision}, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert back.path == CALLBACK
    return back.path + "?" + back.query


def _connect(client, channel, account_id):
    callback = client.get(_consent(_start(client, channel)))
    pick_url = reverse("accounts:channel-oauth-pick", args=[channel.pk])
    assert callback.status_code == 302, callback.content
    assert callback["Location"] == pick_url
    page = client.get(pick_url)
    assert page.status_code == 200
    assert account_id in page.content.decode()
    return client.post(pick_url, {"account": account_id}, follow=True)


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("platform", ["facebook", "instagram", "linkedin", "x", "youtube"])
def test_connecting_through_the_platform_then_polling(client, org, sim, platform):
    # Given a channel on the platform and its communications team member
    channel = make_channel(org, platform)
    spec = ACCOUNTS[platform]
    _login(client, "comms")

    # When they connect it: Connect, Allow at the provider, pick the account
    response = _connect(client, channel, spec["id"])

    # Then the channel is connected through the platform with its new tokens, encrypted
    assert _messages(response)[-1] == (
        f"The channel is connected through {channel.get_platform_display()}. "
        "New comments are fetched from the next poll."
    )
    connection = ChannelConnection.objects.get(channel=channel)
    assert connection.account_id == spec["id"]
    assert connection.connected_via == ConnectedVia.OAUTH
    assert connection.connected_by == org.users["comms"]
    assert connection.get_token() not in ("", spec["token"])
    assert connection.get_token() not in connection.token_encrypted
    assert connection.granted_scopes
    if platform in ("facebook", "instagram"):
        # A Page token from a long-lived user token does not expire and is not refreshed.
        assert (connection.token_expires_at, connection.refresh_token_encrypted) == (None, "")
    else:
        assert connection.get_refresh_token()
        assert connection.token_expires_at > timezone.now()
    if platform == "instagram":
        assert connection.extra["page_id"] == spec["page_id"]
        assert connection.extra["messaging"] is True
    if platform == "linkedin":
        # LinkedIn: 60-day access tokens, refresh tokens for a year.
        left = connection.refresh_token_expires_at - timezone.now()
        assert timedelta(days=364) < left <= timedelta(days=365)
    entry = AuditEntry.objects.get(action="channel.connected")
    assert (entry.actor, entry.data["via"]) == (org.users["comms"], "oauth")
    assert connection.get_token() not in str(entry.data)
    assert str(channel.pk) not in client.session.get("channel_oauth_choices", {})

    # And the next poll reads the platform with the new token
    if platform != "linkedin":
        add_comment(sim, platform, "Hvornår åbner svømmehallen?")
    outcome = poll_connection(connection.pk)
    assert outcome.status == STORED
    if platform != "linkedin":
        assert outcome.created >= 1
    connection.refresh_from_db()
    assert connection.token_status == TokenStatus.VALID


def test_connecting_ends_the_no_valid_token_flag_at_once(client, org, sim):
    # Given a channel the daily sweep flagged for having no valid API token
    channel = make_channel(org, "linkedin")
    call_command("sweep_channels", "--once")
    assert set(channel.flags.open().values_list("kind", flat=True)) >= {FlagKind.TOKEN}
    _login(client, "comms")

    # When it is connected through the platform
    _connect(client, channel, ACCOUNTS["linkedin"]["id"])

    # Then the flag is resolved now, not at the next daily sweep; the others stay
    assert not channel.flags.open().filter(kind=FlagKind.TOKEN).exists()
    assert channel.flags.filter(kind=FlagKind.TOKEN, resolved_at__isnull=False).count() == 1
    assert channel.flags.open().exists()


def test_a_passing_connection_test_ends_the_no_valid_token_flag(client, org, sim):
    # Given a connection the platform had refused, flagged by the daily sweep
    channel = make_channel(org, "x")
    connect(channel)
    ChannelConnection.objects.filter(channel=channel).update(
        token_status=TokenStatus.NEEDS_RECONNECT
    )
    call_command("sweep_channels", "--once")
    assert channel.flags.open().filter(kind=FlagKind.TOKEN).exists()
    _login(client, "comms")

    # When the token passes the connection test on the channel's connect page
    response = client.post(reverse("accounts:channel-test-connection", args=[channel.pk]))

    # Then the token is valid and the flag resolved at once
    assert response.status_code == 302
    assert ChannelConnection.objects.get(channel=channel).token_status == TokenStatus.VALID
    assert not channel.flags.open().filter(kind=FlagKind.TOKEN).exists()


def test_a_callback_with_a_state_not_started_here_changes_nothing(client, org, sim):
    channel = make_channel(org, "x")
    _login(client, "comms")
    callback = _consent(_start(client, channel))
    query = parse_qs(urlsplit(callback).query)
    forged = CALLBACK + "?" + urlencode({"code": query["code"][0], "state": "forged-state"})

    response = client.get(forged, follow=True)

    assert _messages(response)[-1].startswith("This sign-in does not belong to a connection")
    assert not ChannelConnection.objects.filter(channel=channel).exists()
    # The state is one-time: the real one, used after the forged attempt, still works once …
    assert client.get(callback).status_code == 302
    # … and never twice.
    again = client.get(callback, follow=True)
    assert _messages(again)[-1].startswith("This sign-in does not belong to a connection")


def test_a_state_started_in_another_session_is_refused(client, org, sim):
    channel = make_channel(org, "youtube")
    _login(client, "comms")
    callback = _consent(_start(client, channel))
    other = client.__class__()
    _login(other, "comms_lead")

    response = other.get(callback, follow=True)

    assert _messages(response)[-1].startswith("This sign-in does not belong to a connection")
    assert not ChannelConnection.objects.filter(channel=channel).exists()


@pytest.mark.parametrize("platform", ["facebook", "linkedin", "x", "youtube"])
def test_cancel_at_the_provider_changes_nothing(client, org, sim, platform):
    channel = make_channel(org, platform)
    _login(client, "comms")

    response = client.get(_consent(_start(client, channel), decision="cancel"), follow=True)

    assert _messages(response)[-1] == (
        f"The sign-in with {channel.get_platform_display()} was cancelled or refused. "
        "Nothing was changed."
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:channel-connect", args=[channel.pk])
    assert not ChannelConnection.objects.filter(channel=channel).exists()
    assert not AuditEntry.objects.filter(action="channel.connected").exists()


def test_a_wrong_pkce_verifier_is_refused_by_x(client, org, sim):
    channel = make_channel(org, "x")
    _login(client, "comms")
    callback = _consent(_start(client, channel))
    session = client.session
    for entry in session["channel_oauth_started"].values():
        entry["verifier"] = "a-different-verifier-" + "x" * 40
    session.save()

    response = client.get(callback, follow=True)

    assert _messages(response)[-1] == (
        "X did not give access to the channel (Value passed for the authorization code was "
        "invalid.). Nothing was changed: try again."
    )
    assert not ChannelConnection.objects.filter(channel=channel).exists()


def test_an_authorization_code_works_once_and_briefly(sim):
    """X: codes are valid for 30 seconds, and only once."""
    from platforms.oauth import AuthorizationError, OAuthApp, new_code_verifier, provider_for
    from simulator.platforms.oauth import APPS

    app = OAuthApp(
        APPS["x"]["client_id"],
        APPS["x"]["client_secret"],
        "http://product.test/cb",
        sim.url,
        sim.url,
        sim.url,
    )
    x = provider_for("x")
    verifier = new_code_verifier()
    url = x.authorize_url(app, state="s1", code_verifier=verifier)
    codes = []
    for _ in range(2):
        answer = requests.post(url, data={"decision": "allow"}, allow_redirects=False, timeout=5)
        codes.append(parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0])
    x.exchange_code(app, codes[0], code_verifier=verifier)
    with pytest.raises(AuthorizationError) as used:
        x.exchange_code(app, codes[0], code_verifier=verifier)
    sim.state.advance_clock(31)
    with pytest.raises(AuthorizationError) as expired:
        x.exchange_code(app, codes[1], code_verifier=verifier)
    assert (used.value.code, expired.value.code) == ("invalid_request", "invalid_request")


def test_a_platform_without_credentials_says_why_connect_is_unavailable(client, org, settings):
    settings.SIMULATOR_URL = ""
    settings.OAUTH_CLIENTS = {
        "facebook": ("", ""),
        "linkedin": ("", ""),
        "x": ("", ""),
        "google": ("", ""),
    }
    channel = org.channels["a"]
    _login(client, "editor")

    page = client.get(reverse("accounts:channel-connect", args=[channel.pk])).content.decode()
    started = client.post(reverse("accounts:channel-oauth-start", args=[channel.pk]), follow=True)

    reason = (
        "Connecting with Facebook is not set up: the system administrator has to register the "
        "product&#x27;s app with Facebook and enter its credentials."
    )
    assert reason in page
    assert reverse("accounts:channel-oauth-start", args=[channel.pk]) not in page
    assert _messages(started)[-1] == reason.replace("&#x27;", "'")
    assert not ChannelConnection.objects.filter(channel=channel).exists()


# --- the pasted token ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["editor", "manager_a", "comms", "comms_lead"])
def test_a_pasted_token_is_refused_on_the_page_for_all_but_system_administrators(
    client, org, persona
):
    channel = org.channels["a"]
    _login(client, persona)
    url = reverse("accounts:channel-connect", args=[channel.pk])

    page = client.get(url)
    response = client.post(url, {"account_id": "108527460000001", "token": "EAA-pasted"})

    assert page.status_code == 200
    assert 'name="token"' not in page.content.decode()
    assert response.status_code == 403
    assert not ChannelConnection.objects.filter(channel=channel).exists()
    assert not AuditEntry.objects.filter(action="channel.connected").exists()


@pytest.mark.parametrize("persona", ["editor", "manager_a", "comms", "comms_lead"])
def test_a_pasted_token_is_refused_in_the_api_for_all_but_system_administrators(
    client, org, persona
):
    channel = org.channels["a"]
    _login(client, persona)

    response = client.post(
        f"/api/v1/channels/{channel.pk}/connect/token/",
        {"account_id": "108527460000001", "token": "EAA-pasted"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert set(response.json()) == {"detail", "code", "errors"}
    assert not ChannelConnection.objects.filter(channel=channel).exists()


def test_a_system_administrator_may_paste_a_token_in_the_api(client, org):
    channel = org.channels["a"]
    _login(client, "superuser")

    response = client.post(
        f"/api/v1/channels/{channel.pk}/connect/token/",
        {"account_id": "108527460000001", "token": "EAA-pasted"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["connection"]["connected_via"] == "pasted"
    assert "EAA-pasted" not in response.content.decode()
    connection = ChannelConnection.objects.get(channel=channel)
    assert (connection.get_token(), connection.connected_by) == (
        "EAA-pasted",
        org.users["superuser"],
    )


def test_the_api_starts_a_connection_with_the_authorize_address(client, org, sim):
    channel = make_channel(org, "youtube")
    _login(client, "comms")

    response = client.post(f"/api/v1/channels/{channel.pk}/connect/start/")

    assert response.status_code == 200
    url = urlsplit(response.json()["authorize_url"])
    assert f"{url.scheme}://{url.netloc}" == sim.url
    assert url.path == "/o/oauth2/v2/auth"
    query = parse_qs(url.query)
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert query["scope"] == ["https://www.googleapis.com/auth/youtube.force-ssl"]
    assert query["redirect_uri"] == ["http://testserver" + CALLBACK]
    # The same session finishes it at the callback.
    assert client.get(_consent(response.json()["authorize_url"])).status_code == 302


# --- renewing tokens -------------------------------------------------------------------------


def _oauth_connected(client, org, platform):
    channel = make_channel(org, platform)
    _login(client, "comms")
    _connect(client, channel, ACCOUNTS[platform]["id"])
    return ChannelConnection.objects.get(channel=channel)


def _run_renewal_at(sim, when):
    """Run the beat task at `when`: the travel moves the product's clock and, in this process,
    the simulator's too."""
    import time_machine

    with time_machine.travel(when, tick=False):
        return renew_tokens()


def test_linkedin_tokens_are_renewed_a_week_before_they_expire(client, org, sim):
    connection = _oauth_connected(client, org, "linkedin")
    old_token, old_refresh = connection.get_token(), connection.get_refresh_token()
    refresh_expiry = connection.refresh_token_expires_at

    # Not yet due 50 days on …
    assert _run_renewal_at(sim, timezone.now() + timedelta(days=50)) == {}
    # … due 54 days on (within 7 days of the 60-day expiry)
    totals = _run_renewal_at(sim, timezone.now() + timedelta(days=54))

    assert totals == {"renewed": 1}
    connection.refresh_from_db()
    assert connection.get_token() != old_token
    # LinkedIn keeps the refresh token and its one-year life from the first sign-in.
    assert connection.get_refresh_token() == old_refresh
    assert abs(connection.refresh_token_expires_at - refresh_expiry) < timedelta(seconds=5)
    assert AuditEntry.objects.filter(action="channel.token_renewed").count() == 1
    assert poll_connection(connection.pk).status == STORED


def test_x_refresh_tokens_rotate_and_the_old_one_is_refused_afterwards(client, org, sim):
    from accounts import oauth
    from platforms.oauth import AuthorizationError, provider_for

    connection = _oauth_connected(client, org, "x")
    old_refresh = connection.get_refresh_token()

    totals = _run_renewal_at(sim, timezone.now() + timedelta(minutes=110))

    assert totals == {"renewed": 1}
    connection.refresh_from_db()
    assert connection.get_refresh_token() not in ("", old_refresh)
    assert connection.token_expires_at > timezone.now() + timedelta(minutes=110)
    with pytest.raises(AuthorizationError) as refused:
        provider_for("x").refresh(oauth.availability("x").app, old_refresh)
    assert refused.value.permanent
    assert poll_connection(connection.pk).status == STORED


def test_youtube_hourly_tokens_are_renewed_and_the_refresh_token_kept(client, org, sim):
    connection = _oauth_connected(client, org, "youtube")
    old_token, old_refresh = connection.get_token(), connection.get_refresh_token()

    totals = _run_renewal_at(sim, timezone.now() + timedelta(minutes=50))

    assert totals == {"renewed": 1}
    connection.refresh_from_db()
    assert connection.get_token() != old_token
    assert connection.get_refresh_token() == old_refresh
    assert poll_connection(connection.pk).status == STORED


def test_an_expired_access_token_is_refused_by_the_simulated_api(client, org, sim):
    connection = _oauth_connected(client, org, "youtube")
    sim.state.advance_clock(3600)

    outcome = poll_connection(connection.pk)

    assert outcome.status == "needs_reconnect"


def test_a_renewal_refused_for_good_marks_the_channel_and_tells_its_people(client, org, sim):
    connection = _oauth_connected(client, org, "x")
    # The person revoked the app at X: the refresh token is dead.
    for grant in sim.state.oauth.refresh.values():
        grant.revoked = True
    mail.outbox.clear()

    totals = _run_renewal_at(sim, timezone.now() + timedelta(minutes=110))

    assert totals == {"needs_reconnect": 1}
    connection.refresh_from_db()
    assert connection.token_status == TokenStatus.NEEDS_RECONNECT
    entry = AuditEntry.objects.get(action="channel.needs_reconnect")
    assert entry.channel == connection.channel
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [org.users["comms_lead"].email, org.users["comms"].email]
    )
    assert Notification.objects.filter(user=org.users["comms_lead"]).count() == 1
    # Not tried again: the channel waits for a new sign-in.
    assert _run_renewal_at(sim, timezone.now() + timedelta(minutes=1)) == {}


def test_a_passing_renewal_failure_is_tried_again_next_round(client, org, sim):
    connection = _oauth_connected(client, org, "youtube")
    old_token = connection.get_token()
    from django.test import override_settings

    with override_settings(SIMULATOR_URL="http://127.0.0.1:9"):
        totals = _run_renewal_at(sim, timezone.now() + timedelta(minutes=50))

    assert totals == {"retry": 1}
    connection.refresh_from_db()
    assert connection.token_status != TokenStatus.NEEDS_RECONNECT
    assert connection.get_token() == old_token
    assert _run_renewal_at(sim, timezone.now() + timedelta(minutes=50)) == {"renewed": 1}


# --- in a browser ----------------------------------------------------------------------------


# Each platform's consent page asks for one scope of its own (platforms/oauth.py).
SCOPE_ASKED = {
    "facebook": "pages_manage_engagement",
    "instagram": "instagram_manage_comments",
    "linkedin": "w_organization_social",
    "x": "tweet.moderate.write",
    "youtube": "youtube.force-ssl",
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_connecting_all_five_platforms_in_a_browser_then_polling(page, org, sim):
    from conftest import browser_login, screenshot

    # Given a communications team member and a never connected channel on every platform
    channels = {platform: make_channel(org, platform) for platform in SCOPE_ASKED}
    call_command("sweep_channels", "--once")
    browser_login(page, "comms")

    for platform, channel in channels.items():
        label = channel.get_platform_display()
        assert channel.flags.open().filter(kind=FlagKind.TOKEN).exists()
        # When they click Connect, Allow at the provider and pick the account (in Danish)
        page.goto(reverse("accounts:channel-connect", args=[channel.pk]))
        assert page.locator("#id_token").count() == 0
        page.get_by_role("button", name=f"Forbind via {label}").click()
        page.wait_for_url(f"{sim.url}/**")
        assert SCOPE_ASKED[platform] in page.content()
        screenshot(page, f"channel-connect-{platform}-consent")
        page.get_by_role("button", name="Allow").click()
        page.wait_for_url("**/connect/oauth/pick/")
        page.locator(f"input[name=account][value='{ACCOUNTS[platform]['id']}']").check()
        page.get_by_role("button", name="Forbind denne konto").click()
        page.wait_for_url("**/connect/")

        # Then the channel is connected through the platform, and no longer flagged for
        # lacking a valid token
        assert f"Kanalen er forbundet via {label}." in page.content()
        connection = ChannelConnection.objects.get(channel=channel)
        assert (connection.account_id, connection.connected_via) == (
            ACCOUNTS[platform]["id"],
            ConnectedVia.OAUTH,
        )
        assert not channel.flags.open().filter(kind=FlagKind.TOKEN).exists()

    # And the next poll cycle reads every one of them with its new token
    call_command("poll_channels", "--once")
    for platform, channel in channels.items():
        connection = ChannelConnection.objects.get(channel=channel)
        assert connection.last_polled_at is not None, platform
        assert connection.token_status == TokenStatus.VALID, platform
    page.goto(reverse("accounts:channel-connect", args=[channels["youtube"].pk]))
    last_poll = page.locator("dt", has_text="Seneste hentning").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert last_poll.inner_text() != "–"
    screenshot(page, "channel-connect-youtube-connected")
