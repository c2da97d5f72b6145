"""A citizen's comment of 100,000 characters without a space: the item page loads in a few
seconds, the page does not grow wider than the window, and the full text is one click away."""

import time

import pytest

from conftest import browser_login, screenshot
from moderation.models import QueueItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Hvorfor" + "x" * 99_986 + "SLUTTEN"  # 100,000 characters, no space


def test_an_item_with_a_100000_character_unspaced_comment_opens_quickly(page, org):
    item = QueueItem.objects.create(
        channel=org.channels["central"],
        platform="facebook",
        external_id="long-1",
        kind="comment",
        author_name="B" * 255,
        text=LONG,
        created_at=org.items["central"].created_at,
        received_at=org.items["central"].received_at,
    )
    browser_login(page, "comms")

    started = time.monotonic()
    page.goto(f"/moderation/items/{item.pk}/")
    page.wait_for_load_state("load")
    took = time.monotonic() - started

    screenshot(page, "item-long-text")
    assert took < 5, f"the page took {took:.1f} s"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shown = page.locator("#item-text").inner_text()
    assert shown.startswith("Hvorfor") and len(shown) < 3_000
    # The whole text is one click away
    page.click("#item-text-all summary")
    assert page.locator("#item-text-all .app-text").inner_text() == LONG
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The queue row stays within the window too
    started = time.monotonic()
    page.goto("/moderation/")
    page.wait_for_load_state("load")
    assert time.monotonic() - started < 5
    screenshot(page, "queue-long-text")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
