"""Benchmark of the pages and endpoints users list or browsers poll, at 10,000 and at 1,000,000
queue items, side by side in one run (target: 1M / 10k <= 1.5 for each), then a bounded load run
of 30 signed-in users polling on gunicorn against the 1,000,000-item database (target: no
errors, p95 under 100 ms).

Timed through Django's test client (the whole middleware stack, DEBUG off), median of
`--repeats` requests after a warm-up, for the communications team and for a centre manager:
the dashboard, the queue page and its live rows, the queue's counts, the items API's first
page and a page 90 % deep, the channels API, and the answer-times and volume reports.

Two scratch databases are made beside the one DATABASE_URL names (`<name>_10k`, `<name>_1m`),
migrated and filled once with INSERT … SELECT over generate_series (1,000,000 rows take under a
minute), then reused by later runs (`--rebuild` recomputes their counters and channel days).
Both span the same 1,000 days of history, the small one with 10 items a day and the large one
with 1,000: the reports read one row per channel and day, so a report over the last 90 days
finds 90 days in both, and the comparison is about the number of items. One item in twenty is
still open (a pessimistic backlog: 50,000 open items at 1M). The open-item counters and the
channel days are then rebuilt as `repair_counts` would.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale python benchmarks/scale.py
        [--small 10000] [--large 1000000] [--repeats 15] [--users 30] [--seconds 30]
        [--only report] [--skip-load] [--skip-timing] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_RATIO = 1.5
TARGET_P95_MS = 100.0
# Both databases span the same days of history, the small one with fewer items a day: the
# reports read one row per channel and day, so a report over the last 90 days must find 90 days
# in both for the comparison to be about the number of items.
HISTORY_DAYS = 1000
CHANNELS = (
    # (platform, owner unit key)
    ("facebook", "comms"),
    ("instagram", "comms"),
    ("x", "comms"),
    ("linkedin", "comms"),
    ("facebook", "dept_a"),
    ("instagram", "dept_a"),
    ("youtube", "dept_a"),
    ("facebook", "dept_b"),
    ("instagram", "dept_b"),
    ("youtube", "dept_b"),
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--users", type=int, default=30, help="signed-in users in the load run")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load run")
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds each user waits between requests"
    )
    parser.add_argument("--port", type=int, default=8977)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-timing", action="store_true", help="only the load run")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="WORD",
        help="time only the endpoints whose label contains WORD (repeatable), e.g. --only report",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="recompute the counters and channel days of databases filled by an earlier run",
    )
    return parser.parse_args()


# -- databases


def database_url(name):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def scratch_names(small, large):
    base = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "scale"

    def label(n):
        return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"

    return f"{base}_{label(small)}", f"{base}_{label(large)}"


def ensure_database(name):
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def use_database(name):
    from django.core.management import call_command
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)


def setup():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (scratch databases are made beside it).")
    import django

    django.setup()
    from django.conf import settings

    # Time what production runs: no debug cursor logging every statement, no template debug.
    settings.DEBUG = False
    for template in settings.TEMPLATES:
        template.setdefault("OPTIONS", {})["debug"] = False


# -- the world and its items


def build_world():
    """One municipality: the communications team, two centres with a department each, ten
    channels, a team member and the manager of centre A. Reused when there."""
    from django.contrib.auth import get_user_model

    from accounts.models import Channel, ChannelScope, ChannelStatus
    from governance.models import Membership, Municipality, OrgUnit, Role, UnitKind

    municipality, _ = Municipality.objects.get_or_create(
        name="Skalaby Kommune", defaults={"country": "DK", "time_zone": "Europe/Copenhagen"}
    )

    def unit(name, kind, parent=None):
        return OrgUnit.objects.get_or_create(
            municipality=municipality, name=name, kind=kind, defaults={"parent": parent}
        )[0]

    units = {"comms": unit("Kommunikation", UnitKind.COMMUNICATIONS)}
    units["centre_a"] = unit("Center for Teknik", UnitKind.CENTRE)
    units["dept_a"] = unit("Vej og Park", UnitKind.DEPARTMENT, units["centre_a"])
    units["centre_b"] = unit("Center for Kultur", UnitKind.CENTRE)
    units["dept_b"] = unit("Bibliotekerne", UnitKind.DEPARTMENT, units["centre_b"])
    User = get_user_model()
    users = {}
    for username, unit_key, role, lead in (
        ("scale-comms", "comms", Role.COMMUNICATIONS, False),
        ("scale-manager", "centre_a", Role.CENTRE_MANAGER, True),
    ):
        user, created = User.objects.get_or_create(username=username)
        if created:
            Membership.objects.create(user=user, unit=units[unit_key], role=role, is_lead=lead)
        users[username] = user
    channels = []
    for n, (platform, unit_key) in enumerate(CHANNELS):
        channel, _ = Channel.objects.get_or_create(
            platform=platform,
            external_id=f"scale-{n}",
            defaults={
                "name": f"Skalaby {n} på {platform}",
                "owner_unit": units[unit_key],
                "scope": ChannelScope.CENTRAL if unit_key == "comms" else ChannelScope.DECENTRAL,
                "status": ChannelStatus.ACTIVE,
            },
        )
        channels.append(channel)
    return users, channels


FILL = """
INSERT INTO moderation_queueitem (
    channel_id, platform, external_id, kind, parent_external_id, thread_external_id,
    author_name, author_external_id, text, masked_text, permalink, created_at, received_at,
    first_response_due, answer_due, first_response_warn_at, answer_warn_at, status,
    assigned_to_id, hidden_on_platform, has_personal_data, raw, closed_reason,
    first_response_escalation, answer_escalation, next_deadline, first_responded_at,
    answered_at, closed_at
)
SELECT
    (%(channels)s::bigint[])[1 + g %% 10], (%(platforms)s::text[])[1 + g %% 10],
    'scale-item-' || g, 'comment', '', 'post-' || (g / 20),
    'Borger ' || (g %% 5000), 'author-' || (g %% 5000),
    'Spørgsmål nummer ' || g || ' om affald, veje og åbningstider i kommunen',
    -- no personal ids in the text, so the masked text is the text
    'Spørgsmål nummer ' || g || ' om affald, veje og åbningstider i kommunen', '',
    r, r, r + interval '60 minutes', r + interval '1440 minutes',
    r + interval '45 minutes', r + interval '1080 minutes', st,
    CASE WHEN g %% 3 = 0 THEN %(user)s::bigint END, false, g %% 97 = 0, '{}'::jsonb,
    CASE WHEN st = 'closed' THEN 'Ros' ELSE '' END,
    0,
    CASE WHEN st IN ('new', 'acknowledged', 'forwarded', 'sending', 'not_sent') THEN
        CASE WHEN r + interval '1440 minutes' <= now() THEN 2
             WHEN r + interval '1080 minutes' <= now() THEN 1 ELSE 0 END
    ELSE 0 END,
    CASE WHEN st IN ('new', 'acknowledged', 'forwarded', 'sending', 'not_sent') THEN
        CASE WHEN r + interval '1440 minutes' <= now() THEN NULL
             WHEN r + interval '1080 minutes' <= now() THEN r + interval '1440 minutes'
             ELSE r + interval '1080 minutes' END
    END,
    CASE WHEN st = 'answered' THEN r + make_interval(mins => ((g * 7919) %% 2000)::int)
         WHEN st IN ('acknowledged', 'forwarded') THEN r + interval '30 minutes' END,
    CASE WHEN st = 'answered' THEN r + make_interval(mins => ((g * 7919) %% 2000)::int) END,
    CASE WHEN st = 'closed' THEN r + interval '120 minutes' END
FROM (
    SELECT g,
           now() - make_interval(secs => g * 86400.0 * %(days)s / %(total)s) AS r,
           -- by runs of ten rows, so every channel (g mod 10) has open and closed items
           CASE WHEN (g / 10) %% 20 = 0
                THEN (ARRAY['new', 'acknowledged', 'forwarded'])[1 + g %% 3]
                WHEN (g / 10) %% 10 = 1 THEN 'closed' ELSE 'answered' END AS st
    FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
) AS s
"""


def fill(items, users, channels, *, rebuild=False):
    """Fill the queue up to `items` rows spread over `HISTORY_DAYS` days, newest first, then
    rebuild the counters and channel days as `repair_counts` does (also with `rebuild`)."""
    from django.db import connection

    from moderation import counts, rollups
    from moderation.models import QueueItem

    have = QueueItem.objects.count()
    if have >= items and not rebuild:
        return
    started = time.perf_counter()
    if have < items:
        with connection.cursor() as cursor:
            cursor.execute(
                FILL,
                {
                    "channels": [channel.pk for channel in channels],
                    "platforms": [channel.platform for channel in channels],
                    "user": users["scale-comms"].pk,
                    "days": HISTORY_DAYS,
                    "total": items,
                    "start": have + 1,
                    "stop": items,
                },
            )
    filled = time.perf_counter()
    counts.recount()
    rollups.roll_up(start=rollups.window_start(HISTORY_DAYS + 2))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"  filled {max(items - have, 0):,} items in {filled - started:.0f} s; counters, channel "
        f"days and ANALYZE in {time.perf_counter() - filled:.0f} s",
        flush=True,
    )


# -- timing through the test client


def deep_cursor():
    """The items API's cursor 90 % of the way through the dated items (found with OFFSET once,
    here, not by the API)."""
    from moderation.models import QueueItem
    from moderation.pagination import Position

    dated = QueueItem.objects.filter(answer_due__isnull=False)
    offset = int(dated.count() * 0.9)
    due, received, pk = dated.order_by("answer_due", "received_at", "pk").values_list(
        "answer_due", "received_at", "pk"
    )[offset]
    return Position(due, received, pk).encode()


def endpoints(cursor):
    return [
        ("dashboard", "/", {}),
        ("queue page", "/moderation/", {}),
        ("queue live rows", "/moderation/", {"HTTP_HX_REQUEST": "true"}),
        ("queue counts", "/moderation/counts/", {"HTTP_HX_REQUEST": "true"}),
        ("items API, first page", "/api/v1/items/", {}),
        ("items API, 90% deep", f"/api/v1/items/?cursor={cursor}", {}),
        ("channels API", "/api/v1/channels/", {}),
        ("report: answer times", "/strategy/reports/answer-times/", {}),
        ("report: volume", "/strategy/reports/volume/", {}),
    ]


def switch_database(name):
    """Point the default connection at database `name` (connected before anything is timed)."""
    from django.db import connections

    connection = connections["default"]
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def signed_in(users):
    from django.test import Client

    clients = {}
    for username, user in users.items():
        clients[username] = Client()
        clients[username].force_login(user)
    return clients


def time_endpoints(worlds, repeats, only=()):
    """{(endpoint, user): {items: median ms}}: each request timed in turn on each database
    (interleaved, so a busy moment on the machine falls on both); with `only`, just the
    endpoints whose label contains one of its words."""
    result = {}
    labels = [label for label, _url, _extra in endpoints("")]
    for index, label in enumerate(labels):
        if only and not any(word in label for word in only):
            continue
        for username in ("scale-comms", "scale-manager"):
            times = {items: [] for items in worlds}
            for repeat in range(repeats + 2):
                for items, world in worlds.items():
                    switch_database(world["name"])
                    _label, url, extra = endpoints(world["cursor"])[index]
                    client = world["clients"][username]
                    started = time.perf_counter()
                    response = client.get(url, **extra)
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, (label, username, response.status_code)
                    if repeat >= 2:  # the first two warm up
                        times[items].append(elapsed)
            result[(label, username)] = {
                items: statistics.median(values) * 1000 for items, values in times.items()
            }
    return result


# -- the load run


def session_cookies(users, count):
    """`count` signed-in sessions, two team members to each centre manager."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    ordered = [users["scale-comms"], users["scale-comms"], users["scale-manager"]]
    for n in range(count):
        client = Client()
        client.force_login(ordered[n % 3])
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return cookies


def load_run(args, large_name, users):
    import requests

    cookies = session_cookies(users, args.users)
    load_before = os.getloadavg()[0]  # other work on the machine shows in the latencies
    env = {
        **os.environ,
        "DATABASE_URL": database_url(large_name),
        "DJANGO_SETTINGS_MODULE": "scale_settings",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--pythonpath",
            str(BASE_DIR / "benchmarks"),
            "--chdir",
            str(BASE_DIR),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(150):  # until every worker has started and answers
            try:
                requests.get(f"{base}/", timeout=5, allow_redirects=False)
                break
            except requests.RequestException:
                time.sleep(0.2)
        polled = [
            ("/moderation/", {"HX-Request": "true"}),
            ("/moderation/counts/", {"HX-Request": "true"}),
            ("/", {}),
        ]
        latencies, errors, lock = [], [], threading.Lock()

        def user(cookie, deadline):
            session = requests.Session()
            session.headers["Cookie"] = f"sessionid={cookie}"
            # Warm the worker's connection and this user's first request before timing.
            session.get(f"{base}/moderation/counts/", timeout=10)
            turn = 0
            while time.monotonic() < deadline:
                path, headers = polled[turn % len(polled)]
                turn += 1
                started = time.perf_counter()
                try:
                    response = session.get(
                        base + path, headers=headers, timeout=10, allow_redirects=False
                    )
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        if response.status_code != 200:
                            errors.append(f"{path}: {response.status_code}")
                except requests.RequestException as error:
                    with lock:
                        errors.append(f"{path}: {error.__class__.__name__}")
                time.sleep(args.think)

        deadline = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [
            threading.Thread(target=user, args=(cookie, deadline), daemon=True)
            for cookie in cookies
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 30)
        wall = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else float("nan")
    median = statistics.median(latencies) * 1000 if latencies else float("nan")
    print(
        f"\nLoad: {args.users} signed-in users on gunicorn ({args.workers} workers × 4 threads), "
        f"{args.seconds:.0f} s against the {args.large:,}-item database, each polling the queue's "
        f"rows, its counts and the dashboard in turn with {args.think:.1f} s between requests "
        f"(machine load average before/after: {load_before:.1f}/{os.getloadavg()[0]:.1f})"
    )
    print(
        f"  {len(latencies):,} requests, {len(latencies) / wall:.1f} requests/s, "
        f"median {median:.1f} ms, p95 {p95:.1f} ms, errors {len(errors)}"
        f"  [target: no errors, p95 < {TARGET_P95_MS:.0f} ms: "
        f"{'met' if not errors and p95 < TARGET_P95_MS else 'NOT met'}]"
    )
    if errors:
        print("  first errors:", ", ".join(errors[:5]))


def main():
    args = parse_args()
    setup()
    small_name, large_name = scratch_names(args.small, args.large)
    worlds = {}
    for name, items in ((small_name, args.small), (large_name, args.large)):
        print(f"{name}: {items:,} items over {HISTORY_DAYS} days", flush=True)
        ensure_database(name)
        use_database(name)
        users, channels = build_world()
        fill(items, users, channels, rebuild=args.rebuild)
        worlds[items] = {
            "name": name,
            "users": users,
            "clients": signed_in(users),
            "cursor": deep_cursor(),
        }
    if not args.skip_timing:
        print_timings(args, time_endpoints(worlds, args.repeats, args.only))
    if not args.skip_load:
        switch_database(large_name)
        load_run(args, large_name, worlds[args.large]["users"])


def print_timings(args, figures):
    print(
        f"\nServer time per request through the test client, median of {args.repeats} (ms), "
        f"the two databases in turn; target ratio <= {TARGET_RATIO}"
    )
    header = f"{'endpoint':<24} {'user':<8} {args.small:>10,} {args.large:>11,}  ratio"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for (label, username), by_size in figures.items():
        ratio = by_size[args.large] / by_size[args.small]
        worst = max(worst, ratio)
        flag = "" if ratio <= TARGET_RATIO else "  over target"
        print(
            f"{label:<24} {username.removeprefix('scale-'):<8} "
            f"{by_size[args.small]:>10.1f} {by_size[args.large]:>11.1f}  {ratio:>5.2f}x{flag}"
        )
    print(f"worst ratio {worst:.2f}x", flush=True)


if __name__ == "__main__":
    main()
