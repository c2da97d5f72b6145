"""Benchmark of the polling pipeline on PostgreSQL, in a scratch database made for the run.

1. Ingest throughput: items per second through the whole pipeline (parse Graph payloads with
   the Facebook adapter → deadlines → idempotent bulk upsert with thread linking → the intake's
   personal-data scan and flags), next to a bare batched ``INSERT … ON CONFLICT DO NOTHING`` of
   the same rows, interleaved repeats, median; prints the ratio (target ≥ 0.5).
2. API calls per idle channel per poll cycle, per platform, against the simulator (target 1).
3. Detection latency with a real Celery worker and beat: a comment is created on the simulator
   and timed until it is in the queue (target: one poll interval + 5 s).

Run from the project root with PostgreSQL (and Redis, or the file-system broker)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/municipal python benchmarks/ingest.py
        [--items 5000] [--repeats 5] [--latency-samples 6] [--poll-interval 10]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PLATFORMS = ("facebook", "instagram", "linkedin", "x", "youtube")
TARGETS = {"ratio": 0.5, "idle_calls": 1.0, "latency_slack_seconds": 5.0}
# About one comment in fifty carries a personal identification number (a valid Danish CPR).
PERSONAL_ID = "Mit cpr er 070761-4285, kan I hjælpe?"


# Platforms whose channels can have their direct-message inbox polled.
MESSAGING_PLATFORMS = ("facebook", "instagram")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=5000, help="rows per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--latency-samples", type=int, default=6)
    parser.add_argument(
        "--poll-interval", type=int, default=10, help="seconds, for the latency run"
    )
    return parser.parse_args()


def setup_django(poll_interval):
    os.environ["POLL_INTERVAL_SECONDS"] = str(poll_interval)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # Time what production runs: DEBUG (the development default) makes Django keep the text of
    # every statement, which on multi-row INSERTs costs as much as building them.
    settings.DEBUG = False

    if connection.vendor != "postgresql":
        sys.exit("This benchmark compares against PostgreSQL: set DATABASE_URL to a PostgreSQL db.")
    return connection


def create_scratch_database(connection):
    """A fresh, migrated database (test_<name>), dropped at the end of the run."""
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return name


def build_world():
    """The test organisation plus an answer-time policy and opening hours, so deadlines are
    real work, not a missing rule."""
    from django.utils import timezone

    from core.testing import build_org
    from governance.models import AnswerTimeRule, OpeningHours, Policy, PolicyVersion
    from governance.models.policy import PolicyStatus

    org = build_org()
    for weekday in range(5):
        OpeningHours.objects.create(
            municipality=org.municipality,
            weekday=weekday,
            opens=clock_time(8, 0),
            closes=clock_time(15, 0),
        )
    policy = Policy.objects.create(
        municipality=org.municipality, title="Retningslinjer", governs_social_media=True
    )
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        status=PolicyStatus.ADOPTED,
        in_force_from=timezone.now() - timedelta(days=30),
    )
    for platform in PLATFORMS:
        AnswerTimeRule.objects.create(
            version=version,
            platform=platform,
            item_kind="any",
            first_response_minutes=120,
            first_response_clock="opening_hours",
            answer_minutes=3 * 7 * 60,
            answer_clock="opening_hours",
        )
    return org


def graph_payloads(count, run, rng):
    """Facebook Graph comment payloads as `/{post-id}/comments?filter=stream` returns them."""
    post = {"id": f"123_{run}", "permalink_url": "https://www.facebook.com/123/posts/1"}
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    rows = []
    for n in range(count):
        comment_id = f"{run}_{n}"
        raw = {
            "id": comment_id,
            "message": PERSONAL_ID if n % 50 == 7 else f"Hvornår tømmes containerne på vej {n}?",
            "from": {"id": f"u{rng.randint(1, 5000)}", "name": f"Borger {rng.randint(1, 5000)}"},
            "created_time": (start + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "is_hidden": False,
            "permalink_url": f"https://www.facebook.com/123/posts/1?comment_id={comment_id}",
        }
        if n % 4 == 3:
            raw["parent"] = {"id": f"{run}_{n - 1}"}
        rows.append(raw)
    return post, rows


def run_pipeline(channel, adapter, post, payloads, *, intake=True):
    """Parse → deadlines → idempotent upsert (the poll's transaction), then the intake that
    follows on commit (personal-data scan and flags, hide requests, assignment)."""
    from moderation.intake import on_new_items
    from moderation.polling.ingest import deadline_calculator, store_batch

    skipped = []
    items = [adapter._comment_item(raw, post, skipped) for raw in payloads]
    calculator = deadline_calculator(channel)
    stored = store_batch(channel, items, calculator=calculator)
    if intake:
        on_new_items(stored.created_ids)
    return stored.created


def bare_rows(channel, adapter, post, payloads):
    """The rows the pipeline would write, as column values ready for SQL (not timed)."""
    from django.db import connection

    from moderation.models import QueueItem
    from moderation.polling.ingest import build_item, deadline_calculator

    calculator = deadline_calculator(channel)
    now = datetime.now(tz=UTC)
    fields = [f for f in QueueItem._meta.concrete_fields if not f.primary_key]
    rows = []
    for raw in payloads:
        item = build_item(channel, adapter._comment_item(raw, post, []), now, calculator)
        rows.append(tuple(f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields))
    return [f.column for f in fields], rows


def run_bare(columns, rows):
    """One multi-row INSERT … ON CONFLICT DO NOTHING per 500 rows, in one transaction."""
    from django.db import connection, transaction

    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            sql = (
                f"INSERT INTO moderation_queueitem ({names}) VALUES "
                + ", ".join([placeholder] * len(chunk))
                + " ON CONFLICT (platform, external_id) DO NOTHING"
            )
            cursor.execute(sql, [value for row in chunk for value in row])
    return len(rows)


def throughput(org, items, repeats):
    from django.db import transaction

    from accounts.models import ChannelConnection
    from moderation.polling.connections import adapter_for

    channel = org.channels["central"]
    connection = ChannelConnection(channel=channel, account_id="123")
    connection.set_token("benchmark")
    connection.save()
    adapter = adapter_for(connection)
    rng = random.Random(7)
    pipeline_rates, ingest_rates, bare_rates = [], [], []
    for repeat in range(repeats + 1):
        post, payloads = graph_payloads(items, f"p{repeat}", rng)
        started = time.perf_counter()
        with transaction.atomic():
            created = run_pipeline(channel, adapter, post, payloads)
        pipeline = time.perf_counter() - started
        assert created == items, (created, items)
        post, payloads = graph_payloads(items, f"i{repeat}", rng)
        started = time.perf_counter()
        with transaction.atomic():
            run_pipeline(channel, adapter, post, payloads, intake=False)
        ingest = time.perf_counter() - started
        columns, rows = bare_rows(channel, adapter, *graph_payloads(items, f"b{repeat}", rng))
        started = time.perf_counter()
        run_bare(columns, rows)
        bare = time.perf_counter() - started
        if repeat:  # the first round warms caches and connections
            pipeline_rates.append(items / pipeline)
            ingest_rates.append(items / ingest)
            bare_rates.append(items / bare)
    # Idempotence: the same batch again inserts nothing.
    with transaction.atomic():
        again = run_pipeline(channel, adapter, *graph_payloads(items, "p1", random.Random(7)))
    return (
        statistics.median(pipeline_rates),
        statistics.median(ingest_rates),
        statistics.median(bare_rates),
        again,
    )


def idle_calls(org, *, messaging=False):
    """Calls per idle channel per cycle: poll once to set the cursors, then count a quiet cycle.
    With `messaging`, only the platforms with direct messages, their inboxes read too."""
    import requests
    from django.conf import settings

    from accounts.models import Channel, ChannelConnection, ChannelScope, ChannelStatus
    from moderation.polling import poller
    from simulator.demo import DEFAULT_ACCOUNTS
    from simulator.server import start_simulator

    handle = start_simulator()
    settings.SIMULATOR_URL = handle.url
    try:
        ChannelConnection.objects.update(polling_enabled=False)
        specs = [
            spec
            for spec in DEFAULT_ACCOUNTS
            if not messaging or spec["platform"] in MESSAGING_PLATFORMS
        ]
        for spec in specs:
            channel = Channel.objects.create(
                platform=spec["platform"],
                name=f"Idle {spec['platform']}{' with messages' if messaging else ''}",
                owner_unit=org.units["comms"],
                scope=ChannelScope.CENTRAL,
                status=ChannelStatus.ACTIVE,
            )
            connection = ChannelConnection(
                channel=channel, account_id=spec["id"], polling_enabled=True
            )
            if messaging:
                connection.extra = {**(connection.extra or {}), "messaging": True}
            connection.set_token(spec["token"])
            connection.save()
            requests.post(
                f"{handle.url}/_sim/{spec['platform']}/comments",
                json={"message": "Første kommentar", "author_name": "Borger 1"},
                timeout=5,
            ).raise_for_status()
        poller.run_cycle()
        before = requests.get(f"{handle.url}/_sim/stats", timeout=5).json()
        poller.run_cycle()
        after = requests.get(f"{handle.url}/_sim/stats", timeout=5).json()
        return {
            spec["platform"]: after[spec["platform"]]["calls"] - before[spec["platform"]]["calls"]
            for spec in specs
        }
    finally:
        handle.stop()
        ChannelConnection.objects.filter(channel__name__startswith="Idle ").update(
            polling_enabled=False
        )


def detection_latency(org, database_name, samples, poll_interval):
    """Comment created → in the queue, with `celery worker` and `celery beat` as processes."""
    import requests
    from django.db import connection as db

    from accounts.models import Channel, ChannelConnection, ChannelScope, ChannelStatus
    from moderation.models import QueueItem
    from moderation.tests.polling_support import stop_worker, worker_database_url
    from simulator.demo import DEFAULT_ACCOUNTS
    from simulator.server import start_simulator

    handle = start_simulator()
    spec = next(s for s in DEFAULT_ACCOUNTS if s["platform"] == "facebook")
    channel = Channel.objects.create(
        platform="facebook",
        name="Latency",
        owner_unit=org.units["comms"],
        scope=ChannelScope.CENTRAL,
        status=ChannelStatus.ACTIVE,
    )
    ChannelConnection.objects.update(polling_enabled=False)
    connection = ChannelConnection(channel=channel, account_id=spec["id"], polling_enabled=True)
    connection.set_token(spec["token"])
    connection.save()
    db.close()
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "SIMULATOR_URL": handle.url,
        "POLL_INTERVAL_SECONDS": str(poll_interval),
        "PYTHONUNBUFFERED": "1",
    }
    queue_dir = tempfile.mkdtemp(prefix="bench-beat-")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-n",
         f"bench-{uuid.uuid4().hex[:6]}@%h", "--loglevel=WARNING"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    beat = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
         "--schedule", str(Path(queue_dir) / "beat-schedule")],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    latencies = []
    try:
        # The first poll (the first import) settles the cursor.
        deadline = time.monotonic() + 120
        while not ChannelConnection.objects.get(pk=connection.pk).last_polled_at:
            if time.monotonic() > deadline:
                raise SystemExit("the worker never polled: is the broker running?")
            time.sleep(0.2)
        rng = random.Random(3)
        for n in range(samples):
            time.sleep(rng.uniform(0, poll_interval))
            created = requests.post(
                f"{handle.url}/_sim/facebook/comments",
                json={"message": f"Latens {n}", "author_name": "Borger 2"},
                timeout=5,
            ).json()["id"]
            started = time.monotonic()
            while not QueueItem.objects.filter(platform="facebook", external_id=created).exists():
                if time.monotonic() - started > poll_interval * 4 + 30:
                    raise SystemExit("a comment never reached the queue")
                time.sleep(0.05)
            latencies.append(time.monotonic() - started)
    finally:
        stop_worker(beat)
        stop_worker(worker)
        handle.stop()
    return latencies


def main():
    args = parse_args()
    connection = setup_django(args.poll_interval)
    original = connection.settings_dict["NAME"]
    name = create_scratch_database(connection)
    try:
        org = build_world()
        pipeline, ingest, bare, again = throughput(org, args.items, args.repeats)
        ratio = pipeline / bare
        print(f"Ingest, {args.items} rows per batch, median of {args.repeats} (PostgreSQL)")
        print(f"  whole pipeline (parse, deadlines, upsert, intake): {pipeline:10.0f} items/s")
        print(f"  poll transaction only (parse, deadlines, upsert):  {ingest:10.0f} items/s"
              f"  ratio {ingest / bare:.2f}")  # fmt: skip
        print(f"  bare INSERT … ON CONFLICT DO NOTHING:              {bare:10.0f} items/s")
        print(f"  ratio: {ratio:.2f} (target ≥ {TARGETS['ratio']})  "
              f"{'OK' if ratio >= TARGETS['ratio'] else 'BELOW TARGET'}")  # fmt: skip
        print(f"  same batch stored again: {again} new rows (must be 0)")
        calls = idle_calls(org)
        mean = sum(calls.values()) / len(calls)
        print("API calls per idle channel per cycle (target 1):")
        for platform, count in calls.items():
            print(f"  {platform:10s} {count}")
        print(f"  mean       {mean:.1f}")
        with_messages = idle_calls(org, messaging=True)
        print("  with direct messages read too (the channel's messaging switched on):")
        for platform, count in with_messages.items():
            print(f"  {platform:10s} {count}")
        latencies = detection_latency(org, name, args.latency_samples, args.poll_interval)
        bound = args.poll_interval + TARGETS["latency_slack_seconds"]
        print(
            f"Detection latency with a real worker and beat, poll interval {args.poll_interval} s:"
        )
        verdict = "OK" if max(latencies) <= bound else "ABOVE TARGET"
        print(f"  median {statistics.median(latencies):.1f} s, max {max(latencies):.1f} s "
              f"(target ≤ {bound:.0f} s)  {verdict}")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
