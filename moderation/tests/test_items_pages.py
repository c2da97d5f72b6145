"""The items API's pages: a capped count, and cursor links in the queue's order that read each
page from where the last one ended, in the same number of queries at any depth."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import PASSWORD
from moderation.models import QueueItem

from .support import item

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms(client, org):
    assert client.login(username="comms", password=PASSWORD)
    return client


def _items(org, count):
    """`count` items on the central page; every third without an answer deadline, two
    sharing each deadline (the received time and id decide)."""
    now = timezone.now()
    for n in range(count):
        item(
            org.channels["central"],
            n=100 + n,
            received=now - timedelta(minutes=n),
            answer_due=None if n % 3 == 0 else now + timedelta(hours=n // 2),
        )


def _expected():
    rows = list(QueueItem.objects.values_list("answer_due", "received_at", "pk"))
    dated = sorted(row for row in rows if row[0] is not None)
    undated = sorted((received, pk) for due, received, pk in rows if due is None)
    return [pk for *_, pk in dated] + [pk for _, pk in undated]


def _walk(client, url, link):
    pages = []
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body[link]
    return pages


def test_next_and_previous_links_walk_the_queue_in_order(comms, org):
    _items(org, 11)  # and the fixture's three items without a deadline
    forward = _walk(comms, "/api/v1/items/?page_size=4", "next")
    assert [pk for page in forward for pk in page] == _expected()
    assert [len(page) for page in forward] == [4, 4, 4, 2]
    # From the last page back to the first through the previous links.
    last = comms.get("/api/v1/items/?page_size=4").json()
    while last["next"]:
        last = comms.get(last["next"]).json()
    backward = _walk(comms, last["previous"], "previous")
    assert backward == list(reversed(forward[:-1]))
    first = comms.get("/api/v1/items/?page_size=4").json()
    assert first["previous"] is None
    assert first["count"] == 14


def test_the_count_is_exact_up_to_the_cap_and_then_says_so(comms, org, settings):
    _items(org, 7)
    settings.ITEMS_API_COUNT_CAP = 5
    response = comms.get("/api/v1/items/")
    assert (response.json()["count"], response["X-Count-Exact"]) == (5, "false")
    assert len(response.json()["results"]) == 10
    settings.ITEMS_API_COUNT_CAP = 10
    response = comms.get("/api/v1/items/")
    assert (response.json()["count"], response["X-Count-Exact"]) == (10, "true")


def test_a_filter_keeps_its_place_in_the_links(comms, org):
    _items(org, 6)
    body = comms.get("/api/v1/items/?page_size=2&channel={}".format(org.channels["a"].pk)).json()
    assert (body["count"], body["next"]) == (1, None)
    body = comms.get("/api/v1/items/?page_size=2&status=new").json()
    assert "status=new" in body["next"]


def test_a_broken_cursor_is_a_404_not_a_500(comms, org):
    response = comms.get("/api/v1/items/?cursor=not-a-cursor")
    assert response.status_code == 404


@pytest.mark.parametrize("count", [5, 60])
def test_first_and_deep_pages_cost_the_same_queries(comms, org, count, django_assert_num_queries):
    _items(org, count)
    comms.get("/api/v1/items/")
    # session, user, memberships (access), the capped count, the page (one UNION of the two
    # ranges)
    with django_assert_num_queries(5):
        body = comms.get("/api/v1/items/?page_size=2").json()
    deep = body
    while deep["next"]:
        deep = comms.get(deep["next"]).json()
    with django_assert_num_queries(5):
        comms.get(deep["previous"])
