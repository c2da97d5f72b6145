"""The strategy list pages and list endpoints use a fixed number of queries, whatever the
number of plan items, themes, goals and channel purposes."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD
from strategy.models import ChannelStrategy, Goal, PlanItem, YearTheme


def _fill(org, count):
    channels = list(org.channels.values())
    for index in range(count):
        theme = YearTheme.objects.create(
            title=f"Tema {index}", start_date=date(2026, 2, 1), end_date=date(2026, 3, 1)
        )
        item = PlanItem.objects.create(
            title=f"Aktivitet {index}",
            theme=theme,
            owner=org.users["comms"],
            start_date=date(2026, 4, 1 + index),
            end_date=date(2026, 5, 1),
        )
        item.channels.set(channels[: 1 + index % 3])
        goal = Goal.objects.create(
            title=f"Mål {index}",
            metric="followers",
            target_value=100,
            start_date=date(2026, 1, 1),
            deadline=date(2026, 12, 31),
        )
        goal.channels.set(channels[index % 3 : index % 3 + 1])
    for channel in channels:
        ChannelStrategy.objects.get_or_create(channel=channel, defaults={"purposes": ["service"]})


def _login(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username="comms", password=PASSWORD)


# session, user, memberships with their centres (3) before the page's own queries
PAGES = {
    # channels with their purposes; goals, their channels; municipality, followers
    "strategy:overview": 3 + 1 + 2 + 2,
    # themes, plan items, their channels
    "strategy:plan": 3 + 3,
    "strategy:plan-ics": 3 + 3,
    # count, plan items, their channels
    "plan-item-list": 3 + 3,
}


@pytest.mark.parametrize("route", list(PAGES))
def test_list_pages_do_not_grow(client, org, django_assert_num_queries, route):
    _login(client)
    url = reverse(route)
    params = {"year": 2026}
    _fill(org, 2)
    with django_assert_num_queries(PAGES[route]):
        assert client.get(url, params).status_code == 200
    _fill(org, 12)
    with django_assert_num_queries(PAGES[route]):
        assert client.get(url, params).status_code == 200
