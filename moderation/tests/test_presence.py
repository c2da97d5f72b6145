"""Who else is on an item's page: the heartbeat through the page's own endpoint, seen by the
others who may see the item, forgotten when it stops, and never shown to anyone else."""

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from core.testing import PASSWORD
from moderation import presence

pytestmark = pytest.mark.django_db

START = "2026-11-16 10:00:00+00:00"


@pytest.fixture(autouse=True)
def _no_presence_left_over():
    # The personas' items keep their ids through a module: start from an empty cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(org, client):
    from django.test import Client

    org.users["comms"].first_name, org.users["comms"].last_name = "Anna", "Holm"
    org.users["comms"].save(update_fields=["first_name", "last_name"])
    org.users["monitor"].first_name, org.users["monitor"].last_name = "Bo", "Berg"
    org.users["monitor"].save(update_fields=["first_name", "last_name"])
    anna, bo = client, Client()
    assert anna.login(username="comms", password=PASSWORD)
    assert bo.login(username="monitor", password=PASSWORD)
    anna.cookies["django_language"] = bo.cookies["django_language"] = "en"
    return anna, bo


def _url(item):
    return reverse("moderation:item-presence", args=[item.pk])


def _present(response):
    """(name's sentence, state) per person listed, as the page shows them."""
    from html.parser import HTMLParser

    rows = []

    class Rows(HTMLParser):
        state = None

        def handle_starttag(self, tag, attrs):
            if tag == "li":
                self.state = dict(attrs)["data-presence-state"]
                rows.append(["", self.state])

        def handle_data(self, data):
            if self.state is not None:
                rows[-1][0] += data

        def handle_endtag(self, tag):
            if tag == "li":
                self.state = None

    Rows().feed(response.content.decode())
    return [(text.strip(), state) for text, state in rows]


def test_two_people_on_one_item_see_each_other(people, org):
    anna, bo = people
    target = org.items["central"]
    with time_machine.travel(START, tick=False) as clock:
        # Anna opens the item: nobody else is there
        first = anna.post(_url(target), {"state": "viewing"})
        assert first.status_code == 200
        assert _present(first) == []
        # Bo opens it and starts writing: he sees Anna viewing
        clock.shift(2)
        seen_by_bo = bo.post(_url(target), {"state": "writing"})
        assert _present(seen_by_bo) == [("Anna Holm is viewing", "viewing")]
        # Anna's next heartbeat shows Bo writing, with the hint to agree who answers
        clock.shift(3)
        seen_by_anna = anna.post(_url(target), {"state": "viewing"})
        assert _present(seen_by_anna) == [("Bo Berg is writing a reply", "writing")]
        assert "Agree who answers before you send a reply." in seen_by_anna.content.decode()
        # A GET only reads: it does not put the reader on the list
        assert _present(bo.get(_url(target))) == [("Anna Holm is viewing", "viewing")]
        # In Danish
        anna.cookies["django_language"] = "da"
        danish = anna.post(_url(target), {"state": "viewing"})
        assert _present(danish) == [("Bo Berg skriver et svar", "writing")]


def test_presence_is_per_item(people, org):
    anna, bo = people
    with time_machine.travel(START, tick=False):
        bo.post(_url(org.items["a"]), {"state": "writing"})
        assert _present(anna.post(_url(org.items["central"]))) == []


def test_someone_who_stops_beating_is_forgotten_after_the_ttl(people, org):
    anna, bo = people
    target = org.items["central"]
    with time_machine.travel(START, tick=False) as clock:
        bo.post(_url(target), {"state": "viewing"})
        clock.shift(presence.TTL - 1)
        assert [state for _, state in _present(anna.post(_url(target)))] == ["viewing"]
        # Bo's tab closed without a word: one more second and he is gone
        clock.shift(1)
        assert _present(anna.post(_url(target))) == []


def test_leaving_the_page_removes_one_at_once(people, org):
    anna, bo = people
    target = org.items["central"]
    with time_machine.travel(START, tick=False):
        bo.post(_url(target), {"state": "writing"})
        left = bo.post(_url(target), {"state": "left"})
        assert left.status_code == 204
        assert _present(anna.post(_url(target))) == []


def test_an_unknown_state_counts_as_viewing(people, org):
    anna, bo = people
    target = org.items["central"]
    with time_machine.travel(START, tick=False):
        bo.post(_url(target), {"state": "<script>"})
        assert [state for _, state in _present(anna.post(_url(target)))] == ["viewing"]


@pytest.mark.parametrize("persona, status", [("manager_b", 404), ("outsider", 403)])
def test_who_may_not_see_the_item_neither_sees_nor_is_seen(client, org, persona, status):
    from django.test import Client

    target = org.items["a"]
    with time_machine.travel(START, tick=False):
        editor = Client()
        assert editor.login(username="editor", password=PASSWORD)
        editor.post(_url(target), {"state": "writing"})
        # Refused, whether asking or beating
        assert client.login(username=persona, password=PASSWORD)
        assert client.get(_url(target)).status_code == status
        assert client.post(_url(target), {"state": "writing"}).status_code == status
        # and not listed for those who may see it
        manager = Client()
        assert manager.login(username="manager_a", password=PASSWORD)
        assert [s for _, s in _present(manager.post(_url(target)))] == ["writing"]
    anonymous = Client().post(_url(target), {"state": "writing"})
    assert anonymous.status_code == 302 and "/auth/login/" in anonymous["Location"]


@pytest.mark.parametrize("others", [1, 4])
def test_a_heartbeat_costs_the_same_queries_however_many_are_present(
    people, org, others, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    anna, _ = people
    target = org.items["central"]
    extra = list(get_user_model().objects.exclude(username="comms")[:others])
    with time_machine.travel(START, tick=False):
        for user in extra:
            presence.beat(target.pk, user.pk, presence.WRITING)
        anna.post(_url(target))  # warm the session
        # 1 session, 2 user, 3 the user's roles with their centres, 4 the item (its channel
        # joined), 5 the names of those present; nothing is written to the database
        with django_assert_num_queries(5):
            response = anna.post(_url(target), {"state": "writing"})
    assert len(_present(response)) == others
