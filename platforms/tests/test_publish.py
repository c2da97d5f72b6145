"""Publishing a text post on the account's own page (a closing notice) through each adapter,
against the simulator: the post lands once, every fault is classified, a lost answer is
resolved by finding the post, and the platforms that cannot publish text say so up front."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from platforms.config import GRAPH_VERSION, LINKEDIN_VERSION, connection_for
from platforms.errors import (
    BadDataError,
    NeedsReconnectError,
    NotSupportedError,
    PlatformError,
    ThrottledError,
    TransientError,
    WriteRejectedError,
)
from platforms.registry import adapter_class, get_adapter
from platforms.tests.canned import Canned, CannedServer

PUBLISHING = ["facebook", "linkedin", "x"]
NOTICE = "Denne side lukker 1. marts. Følg os på kommunens hovedside."


def posts_published(sim, platform):
    return [
        (action["text"], action["result_id"])
        for action in sim.actions(platform=platform, kind="post")
    ]


@pytest.mark.parametrize("platform", PUBLISHING)
def test_a_post_is_published_once_and_can_be_found_again(sim, clock, make_adapter, platform):
    adapter = make_adapter(platform)

    result = adapter.publish(NOTICE, idempotency_key="notice-1")
    again = adapter.publish(NOTICE, idempotency_key="notice-1")
    found = adapter.find_own_post(NOTICE, since=clock.now - timedelta(minutes=5))

    # One post on the platform, the id the adapter returned is the platform's, and the post is
    # the account's own, newest post (the control API lists it like any other).
    assert posts_published(sim, platform) == [(NOTICE, result.external_id)]
    assert again == result
    assert found is not None and found.external_id == result.external_id
    [listed] = [post for post in sim.get(f"{platform}/posts") if post["id"] == result.external_id]
    assert (listed["message"], listed["own"], listed["deleted"]) == (NOTICE, True, False)


def test_the_post_ids_have_each_platforms_shape(sim, clock, make_adapter):
    facebook = make_adapter("facebook").publish(NOTICE, idempotency_key="f")
    linkedin = make_adapter("linkedin").publish(NOTICE, idempotency_key="l")
    x = make_adapter("x").publish(NOTICE, idempotency_key="x")

    page_id = sim.account("facebook")["id"]
    assert facebook.external_id.startswith(f"{page_id}_")  # "<page>_<post>"
    assert linkedin.external_id.startswith("urn:li:share:")  # from the x-restli-id header
    assert x.external_id.isdigit()


@pytest.mark.parametrize("platform", PUBLISHING)
def test_find_own_post_ignores_other_texts_and_older_posts(sim, clock, make_adapter, platform):
    adapter = make_adapter(platform)
    sim.post_content(
        platform, NOTICE, created_time=(clock.now - timedelta(hours=2)).isoformat()
    )  # the same words, long before this notice was written
    adapter.publish("Et helt andet opslag.", idempotency_key="other")

    assert adapter.find_own_post(NOTICE, since=clock.now - timedelta(minutes=5)) is None


@pytest.mark.parametrize("platform", PUBLISHING)
def test_throttling_is_classified_and_nothing_is_published(sim, clock, make_adapter, platform):
    adapter = make_adapter(platform)
    sim.fault(platform, "throttle", reset_after_seconds=600)

    with pytest.raises(ThrottledError) as caught:
        adapter.publish(NOTICE, idempotency_key="k")

    assert caught.value.resume_at > clock.now
    assert posts_published(sim, platform) == []


@pytest.mark.parametrize("platform", PUBLISHING)
@pytest.mark.parametrize("kind", ["server_error", "html_502"])
def test_a_server_error_is_transient_and_a_retry_publishes(
    sim, clock, make_adapter, platform, kind
):
    adapter = make_adapter(platform)
    sim.fault(platform, kind)

    with pytest.raises(TransientError) as caught:
        adapter.publish(NOTICE, idempotency_key="k")
    # The adapter cannot know the post did not land: the caller must look before resending.
    assert caught.value.outcome_unknown is True
    assert adapter.find_own_post(NOTICE, since=clock.now - timedelta(minutes=5)) is None
    result = adapter.publish(NOTICE, idempotency_key="k")

    assert posts_published(sim, platform) == [(NOTICE, result.external_id)]


@pytest.mark.parametrize("platform", PUBLISHING)
@pytest.mark.parametrize("fault", ["token_expired", "bad_token"])
def test_a_token_the_platform_refuses_asks_for_a_reconnect(
    sim, clock, make_adapter, platform, fault
):
    if fault == "bad_token":
        adapter = make_adapter(platform, token="not-a-token")
    else:
        adapter = make_adapter(platform)
        sim.fault(platform, "token_expired")

    with pytest.raises(NeedsReconnectError):
        adapter.publish(NOTICE, idempotency_key="k")

    assert posts_published(sim, platform) == []


@pytest.mark.parametrize("platform", PUBLISHING)
def test_after_a_timeout_the_post_is_found_and_not_published_twice(
    sim, clock, make_adapter, platform
):
    # Given a publish whose answer never arrives although the platform carried it out
    adapter = make_adapter(platform)
    sim.fault(platform, "timeout")
    with pytest.raises(TransientError) as caught:
        adapter.publish(NOTICE, idempotency_key="k")
    assert caught.value.outcome_unknown is True

    # When another process (a new adapter) looks before resending
    retry = make_adapter(platform)
    found = retry.find_own_post(NOTICE, since=clock.now - timedelta(minutes=5))

    # Then it finds the post that landed, and there is exactly one
    [(text, post_id)] = posts_published(sim, platform)
    assert found is not None and found.external_id == post_id


@pytest.mark.parametrize("platform", PUBLISHING)
def test_a_post_not_yet_readable_is_refused_as_duplicate_when_sent_again(
    sim, clock, make_adapter, platform
):
    # Given a timed-out publish whose post stays out of listings for a while (read-after-write)
    adapter = make_adapter(platform)
    sim.fault(platform, "read_lag", seconds=120)
    sim.fault(platform, "timeout")
    with pytest.raises(TransientError):
        adapter.publish(NOTICE, idempotency_key="k")
    retry = make_adapter(platform)
    assert retry.find_own_post(NOTICE, since=clock.now - timedelta(minutes=5)) is None

    # When it is sent again anyway
    with pytest.raises(WriteRejectedError) as caught:
        retry.publish(NOTICE, idempotency_key="k")

    # Then the platform refuses the copy: one post, and the caller knows it is a duplicate
    assert caught.value.reason == "duplicate"
    assert len(posts_published(sim, platform)) == 1


@pytest.mark.parametrize("platform", PUBLISHING)
def test_a_cut_off_answer_is_bad_data_with_an_unknown_outcome(sim, clock, make_adapter, platform):
    adapter = make_adapter(platform)
    sim.fault(platform, "malformed")

    with pytest.raises((BadDataError, TransientError)) as caught:
        adapter.publish(NOTICE, idempotency_key="k")

    assert caught.value.outcome_unknown is True
    [(_, post_id)] = posts_published(sim, platform)
    assert adapter.find_own_post(NOTICE, since=clock.now - timedelta(minutes=5)).external_id == (
        post_id
    )


def test_linkedin_escapes_reserved_characters_so_the_text_is_not_cut(sim, clock, make_adapter):
    # LinkedIn's "little" commentary cuts a post at the first unescaped "(", "#", "@", "_" …
    adapter = make_adapter("linkedin")
    text = "Siden lukker (1. marts) – skriv til os@fjordby.dk eller #fjordby, se www_fjordby"

    result = adapter.publish(text, idempotency_key="k")
    found = adapter.find_own_post(text, since=clock.now - timedelta(minutes=5))

    assert posts_published(sim, "linkedin") == [(text, result.external_id)]
    assert found.external_id == result.external_id


def test_linkedin_without_a_current_version_is_a_configuration_error(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    sim.fault("linkedin", "version_retired")

    with pytest.raises(PlatformError) as caught:
        adapter.publish(NOTICE, idempotency_key="k")

    assert type(caught.value) is PlatformError
    assert (caught.value.status, caught.value.code) == (426, "NONEXISTENT_VERSION")
    assert posts_published(sim, "linkedin") == []


def test_x_refuses_a_post_longer_than_280_characters(sim, clock, make_adapter):
    adapter = make_adapter("x")

    with pytest.raises(WriteRejectedError) as caught:
        adapter.publish("Lukket. " * 40, idempotency_key="k")

    assert caught.value.reason == "forbidden"
    assert posts_published(sim, "x") == []


@pytest.mark.parametrize("platform", ["instagram", "youtube"])
def test_instagram_and_youtube_say_they_cannot_publish_and_call_nothing(
    sim, clock, make_adapter, platform
):
    adapter = make_adapter(platform)
    calls = sim.calls(platform)

    with pytest.raises(NotSupportedError) as caught:
        adapter.publish(NOTICE, idempotency_key="k")
    if platform == "youtube":
        # Instagram publishes posts with a picture (and looks them up); YouTube none at all.
        with pytest.raises(NotSupportedError):
            adapter.find_own_post(NOTICE, since=clock.now)

    assert adapter_class(platform).capabilities.publish is False
    assert adapter.capabilities.publish_means in str(caught.value)
    assert sim.calls(platform) == calls
    assert sim.actions(platform=platform) == []


@pytest.mark.parametrize("platform", PUBLISHING)
def test_the_publishing_platforms_declare_it(platform):
    capabilities = adapter_class(platform).capabilities
    assert capabilities.publish is True
    assert capabilities.publish_means


def test_a_post_needs_text_and_a_key(make_adapter):
    adapter = make_adapter("facebook")

    with pytest.raises(ValueError):
        adapter.publish("  ", idempotency_key="k")
    with pytest.raises(ValueError):
        adapter.publish(NOTICE, idempotency_key="")


# -- the requests on the wire, against canned answers ----------------------------------------


@pytest.fixture
def canned():
    with CannedServer() as server:
        yield server


def canned_adapter(server, platform, account_id="100"):
    connection = connection_for(platform, account_id, "tok", simulator_url=server.url, timeout=2)
    return get_adapter(platform, connection, clock=lambda: datetime(2026, 3, 1, tzinfo=UTC))


def test_facebook_posts_the_message_to_the_page_feed_with_the_string_true(canned):
    canned.answer("POST", f"/{GRAPH_VERSION}/100/feed", Canned(body={"id": "100_555"}))
    with canned_adapter(canned, "facebook") as adapter:
        result = adapter.publish(NOTICE, idempotency_key="k")

    assert result.external_id == "100_555"
    form = parse_qs(canned.seen[0].body.decode())
    assert form["message"] == [NOTICE]
    assert form["published"] == ["true"]  # form-encoded: never Python's "True"
    assert "access_token" not in form  # the token travels in the header
    assert canned.seen[0].headers["Authorization"] == "Bearer tok"


def test_facebook_success_without_an_id_is_bad_data_with_an_unknown_outcome(canned):
    canned.answer("POST", f"/{GRAPH_VERSION}/100/feed", Canned(body={"success": True}))
    with canned_adapter(canned, "facebook") as adapter, pytest.raises(BadDataError) as caught:
        adapter.publish(NOTICE, idempotency_key="k")

    assert "post was accepted without an id" in str(caught.value)
    assert caught.value.outcome_unknown is True


def test_linkedin_posts_a_public_main_feed_post_and_reads_the_urn_header(canned):
    canned.answer(
        "POST",
        "/rest/posts",
        Canned(status=201, body=None, headers={"x-restli-id": "urn%3Ali%3Ashare%3A7001"}),
    )
    with canned_adapter(canned, "linkedin", account_id="555") as adapter:
        result = adapter.publish("Vi lukker (snart).", idempotency_key="k")

    assert result.external_id == "urn:li:share:7001"
    seen = canned.seen[0]
    assert seen.headers["LinkedIn-Version"] == LINKEDIN_VERSION
    assert seen.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert seen.headers["Authorization"] == "Bearer tok"
    assert json.loads(seen.body) == {
        "author": "urn:li:organization:555",
        "commentary": "Vi lukker \\(snart\\).",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


def test_linkedin_201_without_a_post_urn_is_bad_data(canned):
    canned.answer("POST", "/rest/posts", Canned(status=201, body=None))
    with canned_adapter(canned, "linkedin") as adapter, pytest.raises(BadDataError) as caught:
        adapter.publish(NOTICE, idempotency_key="k")

    assert caught.value.outcome_unknown is True


def test_x_posts_only_the_text(canned):
    canned.answer(
        "POST", "/2/tweets", Canned(status=201, body={"data": {"id": "1900", "text": NOTICE}})
    )
    with canned_adapter(canned, "x") as adapter:
        result = adapter.publish(NOTICE, idempotency_key="k")

    assert result.external_id == "1900"
    assert json.loads(canned.seen[0].body) == {"text": NOTICE}
    assert canned.seen[0].headers["Authorization"] == "Bearer tok"


# -- pure parts -------------------------------------------------------------------------------


def test_linkedin_little_text_escapes_reserved_characters_but_not_links():
    from platforms.linkedin import little_text, plain_text

    text = "Lukket (1/3) – #tak, @alle, a*b_c~ [x] {y} <z> | \\ se https://fjordby.dk/a_b(c)"

    escaped = little_text(text)

    assert escaped == (
        "Lukket \\(1/3\\) – \\#tak, \\@alle, a\\*b\\_c\\~ \\[x\\] \\{y\\} \\<z\\> \\| \\\\ "
        "se https://fjordby.dk/a_b(c)"
    )
    assert plain_text(escaped) == text


def test_a_linkedin_duplicate_post_is_a_rejected_write_of_reason_duplicate():
    from platforms.classify import classify_linkedin_error

    duplicate = {
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
        "Content is a duplicate of urn:li:share:7141138937766391808",
        "errorDetails": {
            "inputErrors": [
                {"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}
            ]
        },
        "status": 422,
    }
    invalid = {"message": "ERROR :: /visibility :: invalid value", "status": 422}
    now = datetime(2026, 3, 1, tzinfo=UTC)

    as_write = classify_linkedin_error(status=422, body=duplicate, now=now, write=True)
    by_message = classify_linkedin_error(
        status=422, body={"message": duplicate["message"], "status": 422}, now=now, write=True
    )
    other = classify_linkedin_error(status=422, body=invalid, now=now, write=True)

    assert isinstance(as_write, WriteRejectedError) and as_write.reason == "duplicate"
    assert by_message.reason == "duplicate"
    assert isinstance(other, WriteRejectedError) and other.reason == "rejected"
