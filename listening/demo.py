"""Demo listening: two streams on the demo municipality's connected channels (a hashtag on X and
one on Instagram). The simulator's default world holds public posts they find, so the listening
page fills within a minute of `make run`."""

from accounts.models import Channel, ChannelConnection

from .models import ListeningStream

STREAMS = [
    ("x", "Fjordby på X", "#fjordby"),
    ("instagram", "Derfor Fjordby", "#derforfjordby"),
]


def load(*, municipality, units, users, stdout):
    from simulator.demo import MUNICIPALITY

    made = 0
    for platform, name, query in STREAMS:
        channel = (
            Channel.objects.filter(
                platform=platform, name=MUNICIPALITY, owner_unit__municipality=municipality
            )
            .order_by("pk")
            .first()
        )
        if channel is None or not ChannelConnection.objects.filter(channel=channel).exists():
            continue
        # Demo data, written directly like the other apps' demo content: a reload starts the
        # streams afresh (the hits stay; reading again stores nothing twice).
        stream, _ = ListeningStream.objects.update_or_create(
            name=name,
            defaults={"channel": channel, "query": query, "kind": "search", "enabled": True},
        )
        ListeningStream.objects.filter(pk=stream.pk).update(
            cursor={}, next_read_at=None, paused_until=None, state="", last_error=""
        )
        made += 1
    stdout.write(f"Demo listening: {made} streams")
