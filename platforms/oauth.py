"""Connecting a channel through its platform's OAuth 2.0 flow, and renewing its tokens.

One `Provider` per platform knows its authorize and token addresses, the scopes the product
needs, how to turn an authorization code into tokens, which accounts those tokens reach (pages,
organisations, users, channels) and how to renew them. Plain Python, no Django: the hosts come in
an `OAuthApp`, so the simulator stands in for every provider by its URL.

Authlib's requests client (`OAuth2Session`) builds the authorize addresses (with the PKCE
challenge for X), exchanges codes and refreshes tokens with the client authentication each
provider wants; Facebook's GET exchanges and its long-lived token step are plain requests.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

# Errors of the token endpoint (RFC 6749 §5.2) that no retry will cure: the grant or refresh
# token is expired, revoked or was never valid. The person must connect the channel again.
PERMANENT_ERRORS = frozenset(
    {"invalid_grant", "invalid_request", "unauthorized_client", "invalid_scope", "access_denied"}
)


# The product's apps as registered with the local simulator's providers (client id and secret,
# by provider): both sides know them, so "Connect" works in the demo without any registration.
SIMULATED_APPS: dict[str, dict[str, str]] = {
    "facebook": {"client_id": "1000000000000001", "client_secret": "sim-facebook-app-secret"},
    "linkedin": {"client_id": "sim-linkedin-client", "client_secret": "sim-linkedin-secret"},
    "x": {"client_id": "sim-x-client", "client_secret": "sim-x-client-secret"},
    "google": {
        "client_id": "sim-google-client.apps.googleusercontent.com",
        "client_secret": "sim-google-secret",
    },
}


class AuthorizationError(Exception):
    """The provider refused or could not answer. `permanent` is True when only a new
    authorization helps (invalid_grant, revoked); False when trying again later may work."""

    def __init__(self, message: str, *, code: str = "", permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.permanent = permanent


@dataclass(frozen=True)
class OAuthApp:
    """The product's registered app at one provider, and where the provider lives."""

    client_id: str
    client_secret: str
    redirect_uri: str
    authorize_host: str
    token_host: str
    api_base_url: str
    api_version: str = ""
    timeout: float = 10.0


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountChoice:
    """An account the tokens reach, for the person to pick. `access_token` is the account's
    own token where the platform hands one out (a Facebook Page token), else empty: the
    person's token is used."""

    id: str
    name: str
    username: str = ""
    access_token: str = ""
    extra: dict = field(default_factory=dict)


def new_code_verifier() -> str:
    """A PKCE code verifier (RFC 7636 §4.1): 43–128 unreserved characters."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _after(now: datetime, seconds: Any) -> datetime | None:
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return None
    return now + timedelta(seconds=seconds) if seconds > 0 else None


def _scopes(value: Any, fallback: tuple[str, ...]) -> tuple[str, ...]:
    if not value or not isinstance(value, str):
        return fallback
    return tuple(part for part in value.replace(",", " ").split() if part)


class Provider:
    """One platform's OAuth flow. Subclasses set the addresses and scopes."""

    platform = ""
    app_name = ""  # which developer app the credentials belong to (Facebook serves Instagram)
    authorize_path = ""
    token_path = ""
    scopes: tuple[str, ...] = ()
    scope_separator = " "
    pkce = False
    token_auth = "client_secret_post"
    authorize_params: dict[str, str] = {}
    # Tokens that expire are renewed this long before they do; None: they need no renewal.
    renew_margin: timedelta | None = None

    # --- addresses ---------------------------------------------------------------------------

    def authorize_endpoint(self, app: OAuthApp) -> str:
        return app.authorize_host.rstrip("/") + self.authorize_path.format(v=app.api_version)

    def token_endpoint(self, app: OAuthApp) -> str:
        return app.token_host.rstrip("/") + self.token_path.format(v=app.api_version)

    def _session(self, app: OAuthApp, **kwargs) -> OAuth2Session:
        return OAuth2Session(
            client_id=app.client_id,
            client_secret=app.client_secret,
            token_endpoint_auth_method=self.token_auth,
            redirect_uri=app.redirect_uri,
            code_challenge_method="S256" if self.pkce else None,
            default_timeout=app.timeout,
            **kwargs,
        )

    def authorize_url(self, app: OAuthApp, *, state: str, code_verifier: str = "") -> str:
        """Where to send the person's browser: the provider's consent page."""
        with self._session(app, scope=self.scope_separator.join(self.scopes)) as session:
            url, _ = session.create_authorization_url(
                self.authorize_endpoint(app),
                state=state,
                code_verifier=code_verifier if self.pkce else None,
                **self.authorize_params,
            )
        return url

    # --- tokens ------------------------------------------------------------------------------

    def _token_call(self, call, *, now: datetime) -> Tokens:
        try:
            answer = call()
        except OAuthError as exc:
            raise AuthorizationError(
                exc.description or exc.error or "refused",
                code=exc.error or "",
                permanent=(exc.error or "") in PERMANENT_ERRORS,
            ) from exc
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            raise AuthorizationError(
                f"the token endpoint answered {status}", code=str(status), permanent=False
            ) from exc
        except (requests.RequestException, ValueError) as exc:
            raise AuthorizationError(str(exc) or type(exc).__name__, permanent=False) from exc
        return self._tokens(dict(answer), now=now)

    def _tokens(self, answer: dict, *, now: datetime, refresh_token: str = "") -> Tokens:
        access = answer.get("access_token")
        if not isinstance(access, str) or not access:
            raise AuthorizationError("the token endpoint answered without an access token")
        return Tokens(
            access_token=access,
            refresh_token=str(answer.get("refresh_token") or refresh_token or ""),
            expires_at=_after(now, answer.get("expires_in")),
            refresh_expires_at=_after(now, answer.get("refresh_token_expires_in")),
            scopes=_scopes(answer.get("scope"), self.scopes),
        )

    def exchange_code(
        self, app: OAuthApp, code: str, *, code_verifier: str = "", now: datetime | None = None
    ) -> Tokens:
        """Trade the authorization code from the callback for tokens."""
        now = now or _utcnow()
        extra = {"code_verifier": code_verifier} if self.pkce else {}
        with self._session(app) as session:
            return self._token_call(
                lambda: session.fetch_token(
                    self.token_endpoint(app),
                    grant_type="authorization_code",
                    code=code,
                    **extra,
                ),
                now=now,
            )

    def refresh(
        self,
        app: OAuthApp,
        refresh_token: str,
        *,
        now: datetime | None = None,
        refresh_expires_at: datetime | None = None,
    ) -> Tokens:
        """New tokens for a refresh token. A provider that does not rotate it (Google) answers
        without one: the old one stays, with its old expiry."""
        now = now or _utcnow()
        with self._session(app) as session:
            tokens = self._token_call(
                lambda: session.refresh_token(
                    self.token_endpoint(app), refresh_token=refresh_token
                ),
                now=now,
            )
        if tokens.refresh_expires_at is None and tokens.refresh_token == refresh_token:
            tokens = Tokens(
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                expires_at=tokens.expires_at,
                refresh_expires_at=refresh_expires_at,
                scopes=tokens.scopes,
            )
        return tokens

    # --- accounts ----------------------------------------------------------------------------

    def accounts(self, app: OAuthApp, tokens: Tokens) -> list[AccountChoice]:
        raise NotImplementedError

    def _get(self, app: OAuthApp, url: str, token: str, **kwargs) -> Any:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        try:
            response = requests.get(url, headers=headers, timeout=app.timeout, **kwargs)
        except requests.RequestException as exc:
            raise AuthorizationError(str(exc) or type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or not isinstance(body, dict):
            raise AuthorizationError(
                f"{url.split('?')[0]} answered {response.status_code}",
                code=str(response.status_code),
                permanent=response.status_code in (401, 403),
            )
        return body


def without_token(url: str) -> str:
    """`url` without an `access_token` query parameter."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


class FacebookProvider(Provider):
    """Facebook Login for the Pages API: code → short-lived user token → long-lived user token
    → the Pages the person manages, each with its own Page token (which does not expire)."""

    platform = "facebook"
    app_name = "facebook"
    authorize_path = "/{v}/dialog/oauth"
    token_path = "/{v}/oauth/access_token"
    scope_separator = ","
    scopes = (
        "pages_show_list",
        "pages_read_engagement",
        "pages_read_user_content",
        "pages_manage_engagement",
        "pages_manage_metadata",
        "pages_manage_posts",
        "pages_messaging",
        "business_management",
    )

    def _graph_token(self, app: OAuthApp, params: dict, *, now: datetime) -> dict:
        try:
            # Sent as a form, not a query: the code, the app secret and the token being exchanged
            # stay out of addresses (and so out of every proxy's and server's access log).
            response = requests.post(self.token_endpoint(app), data=params, timeout=app.timeout)
        except requests.RequestException as exc:
            raise AuthorizationError(str(exc) or type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise AuthorizationError(f"the token endpoint answered {response.status_code}")
        error = body.get("error")
        if isinstance(error, dict):
            # Graph's own error body; code 100/190 on an exchange means the code or token is bad.
            raise AuthorizationError(
                str(error.get("message") or "refused"),
                code=str(error.get("code") or ""),
                permanent=response.status_code < 500 and error.get("code") in (100, 190),
            )
        if response.status_code >= 400:
            raise AuthorizationError(f"the token endpoint answered {response.status_code}")
        return body

    def exchange_code(
        self, app: OAuthApp, code: str, *, code_verifier: str = "", now: datetime | None = None
    ) -> Tokens:
        now = now or _utcnow()
        short = self._graph_token(
            app,
            {
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "client_secret": app.client_secret,
                "code": code,
            },
            now=now,
        )
        long_lived = self._graph_token(
            app,
            {
                "grant_type": "fb_exchange_token",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "fb_exchange_token": short.get("access_token", ""),
            },
            now=now,
        )
        return self._tokens(long_lived, now=now)

    def refresh(self, app, refresh_token, *, now=None, refresh_expires_at=None) -> Tokens:
        raise AuthorizationError("Page tokens are not refreshed", permanent=True)

    def _pages(self, app: OAuthApp, tokens: Tokens) -> list[dict]:
        base = f"{app.api_base_url.rstrip('/')}/{app.api_version}"
        url = f"{base}/me/accounts?" + urlencode({"fields": "id,name,access_token", "limit": 100})
        pages: list[dict] = []
        # A person rarely manages more than a few pages; stop at 10 pages of 100 all the same.
        for _ in range(10):
            body = self._get(app, url, tokens.access_token)
            pages += [p for p in body.get("data") or [] if isinstance(p, dict) and p.get("id")]
            url = (body.get("paging") or {}).get("next")
            if not url:
                break
            # Graph writes the token into the next link; it travels in the header only.
            url = without_token(url)
        return pages

    def accounts(self, app: OAuthApp, tokens: Tokens) -> list[AccountChoice]:
        return [
            AccountChoice(
                id=str(page["id"]),
                name=str(page.get("name") or page["id"]),
                access_token=str(page.get("access_token") or ""),
            )
            for page in self._pages(app, tokens)
            if page.get("access_token")
        ]


class InstagramProvider(FacebookProvider):
    """Instagram professional accounts are reached through the Facebook Page they are linked
    to: the same Facebook Login, then each Page's `instagram_business_account`."""

    platform = "instagram"
    scopes = (
        "pages_show_list",
        "pages_read_engagement",
        "pages_manage_metadata",
        "pages_messaging",
        "instagram_basic",
        "instagram_manage_comments",
        "instagram_manage_messages",
        "business_management",
    )

    def accounts(self, app: OAuthApp, tokens: Tokens) -> list[AccountChoice]:
        base = f"{app.api_base_url.rstrip('/')}/{app.api_version}"
        choices = []
        for page in self._pages(app, tokens):
            page_token = str(page.get("access_token") or "")
            if not page_token:
                continue
            body = self._get(
                app,
                f"{base}/{page['id']}",
                page_token,
                params={"fields": "instagram_business_account{id,username}"},
            )
            linked = body.get("instagram_business_account")
            if not isinstance(linked, dict) or not linked.get("id"):
                continue
            username = str(linked.get("username") or "")
            choices.append(
                AccountChoice(
                    id=str(linked["id"]),
                    name=str(page.get("name") or linked["id"]),
                    username=username,
                    access_token=page_token,
                    extra={"page_id": str(page["id"])},
                )
            )
        return choices


class LinkedInProvider(Provider):
    """LinkedIn's three-legged OAuth with the Community Management scopes; the organisation is
    picked from those the person administers. Access tokens live 60 days, refresh tokens a
    year from the first authorization (a refresh does not extend it)."""

    platform = "linkedin"
    app_name = "linkedin"
    authorize_path = "/oauth/v2/authorization"
    token_path = "/oauth/v2/accessToken"
    scopes = (
        "r_organization_social",
        "w_organization_social",
        "r_organization_admin",
        "rw_organization_admin",
    )
    renew_margin = timedelta(days=7)

    def _headers(self, app: OAuthApp) -> dict:
        return {"LinkedIn-Version": app.api_version, "X-Restli-Protocol-Version": "2.0.0"}

    def accounts(self, app: OAuthApp, tokens: Tokens) -> list[AccountChoice]:
        base = app.api_base_url.rstrip("/")
        body = self._get(
            app,
            f"{base}/organizationAcls",
            tokens.access_token,
            params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
            headers=self._headers(app),
        )
        choices = []
        for element in body.get("elements") or []:
            urn = str((element or {}).get("organization") or "")
            if not urn.startswith("urn:li:organization:"):
                continue
            org_id = urn.rsplit(":", 1)[1]
            organisation = self._get(
                app,
                f"{base}/organizations/{org_id}",
                tokens.access_token,
                headers=self._headers(app),
            )
            choices.append(
                AccountChoice(
                    id=org_id,
                    name=str(organisation.get("localizedName") or org_id),
                    username=str(organisation.get("vanityName") or ""),
                )
            )
        return choices


class XProvider(Provider):
    """X's OAuth 2.0 authorization code flow with PKCE. Access tokens live two hours; every
    refresh hands out a new refresh token and retires the old one."""

    platform = "x"
    app_name = "x"
    authorize_path = "/i/oauth2/authorize"
    token_path = "/2/oauth2/token"
    scopes = ("tweet.read", "tweet.write", "users.read", "tweet.moderate.write", "offline.access")
    pkce = True
    # X's confidential clients authenticate with HTTP Basic at the token endpoint.
    token_auth = "client_secret_basic"
    renew_margin = timedelta(minutes=15)

    def accounts(self, app: OAuthApp, tokens: Tokens) -> list[AccountChoice]:
        body = self._get(app, f"{app.api_base_url.rstrip('/')}/2/users/me", tokens.access_token)
        user = body.get("data") or {}
        if not user.get("id"):
            return []
        return [
            AccountChoice(
                id=str(user["id"]),
                name=str(user.get("name") or user["id"]),
                username=str(user.get("username") or ""),
            )
        ]


class YouTubeProvider(Provider):
    """Google's OAuth for the YouTube Data API: offline access for a refresh token (Google
    does not rotate it), hourly access tokens."""

    platform = "youtube"
    app_name = "google"
    authorize_path = "/o/oauth2/v2/auth"
    token_path = "/token"
    scopes = ("https://www.googleapis.com/auth/youtube.force-ssl",)
    # prompt=consent: Google hands out a refresh token only on a consent it has just shown.
    authorize_params = {"access_type": "offline", "prompt": "consent"}
    renew_margin = timedelta(minutes=15)

    def accounts(self, app: OAuthApp, tokens: Tokens) -> list[AccountChoice]:
        body = self._get(
            app,
            f"{app.api_base_url.rstrip('/')}/youtube/v3/channels",
            tokens.access_token,
            params={"part": "snippet", "mine": "true"},
        )
        choices = []
        for item in body.get("items") or []:
            snippet = (item or {}).get("snippet") or {}
            if item.get("id"):
                choices.append(
                    AccountChoice(
                        id=str(item["id"]),
                        name=str(snippet.get("title") or item["id"]),
                        username=str(snippet.get("customUrl") or ""),
                    )
                )
        return choices


PROVIDERS: dict[str, Provider] = {
    provider.platform: provider
    for provider in (
        FacebookProvider(),
        InstagramProvider(),
        LinkedInProvider(),
        XProvider(),
        YouTubeProvider(),
    )
}

# Where each provider's consent page and token endpoint live, by the provider's app name.
AUTHORIZE_HOSTS = {
    "facebook": "https://www.facebook.com",
    "linkedin": "https://www.linkedin.com",
    "x": "https://x.com",
    "google": "https://accounts.google.com",
}
TOKEN_HOSTS = {
    "facebook": "https://graph.facebook.com",
    "linkedin": "https://www.linkedin.com",
    "x": "https://api.x.com",
    "google": "https://oauth2.googleapis.com",
}


def provider_for(platform: str) -> Provider:
    try:
        return PROVIDERS[platform]
    except KeyError:
        raise ValueError(f"no OAuth flow for {platform!r}") from None
