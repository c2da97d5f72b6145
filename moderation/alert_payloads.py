"""The bodies posted to a team's chat: one `Message` (written in the destination's language by
`moderation.alerts`), shaped as each receiver documents it.

Microsoft Teams, both a Workflows webhook ("When a Teams webhook request is received") and a
classic incoming webhook, takes a message with one Adaptive Card attachment:
  https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
  https://support.microsoft.com/en-us/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498
and refuses a message over 28 KB:
  https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
Slack takes `text` (the notification's fallback) and `blocks`, with `&`, `<` and `>` escaped in
every text:
  https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
  https://docs.slack.dev/messaging/formatting-message-text#escaping
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .models import AlertKind

# Teams refuses a message over 28 KB; the card is shortened below that (entries move to "more").
TEAMS_MAX_BYTES = 28 * 1024
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_VERSION = "1.4"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# The most characters of an item's text a message shows.
EXCERPT_CHARS = 280
# Slack: at most 50 blocks a message, 3,000 characters in a section's text, 2,000 in a field.
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_TEXT = 3000
SLACK_FIELD_TEXT = 2000


@dataclass
class Entry:
    """One queue item in a message: facts (label, value), the masked excerpt, its link."""

    facts: list[tuple[str, str]]
    excerpt: str
    link: str
    link_label: str


@dataclass
class Message:
    title: str
    summary: str
    entries: list[Entry] = field(default_factory=list)
    # Entries left out (the batch was long, or the size limit was reached), with their text.
    more: int = 0
    more_text: str = ""
    footnote: str = ""
    link: str = ""
    link_label: str = ""

    @property
    def fallback(self) -> str:
        return f"{self.title}: {self.summary}"


def payload(kind: str, message: Message, *, more_text=None) -> dict:
    """The JSON body for a destination of `kind`. `more_text(count)` writes the "and N more"
    line when entries must be left out to keep a Teams card under its size limit."""
    if kind == AlertKind.SLACK:
        return slack_payload(message)
    return teams_payload(message, more_text=more_text)


# -- Microsoft Teams: an Adaptive Card in a message


def _text(text, **style):
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _open_url(title, url):
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def adaptive_card(message: Message) -> dict:
    body = [
        _text(message.title, weight="Bolder", size="Medium"),
        _text(message.summary),
    ]
    for entry in message.entries:
        items = [
            {
                "type": "FactSet",
                "facts": [{"title": label, "value": value} for label, value in entry.facts],
            }
        ]
        if entry.excerpt:
            items.append(_text(entry.excerpt, isSubtle=True))
        if entry.link:
            items.append(
                {"type": "ActionSet", "actions": [_open_url(entry.link_label, entry.link)]}
            )
        body.append({"type": "Container", "separator": True, "items": items})
    if message.more:
        body.append(_text(message.more_text, isSubtle=True))
    if message.footnote:
        body.append(_text(message.footnote, isSubtle=True, size="Small"))
    card = {
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": ADAPTIVE_CARD_VERSION,
        "body": body,
    }
    if message.link:
        card["actions"] = [_open_url(message.link_label, message.link)]
    return card


def _teams_envelope(card: dict) -> dict:
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


def size_of(body: dict) -> int:
    """The bytes of `body` as it is posted (compact UTF-8 JSON)."""
    return len(encode(body))


def encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def teams_payload(message: Message, *, more_text=None) -> dict:
    """The message with one Adaptive Card; entries are left out from the end (and counted in
    the "more" line) until the whole message is under Teams' 28 KB."""
    entries = list(message.entries)
    more = message.more
    while True:
        shown = Message(**{**message.__dict__, "entries": entries, "more": more})
        if more and more_text is not None:
            shown.more_text = more_text(more)
        body = _teams_envelope(adaptive_card(shown))
        if size_of(body) <= TEAMS_MAX_BYTES:
            return body
        if entries:
            entries = entries[:-1]
            more += 1
            continue
        # Nothing left to drop: the texts themselves are cut (they are bounded upstream, so
        # this is a guard, not a path taken).
        shown.summary = shown.summary[: TEAMS_MAX_BYTES // 4]
        shown.title = shown.title[:200]
        return _teams_envelope(adaptive_card(shown))


# -- Slack: text and blocks, with mrkdwn's three control characters escaped


def slack_escape(text: str) -> str:
    """`&`, `<` and `>` as Slack's documented entities (`&` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text, limit=SLACK_SECTION_TEXT):
    return {"type": "mrkdwn", "text": text[:limit]}


def slack_payload(message: Message) -> dict:
    blocks = [
        {"type": "section", "text": _mrkdwn(f"*{slack_escape(message.title)}*")},
        {"type": "section", "text": _mrkdwn(slack_escape(message.summary))},
    ]
    tail = []
    if message.more:
        tail.append({"type": "context", "elements": [_mrkdwn(slack_escape(message.more_text))]})
    if message.link:
        tail.append(
            {
                "type": "section",
                "text": _mrkdwn(f"<{message.link}|{slack_escape(message.link_label)}>"),
            }
        )
    if message.footnote:
        tail.append({"type": "context", "elements": [_mrkdwn(slack_escape(message.footnote))]})
    room = SLACK_MAX_BLOCKS - len(blocks) - len(tail)
    for entry in message.entries:
        entry_blocks = [
            {"type": "divider"},
            {
                "type": "section",
                "fields": [
                    _mrkdwn(f"*{slack_escape(label)}*\n{slack_escape(value)}", SLACK_FIELD_TEXT)
                    for label, value in entry.facts[:10]
                ],
            },
        ]
        lines = []
        if entry.excerpt:
            lines.append(f">{slack_escape(entry.excerpt)}")
        if entry.link:
            lines.append(f"<{entry.link}|{slack_escape(entry.link_label)}>")
        if lines:
            entry_blocks.append({"type": "section", "text": _mrkdwn("\n".join(lines))})
        if len(entry_blocks) > room:
            break
        blocks.extend(entry_blocks)
        room -= len(entry_blocks)
    return {"text": slack_escape(message.fallback), "blocks": blocks + tail}


def excerpt(item) -> str:
    """The item's text with personal ID numbers masked, on one line, shortened."""
    from .personal_data import mask_personal_ids

    text = " ".join(mask_personal_ids(item.text or "").split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"
