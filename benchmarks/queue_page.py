"""Benchmark of the queue page at 1,000,000 items: the page's server time (the view's query,
the permission scoping and the rendering of one page of 50 rows) beside the bare SQL for the same
page, timed side by side in one run (interleaved repeats, median). Both the whole page and the
rows HTMX fetches for the live refresh are timed. The figures are information, not a target: the
page is plain querysets and templates, rendered afresh on every request.

Two baselines are printed. "page SQL" replays, straight through a database cursor, every
statement the page itself sent (captured from the view: who the user is, the filter bar's
choices, the page of rows), so the ratio is what Django, the permission layer and the rendering
add on top of the database work the page needs. "rows SQL" is the single hand-written query for
the 51 rows alone, the strictest reading.

Run from the project root against a scratch PostgreSQL database (it is migrated and filled)::

    createdb -h 127.0.0.1 -U postgres queue_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/queue_bench python benchmarks/queue_page.py

The table is filled with one INSERT … SELECT over generate_series, so filling takes seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BARE_COLUMNS = """
SELECT i.id, i.platform, i.kind, i.text, i.author_name, i.received_at, i.answer_due,
       i.answer_warn_at, i.status, i.has_personal_data, i.hidden_on_platform, i.answered_at,
       i.channel_id, c.name, u.username, u.first_name, u.last_name
FROM moderation_queueitem i
JOIN accounts_channel c ON c.id = i.channel_id
LEFT JOIN auth_user u ON u.id = i.assigned_to_id
WHERE i.status IN ('new', 'acknowledged', 'forwarded', 'sending', 'not_sent')
"""
BARE_ORDER = " ORDER BY i.answer_due ASC NULLS LAST, i.id ASC LIMIT 51"
BARE_FIRST = BARE_COLUMNS + BARE_ORDER
BARE_AFTER = (
    BARE_COLUMNS
    + " AND (i.answer_due > %(due)s OR (i.answer_due = %(due)s AND i.id > %(last)s)"
    + " OR i.answer_due IS NULL)"
    + BARE_ORDER
)


# A CSRF secret as a returning user's cookie carries it.
CSRF_SECRET = "bench" * 6 + "ab"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    return parser.parse_args()


def setup():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # Time what production runs: no debug cursor logging every statement, no template debug
    # information (both follow DEBUG, which the development default turns on). The engine is
    # built on first use, after this.
    settings.DEBUG = False
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_world(items: int):
    """One municipality, its team and channels, and `items` queue items (reused if there)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from accounts.models import Channel, ChannelScope, ChannelStatus
    from governance.models import Membership, Municipality, OrgUnit, Role, UnitKind
    from moderation.models import QueueItem

    municipality, _ = Municipality.objects.get_or_create(
        name="Benchby Kommune", defaults={"country": "DK", "time_zone": "Europe/Copenhagen"}
    )
    comms, _ = OrgUnit.objects.get_or_create(
        municipality=municipality, name="Kommunikation", kind=UnitKind.COMMUNICATIONS
    )
    user, created = get_user_model().objects.get_or_create(username="bench-comms")
    if created:
        Membership.objects.create(user=user, unit=comms, role=Role.COMMUNICATIONS)
    channels = []
    for n, platform in enumerate(("facebook", "instagram", "x", "linkedin", "youtube")):
        channel, _ = Channel.objects.get_or_create(
            platform=platform,
            external_id=f"bench-{n}",
            defaults={
                "name": f"Benchby på {platform}",
                "owner_unit": comms,
                "scope": ChannelScope.CENTRAL,
                "status": ChannelStatus.ACTIVE,
            },
        )
        channels.append(channel)
    have = QueueItem.objects.count()
    if have < items:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO moderation_queueitem (
                    channel_id, platform, external_id, kind, parent_external_id,
                    thread_external_id, author_name, author_external_id, text, masked_text,
                    permalink,
                    created_at, received_at, first_response_due, answer_due, status,
                    assigned_to_id, hidden_on_platform, has_personal_data, raw,
                    closed_reason, first_response_escalation, answer_escalation,
                    answer_warn_at, next_deadline
                )
                SELECT
                    (ARRAY[%(c0)s, %(c1)s, %(c2)s, %(c3)s, %(c4)s])[1 + g %% 5],
                    (ARRAY['facebook','instagram','x','linkedin','youtube'])[1 + g %% 5],
                    'bench-item-' || g, 'comment', '', 'post-' || (g / 20),
                    'Borger ' || (g %% 5000), 'author-' || (g %% 5000),
                    'Spørgsmål nummer ' || g || ' om affald, veje og åbningstider i kommunen',
                    -- no personal ids in the text, so the masked text is the text
                    'Spørgsmål nummer ' || g || ' om affald, veje og åbningstider i kommunen',
                    '', now() - make_interval(mins => (g %% 100000)::int),
                    now() - make_interval(mins => (g %% 100000)::int),
                    now() + make_interval(mins => ((g * 7919) %% 200000 - 50000)::int),
                    now() + make_interval(mins => ((g * 7919) %% 400000 - 100000)::int),
                    (ARRAY['new','acknowledged','forwarded','answered','closed'])[1 + g %% 5],
                    CASE WHEN g %% 3 = 0 THEN %(user)s END, false, g %% 97 = 0, '{}'::jsonb,
                    '', 0, 0,
                    now() + make_interval(mins => ((g * 7919) %% 400000 - 200000)::int),
                    now() + make_interval(mins => ((g * 7919) %% 200000 - 50000)::int)
                FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
                """,
                {
                    **{f"c{n}": channel.pk for n, channel in enumerate(channels)},
                    "user": user.pk,
                    "start": have + 1,
                    "stop": items,
                },
            )
            cursor.execute("ANALYZE moderation_queueitem")
        print(f"filled {items - have:,} items in {time.perf_counter() - started:.1f} s")
    return user


def main():
    args = parse_args()
    setup()
    user = build_world(args.items)
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from core.permissions import forget_access
    from moderation.models import OPEN_STATUSES, QueueItem
    from moderation.views import QueueView

    view = QueueView.as_view()
    factory = RequestFactory()

    def page_time(query="", live=False):
        extra = {"HTTP_HX_REQUEST": "true"} if live else {}
        request = factory.get(f"/moderation/{query}", **extra)
        request.user = user
        request.session = {}
        request.LANGUAGE_CODE = "da"
        # What the middleware sets from a signed-in user's CSRF cookie (the view runs bare).
        request.META["CSRF_COOKIE"] = CSRF_SECRET
        forget_access(user)
        started = time.perf_counter()
        response = view(request)  # rendered: the view returns a finished HttpResponse
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed, response

    def page_sql(query, live):
        """Every statement the view sends for this page, with its parameters."""
        forget_access(user)
        with CaptureQueriesContext(connection) as captured:
            page_time(query, live)
        return [entry["sql"] for entry in captured.captured_queries]

    def replay_time(statements):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        return time.perf_counter() - started

    def bare_time(due=None, last=0):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if due is None:
                cursor.execute(BARE_FIRST)
            else:
                cursor.execute(BARE_AFTER, {"due": due, "last": last})
            rows = cursor.fetchall()
        elapsed = time.perf_counter() - started
        assert len(rows) == 51
        return elapsed

    page_time()
    with CaptureQueriesContext(connection) as queries:
        page_time()
    print(f"items in the table: {QueueItem.objects.count():,}; queries per page: {len(queries)}")
    # The cursor after the first page: the second page is a keyset page.
    rows = list(
        QueueItem.objects.filter(status__in=OPEN_STATUSES)
        .order_by("answer_due", "id")
        .values_list("answer_due", "id")[49:50]
    )
    due, last = rows[0]
    cursor = f"{due.isoformat()}~{last}"
    from urllib.parse import quote

    for label, query, live, bare_args in (
        ("first page, whole page", "", False, (None, 0)),
        ("first page, live rows (HTMX)", "", True, (None, 0)),
        ("second page (keyset), whole page", f"?after={quote(cursor)}", False, (due, last)),
        ("second page (keyset), live rows", f"?after={quote(cursor)}", True, (due, last)),
    ):
        statements = page_sql(query, live)
        page_times, bare_times, replay_times = [], [], []
        for _ in range(3):  # warm caches
            page_time(query, live)
            bare_time(*bare_args)
            replay_time(statements)
        for _ in range(args.repeats):
            page_times.append(page_time(query, live)[0])
            replay_times.append(replay_time(statements))
            bare_times.append(bare_time(*bare_args))
        page_ms = statistics.median(page_times) * 1000
        replay_ms = statistics.median(replay_times) * 1000
        bare_ms = statistics.median(bare_times) * 1000
        print(
            f"{label}: queue page {page_ms:.2f} ms; page SQL ({len(statements)} statements) "
            f"{replay_ms:.2f} ms, ratio {page_ms / replay_ms:.2f}x; "
            f"rows SQL alone {bare_ms:.2f} ms, ratio {page_ms / bare_ms:.2f}x"
        )


if __name__ == "__main__":
    main()
