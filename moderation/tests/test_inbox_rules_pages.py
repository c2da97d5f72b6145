"""The inbox rules' settings pages, the item page's rule hits, the queue's label filter and the
rules and labels API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import RemovalReason
from moderation import rule_actions
from moderation.intake import on_new_items
from moderation.models import InboxRule, ItemLabel, OutboxMessage, RuleHit, RuleVersion

from .support import adopt_policy, item

pytestmark = pytest.mark.django_db


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)


@pytest.fixture
def policy(org):
    version = adopt_policy(org.municipality)
    RemovalReason.objects.create(
        version=version, code="spam", label="Spam", explanation="Reklame.", automatic_allowed=True
    )
    return version


@pytest.fixture
def parking(org):
    return rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name="Parking"
    )


def test_the_lead_creates_edits_and_disables_a_rule_on_the_pages(client, org, policy, parking):
    login(client, "comms_lead")
    response = client.post(
        reverse("settings:rule-create"),
        {
            "name": "Parkering",
            "enabled": "on",
            "words": "parkering\np-plads",
            "platforms": ["facebook"],
            "labels": [parking.pk],
            "priority": "1",
            "hide_reason": "personal_attack",
        },
    )
    rule = InboxRule.objects.get()
    assert response.status_code == 302
    assert rule.conditions == {"platforms": ["facebook"], "words": ["parkering", "p-plads"]}
    assert rule.actions == {"labels": [parking.pk], "priority": 1, "hide_reason": "personal_attack"}
    page = client.get(reverse("settings:rule", args=[rule.pk]))
    assert "p-plads" in page.content.decode()
    response = client.post(
        reverse("settings:rule", args=[rule.pk]),
        {"name": "Parkering", "enabled": "on", "words": "parkering", "priority": "2"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.version, rule.actions) == (2, {"priority": 2})
    client.post(reverse("settings:rule-step", args=[rule.pk, "disable"]))
    rule.refresh_from_db()
    assert rule.enabled is False and rule.version == 3
    listing = client.get(reverse("settings:rules")).content.decode()
    assert "Parkering" in listing and "version 3" in listing
    history = client.get(reverse("settings:rule-history", args=[rule.pk])).content.decode()
    assert history.count("<tr>") == 4  # the head and three versions


def test_a_refused_definition_keeps_the_form(client, org, policy):
    login(client, "comms_lead")
    response = client.post(
        reverse("settings:rule-create"), {"name": "Tom", "enabled": "on", "priority": "1"}
    )
    assert response.status_code == 400
    assert "Give at least one condition" in response.content.decode()
    assert not InboxRule.objects.exists()


def test_the_dry_run_fragment_counts_and_changes_nothing(client, org, policy, parking):
    now = timezone.now()
    for n in range(3):
        item(org.channels["central"], f"Parkeringen {n} 070761-4285", n=n, received=now)
    login(client, "comms")
    before = (AuditEntry.objects.count(), RuleHit.objects.count(), ItemLabel.objects.count())
    response = client.post(
        reverse("settings:rule-dry-run"),
        {"words": "parkering", "labels": [parking.pk], "hide_reason": "spam"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "would have acted on 3 items" in body
    assert "070761-4285" not in body and "Parkeringen 0" in body
    assert (AuditEntry.objects.count(), RuleHit.objects.count(), ItemLabel.objects.count()) == (
        before
    )


def test_item_page_shows_labels_and_a_suggestion_to_accept(client, org, policy, parking):
    rule_actions.create_rule(
        org.municipality,
        acting_user=org.users["comms_lead"],
        name="Skældsord",
        conditions={"words": ["idiot"]},
        actions={"labels": [parking.pk], "hide_reason": "personal_attack"},
    )
    subject = item(org.channels["central"], "Du er en idiot")
    on_new_items([subject.pk])
    login(client, "comms")
    url = reverse("moderation:item-detail", args=[subject.pk])
    body = client.get(url).content.decode()
    assert "Rule “Skældsord” labelled this ‘Parking’." in body
    assert "Rule “Skældsord” suggested hiding (Personangreb)." in body
    hit = RuleHit.objects.get(item=subject, action="suggest_hide")
    response = client.post(
        reverse("moderation:item-action", args=[subject.pk, "accept_suggestion"]),
        {"hit": hit.pk},
    )
    assert response.status_code == 302
    assert OutboxMessage.objects.get(item=subject, kind="hide").requested_by == org.users["comms"]
    assert "accepted" in client.get(url).content.decode()


def test_queue_and_api_filter_by_label(client, org, policy, parking):
    rule_actions.create_rule(
        org.municipality,
        acting_user=org.users["comms_lead"],
        name="P",
        conditions={"words": ["parkering"]},
        actions={"labels": [parking.pk]},
    )
    labelled = item(org.channels["central"], "parkering", n=1)
    other = item(org.channels["central"], "svømmehal", n=2)
    on_new_items([labelled.pk, other.pk])
    login(client, "comms")
    data = client.get(reverse("item-list"), {"label": parking.pk}).json()
    assert [row["id"] for row in data["results"]] == [labelled.pk]
    page = client.get(reverse("moderation:queue"), {"label": parking.pk}).content.decode()
    assert f'href="/moderation/items/{labelled.pk}/"' in page
    assert f'href="/moderation/items/{other.pk}/"' not in page
    detail = client.get(reverse("item-detail", args=[labelled.pk])).json()
    assert detail["labels"] == [
        {"id": parking.pk, "name": "Parking", "colour": "blue", "rule": InboxRule.objects.get().pk}
    ]
    assert detail["rule_hits"][0]["action"] == "label"


def test_rules_api_crud_versions_and_dry_run(client, org, policy, parking):
    login(client, "comms_lead")
    created = client.post(
        reverse("inbox-rule-list"),
        {"name": "Links", "conditions": {"has_link": True}, "actions": {"hide_reason": "spam"}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    changed = client.patch(
        reverse("inbox-rule-detail", args=[rule_id]),
        {"actions": {"hide_reason": "spam", "priority": 1}},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    refused = client.post(
        reverse("inbox-rule-list"),
        {"name": "Bad", "conditions": {"regex": "(a+)+$"}, "actions": {"priority": 1}},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "regex" in refused.json()["errors"]
    versions = client.get(reverse("inbox-rule-versions", args=[rule_id])).json()
    assert [v["number"] for v in versions] == [2, 1]
    item(org.channels["central"], "Se www.example.dk", n=1, received=timezone.now())
    item(
        org.channels["central"], "old www.example.dk", n=2, received=timezone.now() - timedelta(40)
    )
    dry = client.post(
        reverse("inbox-rule-dry-run"),
        {"conditions": {"has_link": True}, "actions": {"hide_reason": "spam"}},
        content_type="application/json",
    ).json()
    assert (dry["matched"], dry["per_action"]) == (1, {"hide": 1})
    assert dry["sample"][0]["text"] == "Se www.example.dk"
    assert client.delete(reverse("inbox-rule-detail", args=[rule_id])).status_code == 204
    assert InboxRule.objects.get(pk=rule_id).archived_at is not None
    assert RuleVersion.objects.filter(rule_id=rule_id).count() == 3
    assert client.get(reverse("inbox-rule-list")).json() == []


def test_regex_refused_for_the_team_without_the_right(client, org, policy):
    # The team reads rules; only the lead writes, and a regular expression is the lead's too.
    login(client, "comms")
    response = client.post(
        reverse("inbox-rule-dry-run"),
        {"conditions": {"regex": "p-plads"}, "actions": {"priority": 1}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "communications lead" in response.json()["errors"]["regex"][0]
