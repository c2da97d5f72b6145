"""Similar earlier questions in a real browser, in Danish and English: the answers shown under
the item, and "Use this answer" filling the reply box without leaving the page."""

from datetime import timedelta

import pytest

from conftest import axe_violations, browser_login, screenshot
from moderation.models import OutboxMessage

from .support import MONDAY, adopt_policy, item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EARLIER = [
    (
        "b",
        "Vores affaldsspande er ikke blevet tømt i tre uger. Hvad sker der?",
        "Vi beklager. Renovationen har haft nedbrud på en bil, og jeres spande bliver tømt "
        "senest torsdag. Skriv igen, hvis det ikke sker.",
    ),
    (
        "a",
        "Containeren ved skolen blev tømt alt for sent i sidste uge.",
        "Tak for beskeden. Vi har bedt vognmanden om at tømme den tidligere fremover.",
    ),
]


def _language(page, code):
    page.select_option("#language-select", code)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_similar_answers_show_and_one_click_drafts_the_reply(page, org):
    adopt_policy(org.municipality)
    for n, (channel, text, answer) in enumerate(EARLIER, start=1):
        earlier = item(
            org.channels[channel],
            text,
            n=n,
            received=MONDAY - timedelta(days=n * 4),
            status="answered",
        )
        OutboxMessage.objects.create(
            kind="reply",
            status="sent",
            idempotency_key=f"similar-browser-{n}",
            channel=earlier.channel,
            item=earlier,
            text=answer,
            sent_at=earlier.received_at + timedelta(hours=2),
        )
    subject = item(org.channels["central"], "Hvorfor blev affaldsspanden ikke tømt i går?", n=9)
    browser_login(page, "comms")
    for language in ("da", "en"):
        _language(page, language)
        page.goto(subject.get_absolute_url())
        page.wait_for_load_state("networkidle")
        rows = page.locator("[data-similar-item]")
        assert rows.count() == 2
        assert "renovationen" in rows.first.inner_text().lower()
        rows.first.locator("[data-use-answer]").click()
        # Filled in place: the page did not reload, the box holds the answer and has focus.
        assert "draft=" not in page.url
        assert page.input_value("#id_text") == EARLIER[0][2]
        assert page.evaluate("document.activeElement.id") == "id_text"
        page.locator("[data-similar]").scroll_into_view_if_needed()
        screenshot(page, f"similar-{language}")
        assert axe_violations(page) == []
