"""Demo connections: the demo municipality's central channels on all five platforms, connected to
the platform simulator's default accounts (same ids and tokens after every simulator reset), so
`make run` fills the queue from the simulator's demo stream within a minute."""

from django.conf import settings
from django.db import transaction

from accounts import connect_actions
from accounts.models import Channel, Platform
from accounts.rules import may_connect

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
        if not may_connect(channel):
            continue
        # Through the product's own action, so a Facebook or Instagram channel gets its
        # webhooks switched on (after the commit, by the worker) like any other connection.
        with transaction.atomic():
            connection = connect_actions.connect_channel(
                channel,
                account_id=spec["id"],
                token=spec["token"],
                polling_enabled=simulate,
                acting_user=None,
            )
            connection.extra = EXTRA.get(spec["platform"], {})
            # A fresh start each load: the simulator may have been restarted since; the
            # idempotent store keeps anything read twice from becoming two items.
            connection.cursor = {}
            connection.save(update_fields=["extra", "cursor"])
        connected += 1
    where = settings.SIMULATOR_URL if simulate else "no simulator (polling off)"
    stdout.write(f"Demo connections: {connected} channels → {where}")
