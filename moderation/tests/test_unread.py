"""The header's unread count, fetched after each page has loaded, and what it tells the
opted-in browser alerts: the unread notifications since the newest one the browser saw, and
the open items assigned to the person since the newest one it saw."""

import pytest
from django.urls import reverse

from core import csp
from core.testing import PASSWORD
from moderation.models import Notification, QueueItem

from .support import item

pytestmark = pytest.mark.django_db

URL = "/moderation/notifications/unread/"


@pytest.fixture
def monitor(client, org):
    assert client.login(username="monitor", password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def _notes(user, count, **fields):
    return [
        Notification.objects.create(user=user, kind="sla_breach", message=f"Frist {n}", **fields)
        for n in range(count)
    ]


def test_the_count_is_of_the_person_s_own_unread_notifications(monitor, org):
    notes = _notes(org.users["monitor"], 3)
    _notes(org.users["comms"], 2)  # someone else's
    Notification.objects.filter(pk=notes[0].pk).update(read_at=notes[0].created_at)
    response = monitor.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-unread="2"' in body and f'data-latest-note="{notes[2].pk}"' in body
    assert '<span class="app-unread-count" aria-hidden="true">2</span>' in body
    assert "(2 unread)" in body
    assert f'href="{reverse("moderation:notifications")}"' in body
    # Nothing new is listed until the browser says what it has seen
    assert "data-fresh-notes" not in body


def test_no_unread_shows_no_badge(monitor, org):
    body = monitor.get(URL).content.decode()
    assert 'data-unread="0"' in body and "app-unread-count" not in body


def test_the_unread_since_the_newest_seen_are_listed_for_the_alerts(monitor, org):
    seen = _notes(org.users["monitor"], 1)[0]
    fresh = _notes(org.users["monitor"], 2, item=org.items["central"])
    body = monitor.get(URL, {"after": seen.pk}).content.decode()
    assert [f'data-note="{note.pk}"' in body for note in fresh] == [True, True]
    assert f'data-note="{seen.pk}"' not in body
    assert f'data-url="{org.items["central"].get_absolute_url()}"' in body
    assert 'data-title="Deadline passed"' in body
    # Seen them all: nothing fresh
    assert "data-fresh-notes" not in monitor.get(URL, {"after": fresh[1].pk}).content.decode()


def test_new_items_assigned_to_the_monitor_since_the_newest_seen(monitor, org):
    me = org.users["monitor"]
    seen = item(org.channels["central"], n=20, assigned_to=me)
    # Without a starting point, the newest is learnt and nothing counts as new
    first = monitor.get(URL, {"alerts": "1"}).content.decode()
    assert f'data-latest-item="{seen.pk}"' in first and "data-fresh-items" not in first
    item(org.channels["central"], n=21, assigned_to=me)
    newest = item(org.channels["central"], n=22, assigned_to=me)
    item(org.channels["central"], n=23, assigned_to=org.users["comms"])  # someone else's
    closed = item(org.channels["central"], n=24, assigned_to=me)
    QueueItem.objects.filter(pk=closed.pk).update(status="closed")
    body = monitor.get(URL, {"alerts": "1", "item": seen.pk}).content.decode()
    assert f'data-latest-item="{newest.pk}"' in body
    assert "2 new items in your queue" in body
    # Without alerts turned on, items are not asked about
    assert "data-latest-item" not in monitor.get(URL, {"item": seen.pk}).content.decode()


@pytest.mark.parametrize("count", [2, 40])
def test_the_count_costs_one_query_however_many_notifications(
    monitor, org, count, django_assert_num_queries
):
    _notes(org.users["monitor"], count)
    monitor.get(URL)  # warm the session
    # 1 session, 2 user, 3 the user's roles with their centres, 4 the unread count and newest
    with django_assert_num_queries(4):
        monitor.get(URL)
    # with the alerts: 5 the unread since the newest seen, 6 the items assigned since
    with django_assert_num_queries(6):
        monitor.get(URL, {"after": 0, "alerts": "1", "item": 0})


@pytest.mark.parametrize("raw", ["x", "-1", "9" * 30, ""])
def test_bad_starting_points_are_ignored(monitor, org, raw):
    _notes(org.users["monitor"], 1)
    response = monitor.get(URL, {"after": raw, "alerts": "1", "item": raw})
    assert response.status_code == 200
    assert "data-fresh" not in response.content.decode()


def test_the_header_holds_the_badge_slot_and_alerts_for_queue_members(monitor, org):
    response = monitor.get(reverse("moderation:queue"))
    body = response.content.decode()
    assert f'hx-get="{URL}"' in body and 'id="header-unread"' in body
    assert "data-alerts-toggle" in body and 'aria-live="polite"' in body
    assert '<script src="/static/js/alerts.js"></script>' in body
    # Under the site's policy: no inline script or handler is needed
    assert response.headers[csp.HEADER] == csp.build()
    assert "script-src 'self';" in response.headers[csp.HEADER]
    assert "<script>" not in body and " onclick=" not in body


def test_people_without_the_queue_get_no_badge(client, org):
    assert client.login(username="staff", password=PASSWORD)
    body = client.get(reverse("dashboard")).content.decode()
    assert "header-unread" not in body and "alerts.js" not in body
    assert client.get(URL).status_code == 403


def test_the_alerts_script_is_served_and_uses_no_inline_code(monitor):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    path = finders.find("js/alerts.js")
    source = Path(path).read_text(encoding="utf-8")
    # No eval-like code the policy would refuse; the tone is made, not fetched
    for refused in ("eval(", "new Function", 'setTimeout("', "innerHTML", "http://", "https://"):
        assert refused not in source
    assert "AudioContext" in source and "Notification.requestPermission" in source
    assert "localStorage" in source
