"""Alerts in the team's chat: the documented payloads, delivery through the simulator's
receivers (real HTTP), retries, switching off after a permanent error, and the triggers."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.crypto import decrypt_token
from audit.models import AuditEntry
from moderation import actions, alert_actions, alerts
from moderation.alert_payloads import (
    TEAMS_MAX_BYTES,
    Entry,
    Message,
    size_of,
    slack_escape,
    slack_payload,
    teams_payload,
)
from moderation.escalation import sweep
from moderation.intake import on_new_items
from moderation.models import AlertHook, Notification
from simulator.server import start_simulator

from .support import adopt_policy, item, rota

pytestmark = pytest.mark.django_db

CPR = "070761-4285"  # a valid-looking Danish CPR number (check digit holds)

# -- the documented shapes

# Required properties per Adaptive Card element, from the schema explorer's "Required: Yes"
# rows: https://learn.microsoft.com/en-us/adaptive-cards/schema-explorer/adaptive-card
# (type, version on the top-level card), .../text-block (text), .../fact-set (facts; each
# Fact title and value), .../container (items), .../action-set (actions),
# .../action-open-url (url).
REQUIRED = {
    "AdaptiveCard": ("type", "version"),
    "TextBlock": ("type", "text"),
    "FactSet": ("type", "facts"),
    "Container": ("type", "items"),
    "ActionSet": ("type", "actions"),
    "Action.OpenUrl": ("type", "url"),
}


def card_problems(node, path="card"):
    """What in an Adaptive Card breaks the documented required properties (empty: none)."""
    problems = []
    kind = node.get("type")
    if kind not in REQUIRED:
        return [f"{path}: unknown element type {kind!r}"]
    problems += [f"{path}: {kind} lacks {name}" for name in REQUIRED[kind] if name not in node]
    if kind == "FactSet":
        for i, fact in enumerate(node.get("facts", [])):
            if set(fact) != {"title", "value"} or not all(
                isinstance(v, str) for v in fact.values()
            ):
                problems.append(f"{path}.facts[{i}]: a Fact has a string title and value")
    for key in ("body", "items", "actions"):
        for i, child in enumerate(node.get(key, [])):
            problems += card_problems(child, f"{path}.{key}[{i}]")
    return problems


def _message(entries=1, text="Hvornår åbner svømmehallen?"):
    return Message(
        title="Ny henvendelse",
        summary="Til vagten",
        entries=[
            Entry(
                facts=[("Kanal", "Testby Kommune"), ("Platform", "Facebook")],
                excerpt=text,
                link=f"https://social.testby.example/moderation/items/{n}/",
                link_label="Åbn",
            )
            for n in range(entries)
        ],
        footnote="Tider i Europe/Copenhagen.",
        link="https://social.testby.example/moderation/",
        link_label="Åbn køen",
    )


def test_the_teams_body_is_a_message_with_one_valid_adaptive_card():
    """The message shape of "Send Adaptive Cards using an Incoming Webhook"
    (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using),
    which the Workflows webhook takes too
    (https://support.microsoft.com/en-us/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498)."""
    body = teams_payload(_message(entries=2))
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card_problems(card) == []
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Åbn køen",
            "url": "https://social.testby.example/moderation/",
        }
    ]
    assert card["body"][2]["items"][0]["facts"] == [
        {"title": "Kanal", "value": "Testby Kommune"},
        {"title": "Platform", "value": "Facebook"},
    ]


def test_the_schema_check_itself_finds_missing_required_properties():
    assert card_problems({"type": "AdaptiveCard", "body": [{"type": "TextBlock"}]}) == [
        "card: AdaptiveCard lacks version",
        "card.body[0]: TextBlock lacks text",
    ]


def test_a_long_teams_message_is_cut_under_28_kb_with_the_rest_counted():
    """Teams refuses messages over 28 KB
    (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook)."""
    message = _message(entries=120, text="å" * 280)
    assert size_of(teams_payload(Message(**{**message.__dict__, "entries": []}))) < TEAMS_MAX_BYTES
    body = teams_payload(message, more_text=lambda n: f"{n} mere")
    card = body["attachments"][0]["content"]
    shown = [block for block in card["body"] if block["type"] == "Container"]
    assert size_of(body) <= TEAMS_MAX_BYTES
    assert 0 < len(shown) < 120
    assert card["body"][-2]["text"] == f"{120 - len(shown)} mere"
    assert card_problems(card) == []


def test_slack_gets_text_and_blocks_with_ampersand_and_angle_brackets_escaped():
    """Slack's incoming webhooks take `text` and `blocks`
    (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks) and `&`, `<`,
    `>` must be escaped (https://docs.slack.dev/messaging/formatting-message-text#escaping)."""
    message = _message(text="Fisk & chips <b>nu</b> > før <!channel>")
    message.title = "Svar <hurtigt> & godt"
    body = slack_payload(message)
    assert body["text"] == "Svar &lt;hurtigt&gt; &amp; godt: Til vagten"
    assert body["blocks"][0] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "*Svar &lt;hurtigt&gt; &amp; godt*"},
    }
    entry_text = body["blocks"][4]["text"]["text"]
    assert entry_text == (
        ">Fisk &amp; chips &lt;b&gt;nu&lt;/b&gt; &gt; før &lt;!channel&gt;\n"
        "<https://social.testby.example/moderation/items/0/|Åbn>"
    )
    assert body["blocks"][3]["fields"][0] == {"type": "mrkdwn", "text": "*Kanal*\nTestby Kommune"}
    assert slack_escape("a&amp;b") == "a&amp;amp;b"
    assert len(body["blocks"]) <= 50


def test_the_message_masks_personal_ids_and_gives_local_deadlines(org, settings):
    settings.SITE_URL = "https://social.testby.example"
    hook = _hook(org, "teams", "http://127.0.0.1:9/_sim/hooks/teams/x", language="en")
    queue_item = item(org.channels["central"], text=f"Mit CPR er {CPR}, kan I hjælpe?")
    queue_item.answer_due = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    queue_item.save()

    body = alerts.render(hook, "sla_warning", [queue_item.pk], {"prefix": "answer"})

    text = json.dumps(body, ensure_ascii=False)
    assert CPR not in text and "0707614285" not in text
    container = body["attachments"][0]["content"]["body"][2]
    assert container["items"][0]["facts"] == [
        {"title": "Channel", "value": "Testby Kommune"},
        {"title": "Platform", "value": "Facebook"},
        {"title": "Answer by", "value": "17/11/2026 15:00"},
    ]
    assert container["items"][1]["text"].startswith("Mit CPR er ")
    assert container["items"][2]["actions"][0]["url"] == (
        f"https://social.testby.example/moderation/items/{queue_item.pk}/"
    )
    assert body["attachments"][0]["content"]["body"][-1]["text"] == (
        "Times are in Europe/Copenhagen."
    )


# -- delivery through the simulator


@pytest.fixture
def sim():
    with start_simulator() as handle:
        yield handle


def _hook(org, kind, url, *, unit="comms", events=None, language="da", name=None):
    kinds = {
        "teams": "teams_workflow",
        "teams-webhook": "teams_incoming_webhook",
        "slack": "slack",
    }
    return alert_actions.create_hook(
        acting_user=org.users["comms_lead"],
        unit=org.units[unit],
        name=name or f"{kind} {unit}",
        kind=kinds[kind],
        url=url,
        events=events or ["new_item", "sla_warning", "sla_breach", "crisis"],
        language=language,
    )


def _received(sim, **query):
    import requests

    return requests.get(f"{sim.url}/_sim/hooks", params=query, timeout=5).json()


def _fault(sim, kind, hook_id, status, **extra):
    import requests

    answer = requests.post(
        f"{sim.url}/_sim/hooks/faults",
        json={"kind": kind, "id": hook_id, "status": status, **extra},
        timeout=5,
    )
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("kind", "status"), [("teams", 202), ("teams-webhook", 200), ("slack", 200)]
)
def test_a_test_message_reaches_each_receiver(org, sim, kind, status):
    hook = _hook(org, kind, f"{sim.url}/_sim/hooks/{kind}/t1")

    outcome = alerts.deliver(hook.pk, alerts.TEST, [], {})

    assert outcome.result == "delivered"
    [got] = _received(sim, kind=kind, id="t1")
    assert got["status"] == status
    hook.refresh_from_db()
    assert (hook.last_status, hook.last_error) == ("delivered", "")
    assert hook.last_status_at is not None
    if kind == "slack":
        assert got["body"]["text"].startswith("Testbesked")
    else:
        assert card_problems(got["body"]["attachments"][0]["content"]) == []


def test_429_is_tried_again_after_its_retry_after(org, sim, monkeypatch):
    """Slack answers 429 with Retry-After (https://docs.slack.dev/apis/web-api/rate-limits);
    Teams throttles over four requests a second (add-incoming-webhook, above)."""
    hook = _hook(org, "slack", f"{sim.url}/_sim/hooks/slack/busy")
    _fault(sim, "slack", "busy", 429, retry_after=7)
    waits = []
    original = alerts.deliver_alert.retry

    def retry(*args, countdown=None, **kwargs):
        waits.append(countdown)
        return original(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(alerts.deliver_alert, "retry", retry)

    result = alerts.deliver_alert.apply(args=[hook.pk, "test", [], {}]).get()

    assert result == "delivered"
    assert waits == [7.0]
    assert [row["status"] for row in _received(sim, id="busy")] == [429, 200]


def test_5xx_and_timeouts_are_tried_again_with_backoff_then_reported(org, sim, monkeypatch):
    hook = _hook(org, "teams", f"{sim.url}/_sim/hooks/teams/flaky")
    _fault(sim, "teams", "flaky", 502, count=alerts.MAX_RETRIES + 1)
    waits = []
    original = alerts.deliver_alert.retry

    def retry(*args, countdown=None, **kwargs):
        waits.append(countdown)
        return original(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(alerts.deliver_alert, "retry", retry)

    result = alerts.deliver_alert.apply(args=[hook.pk, "test", [], {}]).get()

    assert result == "retry"
    assert len(waits) == alerts.MAX_RETRIES
    assert 8 <= waits[0] <= 12 and 24 <= waits[1] <= 36  # 10 s, then 30 s, with jitter
    hook.refresh_from_db()
    assert (hook.enabled, hook.last_status) == (True, "failed")
    assert hook.last_error.startswith("HTTP 502")
    assert alerts.backoff(1) >= 8


def test_a_gone_channel_switches_the_destination_off_and_tells_the_lead(org, sim):
    """Slack answers 410 channel_is_archived and 404 for a removed hook
    (https://docs.slack.dev/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks)."""
    hook = _hook(org, "slack", f"{sim.url}/_sim/hooks/slack/gone", unit="dept_a")
    _fault(sim, "slack", "gone", 410)

    result = alerts.deliver_alert.apply(args=[hook.pk, "test", [], {}]).get()

    assert result == "permanent"
    hook.refresh_from_db()
    assert (hook.enabled, hook.last_status, hook.last_error) == (
        False,
        "disabled",
        "HTTP 410: channel_is_archived",
    )
    entry = AuditEntry.objects.get(action="alert_hook.disable")
    assert (entry.actor_id, entry.before, entry.after) == (
        None,
        {"enabled": True, "last_status": ""},
        {"enabled": False, "last_status": "disabled"},
    )
    # The lead of department A's centre hears of it in the product
    [note] = Notification.objects.filter(kind="alert_hook_off")
    assert note.user == org.users["manager_a"]
    assert "HTTP 410: channel_is_archived" in note.message
    # Nothing more is sent to it until it is switched on again
    assert alerts.deliver(hook.pk, "sla_breach", [org.items["a"].pk], {}).result == "skipped"
    alert_actions.update_hook(hook, acting_user=org.users["comms_lead"], enabled=True)
    hook.refresh_from_db()
    assert (hook.enabled, hook.last_status, hook.last_error) == (True, "", "")


def test_a_bad_payload_fails_the_message_but_keeps_the_destination(org, sim):
    hook = _hook(org, "slack", f"{sim.url}/_sim/hooks/slack/strict")
    _fault(sim, "slack", "strict", 400)
    assert alerts.deliver(hook.pk, "test", [], {}).result == "failed"
    hook.refresh_from_db()
    assert (hook.enabled, hook.last_status, hook.last_error) == (
        True,
        "failed",
        "HTTP 400: invalid_payload",
    )


def test_an_unreachable_url_is_retried_and_a_broken_one_switches_off(org, settings):
    hook = _hook(org, "teams", "http://127.0.0.1:9/_sim/hooks/teams/nobody")
    assert alerts.deliver(hook.pk, "test", [], {}, last_attempt=False).result == "retry"
    hook.refresh_from_db()
    assert hook.last_status == "retrying"
    AlertHook.objects.filter(pk=hook.pk).update(url_encrypted="not a token")
    assert alerts.deliver(hook.pk, "test", [], {}).result == "permanent"
    hook.refresh_from_db()
    assert (hook.enabled, hook.last_status) == (False, "disabled")


# -- the triggers


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        alerts.deliver_alert, "delay", lambda *args: calls.append(args), raising=False
    )
    return calls


def test_new_items_on_duty_go_to_the_teams_of_the_channel(
    org, sim, queued, django_capture_on_commit_callbacks
):
    adopt_policy(org.municipality)
    rota(org.units["comms"], [org.users["monitor"]])
    comms = _hook(org, "teams", f"{sim.url}/_sim/hooks/teams/comms")
    centre_a = _hook(org, "slack", f"{sim.url}/_sim/hooks/slack/a", unit="centre_a")
    _hook(org, "slack", f"{sim.url}/_sim/hooks/slack/b", unit="centre_b")
    _hook(org, "slack", f"{sim.url}/_sim/hooks/slack/late", unit="dept_a", events=["sla_breach"])
    first, second = item(org.channels["a"], n=1), item(org.channels["a"], n=2)

    with django_capture_on_commit_callbacks(execute=True):
        on_new_items([first.pk, second.pk])

    assert sorted(queued) == sorted(
        [
            (comms.pk, "new_item", [first.pk, second.pk], {}),
            (centre_a.pk, "new_item", [first.pk, second.pk], {}),
        ]
    )
    for args in queued:
        assert alerts.deliver(*args).result == "delivered"
    [teams] = _received(sim, id="comms")
    card = teams["body"]["attachments"][0]["content"]
    assert card["body"][0]["text"] == "2 nye sager til vagten"
    assert card_problems(card) == []


def test_a_warning_and_a_breach_are_alerted(org, queued, django_capture_on_commit_callbacks):
    hook = _hook(org, "slack", "http://127.0.0.1:9/_sim/hooks/slack/x", unit="centre_a")
    now = timezone.now()
    warned = item(org.channels["a"], n=1, assigned_to=org.users["monitor"])
    late = item(org.channels["a"], n=2, assigned_to=org.users["monitor"])
    for row, warn, due in ((warned, -1, 60), (late, -120, -1)):
        row.answer_warn_at = now + timedelta(minutes=warn)
        row.answer_due = now + timedelta(minutes=due)
        row.next_deadline = min(row.answer_warn_at, row.answer_due)
        row.save()

    with django_capture_on_commit_callbacks(execute=True):
        sweep()

    assert sorted(queued) == [
        (hook.pk, "sla_breach", [late.pk], {"prefix": "answer"}),
        (hook.pk, "sla_warning", [warned.pk], {"prefix": "answer"}),
    ]


def test_crisis_on_and_off_reach_every_destination_that_chose_it(
    org, queued, django_capture_on_commit_callbacks
):
    adopt_policy(org.municipality)
    crisis = _hook(org, "teams", "http://127.0.0.1:9/_sim/hooks/teams/c", unit="dept_b")
    _hook(org, "teams", "http://127.0.0.1:9/_sim/hooks/teams/n", events=["new_item"])

    with django_capture_on_commit_callbacks(execute=True):
        actions.start_crisis(org.municipality, acting_user=org.users["comms_lead"], reason="Storm")
    with django_capture_on_commit_callbacks(execute=True):
        actions.end_crisis(org.municipality, acting_user=org.users["comms_lead"])

    assert queued == [
        (crisis.pk, "crisis", [], {"on": True, "reason": "Storm"}),
        (crisis.pk, "crisis", [], {"on": False}),
    ]
    with timezone.override("Europe/Copenhagen"):
        body = alerts.render(AlertHook.objects.get(pk=crisis.pk), "crisis", [], {"on": False})
    assert body["attachments"][0]["content"]["body"][0]["text"] == "Krisetilstand er slået fra"
    assert Notification.objects.filter(kind="crisis", message__contains="slået fra").exists()


def test_nothing_is_queued_without_destinations_and_a_failure_never_breaks_the_action(
    org, queued, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.alert("sla_breach", items=[org.items["a"]], prefix="answer") == 0
    _hook(org, "slack", "http://127.0.0.1:9/_sim/hooks/slack/x")

    def broken(*args):
        raise RuntimeError("database gone")

    monkeypatch.setattr(alerts, "destinations_for_items", broken)
    assert alerts.alert("sla_breach", items=[org.items["a"]], prefix="answer") == 0
    assert queued == []


# -- the URL: checked, encrypted, masked


def test_the_url_is_encrypted_and_shown_masked(org, settings):
    url = "https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=SECRET9x"
    hook = _hook(org, "teams", url)
    hook.refresh_from_db()
    assert "SECRET" not in hook.url_encrypted
    assert decrypt_token(hook.url_encrypted) == url
    assert hook.url_hint == "https://prod-12.westeurope.logic.azure.com/…ET9x"
    entry = AuditEntry.objects.get(action="alert_hook.create")
    assert "SECRET" not in json.dumps(entry.after)


@pytest.mark.parametrize(
    ("kind", "url", "message"),
    [
        ("slack", "", "Paste the webhook URL."),
        ("slack", "http://hooks.slack.com/services/T/B/X", "must start with https://"),
        ("slack", "https://evil.example/services/T/B/X", "hooks.slack.com"),
        ("teams", "https://hooks.slack.com/services/T/B/X", "logic.azure.com"),
        ("teams-webhook", "https://x.webhook.office.com.evil.example/w", "webhook.office.com"),
    ],
)
def test_a_url_that_is_not_the_kinds_is_refused(org, settings, kind, url, message):
    settings.SIMULATOR_ENABLED = False
    with pytest.raises(actions.ActionError, match=message):
        _hook(org, kind, url)
    assert AlertHook.objects.count() == 0
