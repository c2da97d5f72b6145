"""The providers' OAuth 2.0 doors: consent pages, token endpoints and the calls that list what a
new token reaches, at the providers' own paths on the simulator's root.

  Facebook/Instagram  GET /{v}/dialog/oauth, GET|POST /{v}/oauth/access_token (code, and
                      grant_type=fb_exchange_token), with a user token: /{v}/me, /{v}/me/accounts,
                      /{v}/{page-id}?fields=instagram_business_account{…}
  LinkedIn            GET /oauth/v2/authorization, POST /oauth/v2/accessToken,
                      GET /rest/organizationAcls?q=roleAssignee
  X                   GET /i/oauth2/authorize, POST /2/oauth2/token (PKCE S256, Basic auth)
  Google              GET /o/oauth2/v2/auth, POST /token

Codes are one-time and short-lived; the tokens issued live as long as the providers document
and are refused afterwards by every API path (through `World.account_by_token`), by the world's
clock, so tests move time on with `advance_clock` instead of sleeping.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from platforms.oauth import SIMULATED_APPS

from ..wire import BadBody, Request, Response, json_response

if TYPE_CHECKING:
    from ..state import Account, World

# The apps registered with the simulated providers (platforms.oauth.SIMULATED_APPS).
APPS = SIMULATED_APPS
PROVIDER_NAMES = {
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "x": "X",
    "google": "Google",
}
# Which accounts a provider's grant reaches.
PLATFORMS_OF = {
    "facebook": ("facebook", "instagram"),
    "linkedin": ("linkedin",),
    "x": ("x",),
    "google": ("youtube",),
}

# Lifetimes, in seconds, as the providers document them (see simulator/README.md).
CODE_SECONDS = {"facebook": 600, "linkedin": 1800, "x": 30, "google": 600}
ACCESS_SECONDS = {"linkedin": 60 * 86400, "x": 7200, "google": 3599}
FACEBOOK_SHORT_SECONDS = 3600
FACEBOOK_LONG_SECONDS = 5_183_944
LINKEDIN_REFRESH_SECONDS = 365 * 86400

GRAPH_VERSION_SEGMENT = "v"


@dataclass(eq=False)
class Grant:
    """What the person allowed on a consent page: for one app, these accounts."""

    provider: str
    client_id: str
    scopes: list[str]
    accounts: list[tuple[str, str]]
    created: datetime


@dataclass(eq=False)
class Code:
    value: str
    grant: Grant
    redirect_uri: str
    expires: datetime
    challenge: str = ""
    used: bool = False


@dataclass(eq=False)
class Issued:
    """An access token the simulator handed out. `account` is None for a person's (Facebook
    user) token, which reaches the grant's pages only through /me/accounts."""

    token: str
    grant: Grant
    account: tuple[str, str] | None
    expires: datetime | None


@dataclass(eq=False)
class RefreshGrant:
    token: str
    grant: Grant
    account: tuple[str, str]
    expires: datetime | None
    revoked: bool = False


@dataclass
class OAuthBook:
    """The codes and tokens handed out since the last reset."""

    codes: dict[str, Code] = field(default_factory=dict)
    issued: dict[str, Issued] = field(default_factory=dict)
    refresh: dict[str, RefreshGrant] = field(default_factory=dict)

    def live(self, token: str, now: datetime) -> Issued | None:
        issued = self.issued.get(token)
        if issued is None or (issued.expires is not None and issued.expires <= now):
            return None
        return issued

    def account_key(self, token: str, now: datetime) -> tuple[str, str] | None:
        issued = self.live(token, now)
        return issued.account if issued is not None else None


def _new(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(24)


def _s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest())
        .decode("ascii")
        .rstrip("=")
    )


def _html(status: int, body: str) -> Response:
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Platform simulator</title></head><body style='font-family:sans-serif;"
        f"max-width:40em;margin:3em auto'>{body}</body></html>"
    )
    return Response(status, page.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8")])


def _redirect(url: str, params: dict[str, str]) -> Response:
    joiner = "&" if urlsplit(url).query else "?"
    response = Response(302, b"")
    response.set_header("Location", url + joiner + urlencode(params))
    return response


def _oauth_error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def _graph_oauth_error(message: str, code: int = 100, subcode: int | None = None) -> Response:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AsimOAuth" + secrets.token_hex(4),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return json_response(400, {"error": error})


class OAuthAPI:
    """Serves the consent pages and token endpoints of the four providers."""

    def __init__(self, world: World, linkedin_api: Any = None) -> None:
        self.world = world
        self.linkedin_api = linkedin_api

    # --- routing -----------------------------------------------------------------------------

    @staticmethod
    def provider_for_path(request: Request) -> str | None:
        """The provider whose OAuth door `request` knocks on, or None."""
        segments = request.segments
        if len(segments) == 3 and segments[1:] == ["dialog", "oauth"]:
            return "facebook"
        if len(segments) == 3 and segments[1:] == ["oauth", "access_token"]:
            return "facebook"
        if segments[:2] == ["oauth", "v2"]:
            return "linkedin"
        if segments == ["i", "oauth2", "authorize"] or segments == ["2", "oauth2", "token"]:
            return "x"
        if segments == ["o", "oauth2", "v2", "auth"] or segments == ["token"]:
            return "google"
        return None

    def handles(self, request: Request) -> bool:
        """OAuth doors, LinkedIn's organizationAcls, and Graph calls that carry a token this
        book issued to a person rather than a page (or ask for a page's Instagram link)."""
        if self.provider_for_path(request) is not None:
            return True
        segments = request.segments
        if segments[:2] == ["rest", "organizationAcls"]:
            return True
        if not segments or not segments[0].startswith(GRAPH_VERSION_SEGMENT):
            return False
        token = request.query.get("access_token") or request.bearer_token() or ""
        issued = self.world.oauth.issued.get(token)
        if issued is None:
            return False
        return issued.account is None or request.query.get("fields", "").startswith(
            "instagram_business_account"
        )

    def handle(self, request: Request) -> Response:
        with self.world.lock:
            segments = request.segments
            if segments[:2] == ["rest", "organizationAcls"]:
                return self._organization_acls(request)
            provider = self.provider_for_path(request)
            if provider is None:
                return self._graph_user(request)
            if segments[-1] in ("oauth", "authorization", "authorize", "auth"):
                if request.method == "GET":
                    return self._consent_page(provider, request)
                if request.method == "POST":
                    return self._decide(provider, request)
                return _html(405, "<p>Method not allowed.</p>")
            if provider == "facebook":
                return self._facebook_token(request)
            if request.method != "POST":
                return _oauth_error(405, "invalid_request", "The token endpoint takes POST.")
            return self._token(provider, request)

    # --- consent -----------------------------------------------------------------------------

    def _params(self, request: Request) -> dict[str, str]:
        params = dict(request.query)
        if request.method == "POST":
            with contextlib.suppress(BadBody):
                params.update({k: str(v) for k, v in request.form().items()})
        return params

    def _check_authorize(self, provider: str, params: dict[str, str]) -> str | None:
        app = APPS[provider]
        if params.get("client_id") != app["client_id"]:
            return "The app id is not valid (no app with this client_id)."
        redirect = params.get("redirect_uri", "")
        if urlsplit(redirect).scheme not in ("http", "https"):
            return "redirect_uri is missing or not an absolute http(s) URL."
        if params.get("response_type") != "code":
            return "response_type must be code."
        if not params.get("scope"):
            return "scope is required."
        if provider == "x" and (
            not params.get("code_challenge") or params.get("code_challenge_method") != "S256"
        ):
            return "X needs code_challenge with code_challenge_method=S256."
        if provider == "x" and not params.get("state"):
            return "X needs a state."
        return None

    def _choosable(self, provider: str) -> list[Account]:
        """Accounts a person signs in as: one X user, one Google account's channel, one
        LinkedIn member (administering one organisation here). Facebook grants every Page."""
        if provider == "facebook":
            return []
        platform = PLATFORMS_OF[provider][0]
        return self.world.accounts_for(platform)

    def _consent_page(self, provider: str, request: Request) -> Response:
        params = self._params(request)
        problem = self._check_authorize(provider, params)
        if problem:
            return _html(400, f"<h1>Error</h1><p>{html.escape(problem)}</p>")
        hidden = "".join(
            f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
            for k, v in params.items()
            if k not in ("decision", "account")
        )
        scopes = params["scope"].replace(",", " ").split()
        choice = ""
        accounts = self._choosable(provider)
        if len(accounts) > 1:
            options = "".join(
                f"<option value='{html.escape(a.id)}'>{html.escape(a.name)} ({html.escape(a.id)})"
                "</option>"
                for a in accounts
            )
            choice = f"<p><label>Sign in as <select name='account'>{options}</select></label></p>"
        body = (
            f"<h1>{PROVIDER_NAMES[provider]} (simulated)</h1>"
            f"<p>The app <strong>{html.escape(params['client_id'])}</strong> asks for:</p>"
            "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in scopes) + "</ul>"
            f"<form method='post'>{hidden}{choice}"
            "<button type='submit' name='decision' value='allow'>Allow</button> "
            "<button type='submit' name='decision' value='cancel'>Cancel</button></form>"
        )
        return _html(200, body)

    def _decide(self, provider: str, request: Request) -> Response:
        params = self._params(request)
        problem = self._check_authorize(provider, params)
        if problem:
            return _html(400, f"<h1>Error</h1><p>{html.escape(problem)}</p>")
        state = {"state": params["state"]} if params.get("state") else {}
        redirect = params["redirect_uri"]
        if params.get("decision") != "allow":
            return _redirect(redirect, {**self._denied(provider), **state})
        now = self.world.now()
        if provider == "facebook":
            keys = [
                (a.platform, a.id)
                for platform in PLATFORMS_OF["facebook"]
                for a in self.world.accounts_for(platform)
            ]
        else:
            accounts = self._choosable(provider)
            wanted = params.get("account")
            chosen = next(
                (a for a in accounts if a.id == wanted), accounts[0] if accounts else None
            )
            keys = [(chosen.platform, chosen.id)] if chosen else []
        grant = Grant(
            provider=provider,
            client_id=params["client_id"],
            scopes=params["scope"].replace(",", " ").split(),
            accounts=keys,
            created=now,
        )
        code = Code(
            value=_new("simcode-"),
            grant=grant,
            redirect_uri=redirect,
            expires=now + timedelta(seconds=CODE_SECONDS[provider]),
            challenge=params.get("code_challenge", ""),
        )
        self.world.oauth.codes[code.value] = code
        return _redirect(redirect, {"code": code.value, **state})

    @staticmethod
    def _denied(provider: str) -> dict[str, str]:
        if provider == "facebook":
            return {
                "error": "access_denied",
                "error_code": "200",
                "error_description": "Permissions error",
                "error_reason": "user_denied",
            }
        if provider == "linkedin":
            return {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled the authorization",
            }
        return {"error": "access_denied"}

    # --- issuing -----------------------------------------------------------------------------

    def _issue(
        self, grant: Grant, account: tuple[str, str] | None, seconds: int | None, prefix: str
    ) -> Issued:
        now = self.world.now()
        issued = Issued(
            token=_new(prefix),
            grant=grant,
            account=account,
            expires=now + timedelta(seconds=seconds) if seconds else None,
        )
        self.world.oauth.issued[issued.token] = issued
        return issued

    def _refresh_grant(
        self, grant: Grant, account: tuple[str, str], expires: datetime | None
    ) -> RefreshGrant:
        refresh = RefreshGrant(_new("simrefresh-"), grant, account, expires)
        self.world.oauth.refresh[refresh.token] = refresh
        return refresh

    def _take_code(self, provider: str, params: dict[str, str]) -> Code | str:
        """The code named in a token request, used up; or the reason it cannot be."""
        code = self.world.oauth.codes.get(params.get("code", ""))
        if code is None or code.grant.provider != provider:
            return "invalid"
        if code.used:
            return "used"
        code.used = True
        if code.expires <= self.world.now():
            return "expired"
        if params.get("redirect_uri") != code.redirect_uri:
            return "redirect_uri"
        if provider == "x" and _s256(params.get("code_verifier", "")) != code.challenge:
            return "verifier"
        return code

    def _client(self, provider: str, request: Request, params: dict[str, str]) -> bool:
        """Whether the request authenticates as the registered app: X's confidential clients
        with HTTP Basic only; LinkedIn and Google in the body (Google also with Basic)."""
        app = APPS[provider]
        header = request.header("Authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic" and provider in ("x", "google"):
            try:
                client_id, _, secret = base64.b64decode(value).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
            return client_id == app["client_id"] and secret == app["client_secret"]
        if provider == "x":
            return False
        return (
            params.get("client_id") == app["client_id"]
            and params.get("client_secret") == app["client_secret"]
        )

    def _token(self, provider: str, request: Request) -> Response:
        try:
            params = {k: str(v) for k, v in request.form().items()}
        except BadBody as exc:
            return _oauth_error(400, "invalid_request", str(exc))
        if not self._client(provider, request, params):
            if provider == "x":
                return _oauth_error(
                    401, "unauthorized_client", "Missing valid authorization header"
                )
            return _oauth_error(401, "invalid_client", "Client authentication failed.")
        grant_type = params.get("grant_type")
        if grant_type == "authorization_code":
            return self._code_grant(provider, params)
        if grant_type == "refresh_token":
            return self._refresh(provider, params)
        return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r}")

    def _bad_code(self, provider: str, reason: str) -> Response:
        if provider == "linkedin":
            return _oauth_error(
                400,
                "invalid_request",
                "Unable to retrieve access token: appid/redirect uri/code verifier does not "
                "match authorization code. Or authorization code expired.",
            )
        if provider == "x":
            return _oauth_error(
                400, "invalid_request", "Value passed for the authorization code was invalid."
            )
        if reason == "redirect_uri":
            return _oauth_error(400, "redirect_uri_mismatch", "Bad Request")
        return _oauth_error(400, "invalid_grant", "Malformed auth code.")

    def _code_grant(self, provider: str, params: dict[str, str]) -> Response:
        code = self._take_code(provider, params)
        if isinstance(code, str):
            return self._bad_code(provider, code)
        grant = code.grant
        account = grant.accounts[0] if grant.accounts else None
        if account is None:
            return _oauth_error(400, "invalid_grant", "The person has no account to grant.")
        now = self.world.now()
        issued = self._issue(grant, account, ACCESS_SECONDS[provider], "simaccess-")
        body: dict[str, Any] = {
            "access_token": issued.token,
            "expires_in": ACCESS_SECONDS[provider],
        }
        if provider == "linkedin":
            refresh = self._refresh_grant(
                grant, account, now + timedelta(seconds=LINKEDIN_REFRESH_SECONDS)
            )
            body.update(
                refresh_token=refresh.token,
                refresh_token_expires_in=LINKEDIN_REFRESH_SECONDS,
                scope=",".join(grant.scopes),
            )
            return json_response(200, body)
        body["token_type"] = "bearer" if provider == "x" else "Bearer"
        body["scope"] = " ".join(grant.scopes)
        if provider == "google" or "offline.access" in grant.scopes:
            body["refresh_token"] = self._refresh_grant(grant, account, None).token
        return json_response(200, body)

    def _refresh(self, provider: str, params: dict[str, str]) -> Response:
        now = self.world.now()
        refresh = self.world.oauth.refresh.get(params.get("refresh_token", ""))
        if (
            refresh is None
            or refresh.revoked
            or refresh.grant.provider != provider
            or (refresh.expires is not None and refresh.expires <= now)
        ):
            if provider == "x":
                return _oauth_error(
                    400, "invalid_request", "Value passed for the token was invalid."
                )
            if provider == "google":
                return _oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            return _oauth_error(
                400, "invalid_grant", "The provided refresh token is invalid, expired or revoked."
            )
        issued = self._issue(refresh.grant, refresh.account, ACCESS_SECONDS[provider], "simaccess-")
        body: dict[str, Any] = {
            "access_token": issued.token,
            "expires_in": ACCESS_SECONDS[provider],
        }
        if provider == "x":
            # X hands out a new refresh token with every refresh; the old one is spent.
            refresh.revoked = True
            body.update(
                token_type="bearer",
                scope=" ".join(refresh.grant.scopes),
                refresh_token=self._refresh_grant(refresh.grant, refresh.account, None).token,
            )
        elif provider == "linkedin":
            # The same refresh token, its lifetime counting down from the first authorization.
            body.update(
                refresh_token=refresh.token,
                refresh_token_expires_in=int((refresh.expires - now).total_seconds()),
                scope=",".join(refresh.grant.scopes),
            )
        else:
            body.update(token_type="Bearer", scope=" ".join(refresh.grant.scopes))
        return json_response(200, body)

    # --- Facebook ----------------------------------------------------------------------------

    def _facebook_token(self, request: Request) -> Response:
        params = self._params(request)
        app = APPS["facebook"]
        if params.get("client_id") != app["client_id"]:
            return _graph_oauth_error("Error validating application. Invalid application ID.", 101)
        if params.get("client_secret") != app["client_secret"]:
            return _graph_oauth_error("Error validating client secret.", 1)
        now = self.world.now()
        if params.get("grant_type") == "fb_exchange_token":
            short = self.world.oauth.live(params.get("fb_exchange_token", ""), now)
            if short is None or short.account is not None:
                return _graph_oauth_error(
                    "Error validating access token: The session is invalid.", 190, 460
                )
            issued = self._issue(short.grant, None, FACEBOOK_LONG_SECONDS, "EAASIMlong")
            return json_response(
                200,
                {
                    "access_token": issued.token,
                    "token_type": "bearer",
                    "expires_in": FACEBOOK_LONG_SECONDS,
                },
            )
        code = self._take_code("facebook", params)
        if isinstance(code, str):
            message, subcode = {
                "used": ("This authorization code has been used.", 36009),
                "expired": ("This authorization code has expired.", 36007),
                "redirect_uri": (
                    "Error validating verification code. Please make sure your redirect_uri is "
                    "identical to the one you used in the OAuth dialog request",
                    36008,
                ),
            }.get(code, ("Invalid verification code format.", None))
            return _graph_oauth_error(message, 100, subcode)
        issued = self._issue(code.grant, None, FACEBOOK_SHORT_SECONDS, "EAASIMuser")
        return json_response(
            200,
            {
                "access_token": issued.token,
                "token_type": "bearer",
                "expires_in": FACEBOOK_SHORT_SECONDS,
            },
        )

    def _page_token(self, grant: Grant, key: tuple[str, str]) -> str:
        """One Page token per page and grant: it does not expire."""
        for issued in self.world.oauth.issued.values():
            if issued.grant is grant and issued.account == key:
                return issued.token
        return self._issue(grant, key, None, "EAASIMpage").token

    def _graph_user(self, request: Request) -> Response:
        token = request.query.get("access_token") or request.bearer_token() or ""
        now = self.world.now()
        issued = self.world.oauth.live(token, now)
        if issued is None:
            if token in self.world.oauth.issued:
                return _graph_oauth_error(
                    "Error validating access token: Session has expired.", 190, 463
                )
            return _graph_oauth_error("Invalid OAuth access token - Cannot parse access token", 190)
        segments = request.segments
        pages = [
            self.world.account(*key) for key in issued.grant.accounts if self.world.account(*key)
        ]
        if len(segments) == 2 and request.query.get("fields", "").startswith(
            "instagram_business_account"
        ):
            return self._instagram_link(segments[1], issued, pages)
        if segments[1:] == ["me"]:
            return json_response(200, {"id": "100000000000001", "name": "Simulated Person"})
        if segments[1:] == ["me", "accounts"] and issued.account is None:
            return self._me_accounts(request, issued, pages)
        return _graph_oauth_error("A user access token can only read /me and /me/accounts here.")

    def _me_accounts(self, request: Request, issued: Issued, pages: list[Account]) -> Response:
        fields = request.query.get("fields", "id,name,access_token")
        known = {"id", "name", "access_token", "category", "tasks"}
        asked = [f.strip() for f in fields.split(",") if f.strip()]
        unknown = [f for f in asked if f not in known]
        if unknown:
            return _graph_oauth_error(
                f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (Page)"
            )
        data = []
        for account in pages:
            page_id = account.page_id if account.platform == "instagram" else account.id
            values = {
                "id": page_id,
                "name": account.name,
                "access_token": self._page_token(issued.grant, (account.platform, account.id)),
                "category": "Government organization",
                "tasks": ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE"],
            }
            data.append({name: values[name] for name in asked})
        cursors = {"before": "QVFIUmFjY291bnRz", "after": "QVFIUmFjY291bnRz"}
        return json_response(200, {"data": data, "paging": {"cursors": cursors}})

    def _instagram_link(self, page_id: str, issued: Issued, pages: list[Account]) -> Response:
        if issued.account is not None:
            pages = [self.world.account(*issued.account)]
        for account in pages:
            if account is None:
                continue
            if account.platform == "instagram" and account.page_id == page_id:
                return json_response(
                    200,
                    {
                        "instagram_business_account": {
                            "id": account.id,
                            "username": account.username,
                        },
                        "id": page_id,
                    },
                )
            if account.platform == "facebook" and account.id == page_id:
                # A Page without a linked Instagram account: the field is left out.
                return json_response(200, {"id": page_id})
        return _graph_oauth_error(
            f"Unsupported get request. Object with ID '{page_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation.",
            100,
            33,
        )

    # --- LinkedIn ----------------------------------------------------------------------------

    def _organization_acls(self, request: Request) -> Response:
        outcome = self.linkedin_api.authenticate(request)
        if isinstance(outcome, Response):
            return outcome
        query = request.query
        if query.get("q") != "roleAssignee":
            return json_response(
                400,
                {"status": 400, "message": "q must be roleAssignee here", "code": "BAD_REQUEST"},
            )
        elements = []
        if (
            query.get("role", "ADMINISTRATOR") == "ADMINISTRATOR"
            and query.get("state", "APPROVED") == "APPROVED"
        ):
            elements.append(
                {
                    "roleAssignee": "urn:li:person:sim" + outcome.id[-6:],
                    "state": "APPROVED",
                    "role": "ADMINISTRATOR",
                    "organization": outcome.urn,
                }
            )
        return json_response(
            200,
            {
                "paging": {"start": 0, "count": 10, "links": [], "total": len(elements)},
                "elements": elements,
            },
        )
