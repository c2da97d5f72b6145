"""Thread safety: concurrent control and platform calls keep the world consistent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from platforms.config import GRAPH_VERSION

from .helpers import TIMEOUT, account, add_comment, control

WORKERS = 6
ROUNDS = 15


def test_concurrent_comments_reads_and_replies_lose_nothing(sim):
    # Given the demo page and six workers that each create, list and answer comments
    page = account(sim, "facebook")
    post = sim.state.newest_post("facebook", page["id"]).id

    def worker(number: int) -> tuple[list[str], int]:
        created, calls = [], 0
        with requests.Session() as session:
            for round_number in range(ROUNDS):
                comment = add_comment(sim, "facebook", f"Tråd {number}-{round_number}")["id"]
                created.append(comment)
                listed = session.get(
                    f"{sim.url}/{GRAPH_VERSION}/{post}/comments",
                    params={"access_token": page["token"], "limit": "100"},
                    timeout=TIMEOUT,
                )
                reply = session.post(
                    f"{sim.url}/{GRAPH_VERSION}/{comment}/comments",
                    data={
                        "message": f"Svar {number}-{round_number}",
                        "access_token": page["token"],
                    },
                    timeout=TIMEOUT,
                )
                calls += 2
                assert listed.status_code == 200
                assert reply.status_code == 200
        return created, calls

    # When they run at the same time
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(worker, range(WORKERS)))
    # Then every comment and reply exists once and every call was counted
    created = [comment for ids, _ in results for comment in ids]
    stored = control(sim, "GET", "facebook/comments").json()
    citizen_ids = [c["id"] for c in stored if not c["own"]]
    replies = [c for c in stored if c["own"]]
    assert sorted(citizen_ids) == sorted(created)
    assert len(set(created)) == WORKERS * ROUNDS
    assert sorted(r["parent_id"] for r in replies) == sorted(created)
    actions = control(sim, "GET", "actions").json()
    assert len(actions) == WORKERS * ROUNDS
    assert [a["seq"] for a in actions] == list(range(1, WORKERS * ROUNDS + 1))
    stats = control(sim, "GET", "stats").json()
    assert stats["facebook"]["calls"] == sum(calls for _, calls in results)


def test_concurrent_tweets_get_unique_increasing_ids(sim):
    user = account(sim, "x")

    def worker(number: int) -> list[str]:
        return [add_comment(sim, "x", f"Hej {number}-{n}")["id"] for n in range(ROUNDS)]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        per_worker = list(pool.map(worker, range(WORKERS)))
    ids = [tweet for tweets in per_worker for tweet in tweets]
    assert len(set(ids)) == WORKERS * ROUNDS
    for tweets in per_worker:
        assert [int(t) for t in tweets] == sorted(int(t) for t in tweets)
    stored = [c for c in control(sim, "GET", "x/comments").json() if c["account_id"] == user["id"]]
    assert len(stored) == WORKERS * ROUNDS
