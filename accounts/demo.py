"""Demo channels: the central team's accounts on all five platforms and a library page."""

from .models import Channel, ChannelScope, ChannelStatus, Platform

DEMO_CHANNELS = [
    # platform, name, handle, unit, scope, responsible, deputy
    (
        Platform.FACEBOOK,
        "Fjordby Kommune",
        "fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        "kommunikationschef",
        "kommunikation",
    ),
    (
        Platform.INSTAGRAM,
        "Fjordby Kommune",
        "fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        "kommunikation",
        "kommunikationschef",
    ),
    (
        Platform.LINKEDIN,
        "Fjordby Kommune",
        "fjordby-kommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        "kommunikationschef",
        "kommunikation",
    ),
    (
        Platform.X,
        "Fjordby Kommune",
        "@fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        "kommunikation",
        "vagt",
    ),
    (
        Platform.YOUTUBE,
        "Fjordby Kommune",
        "@fjordbykommune",
        "Kommunikation",
        ChannelScope.CENTRAL,
        "kommunikation",
        "kommunikationschef",
    ),
    (
        Platform.FACEBOOK,
        "Fjordby Bibliotekerne",
        "fjordbybib",
        "Biblioteker",
        ChannelScope.DECENTRAL,
        "redaktoer.bibliotek",
        "centerchef.kultur",
    ),
]


def load(*, municipality, units, users, stdout):
    for platform, name, handle, unit, scope, responsible, deputy in DEMO_CHANNELS:
        Channel.objects.update_or_create(
            platform=platform,
            name=name,
            defaults={
                "handle": handle,
                "owner_unit": units[unit],
                "scope": scope,
                "responsible": users[responsible],
                "deputy": users[deputy],
                "status": ChannelStatus.ACTIVE,
            },
        )
    stdout.write(f"Demo channels: {len(DEMO_CHANNELS)}")
