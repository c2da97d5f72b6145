"""Making and revoking personal API tokens. Each runs in one transaction with its audit row.

A token belongs to the person who made it and acts with that person's permissions (a read-only
one never writes). Only the person makes their own tokens, from a signed-in session (the page or
the API): a token cannot make tokens, so a leaked one cannot outlive its own expiry.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import record, snapshot
from core.bounds import LATEST_DATE

from .models import ApiToken, Municipality, TokenScope
from .tokens import PREFIX_LENGTH, digest, new_secret

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# Enough for every script a person runs; a person with more has forgotten some.
MAX_ACTIVE_TOKENS = 20
AUDITED_FIELDS = ("name", "scope", "prefix", "expires_at", "revoked_at")


class TokenError(Exception):
    """A refusal with a message for the person; `field` names the input it is about and
    `conflict` marks a state that does not allow the step (the API's 409)."""

    def __init__(self, message, *, field=None, conflict=False, code=None):
        super().__init__(message)
        self.field = field
        self.conflict = conflict
        if code:
            self.code = code


def local_zone():
    municipality = Municipality.objects.current()
    return ZoneInfo(municipality.time_zone if municipality else settings.TIME_ZONE)


def expiry_moment(expires_on, zone=None):
    """A token given "expires on D" works through day D: it ends at the next local midnight."""
    zone = zone or local_zone()
    return datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=zone)


def _check(user, name, scope, expires_on, now, zone):
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise TokenError(
            ngettext(
                "The name may be at most %(limit)d character long.",
                "The name may be at most %(limit)d characters long.",
                NAME_MAX_LENGTH,
            )
            % {"limit": NAME_MAX_LENGTH},
            field="name",
        )
    if scope not in TokenScope.values:
        raise TokenError(_("Choose read only, or read and moderate."), field="scope")
    if expires_on is not None:
        today = timezone.localdate(now, zone)
        if expires_on < today:
            raise TokenError(_("The expiry date has passed."), field="expires_on")
        if expires_on > LATEST_DATE:
            raise TokenError(
                _("Give an expiry date before %(date)s.") % {"date": LATEST_DATE.isoformat()},
                field="expires_on",
            )
    active = ApiToken.objects.for_user(user).usable(now).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            ngettext(
                "You have %(count)d active token, the most a person may have: revoke one first.",
                "You have %(count)d active tokens, the most a person may have: revoke one first.",
                active,
            )
            % {"count": active},
            conflict=True,
            code="too_many_tokens",
        )
    return name


@transaction.atomic
def create_token(user, *, name, scope, expires_on=None, acting_user):
    """A new token for `user`, made by `user`: returns (token, secret). The secret is the only
    copy of the token; it cannot be shown again."""
    if acting_user is None or acting_user.pk != user.pk:
        raise TokenError(_("Only the person themselves can make their API tokens."))
    now = timezone.now()
    zone = local_zone()
    name = _check(user, name, scope, expires_on, now, zone)
    secret = new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        digest=digest(secret),
        created_at=now,
        expires_at=expiry_moment(expires_on, zone) if expires_on else None,
    )
    record(
        "api_token.create",
        actor=acting_user,
        obj=token,
        after=snapshot(token, *AUDITED_FIELDS),
        person=user.pk,
    )
    return token, secret


@transaction.atomic
def revoke_token(token, *, acting_user):
    """Revoke one of the person's own tokens at once; its next request gets 401."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if acting_user is None or acting_user.pk != token.user_id:
        raise TokenError(_("Only the person themselves can revoke their API tokens."))
    if token.revoked_at is not None:
        raise TokenError(_("The token has already been revoked."), conflict=True)
    before = snapshot(token, *AUDITED_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "api_token.revoke",
        actor=acting_user,
        obj=token,
        before=before,
        after=snapshot(token, *AUDITED_FIELDS),
        person=token.user_id,
    )
    return token
