"""Personal API tokens at the door: making a secret, its digest, and the API's authentication.

A token reads `smg_` followed by 43 URL-safe characters (32 random bytes). The database keeps the
SHA-256 digest of the whole token and its first characters, never the token itself, so a copy of
the database lets nobody in. A program sends it as `Authorization: Bearer <token>` (RFC 6750);
`Authorization: Token <token>` is accepted too, for clients written for the earlier tokens.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

MARK = "smg_"
PREFIX_LENGTH = len(MARK) + 8
# The last-used time is written at most this often per token: a busy script does not turn
# every read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)
KEYWORDS = (b"bearer", b"token")


def new_secret() -> str:
    return MARK + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenRefused(exceptions.AuthenticationFailed):
    """401 with its own code, so a program can tell an expired token from a mistyped one."""


class PersonalTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`: the request acts as the token's person, and
    `request.auth` is the `ApiToken` (its scope is enforced by `core.permissions.api`)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise TokenRefused(
                _("The Authorization header must be: Bearer followed by the token."),
                code="authentication_failed",
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenRefused(_("The token is not valid."), code="authentication_failed") from None
        return self.authenticate_token(token)

    def authenticate_token(self, token):
        from .models import ApiToken

        found = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
        if found is None or not found.user.is_active:
            raise TokenRefused(_("The token is not valid."), code="authentication_failed")
        now = timezone.now()
        state = found.state(now)
        if state == "revoked":
            raise TokenRefused(_("The token has been revoked."), code="token_revoked")
        if state == "expired":
            raise TokenRefused(_("The token has expired."), code="token_expired")
        if found.last_used_at is None or found.last_used_at <= now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        return found.user, found

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for personal tokens: the docs page's Authorize button."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your profile page (/profile/).",
        }
