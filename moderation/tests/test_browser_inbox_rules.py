"""The rule editor in a real browser, in Danish and English: the dry run over the last 30 days
shown on the page without leaving it (HTMX), nothing changed, no serious accessibility
problems."""

import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import axe_violations, browser_login, screenshot
from governance.models import RemovalReason
from moderation import rule_actions
from moderation.models import RuleHit

from .support import adopt_policy, item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots/rules")


def _language(page, code):
    page.select_option("#language-select", code)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_rule_editor_dry_run(page, org):
    version = adopt_policy(org.municipality)
    RemovalReason.objects.create(
        version=version, code="spam", label="Spam", explanation="Reklame.", automatic_allowed=True
    )
    label = rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name="Parkering", colour="yellow"
    )
    rule = rule_actions.create_rule(
        org.municipality,
        acting_user=org.users["comms_lead"],
        name="Parkering og p-pladser",
        conditions={"words": ["parkering", "p-plads"]},
        actions={"labels": [label.pk], "priority": 1, "hide_reason": "personal_attack"},
    )
    now = timezone.now()
    texts = [
        "Der er aldrig ledige p-pladser ved rådhuset om morgenen",
        "Hvorfor koster beboerparkeringen mere i år? Mit CPR er 070761-4285",
        "Parkeringen ved hallen er fyldt med affald",
        "Hvornår åbner svømmehallen igen?",
    ]
    for n, text in enumerate(texts, start=1):
        item(org.channels["central"], text, n=n, received=now)
    browser_login(page, "comms_lead")
    for language in ("da", "en"):
        _language(page, language)
        page.goto(f"/settings/rules/{rule.pk}/")
        page.click("[data-testid=dry-run]")
        summary = page.locator("[data-testid=dry-run-summary]")
        summary.wait_for()
        assert "3" in summary.inner_text()
        assert "070761-4285" not in page.content()
        assert axe_violations(page) == []
        path = screenshot(page, f"rule-editor-dry-run-{language}")
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
        page.goto("/settings/rules/")
        path = screenshot(page, f"rules-list-{language}")
        shutil.copy(path, SHOTS / path.name)
    assert RuleHit.objects.count() == 0
