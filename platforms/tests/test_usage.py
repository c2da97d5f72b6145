"""Usage readings from response headers: percentages, regain times, and "unknown" when a header
is missing or unreadable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from platforms.usage import UsageReading, graph_usage, x_usage

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_graph_usage_takes_the_highest_percentage_of_all_headers():
    headers = {
        "X-App-Usage": json.dumps({"call_count": 12, "total_time": 40, "total_cputime": 9}),
        "X-Business-Use-Case-Usage": json.dumps(
            {"1234": [{"type": "pages", "call_count": 81, "total_time": 3, "total_cputime": 2}]}
        ),
    }

    reading = graph_usage(headers, NOW)

    assert reading.percent == 81.0
    assert reading.regain_at is None
    assert reading.is_high() is True
    assert set(reading.headers) == {"x-app-usage", "x-business-use-case-usage"}


def test_graph_usage_regain_time_is_the_latest_of_the_entries():
    headers = {
        "x-business-use-case-usage": json.dumps(
            {
                "1": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 5}],
                "2": [{"type": "pages", "call_count": 20, "estimated_time_to_regain_access": 30}],
            }
        )
    }

    reading = graph_usage(headers, NOW)

    assert reading.regain_at == NOW + timedelta(minutes=30)
    assert reading.percent == 100.0


def test_missing_graph_headers_are_unknown_not_zero():
    reading = graph_usage({"Content-Type": "application/json"}, NOW)

    assert reading.percent is None
    assert reading.known is False
    assert reading.is_high() is False


def test_unreadable_graph_header_is_unknown():
    reading = graph_usage({"X-App-Usage": "{not json"}, NOW)

    assert reading.percent is None


def test_x_usage_turns_remaining_into_a_used_share():
    reset = int((NOW + timedelta(minutes=9)).timestamp())
    headers = {
        "x-rate-limit-limit": "180",
        "x-rate-limit-remaining": "36",
        "x-rate-limit-reset": str(reset),
    }

    reading = x_usage(headers)

    assert reading.percent == 80.0
    assert reading.remaining == 36
    assert reading.limit == 180
    assert reading.reset_at == NOW + timedelta(minutes=9)


def test_x_usage_without_headers_is_unknown():
    reading = x_usage({})

    assert reading == UsageReading()
    assert reading.to_dict() == {
        "percent": None,
        "remaining": None,
        "limit": None,
        "reset_at": None,
        "regain_at": None,
        "headers": {},
    }
