"""Connecting a channel to its platform account and testing the connection. Each function is
one business action: one transaction, its audit row inside it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

import audit
from platforms.errors import NeedsReconnectError, PlatformError

from . import webhook_actions
from .models import ChannelConnection, TokenStatus
from .rules import may_connect


class ConnectionNotAllowed(Exception):
    """The channel is not in a state where it may be connected (not approved, closed)."""


def connect_channel(channel, *, account_id, token, polling_enabled=True, acting_user):
    """Store the platform account id and the API token (encrypted) for `channel`. A new token
    starts untested; polling starts with the next cycle and reaches back the first-import days.
    Changing the account starts over: the old account's cursor means nothing for the new one."""
    if not may_connect(channel):
        raise ConnectionNotAllowed(channel.pk)
    with transaction.atomic():
        connection = ChannelConnection.objects.select_for_update().filter(
            channel=channel
        ).first() or ChannelConnection(channel=channel)
        account_changed = connection.account_id != account_id
        before = audit.snapshot(connection, "account_id", "polling_enabled")
        connection.account_id = account_id
        connection.set_token(token)
        connection.token_checked_at = None
        connection.token_expires_at = None
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
            after=audit.snapshot(connection, "account_id", "polling_enabled"),
            account_id=account_id,
            account_changed=account_changed,
            polling_enabled=polling_enabled,
        )
        # Meta sends webhooks only to subscribed Pages: queued for after the commit.
        webhook_actions.after_connect(connection)
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
    ok, detail, status = False, "", connection.token_status
    try:
        with factory(connection) as adapter:
            answer = adapter.test_connection()
        ok, status = True, TokenStatus.VALID
        detail = str(answer.get("name") or answer.get("account_id") or "")
    except NeedsReconnectError as exc:
        status, detail = TokenStatus.NEEDS_RECONNECT, exc.message
    except PlatformError as exc:
        # The platform could not answer now (throttled, down): that says nothing about the token.
        detail = exc.message
    with transaction.atomic():
        fields = {"token_checked_at": now}
        if status != connection.token_status:
            fields["token_status"] = status
        ChannelConnection.objects.filter(pk=connection.pk).update(**fields)
        audit.record(
            "channel.connection_tested",
            actor=acting_user,
            obj=connection,
            channel=channel,
            before={"token_status": connection.token_status},
            after={"token_status": status},
            ok=ok,
            token_status=status,
            detail=detail[:500],
        )
    return ok, detail
