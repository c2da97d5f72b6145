"""The product's side of connecting a channel through its platform's OAuth: each platform's app
from the settings (or the simulator's apps when SIMULATOR_URL is set), and the one-time `state`
of a started connection, kept in the person's session and bound to the channel.

Tokens in the session (between the provider's answer and the person's pick) are encrypted with
the same key as the stored tokens, and dropped as soon as the channel is connected.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from platforms.oauth import AccountChoice, OAuthApp, Provider, Tokens, provider_for

from .crypto import decrypt_token, encrypt_token

SESSION_STARTED = "channel_oauth_started"
SESSION_CHOICES = "channel_oauth_choices"
# How long a started connection may wait for the provider's answer, and a fetched list of
# accounts for the person's pick.
STARTED_SECONDS = 15 * 60
CHOICES_SECONDS = 15 * 60
# At most this many connections may be under way in one session.
MAX_STARTED = 5

CALLBACK_URL_NAME = "accounts:channel-oauth-callback"
PROVIDER_NAMES = {"facebook": "Facebook", "linkedin": "LinkedIn", "x": "X", "google": "Google"}


class FlowError(Exception):
    """A connection that cannot go on; `message` is for the person (translated)."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Availability:
    app: OAuthApp | None
    reason: str = ""

    @property
    def available(self) -> bool:
        return self.app is not None


def provider(platform: str) -> Provider | None:
    try:
        return provider_for(platform)
    except ValueError:
        return None


def _simulator_apps() -> dict:
    # The apps the local simulator knows; used only when SIMULATOR_URL points at it.
    from platforms.oauth import SIMULATED_APPS

    return SIMULATED_APPS


def redirect_uri(request=None) -> str:
    path = reverse(CALLBACK_URL_NAME)
    base = getattr(settings, "OAUTH_REDIRECT_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def availability(platform: str, request=None) -> Availability:
    """The app to connect `platform` with, or why there is none."""
    flow = provider(platform)
    if flow is None:
        return Availability(None, _("This platform has no sign-in the product can use."))
    simulator_url = (getattr(settings, "SIMULATOR_URL", "") or "").rstrip("/")
    client_id, client_secret = getattr(settings, "OAUTH_CLIENTS", {}).get(flow.app_name, ("", ""))
    if simulator_url and not (client_id and client_secret):
        sim = _simulator_apps()[flow.app_name]
        client_id, client_secret = sim["client_id"], sim["client_secret"]
    if not (client_id and client_secret):
        return Availability(
            None,
            _(
                "Connecting with {platform} is not set up: the system administrator has to "
                "register the product's app with {platform} and enter its credentials."
            ).format(platform=PROVIDER_NAMES[flow.app_name]),
        )
    if simulator_url:
        authorize_host = token_host = simulator_url
        api_base = simulator_url + ("/rest" if platform == "linkedin" else "")
    else:
        authorize_host = settings.OAUTH_AUTHORIZE_HOSTS[flow.app_name]
        token_host = settings.OAUTH_TOKEN_HOSTS[flow.app_name]
        api_base = settings.PLATFORM_BASE_URLS[platform].rstrip("/")
        if platform == "linkedin" and not api_base.endswith("/rest"):
            api_base += "/rest"
    version = {
        "facebook": settings.FACEBOOK_GRAPH_VERSION,
        "instagram": settings.FACEBOOK_GRAPH_VERSION,
        "linkedin": settings.LINKEDIN_API_VERSION,
    }.get(platform, "")
    return Availability(
        OAuthApp(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri(request),
            authorize_host=authorize_host,
            token_host=token_host,
            api_base_url=api_base,
            api_version=version,
            timeout=getattr(settings, "PLATFORM_TIMEOUT_SECONDS", 10.0),
        )
    )


# --- the session's part ------------------------------------------------------------------------


def start(session, channel, app: OAuthApp) -> str:
    """Remember a new connection for `channel` and return the provider's consent address."""
    flow = provider_for(channel.platform)
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if flow.pkce else ""
    now = time.time()
    started = {
        key: value
        for key, value in (session.get(SESSION_STARTED) or {}).items()
        if value.get("at", 0) > now - STARTED_SECONDS
    }
    oldest_first = sorted(started, key=lambda key: started[key]["at"])
    for key in oldest_first[: max(len(started) - MAX_STARTED + 1, 0)]:
        del started[key]
    started[state] = {
        "channel": channel.pk,
        "platform": channel.platform,
        "verifier": verifier,
        "redirect_uri": app.redirect_uri,
        "at": now,
    }
    session[SESSION_STARTED] = started
    return flow.authorize_url(app, state=state, code_verifier=verifier)


def take_started(session, state: str) -> dict | None:
    """The started connection `state` names, removed from the session (one-time), or None
    when there is none or it is too old."""
    started = dict(session.get(SESSION_STARTED) or {})
    entry = started.pop(state, None) if state else None
    session[SESSION_STARTED] = started
    if entry is None or entry.get("at", 0) <= time.time() - STARTED_SECONDS:
        return None
    return entry


def keep_choices(session, channel, tokens: Tokens, choices: list[AccountChoice]) -> None:
    all_choices = dict(session.get(SESSION_CHOICES) or {})
    all_choices[str(channel.pk)] = {
        "at": time.time(),
        "access_token": encrypt_token(tokens.access_token),
        "refresh_token": encrypt_token(tokens.refresh_token),
        "expires_at": tokens.expires_at.timestamp() if tokens.expires_at else None,
        "refresh_expires_at": (
            tokens.refresh_expires_at.timestamp() if tokens.refresh_expires_at else None
        ),
        "scopes": list(tokens.scopes),
        "accounts": [
            {
                "id": choice.id,
                "name": choice.name,
                "username": choice.username,
                "access_token": encrypt_token(choice.access_token),
                "extra": choice.extra,
            }
            for choice in choices
        ],
    }
    session[SESSION_CHOICES] = all_choices


def choices_for(session, channel) -> dict | None:
    entry = (session.get(SESSION_CHOICES) or {}).get(str(channel.pk))
    if entry is None or entry.get("at", 0) <= time.time() - CHOICES_SECONDS:
        return None
    return entry


def drop_choices(session, channel) -> None:
    all_choices = dict(session.get(SESSION_CHOICES) or {})
    if all_choices.pop(str(channel.pk), None) is not None:
        session[SESSION_CHOICES] = all_choices


# Where the person allowed reading messages, the adapters read them too.
MESSAGING_SCOPES = {"facebook": "pages_messaging", "instagram": "instagram_manage_messages"}


def picked(entry: dict, account_id: str, platform: str) -> dict | None:
    """The connection's values for the account the person picked from `entry`."""
    from datetime import UTC, datetime

    account = next((a for a in entry["accounts"] if a["id"] == account_id), None)
    if account is None:
        return None

    def when(value):
        return datetime.fromtimestamp(value, tz=UTC) if value else None

    own_token = decrypt_token(account["access_token"])
    return {
        "account_id": account["id"],
        # A Page token is the account's own and does not expire; else the person's tokens.
        "token": own_token or decrypt_token(entry["access_token"]),
        "refresh_token": "" if own_token else decrypt_token(entry["refresh_token"]),
        "token_expires_at": None if own_token else when(entry["expires_at"]),
        "refresh_token_expires_at": None if own_token else when(entry["refresh_expires_at"]),
        "scopes": entry["scopes"],
        "extra": {
            **account["extra"],
            **(
                {"messaging": MESSAGING_SCOPES[platform] in entry["scopes"]}
                if platform in MESSAGING_SCOPES
                else {}
            ),
        },
    }
