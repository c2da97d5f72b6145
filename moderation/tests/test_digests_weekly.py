"""The digests, daily or weekly: one e-mail per person and period (the day, or the week from
the chosen weekday), grouped by kind: new items on duty, deadlines approaching, deadlines
passed, crisis mode, other notices."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from governance.models import PersonPreference
from moderation.models import Notification, NotificationKind
from moderation.tasks import send_digests

from .support import item

pytestmark = pytest.mark.django_db

# Monday 16 November 2026, 06:00 UTC (07:00 in Copenhagen)
MONDAY = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)


def _choose(user, delivery, *, weekday=0, language="en"):
    PersonPreference.objects.update_or_create(
        user=user,
        defaults={"notifications": delivery, "digest_weekday": weekday, "language": language},
    )


def _notice(user, kind, message, *, item=None):
    return Notification.objects.create(user=user, kind=kind, message=message, item=item)


def test_the_digest_groups_new_items_on_duty_and_notices_by_kind(org):
    monitor = org.users["monitor"]
    _choose(monitor, "email_digest")
    with time_machine.travel(datetime(2026, 11, 15, 20, 0, tzinfo=UTC), tick=False):
        on_duty = item(
            org.channels["central"],
            text="Mit CPR er 070761-4285",
            received=datetime(2026, 11, 15, 20, 0, tzinfo=UTC),
            assigned_to=monitor,
        )
        _notice(monitor, NotificationKind.SLA_BREACH, "Fristen er overskredet", item=on_duty)
        _notice(monitor, NotificationKind.SLA_WARNING, "Fristen nærmer sig")
        _notice(monitor, NotificationKind.CRISIS, "Krisetilstand er slået til")
        _notice(monitor, NotificationKind.FORWARDED, "Sendt videre")

    with time_machine.travel(MONDAY, tick=False):
        assert send_digests.apply().get() == 1

    [email] = mail.outbox
    assert email.subject == "Your notices: 4 unread on 16/11/2026"
    body = email.body
    headings = ["New items on duty", "Deadlines approaching", "Deadlines passed", "Crisis mode"]
    positions = [
        body.index(f"\n{heading}\n") if heading != headings[0] else body.index(heading)
        for heading in headings
    ]
    assert positions == sorted(positions)
    assert body.index("Other notices") > positions[-1]
    assert "070761-4285" not in body and "Mit CPR er" in body
    assert f"/moderation/items/{on_duty.pk}/" in body


def test_the_weekly_digest_comes_once_a_week_on_the_chosen_day(org):
    comms = org.users["comms"]
    _choose(comms, "email_weekly", weekday=2)  # Wednesday
    with time_machine.travel(MONDAY, tick=False):
        _notice(comms, NotificationKind.SLA_WARNING, "Først")
        assert send_digests.apply().get() == 0  # Monday: not the chosen day
    wednesday = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)
    with time_machine.travel(wednesday, tick=False):
        assert send_digests.apply().get() == 1
        _notice(comms, NotificationKind.SLA_WARNING, "Senere samme dag")
        assert send_digests.apply().get() == 0  # once per period
    with time_machine.travel(datetime(2026, 11, 19, 6, 0, tzinfo=UTC), tick=False):
        assert send_digests.apply().get() == 0  # Thursday: waits for next Wednesday
    with time_machine.travel(datetime(2026, 11, 25, 6, 0, tzinfo=UTC), tick=False):
        assert send_digests.apply().get() == 1

    assert [m.subject for m in mail.outbox] == [
        "Your week's notices: 1 unread on 18/11/2026",
        "Your week's notices: 1 unread on 25/11/2026",
    ]
    assert "Først" in mail.outbox[0].body and "Senere samme dag" in mail.outbox[1].body
    preference = PersonPreference.objects.get(user=comms)
    assert preference.digest_sent_on.isoformat() == "2026-11-25"


def test_the_daily_digest_comes_once_a_day_and_not_when_there_is_nothing(org):
    expert = org.users["expert"]
    _choose(expert, "email_digest", language="da")
    with time_machine.travel(MONDAY, tick=False):
        assert send_digests.apply().get() == 0
        _notice(expert, NotificationKind.CRISIS, "Krise")
        assert send_digests.apply().get() == 1
        _notice(expert, NotificationKind.CRISIS, "Krise igen")
        assert send_digests.apply().get() == 0
    with time_machine.travel(datetime(2026, 11, 17, 6, 0, tzinfo=UTC), tick=False):
        assert send_digests.apply().get() == 1
    assert [m.subject for m in mail.outbox] == [
        "Dine meddelelser: 1 ulæst d. 16.11.2026",
        "Dine meddelelser: 1 ulæst d. 17.11.2026",
    ]
    assert "Krisetilstand" in mail.outbox[0].body


def test_new_items_alone_make_a_digest(org):
    monitor = org.users["monitor"]
    _choose(monitor, "email_digest")
    item(
        org.channels["central"],
        received=datetime(2026, 11, 16, 5, 0, tzinfo=UTC),
        assigned_to=monitor,
    )
    with time_machine.travel(MONDAY, tick=False):
        assert send_digests.apply().get() == 1
    assert mail.outbox[0].subject == "Your notices: 1 new item on duty on 16/11/2026"
