"""The queue's bulk steps in a real browser: rows selected by keyboard and by mouse, closed
together with a reason, the outcome told on the queue; in Danish and English, on a desktop and
on a phone."""

import pytest

from audit.models import AuditEntry
from conftest import axe_violations, browser_login, screenshot
from moderation.models import ItemStatus, QueueItem

from .support import item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSED = {"da": "3 sager lukket.", "en": "3 items closed."}
SKIPPED = {
    "da": "1 sag sprunget over: Et svar er på vej til platformen.",
    "en": "1 item skipped: An answer is on its way to the platform.",
}
SELECTED = {"da": "2 sager valgt.", "en": "2 items selected."}


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_rows_selected_by_keyboard_and_mouse_are_closed_with_a_reason(page, org, language, width):
    # Given four open items on the central channel, one of them with an answer on its way
    channel = org.channels["central"]
    praise = [item(channel, f"Tak for hjælpen nummer {n}!", n=40 + n) for n in range(3)]
    sending = item(channel, "Svaret er på vej", n=50, status=ItemStatus.SENDING)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, "comms")
    page.goto("/moderation/?channel=" + str(channel.pk) + "&status=all")
    page.wait_for_load_state("networkidle")

    # When a row is selected from the keyboard: j to the first row (the organisation's own
    # item, received first), j to the next, x to select it
    page.locator("body").press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    first = page.locator(f"#select-{praise[0].pk}")
    assert first.is_checked()
    # And another with the mouse
    page.locator(f"#select-{praise[1].pk}").click()
    status = page.locator("#bulk-count")
    assert status.inner_text() == SELECTED[language]
    assert status.get_attribute("aria-live") == "polite"
    # Typing in the reason field does not select anything
    page.fill("#bulk-reason", "x")
    page.locator("#bulk-reason").press("x")
    assert status.inner_text() == SELECTED[language]
    page.fill("#bulk-reason", "")
    # And the third and the sending one too, by keyboard: j twice from the second row, x
    page.locator(f"tr[data-item='{praise[1].pk}'] .app-queue-link").focus()
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.locator(f"tr[data-item='{sending.pk}'] .app-queue-link").focus()
    page.keyboard.press("x")
    assert [page.locator(f"#select-{i.pk}").is_checked() for i in [*praise, sending]] == [
        True,
        True,
        True,
        True,
    ]
    screenshot(page, f"bulk-selected-{language}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []

    # Shift+C goes to the reason; writing it and pressing Enter closes the selected items
    page.keyboard.press("Shift+C")
    assert page.evaluate("document.activeElement.id") == "bulk-reason"
    page.keyboard.type("Ros og tak")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    # Then the queue says what happened: three closed, the sending one skipped and why
    messages = page.locator(".app-messages").inner_text()
    assert CLOSED[language] in messages
    assert SKIPPED[language] in messages
    screenshot(page, f"bulk-done-{language}-{width}")
    assert axe_violations(page) == []
    assert (
        list(
            QueueItem.objects.filter(pk__in=[i.pk for i in praise]).values_list(
                "status", "closed_reason"
            )
        )
        == [(ItemStatus.CLOSED, "Ros og tak")] * 3
    )
    assert QueueItem.objects.get(pk=sending.pk).status == ItemStatus.SENDING
    assert sorted(
        AuditEntry.objects.filter(action="close").values_list("item_id", flat=True)
    ) == sorted(i.pk for i in praise)


def test_select_all_and_acknowledge_by_keyboard(page, org):
    channel = org.channels["central"]
    rows = [item(channel, f"Spørgsmål {n}", n=60 + n) for n in range(2)]
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    browser_login(page, "comms")
    page.goto(f"/moderation/?channel={channel.pk}")
    page.wait_for_load_state("networkidle")
    # Shift+A with nothing selected says so, and does nothing
    page.locator("body").press("Shift+A")
    page.wait_for_timeout(100)
    assert page.locator("#bulk-count").inner_text() == "No items selected."
    # Shift+X selects every row on the page, and the bar's box shows it
    page.keyboard.press("Shift+X")
    expected = [org.items["central"], *rows]
    assert all(page.locator(f"#select-{i.pk}").is_checked() for i in expected)
    assert page.locator("#bulk-all").is_checked()
    assert page.locator("#bulk-count").inner_text() == "3 items selected."
    # Esc clears the selection; the bar's box selects all again with the mouse
    page.keyboard.press("Escape")
    assert page.locator("#bulk-count").inner_text() == "No items selected."
    page.check("#bulk-all")
    assert page.locator("#bulk-count").inner_text() == "3 items selected."
    # Shift+A acknowledges them
    page.keyboard.press("Shift+A")
    page.wait_for_load_state("networkidle")
    assert "3 items acknowledged." in page.locator(".app-messages").inner_text()
    statuses = QueueItem.objects.filter(pk__in=[i.pk for i in expected]).values_list(
        "status", flat=True
    )
    assert set(statuses) == {ItemStatus.ACKNOWLEDGED}
