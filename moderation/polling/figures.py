"""Daily account figures: followers and the account's own posts on one day, per channel, stored
as `AccountSnapshot` rows for the strategy pages and inactivity detection."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts import health
from accounts.models import AccountSnapshot, ChannelConnection, ChannelStatus, TokenStatus
from platforms.errors import NeedsReconnectError, PlatformError

from .connections import adapter_for

logger = logging.getLogger(__name__)


def day_bounds(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC start and end of `day` as the municipality lives it (23 or 25 hours at DST)."""
    zone = ZoneInfo(tz_name)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def fetch_for(connection, day: date, *, adapter_factory=None) -> AccountSnapshot | None:
    """Fetch and store one channel's figures for `day`; None when the platform failed (logged).
    Running it again for the same day updates the row."""
    municipality = connection.channel.owner_unit.municipality
    start, end = day_bounds(day, municipality.time_zone)
    factory = adapter_factory or adapter_for
    try:
        with factory(connection) as adapter:
            figures = adapter.fetch_account_figures(start, end)
    except NeedsReconnectError as exc:
        # A refused token is refused for polling too: the channel needs reconnecting now.
        logger.warning("figures of channel %s: token refused (%s)", connection.channel_id, exc)
        if health.mark_needs_reconnect(connection, error=exc, source=health.FIGURES):
            health.tell_people(connection.channel)
        return None
    except PlatformError as exc:
        logger.warning("figures of channel %s not fetched: %s", connection.channel_id, exc)
        return None
    health.mark_healthy(connection)
    snapshot, _ = AccountSnapshot.objects.update_or_create(
        channel=connection.channel,
        date=day,
        defaults={"followers": figures.followers, "own_posts": figures.posts_in_period},
    )
    return snapshot


def fetch_all(day: date | None = None, *, adapter_factory=None) -> int:
    """Figures for `day` (default: yesterday in each municipality) for every connected channel;
    returns how many snapshots were stored."""
    connections = ChannelConnection.objects.filter(
        token_status__in=(TokenStatus.VALID, TokenStatus.UNTESTED),
        channel__status=ChannelStatus.ACTIVE,
    ).select_related("channel__owner_unit__municipality")
    stored = 0
    for connection in connections:
        target = day
        if target is None:
            zone = ZoneInfo(connection.channel.owner_unit.municipality.time_zone)
            target = timezone.now().astimezone(zone).date() - timedelta(days=1)
        if fetch_for(connection, target, adapter_factory=adapter_factory) is not None:
            stored += 1
    return stored
