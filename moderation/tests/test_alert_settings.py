"""The alert settings page and API: adding, changing, testing and deleting a team's
destination, each audited, with the URL encrypted and masked; the list's query count pinned."""

import pytest
from django.urls import reverse

from accounts.crypto import decrypt_token
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import alert_actions, alerts
from moderation.models import AlertHook

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/_sim/hooks/teams/a"


def _login(client, persona):
    assert client.login(username=persona, password=PASSWORD)


def _hook(org, n=1, unit="dept_a"):
    return alert_actions.create_hook(
        acting_user=None,
        unit=org.units[unit],
        name=f"Slack {n}",
        kind="slack",
        url=f"http://127.0.0.1:9/_sim/hooks/slack/{n}",
        events=["sla_breach"],
        language="da",
    )


def test_the_centre_manager_adds_a_destination_for_a_department(client, org):
    _login(client, "manager_a")
    page = client.get(reverse("settings-alerts"))
    offered = {unit.name for unit in page.context["form"].fields["unit"].queryset}
    assert offered == {"Center A", "Afdeling A"}

    response = client.post(
        reverse("settings-alerts"),
        {
            "unit": org.units["dept_a"].pk,
            "name": "Teams: Afdeling A",
            "kind": "teams_workflow",
            "url": URL,
            "events": ["new_item", "sla_breach"],
            "language": "sv",
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    hook = AlertHook.objects.get()
    assert (hook.unit, hook.kind, hook.events, hook.language, hook.enabled) == (
        org.units["dept_a"],
        "teams_workflow",
        ["new_item", "sla_breach"],
        "sv",
        True,
    )
    assert decrypt_token(hook.url_encrypted) == URL
    entry = AuditEntry.objects.get(action="alert_hook.create")
    assert entry.actor == org.users["manager_a"]
    assert entry.after["url_hint"] == "http://127.0.0.1/…ms/a"
    listed = client.get(reverse("settings-alerts")).content.decode()
    assert URL not in listed and hook.url_hint in listed


def test_a_bad_url_is_shown_on_its_field_and_nothing_is_stored(client, org, settings):
    settings.SIMULATOR_ENABLED = False
    _login(client, "comms_lead")
    response = client.post(
        reverse("settings-alerts"),
        {
            "unit": org.units["comms"].pk,
            "name": "Slack",
            "kind": "slack",
            "url": "https://example.com/hook",
            "events": ["crisis"],
            "language": "da",
        },
    )
    assert response.status_code == 400
    assert "hooks.slack.com" in " ".join(response.context["form"].errors["url"])
    assert not AlertHook.objects.exists()


def test_editing_keeps_the_url_when_left_empty_and_the_test_button_queues(
    client, org, monkeypatch, django_capture_on_commit_callbacks
):
    hook = _hook(org)
    stored = hook.url_encrypted
    _login(client, "comms_lead")
    response = client.post(
        reverse("settings-alert-edit", args=[hook.pk]),
        {
            "unit": org.units["dept_a"].pk,
            "name": "Slack: afdelingen",
            "kind": "slack",
            "url": "",
            "events": ["sla_warning", "sla_breach"],
            "language": "nb",
        },
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.name, hook.events, hook.language, hook.enabled) == (
        "Slack: afdelingen",
        ["sla_warning", "sla_breach"],
        "nb",
        False,
    )
    assert hook.url_encrypted == stored
    entry = AuditEntry.objects.get(action="alert_hook.update")
    assert entry.before == {
        "name": "Slack 1",
        "events": ["sla_breach"],
        "language": "da",
        "enabled": True,
    }

    calls = []
    monkeypatch.setattr(alerts.deliver_alert, "delay", lambda *a: calls.append(a), raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("settings-alert-test", args=[hook.pk]))
    assert calls == [(hook.pk, "test", [], {})]
    assert AuditEntry.objects.filter(action="alert_hook.test", actor=org.users["comms_lead"])

    client.post(reverse("settings-alert-delete", args=[hook.pk]))
    assert not AlertHook.objects.exists()
    assert AuditEntry.objects.get(action="alert_hook.delete").before["name"] == "Slack: afdelingen"


def test_the_list_page_costs_the_same_queries_at_any_size(client, org, django_assert_num_queries):
    _login(client, "comms_lead")
    _hook(org, 1)
    client.get(reverse("settings-alerts"))  # warm the session and translations
    # session, user, the user's memberships (access), the municipality twice (the form's
    # language, the units offered), the units offered, the destinations with their units
    with django_assert_num_queries(7) as small:
        assert client.get(reverse("settings-alerts")).status_code == 200
    for n in range(2, 12):
        _hook(org, n, unit="comms" if n % 2 else "dept_b")
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(reverse("settings-alerts"))
    assert (
        page.content.decode().count("Send a test message")
        + page.content.decode().count("Send en testbesked")
        == 11
    )


def test_the_api_creates_with_a_write_only_url_and_tests(
    client, org, monkeypatch, django_capture_on_commit_callbacks
):
    _login(client, "comms_lead")
    created = client.post(
        reverse("alert-hook-list"),
        {
            "unit": org.units["comms"].pk,
            "name": "Teams",
            "kind": "teams_incoming_webhook",
            "url": URL,
            "events": ["crisis"],
            "language": "en",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert "url" not in body
    assert body["url_hint"] == "http://127.0.0.1/…ms/a"
    assert body["events"] == ["crisis"] and body["enabled"] is True
    hook_id = body["id"]

    patched = client.patch(
        reverse("alert-hook-detail", args=[hook_id]),
        {"enabled": False},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["enabled"] is False
    bad = client.post(
        reverse("alert-hook-list"),
        {
            "unit": org.units["comms"].pk,
            "name": "X",
            "kind": "slack",
            "url": URL,
            "events": [],
            "language": "da",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "events" in bad.json()["fields"] if "fields" in bad.json() else "event" in bad.text

    calls = []
    monkeypatch.setattr(alerts.deliver_alert, "delay", lambda *a: calls.append(a), raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        tested = client.post(reverse("alert-hook-test", args=[hook_id]))
    assert (tested.status_code, tested.json()) == (202, {"queued": True})
    assert calls == [(hook_id, "test", [], {})]
    assert list(
        AuditEntry.objects.filter(object_id=hook_id, action__startswith="alert_hook")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["alert_hook.create", "alert_hook.update", "alert_hook.test"]


def test_a_centre_manager_cannot_reach_another_centres_unit_through_the_api(client, org):
    _login(client, "manager_b")
    refused = client.post(
        reverse("alert-hook-list"),
        {
            "unit": org.units["dept_a"].pk,
            "name": "Snyd",
            "kind": "slack",
            "url": URL,
            "events": ["crisis"],
            "language": "da",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert not AlertHook.objects.exists()
    hook = _hook(org)
    assert client.get(reverse("alert-hook-detail", args=[hook.pk])).status_code == 404
    assert client.get(reverse("alert-hook-list")).json() == []
