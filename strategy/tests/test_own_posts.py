"""Own posts and their figures: record_own_post (the publishing hook), the collector against
the simulator (budgets and classified errors), the goal metrics from the rollups, the page and
the API with their query counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import TokenStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.models import ApiQuotaDay
from moderation.polling.quota import quota_day
from moderation.tests import polling_support
from moderation.tests.polling_support import add_fault, connect, control, make_channel
from platforms.base import OwnPostFigures
from strategy import collector
from strategy.figures import record_own_post, store_fetched
from strategy.metrics import goal_progress
from strategy.models import (
    CollectionStatus,
    FiguresCollection,
    OwnPost,
    OwnPostMonth,
    PostFigures,
    PostSource,
)
from strategy.tests.conftest import own_post_history
from strategy.tests.test_goals import make_goal
from strategy.views import goals_with_channels

MOMENT = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)

simulator_module = polling_support.simulator_module
sim = polling_support.sim


def _login(client, persona="comms", language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.login(username=persona, password=PASSWORD)


# --- record_own_post --------------------------------------------------------------------------


def test_record_own_post_is_idempotent(org):
    channel = org.channels["a"]
    kwargs = {
        "published_at": MOMENT,
        "text": "Åbent hus på rådhuset",
        "permalink": "https://www.facebook.com/1/posts/2",
    }

    first = record_own_post(channel, "1_2", **kwargs)
    second = record_own_post(channel, "1_2", **kwargs)

    assert first.pk == second.pk
    assert OwnPost.objects.count() == 1
    assert (first.source, first.text, first.published_at) == (
        PostSource.PUBLISHED_HERE,
        "Åbent hus på rådhuset",
        MOMENT,
    )
    assert first.next_fetch_at is not None


def test_record_own_post_claims_a_post_found_on_the_platform(org):
    channel = org.channels["a"]
    found = OwnPost.objects.create(
        channel=channel, external_id="1_3", published_at=MOMENT, source=PostSource.FOUND
    )

    post = record_own_post(channel, "1_3", published_at=MOMENT, text="", permalink="")

    assert post.pk == found.pk
    assert OwnPost.objects.get().source == PostSource.PUBLISHED_HERE


def test_record_own_post_refuses_a_naive_time_and_no_id(org):
    with pytest.raises(ValueError):
        record_own_post(
            org.channels["a"], "1_4", published_at=datetime(2026, 1, 1), text="", permalink=""
        )
    with pytest.raises(ValueError):
        record_own_post(org.channels["a"], "", published_at=MOMENT, text="", permalink="")
    assert not OwnPost.objects.exists()


def test_record_own_post_counts_in_the_month_after_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_own_post(org.channels["a"], "1_5", published_at=MOMENT, text="x", permalink="")
    month = OwnPostMonth.objects.get(channel=org.channels["a"])
    assert (month.month, month.posts) == (date(2026, 10, 1), 1)


# --- storing figures --------------------------------------------------------------------------


def test_store_fetched_keeps_missing_figures_as_none_and_snapshots_the_day(org):
    channel = org.channels["central"]
    fetched = [
        OwnPostFigures(
            "9",
            MOMENT,
            "Vejarbejde",
            "https://x.com/i/web/status/9",
            impressions=400,
            reactions=12,
            comments=3,
            shares=2,
        ),
    ]

    store_fetched(channel, fetched, now=MOMENT + timedelta(hours=1))
    store_fetched(channel, fetched, now=MOMENT + timedelta(hours=2))

    post = OwnPost.objects.get()
    assert (post.reach, post.impressions, post.interactions) == (None, 400, 17)
    assert post.engagement_rate is None
    assert post.source == PostSource.FOUND
    assert PostFigures.objects.count() == 1  # one snapshot per post and day
    month = OwnPostMonth.objects.get()
    assert (month.posts, month.posts_with_interactions, month.interactions) == (1, 1, 17)
    assert (month.posts_with_reach, month.reach) == (0, 0)


# --- goals -------------------------------------------------------------------------------------


def test_interaction_goals_from_the_monthly_rollups(org):
    a, b = org.channels["a"], org.channels["b"]
    # September: channel a 30 posts with reach 200 and 10 interactions each
    own_post_history(
        a, start=date(2026, 9, 1), days=30, reach=200, reactions=6, comments=3, shares=1
    )
    # channel b gives no reach: its 30 posts count for interactions per post only
    own_post_history(b, start=date(2026, 9, 1), days=30, reactions=20)
    per_post = make_goal(
        "Interaktioner", "interactions_per_post", 20, channels=[a, b], start=date(2026, 9, 1)
    )
    rate = make_goal("Engagement", "engagement_rate", 4, channels=[a, b], start=date(2026, 9, 1))

    progress = {
        row.goal.pk: row for row in goal_progress(goals_with_channels(), today=date(2026, 10, 20))
    }

    # (30 × 10 + 30 × 20) / 60 posts
    assert progress[per_post.pk].points == [(date(2026, 9, 1), 15.0)]
    # 300 interactions on 6,000 reached: 5 %
    assert progress[rate.pk].points == [(date(2026, 9, 1), 5.0)]


# --- the collector against the simulator -------------------------------------------------------


def _sim_post(sim, platform, message, hours_ago):
    created = (timezone.now() - timedelta(hours=hours_ago)).isoformat()
    return control(sim, "POST", f"{platform}/posts", {"message": message, "created_time": created})


def test_collector_stores_posts_and_figures_once(org, sim):
    connection = connect(make_channel(org, "facebook"))
    post = _sim_post(sim, "facebook", "Svømmehallen åbner igen", 30)

    outcome = collector.collect(connection.pk)
    again = collector.collect(connection.pk, now=timezone.now() + collector.INTERVAL)

    assert outcome.status == CollectionStatus.OK
    assert again.status == CollectionStatus.OK
    stored = OwnPost.objects.get(external_id=post["id"])
    assert stored.source == PostSource.FOUND
    assert stored.reach > 0 and stored.reactions is not None and stored.comments == 0
    assert stored.impressions is None  # Facebook no longer gives impressions
    assert (
        OwnPost.objects.filter(channel=connection.channel).count()
        == 1
        + OwnPost.objects.filter(channel=connection.channel).exclude(external_id=post["id"]).count()
    )
    state = FiguresCollection.objects.get(channel=connection.channel)
    assert state.status == CollectionStatus.OK and state.failures == 0


def test_collector_is_not_due_again_before_its_interval(org, sim):
    connection = connect(make_channel(org, "linkedin"))
    now = timezone.now()
    collector.collect(connection.pk, now=now)

    assert connection.pk not in collector.due_connections(now + timedelta(hours=1))
    assert connection.pk in collector.due_connections(now + collector.INTERVAL)
    assert collector.collect(connection.pk, now=now + timedelta(hours=1)).status == "busy"


def test_collector_waits_for_the_rate_limit_reset(org, sim):
    connection = connect(make_channel(org, "x"))
    add_fault(sim, "x", "throttle", count=1)
    now = timezone.now()

    outcome = collector.collect(connection.pk, now=now)

    state = FiguresCollection.objects.get(channel=connection.channel)
    assert outcome.status == CollectionStatus.THROTTLED
    assert state.next_run_at > now
    assert not OwnPost.objects.exists()


def test_collector_backs_off_after_a_server_error(org, sim):
    connection = connect(make_channel(org, "instagram"))
    add_fault(sim, "instagram", "server_error", count=5)
    now = timezone.now()

    outcome = collector.collect(connection.pk, now=now)

    state = FiguresCollection.objects.get(channel=connection.channel)
    assert (outcome.status, state.failures) == (CollectionStatus.FAILED, 1)
    assert now + timedelta(minutes=10) < state.next_run_at < now + timedelta(minutes=20)


def test_collector_marks_a_refused_token(org, sim):
    connection = connect(make_channel(org, "linkedin"))
    add_fault(sim, "linkedin", "token_expired", count=1)

    outcome = collector.collect(connection.pk)

    connection.refresh_from_db()
    assert outcome.status == CollectionStatus.NEEDS_RECONNECT
    assert connection.token_status == TokenStatus.NEEDS_RECONNECT


def test_youtube_units_are_reads_within_the_budget(org, sim):
    connection = connect(make_channel(org, "youtube"))
    posted = _sim_post(sim, "youtube", "Byrådsmøde 12. oktober", 50)
    now = timezone.now()

    outcome = collector.collect(connection.pk, now=now)

    day = ApiQuotaDay.objects.get(platform="youtube", day=quota_day(now))
    assert outcome.status == CollectionStatus.OK
    # channels, one page of uploads, the videos' statistics; the write reserve untouched
    assert (day.units_read, day.units_written, day.polls) == (3, 0, 0)
    video = OwnPost.objects.get(channel=connection.channel, external_id=posted["id"])
    assert video.reach is None and video.shares is None and video.impressions > 0


def test_youtube_waits_for_the_next_quota_day_when_reads_are_spent(org, sim):
    connection = connect(make_channel(org, "youtube"))
    now = timezone.now()
    # Everything but the write reserve is read already.
    ApiQuotaDay.objects.create(platform="youtube", day=quota_day(now), units_read=7_995)
    calls_before = control(sim, "GET", "stats")["youtube"]["calls"]

    outcome = collector.collect(connection.pk, now=now)

    state = FiguresCollection.objects.get(channel=connection.channel)
    assert outcome.status == CollectionStatus.QUOTA
    assert control(sim, "GET", "stats")["youtube"]["calls"] == calls_before
    assert state.next_run_at > now


# --- page and API -----------------------------------------------------------------------------


def _fill(org, per_channel):
    now = timezone.now()
    for key in ("a", "b", "central"):
        for number in range(per_channel):
            OwnPost.objects.create(
                channel=org.channels[key],
                external_id=f"{key}-{per_channel}-{number}",
                published_at=now - timedelta(minutes=number + 1),
                text=f"Opslag {number}",
                source=PostSource.FOUND,
                reach=100 + number,
                reactions=number,
            )


def test_page_says_which_figures_the_platform_does_not_give(client, org):
    x = make_channel(org, "x", name="Testby på X")
    OwnPost.objects.create(
        channel=x,
        external_id="77",
        published_at=timezone.now(),
        text="Vejret",
        source=PostSource.FOUND,
        impressions=900,
        reactions=4,
    )
    _login(client)

    response = client.get(reverse("strategy:own-posts"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "not given by the platform" in body
    assert "900" in body


def test_page_in_danish(client, org):
    x = make_channel(org, "x", name="Testby på X")
    OwnPost.objects.create(
        channel=x,
        external_id="78",
        published_at=timezone.now(),
        text="Vejret",
        source=PostSource.FOUND,
    )
    _login(client, language="da")

    body = client.get(reverse("strategy:own-posts")).content.decode()

    assert "Vores egne opslag" in body and "gives ikke af platformen" in body


@pytest.mark.parametrize("route", ["strategy:own-posts", "own-post-list"])
def test_lists_keep_their_query_count(client, org, django_assert_num_queries, route):
    _login(client)
    # session, user, memberships (3); municipality (the month's zone); month totals; count;
    # posts with their channels; the page adds the channel choices and the language switch's
    # municipality, the API its token check
    expected = {"strategy:own-posts": 3 + 1 + 1 + 1 + 1 + 1, "own-post-list": 3 + 1 + 1 + 1 + 1}
    _fill(org, 2)
    with django_assert_num_queries(expected[route]):
        assert client.get(reverse(route)).status_code == 200
    _fill(org, 12)
    with django_assert_num_queries(expected[route]):
        assert client.get(reverse(route)).status_code == 200


def test_api_filters_and_marks_good_to_share(client, org):
    _fill(org, 3)
    _login(client)
    channel = org.channels["a"]
    month = timezone.localtime().strftime("%Y-%m")

    listed = client.get(reverse("own-post-list"), {"channel": channel.pk, "month": month}).json()

    assert listed["count"] == 3
    first = listed["results"][0]
    assert first["figures"]["impressions"] is None
    assert "impressions" in first["not_given"]
    assert client.get(reverse("own-post-list"), {"month": "2026-13"}).status_code == 400

    post = OwnPost.objects.get(pk=first["id"])
    response = client.post(
        reverse("own-post-share", args=[post.pk]),
        {"good_to_share": True, "share_text": "Del gerne med dit netværk"},
        content_type="application/json",
    )

    assert response.status_code == 200
    post.refresh_from_db()
    assert post.good_to_share and post.share_text == "Del gerne med dit netværk"
    entry = AuditEntry.objects.get(action="strategy.post_marked_good_to_share")
    assert entry.before == {"good_to_share": False, "share_text": ""}
    assert entry.after == {"good_to_share": True, "share_text": "Del gerne med dit netværk"}


def test_share_page_marks_and_refuses_a_long_text(client, org):
    _fill(org, 1)
    post = OwnPost.objects.filter(channel=org.channels["a"]).get()
    _login(client)
    url = reverse("strategy:own-post-share", args=[post.pk])

    refused = client.post(url, {"good_to_share": "on", "share_text": "x" * 1001})
    saved = client.post(url, {"good_to_share": "on", "share_text": "Del den"})

    assert refused.status_code == 200
    assert saved.status_code == 302
    post.refresh_from_db()
    assert (post.good_to_share, post.share_text, post.marked_by) == (
        True,
        "Del den",
        org.users["comms"],
    )
