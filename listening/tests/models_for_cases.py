"""A stream and a found post in the personas' organisation, for the permission cases and the
route matrix."""

from datetime import UTC, datetime

from accounts.models import Channel
from listening.models import ListeningHit, ListeningStream


def stream():
    channel = Channel.objects.get(external_id="ig-b")
    found, _ = ListeningStream.objects.get_or_create(
        name="Havnebadet", defaults={"channel": channel, "query": "#havnebad"}
    )
    return found


def hit():
    moment = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    found, _ = ListeningHit.objects.get_or_create(
        stream=stream(),
        external_id="17900000000000001",
        defaults={
            "platform": "instagram",
            "author_name": "@svommer",
            "text": "Koldt men dejligt i havnebadet i dag #havnebad",
            "url": "https://www.instagram.com/p/abc/",
            "published_at": moment,
            "found_at": moment,
            "likes": 12,
            "engagement": 12,
        },
    )
    return found
