"""Which channel connections are polled at all, and the base interval between polls: shared by
the poller and the quota budget."""

from datetime import timedelta

from django.conf import settings

from accounts.models import ChannelConnection, ChannelStatus, TokenStatus

POLLABLE_TOKENS = (TokenStatus.VALID, TokenStatus.UNTESTED)
POLLED_STATUSES = (ChannelStatus.ACTIVE, ChannelStatus.DORMANT)


def interval() -> timedelta:
    return timedelta(seconds=getattr(settings, "POLL_INTERVAL_SECONDS", 60))


def pollable():
    """Connections that poll at all: enabled, with a usable token, on an active channel."""
    return ChannelConnection.objects.filter(
        polling_enabled=True,
        token_status__in=POLLABLE_TOKENS,
        # Dormant pages are polled too: a new own post is what brings them back to active.
        channel__status__in=POLLED_STATUSES,
    )
