"""Own posts and their figures: recording a post (from publishing, or found on the platform),
storing fetched figures with a day's snapshot, and the monthly rollups the goals read.

`record_own_post` is the hook the publishing code calls when a publish is confirmed; the
collector (`strategy/collector.py`) calls `store_fetched` with what the adapters read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.models import Municipality

from .models import FIGURE_NAMES, OwnPost, OwnPostMonth, PostFigures, PostSource
from .models.own_posts import EXCERPT_LENGTH

# Posts younger than this are refreshed at every collection; older ones weekly, for a year.
RECENT_DAYS = 28
RECENT_REFRESH = timedelta(hours=6)
OLD_REFRESH = timedelta(days=7)
KEEP_REFRESHING_DAYS = 365


def municipality_zone() -> ZoneInfo:
    municipality = Municipality.objects.current()
    return ZoneInfo(municipality.time_zone if municipality else "Europe/Copenhagen")


def month_of(moment: datetime, zone: ZoneInfo) -> date:
    """The first day of the month `moment` falls in, in the municipality's time."""
    return moment.astimezone(zone).date().replace(day=1)


def month_bounds(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = datetime(following.year, following.month, 1, tzinfo=zone)
    return start, end


def next_fetch(published_at: datetime, now: datetime) -> datetime | None:
    """When a post's figures are read again: soon while it is recent, weekly for a year, then
    never."""
    age = now - published_at
    if age < timedelta(days=RECENT_DAYS):
        return now + RECENT_REFRESH
    if age < timedelta(days=KEEP_REFRESHING_DAYS):
        return now + OLD_REFRESH
    return None


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def record_own_post(channel, external_id, *, published_at, text, permalink, post_target=None):
    """Record a post the product published on `channel` (idempotent: a second call for the same
    platform id returns the same row). A post the collector had already found on the platform
    becomes "published here". `post_target` is the composed post it came from, where there is
    one: the own post is linked to it."""
    if not external_id:
        raise ValueError("an own post needs the platform's id")
    if published_at is None or timezone.is_naive(published_at):
        raise ValueError("published_at must be timezone-aware")
    with transaction.atomic():
        post, created = OwnPost.objects.select_for_update().get_or_create(
            channel=channel,
            external_id=str(external_id),
            defaults={
                "published_at": published_at,
                "text": _excerpt(text),
                "permalink": permalink or "",
                "source": PostSource.PUBLISHED_HERE,
                "next_fetch_at": timezone.now(),
                "post_target": post_target,
            },
        )
        changed = []
        if not created and post.source != PostSource.PUBLISHED_HERE:
            post.source = PostSource.PUBLISHED_HERE
            changed.append("source")
        if not created and post_target is not None and post.post_target_id is None:
            post.post_target = post_target
            changed.append("post_target")
        if changed:
            post.save(update_fields=changed)
        if created:
            zone = municipality_zone()
            transaction.on_commit(
                lambda: refresh_months(channel.pk, {month_of(published_at, zone)}, zone=zone)
            )
    return post


def store_fetched(channel, fetched, *, now=None, zone=None) -> list[OwnPost]:
    """Store the posts an adapter read (`platforms.base.OwnPostFigures`) on `channel`: new ones
    as found on the platform, every one's figures and today's snapshot, then the months they
    fall in. A fixed number of queries per call, whatever the number of posts."""
    now = now or timezone.now()
    zone = zone or municipality_zone()
    fetched = [item for item in fetched if item.published_at is not None]
    if not fetched:
        return []
    by_id = {item.external_id: item for item in fetched}
    today = now.astimezone(zone).date()
    with transaction.atomic():
        existing = {
            post.external_id: post
            for post in OwnPost.objects.select_for_update().filter(
                channel=channel, external_id__in=list(by_id)
            )
        }
        new = [
            OwnPost(
                channel=channel,
                external_id=external_id,
                published_at=item.published_at,
                text=_excerpt(item.text),
                permalink=(item.permalink or "")[:500],
                source=PostSource.FOUND,
            )
            for external_id, item in by_id.items()
            if external_id not in existing
        ]
        OwnPost.objects.bulk_create(new, ignore_conflicts=True)
        posts = list(OwnPost.objects.filter(channel=channel, external_id__in=list(by_id)))
        for post in posts:
            item = by_id[post.external_id]
            for name in FIGURE_NAMES:
                setattr(post, name, getattr(item, name))
            post.figures_fetched_at = now
            post.next_fetch_at = next_fetch(post.published_at, now)
            if not post.text and item.text:
                post.text = _excerpt(item.text)
        OwnPost.objects.bulk_update(
            posts, [*FIGURE_NAMES, "figures_fetched_at", "next_fetch_at", "text"]
        )
        PostFigures.objects.filter(post__in=posts, date=today).delete()
        PostFigures.objects.bulk_create(
            [
                PostFigures(
                    post=post,
                    date=today,
                    fetched_at=now,
                    **{name: getattr(post, name) for name in FIGURE_NAMES},
                )
                for post in posts
            ]
        )
        months = {month_of(post.published_at, zone) for post in posts}
        refresh_months(channel.pk, months, zone=zone)
    return posts


def refresh_months(channel_id, months, *, zone=None) -> None:
    """Recount the rollups of `channel_id` for `months` from its posts (one grouped query per
    month, bounded by one channel's posts of one month)."""
    zone = zone or municipality_zone()
    for month in sorted(months):
        start, end = month_bounds(month, zone)
        interaction = Coalesce("reactions", 0) + Coalesce("comments", 0) + Coalesce("shares", 0)
        has_interaction = (
            Q(reactions__isnull=False) | Q(comments__isnull=False) | Q(shares__isnull=False)
        )
        reached = Q(reach__gt=0) & has_interaction
        sums = OwnPost.objects.filter(
            channel_id=channel_id, published_at__gte=start, published_at__lt=end
        ).aggregate(
            n_posts=Count("id"),
            n_with=Count("id", filter=has_interaction),
            n_interactions=Coalesce(Sum(interaction, filter=has_interaction), 0),
            n_reached_posts=Count("id", filter=reached),
            n_reach=Coalesce(Sum("reach", filter=reached), 0),
            n_reached=Coalesce(Sum(interaction, filter=reached), 0),
        )
        figures = {
            "posts": sums["n_posts"],
            "posts_with_interactions": sums["n_with"],
            "interactions": sums["n_interactions"],
            "posts_with_reach": sums["n_reached_posts"],
            "reach": sums["n_reach"],
            "reached_interactions": sums["n_reached"],
        }
        OwnPostMonth.objects.update_or_create(channel_id=channel_id, month=month, defaults=figures)
