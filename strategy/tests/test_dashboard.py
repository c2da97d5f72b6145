"""The day's essentials on the dashboard for the team, a centre manager and staff."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from moderation.counts import recount
from moderation.rollups import roll_up
from strategy.dashboard import panels, queue_risk
from strategy.metrics import municipality_zone
from strategy.tests.conftest import make_item

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


def _panels(user):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return {str(panel.title): panel for panel in panels(request)}


@time_machine.travel(NOW, tick=False)
def test_team_sees_risk_and_todays_breaches(org):
    from moderation.models import QueueItem

    QueueItem.objects.all().delete()
    a = org.channels["a"]
    # 100 minutes allowed: at 80 elapsed the sweep has warned (75 %), at 70 it has not
    make_item(a, "risk", received=NOW - timedelta(minutes=80), due_minutes=100, answer_escalation=1)
    make_item(a, "fine", received=NOW - timedelta(minutes=70), due_minutes=100)
    # deadline passed today unanswered (reported by the sweep), and answered late today
    make_item(
        a, "late-open", received=NOW - timedelta(hours=3), due_minutes=60, answer_escalation=2
    )
    make_item(
        a, "late-answer", received=NOW - timedelta(hours=4), due_minutes=60, answered_after=90
    )
    # deadline passed yesterday: not today's breach
    make_item(
        a,
        "yesterday",
        received=NOW - timedelta(days=1, hours=2),
        due_minutes=30,
        answer_escalation=2,
    )
    recount()  # the items were written straight to the table, past the actions
    figures = queue_risk(org.users["comms"], NOW, municipality_zone())
    assert figures == {"at_risk": 1, "breaches_today": 2}
    panel = _panels(org.users["comms"])["Today in the queue"]
    assert (panel.context["at_risk"], panel.context["breaches_today"]) == (1, 2)


@time_machine.travel(NOW, tick=False)
def test_centre_manager_sees_their_pages_and_compliance(org):
    from moderation.models import QueueItem

    QueueItem.objects.all().delete()
    make_item(org.channels["a"], "ok", received=NOW - timedelta(days=2), answered_after=30)
    make_item(org.channels["a"], "late", received=NOW - timedelta(days=2), answered_after=300)
    make_item(org.channels["b"], "other", received=NOW - timedelta(days=2), answered_after=300)
    roll_up(now=NOW)  # the sweep's channel days
    panel = _panels(org.users["manager_a"])["Your centre's pages"]
    assert panel.context["pages"] == 1
    assert panel.context["compliance"] == 50.0
    assert "Today in the queue" not in _panels(org.users["manager_a"])


def test_staff_and_politicians_get_the_guidelines(org):
    for persona in ("staff", "politician"):
        panels_by_title = _panels(org.users[persona])
        assert set(panels_by_title) == {"Guidelines"}
        assert panels_by_title["Guidelines"].context == {"url": reverse("governance:guidelines")}
