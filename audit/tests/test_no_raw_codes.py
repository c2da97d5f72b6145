"""No page shows a machine code: every action, reason, status and delivery state that can reach a
rendered page has a label, and the pages use it.

The inputs are generated from the code itself: the action codes from every `record(...)` call in
the source (and the rows the intake writes directly), the reason codes likewise, the statuses from
every model field with choices. A new code without a label fails here."""

import ast
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ChannelStatus, NoticeStatus
from audit import labels
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.models import (
    Forwarding,
    ForwardingStatus,
    ItemStatus,
    OutboxMessage,
    OutboxStatus,
    QueueItem,
)

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "tests", "migrations", "simulator", ".git"}


@pytest.fixture(autouse=True)
def _language_restored():
    # The test client runs the locale middleware in this thread: the language a page was
    # asked in must not stay active for the tests after this one.
    with translation.override("en"):
        yield


def _source_files():
    for path in ROOT.rglob("*.py"):
        if not SKIP & set(path.relative_to(ROOT).parts):
            yield path


def _strings(node, assigned):
    """The string values an expression can take: a constant, either branch of a conditional,
    or a local name assigned constants in the same function."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body, assigned) | _strings(node.orelse, assigned)
    if isinstance(node, ast.Name):
        return assigned.get(node.id, set())
    return set()


def recorded_codes():
    """{"actions": ..., "reasons": ...}: every code the source writes into the audit trail."""
    actions, reasons = set(), set()
    for path in _source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in [tree, *ast.walk(tree)]:
            if not isinstance(function, ast.Module | ast.FunctionDef):
                continue
            assigned = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            values = _strings(node.value, {})
                            assigned.setdefault(target.id, set()).update(values)
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name == "record" and node.args:
                    actions |= _strings(node.args[0], assigned)
                if name in ("record", "AuditEntry"):
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            actions |= _strings(keyword.value, assigned)
                        if keyword.arg == "reason":
                            reasons |= _strings(keyword.value, assigned)
    return {"actions": actions, "reasons": reasons}


def test_every_recorded_action_and_reason_code_has_a_label():
    from accounts.actions import NOTICE_OUTCOMES

    codes = recorded_codes()
    actions = codes["actions"] | {action for _status, action in NOTICE_OUTCOMES.values()}
    # The scan finds the codes (a broken scan would pass vacuously)
    assert {"reply", "outbox.sent", "channel.request_approved", "assign"} <= actions
    assert {"on_duty", "closed"} <= codes["reasons"]
    assert sorted(actions - set(labels.ACTION_LABELS)) == []
    assert sorted(codes["reasons"] - set(labels.REASON_LABELS)) == []


def all_codes():
    """Every code that can reach a page: actions, reasons, and the stored values of every
    model field with choices (statuses, kinds, states)."""
    codes = set(labels.ACTION_LABELS) | set(labels.REASON_LABELS) | recorded_codes()["actions"]
    for model in apps.get_models():
        if model._meta.app_label not in ("moderation", "accounts", "governance", "strategy"):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value:
                    codes.add(value)
    return codes


# Elements whose text is no label: scripts and styles, and the keys of keyboard shortcuts
# (the queue's "x" selects a row; it is the key to press, not the platform code "x").
_NOT_LABELS = ("script", "style", "template", "kbd")


class _VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in _NOT_LABELS:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in _NOT_LABELS:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def _word(code):
    return re.compile(r"(?<![\w.-])" + re.escape(code) + r"(?![\w.-])")


def raw_codes_in(text, codes, allowed_words):
    return sorted(c for c in codes if c not in allowed_words and _word(c).search(text))


@pytest.fixture
def every_code(org):
    """An item and a channel whose history holds every action with every reason, every status
    change, people named by id; forwardings and replies in every state."""
    from moderation.tests.support import adopt_policy

    adopt_policy(org.municipality)
    channel = org.channels["central"]
    subject = QueueItem.objects.create(
        channel=channel,
        platform=channel.platform,
        external_id="raw-codes-1",
        kind="comment",
        author_name="Borger Ansen",
        text="Hvornår åbner svømmehallen?",
        created_at=timezone.now() - timedelta(hours=1),
        received_at=timezone.now() - timedelta(hours=1),
        thread_external_id="post-raw",
    )
    actions = sorted(all_action_codes())
    reasons = sorted(labels.REASON_LABELS) + ["personal_attack"]
    statuses = list(ItemStatus.values)
    people = [org.users["monitor"].pk, org.users["comms"].pk, None]
    for n, action in enumerate(actions):
        AuditEntry.objects.create(
            action=action,
            actor=org.users["comms"] if n % 2 else None,
            object_type="moderation.queueitem",
            object_id=subject.pk,
            item=subject,
            channel=channel,
            reason=reasons[n % len(reasons)],
            before={"status": statuses[n % len(statuses)], "assigned_to": people[n % 3]},
            after={
                "status": statuses[(n + 1) % len(statuses)],
                "assigned_to": people[(n + 1) % 3],
            },
        )
        AuditEntry.objects.create(
            action=action,
            object_type="accounts.channel",
            object_id=channel.pk,
            channel=channel,
            before={
                "status": ChannelStatus.values[n % len(ChannelStatus.values)],
                "notice_status": NoticeStatus.values[n % len(NoticeStatus.values)],
                "responsible": org.users["editor"].pk,
            },
            after={
                "status": ChannelStatus.values[(n + 1) % len(ChannelStatus.values)],
                "notice_status": NoticeStatus.values[(n + 1) % len(NoticeStatus.values)],
                "responsible": org.users["comms_lead"].pk,
            },
        )
    for reason in reasons:
        AuditEntry.objects.create(action="hide", item=subject, channel=channel, reason=reason)
    for status in ForwardingStatus.values:
        Forwarding.objects.create(
            item=subject,
            to_unit=org.units["dept_a"],
            to_user=org.users["expert"],
            due_at=timezone.now() + timedelta(hours=2),
            forwarded_by=org.users["comms"],
            status=status,
            note="Kan I svare?",
        )
    for n, status in enumerate(OutboxStatus.values):
        OutboxMessage.objects.create(
            kind="reply",
            status=status,
            idempotency_key=f"raw-{n}",
            channel=channel,
            item=subject,
            text="Vi svarer snart.",
        )
    return {"item": subject, "channel": channel}


def all_action_codes():
    from accounts.actions import NOTICE_OUTCOMES

    return (
        set(labels.ACTION_LABELS)
        | recorded_codes()["actions"]
        | {a for _s, a in NOTICE_OUTCOMES.values()}
    )


def pages(every_code):
    return {
        "item": every_code["item"].get_absolute_url(),
        "queue": reverse("moderation:queue") + "?status=all",
        "audit log": reverse("moderation:audit-log"),
        "channel": reverse("accounts:channel-detail", args=[every_code["channel"].pk]),
        "removals": reverse("strategy:report-removals"),
    }


def allowed_words(language):
    """Codes that are also plain words of a label in `language` (Danish "sent" is "late", the
    field "Central eller decentral"): a label saying them is not a raw code."""
    with translation.override(language):
        texts = [str(label) for label in labels.ACTION_LABELS.values()]
        texts += [str(label) for label in labels.REASON_LABELS.values()]
        for model in apps.get_models():
            for field in model._meta.get_fields():
                texts += [str(label) for _v, label in getattr(field, "flatchoices", None) or ()]
                texts.append(str(getattr(field, "verbose_name", "")))
    return set(re.findall(r"[\w.-]+", " ".join(texts)))


def fixture_words():
    """Words of the test data's own names ("Borger central", the persona "editor"), which are
    not codes."""
    from django.contrib.auth import get_user_model

    from accounts.models import Channel

    names = list(QueueItem.objects.values_list("author_name", flat=True))
    names += list(Channel.objects.values_list("name", flat=True))
    names += list(get_user_model().objects.values_list("username", flat=True))
    return set(re.findall(r"[\w.-]+", " ".join(names)))


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_page_shows_a_raw_code(client, org, every_code, language):
    assert client.login(username="comms", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    codes = all_codes()
    if language == "en":
        # English labels use plain words that are also codes ("new", "sent"): only the
        # unmistakable machine codes are looked for.
        codes = {c for c in codes if re.search(r"[._-]", c)}
    allowed = allowed_words(language) | fixture_words()
    for name, url in pages(every_code).items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        assert raw_codes_in(text, codes, allowed) == [], name


def test_the_history_names_people_and_reasons_in_words(client, org, every_code):
    assert client.login(username="comms", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    text = visible_text(client.get(every_code["item"].get_absolute_url()).content.decode())
    monitor = org.users["monitor"]
    assert f"tildelt: – → {monitor.get_full_name() or monitor.username}" in text
    assert "(vagthavende)" in text  # the intake's "on_duty"
    assert "(Personangreb)" in text  # the policy's removal reason
    assert "Bekræftet af platformen" in text  # "outbox.sent"
