"""Private messages on a channel whose token lacks the messaging permission.

A Facebook Page token without `pages_messaging` (or an Instagram one without
`instagram_manage_messages`) is refused the conversations with a permission error (code 10 or
200-299). That must not stop the channel's comments: the adapter reads them anyway and reports
the refusal, and the channel is marked "messages unavailable". Messages are then left out of its
polls and tried again once a day (`MESSAGING_RETRY_HOURS`) or at the first poll after a
reconnect, whichever comes first.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from accounts.models import TokenStatus


def retry_after() -> timedelta:
    return timedelta(hours=getattr(settings, "MESSAGING_RETRY_HOURS", 24))


def wants_messages(connection) -> bool:
    return bool((connection.extra or {}).get("messaging"))


def try_messages(connection, now) -> bool:
    """Whether this poll asks for the channel's messages."""
    if not wants_messages(connection):
        return False
    if connection.messaging_unavailable_since is None:
        return True
    # A new token (a reconnect) is untested until its first poll: it may carry the permission.
    if connection.token_status == TokenStatus.UNTESTED:
        return True
    return connection.messaging_retry_at is None or connection.messaging_retry_at <= now


def record_outcome(connection, refusal: str, now) -> list[str]:
    """Store what this poll learnt about the channel's messages; returns the changed fields
    (the caller saves them with the poll's other changes). Audited when the state flips."""
    import audit

    if refusal:
        fields = ["messaging_retry_at", "messaging_error"]
        connection.messaging_retry_at = now + retry_after()
        connection.messaging_error = refusal[:2000]
        if connection.messaging_unavailable_since is None:
            connection.messaging_unavailable_since = now
            fields.append("messaging_unavailable_since")
            audit.record(
                "channel.messaging_unavailable",
                obj=connection,
                channel=connection.channel,
                note=refusal[:500],
                platform=connection.channel.platform,
            )
        return fields
    if connection.messaging_unavailable_since is None:
        return []
    connection.messaging_unavailable_since = None
    connection.messaging_retry_at = None
    connection.messaging_error = ""
    audit.record(
        "channel.messaging_restored",
        obj=connection,
        channel=connection.channel,
        platform=connection.channel.platform,
    )
    return ["messaging_unavailable_since", "messaging_retry_at", "messaging_error"]
