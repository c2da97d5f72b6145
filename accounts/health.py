"""A channel's connection health, kept in one place: whether its platform accepts the stored
token, when that was last proven, and the compliance flag "No valid API token" that goes with it.

Every real call with the token reports its outcome here: a poll, the connection test, an
outbox write, a token renewal, a webhook subscription and the daily account figures. A success
marks the token valid and resolves the flag; a refusal no new try can cure marks the channel
"needs reconnect" and raises the flag at once. The channel page, the channel list, the
compliance page and the reports all read the connection row and the stored flags, so they
agree without asking the platform themselves; the daily neglect sweep judges the token by the
same rule (`token_issue`).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

import audit

from .models import ChannelConnection, ChannelFlag, FlagKind, TokenStatus

# Where a refusal was met, kept with the audit row ("channel.needs_reconnect").
POLL = "poll"
TEST = "test"
OUTBOX = "outbox"
RENEWAL = "renewal"
WEBHOOKS = "webhooks"
FIGURES = "figures"


def token_issue(connection, *, now, started):
    """Since when the channel has had no usable token, or None while it has one. Pure, no
    queries: `connection` may be None (never connected); `started` is when the channel began
    (its approval, else its creation), the date a never-connected channel is judged from."""
    if connection is None or connection.token_status in (
        TokenStatus.MISSING,
        TokenStatus.NEEDS_RECONNECT,
    ):
        checked = connection.token_checked_at if connection is not None else None
        return checked or started
    if connection.token_expired(now):
        return connection.token_expires_at
    return None


def mark_healthy(connection, *, now=None, acting_user=None, save=True, audited=True):
    """A call with the stored token succeeded: the token is valid as of `now`, and an open
    "No valid API token" flag is resolved. Returns the connection fields changed.

    With `save=False` the caller holds the row locked and saves the returned fields with its own
    (the poller); otherwise one conditional UPDATE stores them, leaving alone a connection whose
    token was removed meanwhile. A recovery from "needs reconnect" is audited, unless the
    caller's own audit row already shows it (`audited=False`, the connection test)."""
    now = now or timezone.now()
    previous = connection.token_status
    connection.token_checked_at = now
    connection.token_status = TokenStatus.VALID
    fields = ["token_checked_at", "token_status"]
    with transaction.atomic():
        if save:
            ChannelConnection.objects.filter(pk=connection.pk).exclude(
                token_status=TokenStatus.MISSING
            ).update(token_checked_at=now, token_status=TokenStatus.VALID)
        resolve_token_flag(connection.channel_id, now=now)
        if previous == TokenStatus.NEEDS_RECONNECT and audited:
            audit.record(
                "channel.token_accepted",
                actor=acting_user,
                obj=connection,
                channel=connection.channel,
                at=now,
                before={"token_status": previous},
                after={"token_status": TokenStatus.VALID},
            )
    return fields


def mark_needs_reconnect(connection, *, error, source, now=None, acting_user=None):
    """The platform refused the token for good (expired, revoked, a permission withdrawn): the
    channel needs reconnecting, its polling stops, and the "No valid API token" flag is raised
    now rather than at the next daily sweep. Returns True when this is news (the connection
    was not marked already): the caller then tells the channel's people (`tell_people`) once
    its transaction has committed."""
    now = now or timezone.now()
    previous = connection.token_status
    connection.token_status = TokenStatus.NEEDS_RECONNECT
    connection.token_checked_at = now
    connection.last_error = str(error)[:2000]
    with transaction.atomic():
        ChannelConnection.objects.filter(pk=connection.pk).update(
            token_status=TokenStatus.NEEDS_RECONNECT,
            token_checked_at=now,
            last_error=connection.last_error,
        )
        raise_token_flag(connection.channel_id, since=now)
        newly = previous != TokenStatus.NEEDS_RECONNECT
        if newly:
            audit.record(
                "channel.needs_reconnect",
                actor=acting_user,
                obj=connection,
                channel=connection.channel,
                at=now,
                note=str(error)[:500],
                before={"token_status": previous},
                after={"token_status": TokenStatus.NEEDS_RECONNECT},
                platform=connection.channel.platform,
                source=source,
            )
    return newly


def tell_people(channel):
    """E-mail and notify the channel's responsible person and deputy that it needs
    reconnecting (after the commit that marked it)."""
    from moderation.polling.notify import send_reconnect_notice

    return send_reconnect_notice(channel)


def raise_token_flag(channel_id, *, since):
    """Open the channel's "No valid API token" flag unless one is open already."""
    if ChannelFlag.objects.open().filter(channel_id=channel_id, kind=FlagKind.TOKEN).exists():
        return False
    try:
        with transaction.atomic():
            ChannelFlag.objects.create(
                channel_id=channel_id, kind=FlagKind.TOKEN, since=since, raised_at=since
            )
    except IntegrityError:
        # Another worker raised it in the meantime (one open flag per kind).
        return False
    return True


def resolve_token_flag(channel_id, *, now):
    """Close the channel's open "No valid API token" flag; how many were closed (0 or 1)."""
    return (
        ChannelFlag.objects.open()
        .filter(channel_id=channel_id, kind=FlagKind.TOKEN)
        .update(resolved_at=now)
    )
