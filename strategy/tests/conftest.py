"""Hand-computed fixtures for the reports: items with known answer times, removals, snapshots."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import AuditEntry
from moderation.models import QueueItem

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen


def answer(item, at):
    """Record an answer the way the queue does: the reply in the audit trail, and the item's
    answered and first-responded times."""
    with time_machine.travel(at, tick=False):
        AuditEntry.objects.create(action="reply", item=item, channel=item.channel)
    QueueItem.objects.filter(pk=item.pk).update(
        status="answered", answered_at=at, first_responded_at=at
    )


def make_item(channel, key, *, received=RECEIVED, due_minutes=120, answered_after=None, **extra):
    item = QueueItem.objects.create(
        channel=channel,
        platform=channel.platform,
        external_id=f"report-{key}",
        kind="comment",
        author_name=f"Borger {key}",
        text="Hvornår åbner svømmehallen?",
        created_at=received,
        received_at=received,
        answer_due=received + timedelta(minutes=due_minutes),
        **extra,
    )
    if answered_after is not None:
        answer(item, received + timedelta(minutes=answered_after))
    return item


def remove(item, action, reason, at, *, status="sent"):
    """A hide or delete of `item` for `reason`, as the platform answered it at `at`."""
    from moderation.models import OutboxMessage

    with time_machine.travel(at, tick=False):
        AuditEntry.objects.create(action=action, item=item, channel=item.channel, reason=reason)
        return OutboxMessage.objects.create(
            kind=action,
            status=status,
            idempotency_key=f"{action}:{item.pk}:{at.isoformat()}",
            channel=item.channel,
            item=item,
            reason=reason,
            sent_at=at if status == "sent" else None,
        )


@pytest.fixture
def report_data(org):
    """Channel a: answers after 30, 60, 150 (late) and 90 minutes, one open item overdue.
    Channel b: one answer after 10 minutes. Due 120 minutes after receipt (b: 60)."""
    QueueItem.objects.all().delete()
    a, b = org.channels["a"], org.channels["b"]
    items = {
        "a1": make_item(a, "a1", answered_after=30),
        "a2": make_item(a, "a2", answered_after=60),
        "a3": make_item(a, "a3", answered_after=150),
        "a4": make_item(a, "a4", answered_after=90),
        "a5": make_item(a, "a5"),
        "b1": make_item(
            b,
            "b1",
            received=RECEIVED + timedelta(days=1, hours=5),
            due_minutes=60,
            answered_after=10,
        ),
    }
    remove(items["a5"], "hide", "spam", RECEIVED + timedelta(hours=3))
    remove(items["a3"], "delete", "hate", RECEIVED + timedelta(hours=4))
    remove(items["b1"], "hide", "spam", RECEIVED + timedelta(days=1, hours=6))
    roll_up_all()
    return items


def roll_up_all(now=NOW):
    """The sweep's channel days over every item the test wrote (the reports read those)."""
    from moderation.rollups import roll_up

    roll_up(start=date(2025, 1, 1), now=now)


def snapshot_history(channel, *, start: date, days: int, followers: int, per_day: int, posts=1):
    from accounts.models import AccountSnapshot

    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(
            channel=channel,
            date=start + timedelta(days=offset),
            followers=followers + per_day * offset,
            own_posts=posts,
        )
        for offset in range(days)
    )


# The simulator per test module, reset before each test (the publishing tests).
from moderation.tests.polling_support import sim, simulator_module  # noqa: E402, F401


def own_post_history(channel, *, start: date, days: int, per_day: int = 1, **figures):
    """`per_day` own posts at noon UTC on each of `days` days from `start`, with `figures`
    (reach, reactions, ...), and the monthly rollups the goals read."""
    from datetime import time

    from strategy.figures import month_of, refresh_months
    from strategy.models import OwnPost, PostSource

    zone = ZoneInfo("Europe/Copenhagen")
    posts = [
        OwnPost(
            channel=channel,
            external_id=f"{channel.pk}-{offset}-{number}",
            published_at=datetime.combine(start + timedelta(days=offset), time(12), tzinfo=UTC),
            text=f"Opslag {offset}",
            source=PostSource.FOUND,
            **figures,
        )
        for offset in range(days)
        for number in range(per_day)
    ]
    OwnPost.objects.bulk_create(posts)
    refresh_months(channel.pk, {month_of(post.published_at, zone) for post in posts}, zone=zone)
    return posts
