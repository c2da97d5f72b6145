"""Demo connections: the demo municipality's central channels on all five platforms, connected to
the platform simulator's default accounts (same ids and tokens after every simulator reset), so
`make run` fills the queue from the simulator's demo stream within a minute."""

from django.conf import settings

from accounts.models import Channel, ChannelConnection, Platform

# Per-platform switches for the adapters: the demo stream also sends Messenger messages and
# Instagram direct messages.
EXTRA = {Platform.FACEBOOK: {"messaging": True}, Platform.INSTAGRAM: {"messaging": True}}


def load(*, municipality, units, users, stdout):
    """Connect each demo channel named like the simulator's accounts. Polling is switched on only
    when SIMULATOR_URL is set, so a demo database never sends its fake tokens to a real API."""
    # Imported here, not at module level: the simulator is a development tool, and only the demo
    # reads its accounts.
    from simulator.demo import DEFAULT_ACCOUNTS, MUNICIPALITY

    simulate = bool(getattr(settings, "SIMULATOR_URL", ""))
    connected = 0
    for spec in DEFAULT_ACCOUNTS:
        channel = (
            Channel.objects.filter(
                platform=spec["platform"], name=MUNICIPALITY, owner_unit__municipality=municipality
            )
            .order_by("pk")
            .first()
        )
        if channel is None:
            continue
        if not channel.external_id:
            channel.external_id = spec["id"]
            channel.save(update_fields=["external_id"])
        connection = ChannelConnection.objects.filter(channel=channel).first() or (
            ChannelConnection(channel=channel)
        )
        connection.account_id = spec["id"]
        connection.set_token(spec["token"])
        connection.polling_enabled = simulate
        connection.extra = EXTRA.get(spec["platform"], {})
        # A fresh start each load: the simulator may have been restarted since; the idempotent
        # store keeps anything read twice from becoming two items.
        connection.cursor = {}
        connection.next_poll_at = None
        connection.paused_until = None
        connection.consecutive_failures = 0
        connection.last_error = ""
        connection.save()
        connected += 1
    where = settings.SIMULATOR_URL if simulate else "no simulator (polling off)"
    stdout.write(f"Demo connections: {connected} channels → {where}")
