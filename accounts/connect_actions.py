"""Connecting a channel to its platform account, testing the connection and renewing its
tokens before they expire. Each function is one business action: one transaction, its audit row
inside it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import audit
from core.permissions import can
from platforms.errors import NeedsReconnectError, PlatformError
from platforms.oauth import AuthorizationError

from . import health, webhook_actions
from .actions import sweep_channel
from .models import ChannelConnection, ConnectedVia, TokenStatus
from .rules import may_connect

logger = logging.getLogger(__name__)

AUDITED_FIELDS = (
    "account_id",
    "polling_enabled",
    "connected_via",
    "token_expires_at",
    "refresh_token_expires_at",
    "granted_scopes",
)


class ConnectionNotAllowed(Exception):
    """The channel is not in a state where it may be connected (not approved, closed)."""


class PastedTokenRefused(Exception):
    """Only a system administrator may connect a channel with a pasted token."""


def may_paste_token(user, channel=None) -> bool:
    """A pasted token skips the platform's own sign-in and renewal: system administrators only
    (`channels.paste_token`); the system itself (no user) may."""
    return user is None or can(user, "channels.paste_token", channel)


def connect_channel(
    channel,
    *,
    account_id,
    token,
    polling_enabled=True,
    acting_user,
    via=ConnectedVia.PASTED,
    refresh_token="",
    token_expires_at=None,
    refresh_token_expires_at=None,
    scopes=(),
    extra=None,
):
    """Store the platform account id and the API tokens (encrypted) for `channel`, with how and
    by whom it was connected. A new token starts untested; polling starts with the next cycle
    and reaches back the first-import days. Changing the account starts over: the old
    account's cursor means nothing for the new one. `extra` adds to the adapter's settings
    (an Instagram account's Page)."""
    if not may_connect(channel):
        raise ConnectionNotAllowed(channel.pk)
    if via == ConnectedVia.PASTED and not may_paste_token(acting_user, channel):
        raise PastedTokenRefused(channel.pk)
    with transaction.atomic():
        connection = ChannelConnection.objects.select_for_update().filter(
            channel=channel
        ).first() or ChannelConnection(channel=channel)
        account_changed = connection.account_id != account_id
        before = audit.snapshot(connection, *AUDITED_FIELDS)
        connection.account_id = account_id
        connection.set_token(token)
        connection.set_refresh_token(refresh_token)
        connection.token_checked_at = None
        connection.token_expires_at = token_expires_at
        connection.refresh_token_expires_at = refresh_token_expires_at
        connection.granted_scopes = list(scopes)
        connection.connected_via = via
        connection.connected_by = acting_user
        connection.connected_at = timezone.now()
        connection.extra = {**(connection.extra or {}), **(extra or {})}
        connection.polling_enabled = polling_enabled
        connection.paused_until = None
        connection.consecutive_failures = 0
        connection.last_error = ""
        connection.next_poll_at = None
        if account_changed:
            connection.cursor = {}
            connection.last_polled_at = None
        connection.save()
        audit.record(
            "channel.connected",
            actor=acting_user,
            obj=connection,
            channel=channel,
            before=before,
            after=audit.snapshot(connection, *AUDITED_FIELDS),
            account_id=account_id,
            account_changed=account_changed,
            polling_enabled=polling_enabled,
            via=via,
        )
        # Meta sends webhooks only to subscribed Pages: queued for after the commit.
        webhook_actions.after_connect(connection)
        # A new token ends a "no valid API token" flag at once, not at the next daily sweep.
        sweep_channel(channel.pk, resolve_only=True)
    return connection


def test_connection(channel, *, acting_user, adapter_factory=None):
    """Make one cheap authenticated call with the stored token and record what it says.
    Returns `(ok, detail)`: the account's name on success, the platform's message otherwise."""
    from moderation.polling.connections import adapter_for

    connection = ChannelConnection.objects.select_related("channel__owner_unit").get(
        channel=channel
    )
    factory = adapter_factory or adapter_for
    now = timezone.now()
    ok, detail, before = False, "", connection.token_status
    refused = None
    try:
        with factory(connection) as adapter:
            answer = adapter.test_connection()
        ok = True
        detail = str(answer.get("name") or answer.get("account_id") or "")
    except NeedsReconnectError as exc:
        refused, detail = exc, exc.message
    except PlatformError as exc:
        # The platform could not answer now (throttled, down): that says nothing about the token.
        detail = exc.message
    newly = False
    with transaction.atomic():
        if ok:
            health.mark_healthy(connection, now=now, acting_user=acting_user, audited=False)
        elif refused is not None:
            newly = health.mark_needs_reconnect(
                connection, error=refused, source=health.TEST, now=now, acting_user=acting_user
            )
        else:
            ChannelConnection.objects.filter(pk=connection.pk).update(token_checked_at=now)
        audit.record(
            "channel.connection_tested",
            actor=acting_user,
            obj=connection,
            channel=channel,
            before={"token_status": before},
            after={"token_status": connection.token_status},
            ok=ok,
            token_status=connection.token_status,
            detail=detail[:500],
        )
    if newly:
        health.tell_people(connection.channel)
    return ok, detail


# --- renewing tokens -------------------------------------------------------------------------

RENEWED = "renewed"
NOT_DUE = "not_due"
RETRY = "retry"
RECONNECT = "needs_reconnect"


@dataclass(frozen=True)
class RenewOutcome:
    status: str
    detail: str = ""


def _margin(platform):
    from platforms.oauth import provider_for

    try:
        return provider_for(platform).renew_margin
    except ValueError:
        return None


def renewal_due(connection, now) -> bool:
    margin = _margin(connection.channel.platform)
    return bool(
        margin is not None
        and connection.refresh_token_encrypted
        and connection.token_expires_at is not None
        and connection.token_expires_at <= now + margin
        and connection.token_status != TokenStatus.NEEDS_RECONNECT
    )


def connections_due_for_renewal(now=None):
    """Ids of connections whose access token expires within its platform's margin."""
    from platforms.oauth import PROVIDERS

    now = now or timezone.now()
    due = Q(pk__in=[])
    for platform, flow in PROVIDERS.items():
        if flow.renew_margin is not None:
            due |= Q(channel__platform=platform, token_expires_at__lte=now + flow.renew_margin)
    return list(
        ChannelConnection.objects.filter(due)
        .exclude(refresh_token_encrypted="")
        .exclude(token_status=TokenStatus.NEEDS_RECONNECT)
        .order_by("token_expires_at", "pk")
        .values_list("pk", flat=True)
    )


def renew_token(connection_id, *, now=None, app_for=None, force=False):
    """Trade the connection's refresh token for new tokens, if its access token is due.

    The row stays locked from reading the refresh token to storing what replaced it: X spends
    the old refresh token with every refresh, so two renewals must never both use it. A
    refusal no new try can cure (invalid_grant, revoked) marks the channel "needs reconnect"
    and tells its people; a passing failure is left for the next round."""
    from platforms.oauth import provider_for

    from . import oauth

    app_for = app_for or (lambda platform: oauth.availability(platform).app)
    notify = None
    with transaction.atomic():
        connection = (
            ChannelConnection.objects.select_for_update(of=("self",))
            .select_related("channel__owner_unit__municipality")
            .filter(pk=connection_id)
            .first()
        )
        if connection is None:
            return RenewOutcome(NOT_DUE)
        now = now or timezone.now()
        if not (force or renewal_due(connection, now)):
            return RenewOutcome(NOT_DUE)
        platform = connection.channel.platform
        app = app_for(platform)
        if app is None:
            logger.warning("cannot renew channel %s: %s is not set up", connection.pk, platform)
            return RenewOutcome(RETRY, "not set up")
        try:
            tokens = provider_for(platform).refresh(
                app,
                connection.get_refresh_token(),
                now=now,
                refresh_expires_at=connection.refresh_token_expires_at,
            )
        except AuthorizationError as exc:
            if not exc.permanent:
                logger.warning("renewal of channel %s failed, retrying: %s", connection.pk, exc)
                return RenewOutcome(RETRY, exc.message)
            if health.mark_needs_reconnect(
                connection,
                error=f"token renewal refused: {exc}",
                source=health.RENEWAL,
                now=now,
            ):
                notify = connection.channel
            outcome = RenewOutcome(RECONNECT, exc.message)
        else:
            before = audit.snapshot(connection, "token_expires_at", "refresh_token_expires_at")
            connection.set_token(tokens.access_token)
            connection.set_refresh_token(tokens.refresh_token)
            connection.token_expires_at = tokens.expires_at
            connection.refresh_token_expires_at = tokens.refresh_expires_at
            connection.granted_scopes = list(tokens.scopes)
            connection.save(
                update_fields=[
                    "token_encrypted",
                    "refresh_token_encrypted",
                    "token_expires_at",
                    "refresh_token_expires_at",
                    "granted_scopes",
                ]
            )
            audit.record(
                "channel.token_renewed",
                obj=connection,
                channel=connection.channel,
                before=before,
                after=audit.snapshot(connection, "token_expires_at", "refresh_token_expires_at"),
                platform=platform,
            )
            # The provider's answer proves the new token: the channel is healthy again.
            health.mark_healthy(connection, now=now)
            outcome = RenewOutcome(RENEWED)
    if notify is not None:
        health.tell_people(notify)
    return outcome


def renew_due_tokens(*, now=None, app_for=None) -> dict[str, int]:
    """Renew every token due (the beat task); each in its own transaction."""
    totals: dict[str, int] = {}
    for pk in connections_due_for_renewal(now):
        outcome = renew_token(pk, now=now, app_for=app_for)
        totals[outcome.status] = totals.get(outcome.status, 0) + 1
    return totals
