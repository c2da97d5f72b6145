"""Changing a rota's turns after set-up, from the rota page and the API: when the first turn
starts and how many days each lasts; the members' order and deputies stay, today's monitor
follows at once; audited with before and after; bad input refused with nothing changed; the
team only."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.models import DutyRota
from moderation.notify import monitor_on_duty

from .support import rota

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localtime(timezone.now(), ZoneInfo("Europe/Copenhagen")).date()


@pytest.fixture
def team_rota(org):
    # The rota starts today: the monitor has the current turn, the editor the next.
    return rota(
        org.units["comms"],
        [org.users["monitor"], org.users["editor"]],
        starts_on=_today(),
        deputies={"monitor": org.users["comms_lead"]},
    )


def _login(client, persona="comms"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def _state(duty):
    duty = DutyRota.objects.get(pk=duty.pk)
    members = list(
        duty.members.order_by("position").values_list("user__username", "deputy__username")
    )
    return duty.starts_on, duty.turn_days, members


def test_the_page_changes_the_turns_and_today_s_monitor_follows(client, org, team_rota):
    _login(client)
    page = client.get(reverse("moderation:rota")).content.decode()
    # The page offers the rota's turns, filled in with their values
    assert f'data-rota-turns="{team_rota.pk}"' in page
    assert f'value="{_today():%Y-%m-%d}"' in page
    assert 'name="turn_days" value="7"' in page
    assert monitor_on_duty(org.channels["central"]).username == "monitor"

    # When the team makes the first turn start a week ago, with turns of one week
    started = _today() - timedelta(days=7)
    response = client.post(
        reverse("moderation:rota-turns", args=[team_rota.pk]),
        {"starts_on": f"{started:%Y-%m-%d}", "turn_days": "7"},
    )

    # Then the editor has today's turn, the order and deputies unchanged
    assert response.status_code == 302
    assert _state(team_rota) == (
        started,
        7,
        [("monitor", "comms_lead"), ("editor", None)],
    )
    assert monitor_on_duty(org.channels["central"]).username == "editor"
    assert "On duty today: editor" in client.get(reverse("moderation:rota")).content.decode()
    # And the change is audited with before and after (what changed), named in words in the log
    entry = AuditEntry.objects.get(action="rota_change")
    assert (entry.before, entry.after) == (
        {"starts_on": _today().isoformat()},
        {"starts_on": started.isoformat()},
    )
    assert "rota turns changed" in client.get(reverse("moderation:audit-log")).content.decode()

    # Saving it unchanged writes no further row
    client.post(
        reverse("moderation:rota-turns", args=[team_rota.pk]),
        {"starts_on": f"{started:%Y-%m-%d}", "turn_days": "7"},
    )
    assert AuditEntry.objects.filter(action="rota_change").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_on": "2026-11-16", "turn_days": "0"}, "greater than or equal to 1"),
        ({"starts_on": "2026-11-16", "turn_days": "400"}, "less than or equal to 365"),
        ({"starts_on": "16/11-2026", "turn_days": "7"}, "Enter a valid date."),
        ({"turn_days": "7"}, "This field is required."),
    ],
)
def test_bad_turns_are_refused_with_nothing_changed(client, org, team_rota, data, message):
    before = _state(team_rota)
    response = _login(client).post(reverse("moderation:rota-turns", args=[team_rota.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state(team_rota) == before
    assert not AuditEntry.objects.filter(action="rota_change").exists()


def test_the_api_changes_the_turns(client, org, team_rota):
    _login(client)
    url = reverse("rota-detail", args=[team_rota.pk])

    patched = client.patch(url, {"turn_days": 14}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["turn_days"], patched.json()["starts_on"]) == (14, f"{_today()}")
    assert [m["user"] for m in patched.json()["members"]] == [
        org.users["monitor"].pk,
        org.users["editor"].pk,
    ]

    put = client.put(
        url,
        {"team": org.units["comms"].pk, "starts_on": "2026-11-02", "turn_days": 3},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert put.json()["starts_on"] == "2026-11-02"
    assert _state(team_rota)[:2] == (date(2026, 11, 2), 3)
    assert AuditEntry.objects.filter(action="rota_change").count() == 2

    # A turn out of range, or another team: refused with the one error body, nothing changed
    before = _state(team_rota)
    too_long = client.patch(url, {"turn_days": 400}, content_type="application/json")
    assert too_long.status_code == 400
    assert "turn_days" in too_long.json()["errors"]
    moved = client.patch(url, {"team": org.units["dept_a"].pk}, content_type="application/json")
    assert moved.status_code == 400
    assert "team" in moved.json()["errors"]
    assert _state(team_rota) == before


@pytest.mark.parametrize("persona", ["monitor", "editor", "manager_a", "expert"])
def test_only_the_team_changes_the_turns(client, org, team_rota, persona):
    before = _state(team_rota)
    _login(client, persona)
    page = client.post(
        reverse("moderation:rota-turns", args=[team_rota.pk]),
        {"starts_on": "2026-11-02", "turn_days": "3"},
    )
    api = client.patch(
        reverse("rota-detail", args=[team_rota.pk]),
        {"turn_days": 3},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert _state(team_rota) == before
    assert not AuditEntry.objects.filter(action="rota_change").exists()
