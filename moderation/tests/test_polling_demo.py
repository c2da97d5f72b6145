"""The demo: `manage.py demo` connects the demo municipality's channels to the simulator's
default accounts, and one poll cycle brings the citizens' comments of all five platforms in."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import ChannelConnection
from moderation.models import QueueItem
from moderation.polling import poller

from . import polling_support
from .polling_support import add_comment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
simulator_module = polling_support.simulator_module
sim = polling_support.sim

PLATFORMS = ["facebook", "instagram", "linkedin", "x", "youtube"]


def test_the_demo_connects_every_platform_to_the_simulator_and_polling_fills_the_queue(sim):
    # Given the demo loaded twice (it must be idempotent)
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    connections = ChannelConnection.objects.select_related("channel")
    assert sorted(c.channel.platform for c in connections) == PLATFORMS
    assert all(c.polling_enabled for c in connections)

    # When citizens write on every platform and one cycle runs
    ids = {
        p: add_comment(sim, p, f"Hvornår tømmes containerne? ({p})", "Borger 40")["id"]
        for p in PLATFORMS
    }
    totals = poller.run_cycle()

    # Then every comment is in the queue, on the right channel
    assert totals["channels"] == 5
    assert totals.get("stored") == 5
    for platform, external_id in ids.items():
        item = QueueItem.objects.get(platform=platform, external_id=external_id)
        assert item.channel.platform == platform
        assert item.channel.name == "Fjordby Kommune"


def test_without_a_simulator_the_demo_leaves_polling_off(settings):
    settings.SIMULATOR_URL = ""
    out = StringIO()

    call_command("demo", stdout=out)

    assert ChannelConnection.objects.count() == 5
    assert not ChannelConnection.objects.filter(polling_enabled=True).exists()
    assert "polling off" in out.getvalue()
