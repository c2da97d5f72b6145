"""The chat receivers alerts are posted to: Teams Workflows (202), a classic Teams incoming
webhook (200 "1") and Slack (200 "ok"), their refusals, injected faults and the record of what
they received."""

import requests

CARD = {
    "type": "message",
    "attachments": [
        {
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": None,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [{"type": "TextBlock", "text": "Hej"}],
            },
        }
    ],
}


def test_each_receiver_answers_as_documented(sim):
    workflow = requests.post(f"{sim.url}/_sim/hooks/teams/a", json=CARD, timeout=5)
    webhook = requests.post(f"{sim.url}/_sim/hooks/teams-webhook/a", json=CARD, timeout=5)
    slack = requests.post(f"{sim.url}/_sim/hooks/slack/a", json={"text": "Hej"}, timeout=5)

    assert (workflow.status_code, workflow.text) == (202, "")
    assert (webhook.status_code, webhook.text) == (200, "1")
    assert (slack.status_code, slack.text) == (200, "ok")
    received = requests.get(f"{sim.url}/_sim/hooks", timeout=5).json()
    assert [(row["kind"], row["id"], row["status"]) for row in received] == [
        ("teams", "a", 202),
        ("teams-webhook", "a", 200),
        ("slack", "a", 200),
    ]
    assert received[0]["body"] == CARD


def test_bad_bodies_are_refused(sim):
    not_json = requests.post(f"{sim.url}/_sim/hooks/slack/a", data=b"{nope", timeout=5)
    empty = requests.post(f"{sim.url}/_sim/hooks/slack/a", json={"username": "x"}, timeout=5)
    message_card = requests.post(
        f"{sim.url}/_sim/hooks/teams/a", json={"@type": "MessageCard", "text": "x"}, timeout=5
    )
    too_big = requests.post(
        f"{sim.url}/_sim/hooks/teams/a",
        json={**CARD, "padding": "x" * (28 * 1024)},
        timeout=5,
    )
    assert (not_json.status_code, not_json.text) == (400, "invalid_payload")
    assert (empty.status_code, empty.text) == (400, "no_text")
    assert message_card.status_code == 400
    assert too_big.status_code == 400
    assert "28 KB" in too_big.json()["error"]["message"]


def test_faults_answer_the_next_posts_then_stop(sim):
    fault = {"kind": "slack", "id": "b", "status": 429, "retry_after": 3, "count": 2}
    assert requests.post(f"{sim.url}/_sim/hooks/faults", json=fault, timeout=5).ok
    answers = [
        requests.post(f"{sim.url}/_sim/hooks/slack/b", json={"text": "x"}, timeout=5)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "3"
    assert answers[0].text == "rate_limited"
    gone = {"kind": "teams", "id": "c", "status": 410}
    assert requests.post(f"{sim.url}/_sim/hooks/faults", json=gone, timeout=5).ok
    answer = requests.post(f"{sim.url}/_sim/hooks/teams/c", json=CARD, timeout=5)
    assert answer.status_code == 410
    bad = requests.post(
        f"{sim.url}/_sim/hooks/faults", json={"kind": "fax", "id": "c", "status": 410}, timeout=5
    )
    assert bad.status_code == 400


def test_a_reset_forgets_what_was_received(sim):
    requests.post(f"{sim.url}/_sim/hooks/slack/a", json={"text": "x"}, timeout=5)
    requests.post(f"{sim.url}/_sim/reset", timeout=5)
    assert requests.get(f"{sim.url}/_sim/hooks", timeout=5).json() == []
