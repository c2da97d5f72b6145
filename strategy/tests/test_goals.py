"""Goal progress from snapshots and queue items, with the trend forecast, through the pages and
the API; figures worked out by hand."""

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD
from strategy.metrics import goal_progress
from strategy.models import Goal
from strategy.tests.conftest import NOW, own_post_history, snapshot_history
from strategy.views import goals_with_channels

OCT_1 = date(2026, 10, 1)


def make_goal(title, metric, target, *, channels=(), start=OCT_1, deadline=date(2026, 12, 30)):
    goal = Goal.objects.create(
        title=title, metric=metric, target_value=target, start_date=start, deadline=deadline
    )
    goal.channels.set(channels)
    return goal


@pytest.fixture
def follower_goals(org):
    a, b = org.channels["a"], org.channels["b"]
    # 30 days from 1 October: channel a 1000 + 10 a day, channel b 500 + 5 a day
    snapshot_history(a, start=OCT_1, days=30, followers=1000, per_day=10)
    snapshot_history(b, start=OCT_1, days=30, followers=500, per_day=5)
    return {
        "a": make_goal("Følgere på A", "followers", 2000, channels=[a]),
        "ab": make_goal("Følgere på A og B", "followers", 3000, channels=[a, b]),
        "all": make_goal("Følgere i alt", "followers", 2800),
    }


def _progress(today):
    return {row.goal.title: row for row in goal_progress(goals_with_channels(), today=today)}


def test_follower_goals_per_channel_set_and_across_channels(org, follower_goals):
    progress = _progress(date(2026, 10, 30))
    a = progress["Følgere på A"]
    assert a.points[0] == (OCT_1, 1000.0)
    assert a.points[-1] == (date(2026, 10, 30), 1290.0)
    # +10 a day: 1000 + 10 × 90 = 1900 on 30 December, 90 % of the way to 2000
    assert a.forecast.value_at_deadline == pytest.approx(1900.0)
    assert a.forecast.status == "at_risk"
    assert a.forecast.progress_percent == 29.0
    ab = progress["Følgere på A og B"]
    # 1500 + 15 a day: 2850 at the deadline, 1350 of the 1500 to go = 90 %
    assert ab.points[-1] == (date(2026, 10, 30), 1935.0)
    assert ab.forecast.value_at_deadline == pytest.approx(2850.0)
    assert ab.forecast.status == "at_risk"
    everywhere = progress["Følgere i alt"]
    assert everywhere.points == ab.points
    assert everywhere.forecast.status == "on_track"


def test_own_posts_count_complete_months_only(org):
    a = org.channels["a"]
    own_post_history(a, start=date(2026, 9, 1), days=75, per_day=2)
    make_goal("Opslag", "own_posts_per_month", 50, channels=[a], start=date(2026, 9, 1))
    [row] = goal_progress(goals_with_channels(), today=date(2026, 11, 15))
    # September 30 days × 2, October 31 days × 2; November is not over yet
    assert row.points == [(date(2026, 9, 1), 60.0), (date(2026, 10, 1), 62.0)]
    assert row.forecast.status == "achieved"


@time_machine.travel(NOW, tick=False)
def test_answer_time_goals_from_queue_items(org, report_data):
    make_goal(
        "Svartid på A",
        "median_answer_minutes",
        60,
        channels=[org.channels["a"]],
        start=date(2026, 11, 1),
    )
    make_goal("Overholdelse", "sla_compliance", 90, start=date(2026, 11, 1))
    make_goal("Besvaret", "answered_share", 90, start=date(2026, 11, 1))
    progress = _progress(date(2026, 11, 20))
    assert progress["Svartid på A"].points == [(date(2026, 11, 16), 75.0)]
    assert progress["Svartid på A"].forecast.status == "no_data"
    # all channels: on time 4 of 6 with a decided deadline; answered 5 of 6
    assert progress["Overholdelse"].points == [(date(2026, 11, 16), 66.7)]
    assert progress["Besvaret"].points == [(date(2026, 11, 16), 83.3)]


@pytest.mark.parametrize("days", [10, 60])
def test_goal_progress_queries_do_not_grow(org, django_assert_num_queries, days):
    a, b = org.channels["a"], org.channels["b"]
    snapshot_history(a, start=OCT_1, days=days, followers=100, per_day=1)
    snapshot_history(b, start=OCT_1, days=days, followers=100, per_day=1)
    make_goal("A", "followers", 500, channels=[a])
    make_goal("B", "followers", 500, channels=[b])
    make_goal("Alle", "followers", 500)
    make_goal("Svar", "median_answer_minutes", 30, channels=[a])
    goals = list(goals_with_channels())
    # municipality; followers on chosen channels; followers everywhere; answer times (the
    # channel days)
    with django_assert_num_queries(4):
        goal_progress(goals, today=date(2026, 12, 1))


def _client(client, username):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=username, password=PASSWORD)
    return client


@time_machine.travel("2026-10-30 12:00Z", tick=False)
def test_goal_page_and_api(client, org, follower_goals):
    _client(client, "manager_a")
    goal = follower_goals["a"]
    page = client.get(reverse("strategy:goal-detail", args=[goal.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-chart="goal-chart-{goal.pk}"' in html
    assert "At risk" in html
    response = client.get(reverse("goal-detail", args=[goal.pk]))
    progress = response.json()["progress"]
    assert progress["status"] == "at_risk"
    assert progress["value_at_deadline"] == 1900.0
    assert progress["slope_per_day"] == pytest.approx(10.0)
    assert progress["points"][-1] == {"date": "2026-10-30", "value": 1290.0}


@time_machine.travel("2026-10-30 12:00Z", tick=False)
@pytest.mark.parametrize("extra", [0, 5])
def test_goal_api_list_queries_are_pinned(
    client, org, follower_goals, django_assert_num_queries, extra
):
    for index in range(extra):
        make_goal(f"Ekstra {index}", "followers", 10, channels=[org.channels["b"]])
    _client(client, "comms")
    # session, user, memberships with their centres; count, goals, channels; municipality,
    # followers chosen, followers everywhere
    with django_assert_num_queries(9):
        response = client.get(reverse("goal-list"))
    assert response.json()["count"] == 3 + extra


def test_team_creates_a_goal_and_bad_input_is_kept(client, org):
    _client(client, "comms")
    bad = client.post(
        reverse("strategy:goal-create"),
        {
            "title": "Flere følgere",
            "metric": "followers",
            "target_value": "4000",
            "start_date": "2026-12-31",
            "deadline": "2026-01-01",
        },
    )
    assert bad.status_code == 200
    assert "The deadline must come after the start." in bad.content.decode()
    assert 'value="Flere følgere"' in bad.content.decode()
    assert not Goal.objects.exists()
    good = client.post(
        reverse("strategy:goal-create"),
        {
            "title": "Flere følgere",
            "metric": "followers",
            "target_value": "4000",
            "start_date": "2026-01-01",
            "deadline": "2026-12-31",
            "channels": [org.channels["central"].pk],
        },
    )
    goal = Goal.objects.get()
    assert good.status_code == 302
    assert good["Location"] == goal.get_absolute_url()
    assert list(goal.channels.all()) == [org.channels["central"]]
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="strategy.goal_created")
    assert entry.actor == org.users["comms"]
    assert entry.data["goal_id"] == goal.pk
