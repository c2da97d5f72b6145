"""Error classification on canned platform bodies: each rule decides whether the poller retries,
pauses until a time, asks for a reconnect, or marks a write as refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from platforms.classify import (
    classify_graph_error,
    classify_linkedin_error,
    classify_x_error,
    classify_youtube_error,
)
from platforms.errors import (
    BadDataError,
    NeedsReconnectError,
    PlatformError,
    ThrottledError,
    TransientError,
    WriteRejectedError,
)
from platforms.usage import graph_usage, x_usage

NOW = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)


def graph_body(code, subcode=None, message="boom"):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Atrace"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


# -- Graph API ----------------------------------------------------------------------------


@pytest.mark.parametrize("subcode", [None, 458, 459, 460, 463, 464, 467])
def test_graph_token_errors_ask_for_reconnect_with_the_subcode(subcode):
    error = classify_graph_error(
        platform="facebook", status=400, body=graph_body(190, subcode), now=NOW
    )

    assert type(error) is NeedsReconnectError
    assert error.code == 190
    assert error.subcode == subcode


@pytest.mark.parametrize("code", [10, 200, 230, 299])
def test_graph_permission_errors_ask_for_reconnect(code):
    error = classify_graph_error(platform="facebook", status=403, body=graph_body(code), now=NOW)

    assert type(error) is NeedsReconnectError


@pytest.mark.parametrize(("platform", "subcode"), [("instagram", 2534022), ("facebook", 2018278)])
def test_a_message_outside_the_24_hour_window_is_a_rejected_write_not_a_permission_loss(
    platform, subcode
):
    error = classify_graph_error(
        platform=platform,
        status=403,
        body=graph_body(10, subcode),
        now=NOW,
        write=True,
    )

    assert type(error) is WriteRejectedError
    assert error.reason == "outside_window"
    assert "24 hours" in str(error)


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_graph_throttle_codes_without_usage_pause_for_the_default(code):
    error = classify_graph_error(platform="facebook", status=400, body=graph_body(code), now=NOW)

    assert type(error) is ThrottledError
    assert error.resume_at == NOW + timedelta(minutes=15)


def test_instagram_throttle_code_uses_the_business_regain_time():
    headers = {
        "X-Business-Use-Case-Usage": json.dumps(
            {
                "17841400000000001": [
                    {
                        "type": "instagram",
                        "call_count": 100,
                        "total_cputime": 12,
                        "total_time": 30,
                        "estimated_time_to_regain_access": 42,
                    }
                ]
            }
        )
    }
    usage = graph_usage(headers, NOW)

    error = classify_graph_error(
        platform="instagram", status=400, body=graph_body(80002), now=NOW, usage=usage
    )

    assert type(error) is ThrottledError
    assert error.resume_at == NOW + timedelta(minutes=42)


def test_graph_blocked_action_waits_an_hour():
    error = classify_graph_error(platform="facebook", status=400, body=graph_body(368), now=NOW)

    assert type(error) is ThrottledError
    assert error.resume_at == NOW + timedelta(hours=1)


@pytest.mark.parametrize("code", [1, 2])
def test_graph_temporary_codes_are_transient(code):
    error = classify_graph_error(platform="facebook", status=500, body=graph_body(code), now=NOW)

    assert type(error) is TransientError


def test_graph_is_transient_flag_is_transient():
    body = graph_body(9999)
    body["error"]["is_transient"] = True

    error = classify_graph_error(platform="facebook", status=400, body=body, now=NOW)

    assert type(error) is TransientError


def test_graph_duplicate_post_is_a_rejected_write():
    error = classify_graph_error(
        platform="facebook", status=400, body=graph_body(506), now=NOW, write=True
    )

    assert type(error) is WriteRejectedError
    assert error.reason == "duplicate"


def test_graph_invalid_parameter_on_a_write_is_an_invalid_target():
    error = classify_graph_error(
        platform="instagram", status=400, body=graph_body(100, 33), now=NOW, write=True
    )

    assert type(error) is WriteRejectedError
    assert error.reason == "invalid_target"
    assert error.subcode == 33


def test_graph_invalid_parameter_on_a_read_is_a_plain_platform_error():
    error = classify_graph_error(platform="facebook", status=400, body=graph_body(100), now=NOW)

    assert type(error) is PlatformError


def test_graph_html_502_is_transient():
    error = classify_graph_error(
        platform="facebook", status=502, body=None, now=NOW, text="<html>Bad Gateway</html>"
    )

    assert type(error) is TransientError
    assert error.raw == "<html>Bad Gateway</html>"


def test_graph_unknown_status_without_body_is_transient():
    error = classify_graph_error(platform="facebook", status=None, body=None, now=NOW)

    assert type(error) is TransientError


def test_graph_200_that_is_not_json_is_bad_data():
    error = classify_graph_error(platform="facebook", status=200, body=None, now=NOW, text="hi")

    assert type(error) is BadDataError


# -- LinkedIn -----------------------------------------------------------------------------


def test_linkedin_invalid_token_asks_for_reconnect():
    body = {"status": 401, "serviceErrorCode": 65600, "message": "Invalid access token"}

    error = classify_linkedin_error(status=401, body=body, now=NOW)

    assert type(error) is NeedsReconnectError
    assert error.code == 65600


def test_linkedin_429_without_header_waits_until_midnight_utc():
    error = classify_linkedin_error(status=429, body=None, now=NOW, text="")

    assert type(error) is ThrottledError
    assert error.resume_at == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)


def test_linkedin_429_with_retry_after_waits_that_long():
    error = classify_linkedin_error(status=429, body=None, now=NOW, headers={"Retry-After": "90"})

    assert type(error) is ThrottledError
    assert error.resume_at == NOW + timedelta(seconds=90)


def test_linkedin_retired_version_is_a_configuration_error():
    body = {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 202001"}

    error = classify_linkedin_error(status=426, body=body, now=NOW)

    assert type(error) is PlatformError
    assert error.code == "NONEXISTENT_VERSION"


def test_linkedin_server_error_is_transient():
    error = classify_linkedin_error(status=503, body={"status": 503, "message": "down"}, now=NOW)

    assert type(error) is TransientError


def test_linkedin_write_to_a_missing_comment_is_an_invalid_target():
    error = classify_linkedin_error(
        status=404, body={"status": 404, "message": "Not found"}, now=NOW, write=True
    )

    assert type(error) is WriteRejectedError
    assert error.reason == "invalid_target"


def test_linkedin_read_forbidden_asks_for_reconnect():
    body = {"status": 403, "serviceErrorCode": 100, "message": "Not enough permissions"}

    error = classify_linkedin_error(status=403, body=body, now=NOW)

    assert type(error) is NeedsReconnectError


# -- X ------------------------------------------------------------------------------------


def test_x_429_waits_until_the_reset_header():
    reset = int((NOW + timedelta(minutes=7)).timestamp())
    headers = {
        "x-rate-limit-limit": "180",
        "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": str(reset),
    }
    body = {"title": "Too Many Requests", "type": "about:blank", "status": 429, "detail": "x"}

    error = classify_x_error(status=429, body=body, now=NOW, usage=x_usage(headers))

    assert type(error) is ThrottledError
    assert error.resume_at == NOW + timedelta(minutes=7)


def test_x_legacy_code_88_is_throttled_for_a_window_without_headers():
    error = classify_x_error(status=429, body={"errors": [{"code": 88}]}, now=NOW)

    assert type(error) is ThrottledError
    assert error.resume_at == NOW + timedelta(minutes=15)


def test_x_401_asks_for_reconnect():
    body = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauth"}

    error = classify_x_error(status=401, body=body, now=NOW)

    assert type(error) is NeedsReconnectError


def test_x_duplicate_reply_is_a_rejected_write():
    body = {
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }

    error = classify_x_error(status=403, body=body, now=NOW, write=True)

    assert type(error) is WriteRejectedError
    assert error.reason == "duplicate"


def test_x_html_503_is_transient():
    error = classify_x_error(status=503, body=None, now=NOW, text="<html>over capacity</html>")

    assert type(error) is TransientError


# -- YouTube ------------------------------------------------------------------------------


def youtube_body(status, reason, domain="youtube.quota"):
    return {
        "error": {
            "code": status,
            "message": "nope",
            "errors": [{"message": "nope", "domain": domain, "reason": reason}],
        }
    }


def test_youtube_quota_waits_until_midnight_pacific():
    # 14:30 UTC on 10 March 2026 is 07:30 PDT (DST began on 8 March); midnight PDT is 07:00 UTC.
    error = classify_youtube_error(status=403, body=youtube_body(403, "quotaExceeded"), now=NOW)

    assert type(error) is ThrottledError
    assert error.resume_at == datetime(2026, 3, 11, 7, 0, tzinfo=UTC)


def test_youtube_quota_before_a_dst_change_uses_standard_time():
    now = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)  # Saturday 12:00 PST

    error = classify_youtube_error(status=403, body=youtube_body(403, "quotaExceeded"), now=now)

    assert error.resume_at == datetime(2026, 3, 8, 8, 0, tzinfo=UTC)


def test_youtube_forbidden_asks_for_reconnect():
    error = classify_youtube_error(
        status=403, body=youtube_body(403, "forbidden", "youtube.comment"), now=NOW
    )

    assert type(error) is NeedsReconnectError
    assert error.code == "forbidden"


def test_youtube_401_asks_for_reconnect():
    error = classify_youtube_error(
        status=401, body=youtube_body(401, "authError", "global"), now=NOW
    )

    assert type(error) is NeedsReconnectError


def test_youtube_rate_limit_waits_a_minute():
    error = classify_youtube_error(
        status=403, body=youtube_body(403, "rateLimitExceeded", "youtube.quota"), now=NOW
    )

    assert type(error) is ThrottledError
    assert error.resume_at == NOW + timedelta(minutes=1)


def test_youtube_reply_to_a_missing_comment_is_an_invalid_target():
    error = classify_youtube_error(
        status=404,
        body=youtube_body(404, "commentNotFound", "youtube.comment"),
        now=NOW,
        write=True,
    )

    assert type(error) is WriteRejectedError
    assert error.reason == "invalid_target"


def test_youtube_500_is_transient():
    error = classify_youtube_error(
        status=500, body=youtube_body(500, "backendError", "global"), now=NOW
    )

    assert type(error) is TransientError


def test_throttled_error_refuses_a_naive_resume_time():
    with pytest.raises(ValueError):
        ThrottledError("x", resume_at=datetime(2026, 1, 1))
