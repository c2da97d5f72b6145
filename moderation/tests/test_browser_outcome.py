"""An answer the platform did not take, in the browser: the item says "not sent" with the
reason in the reader's language and a button that sends it again, on a desktop and on a phone."""

import pytest

from conftest import browser_login, screenshot
from moderation.models import ItemStatus, OutboxMessage, QueueItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_a_failed_answer_is_shown_with_its_reason_and_can_be_sent_again(page, org, language, width):
    item = org.items["central"]
    QueueItem.objects.filter(pk=item.pk).update(status=ItemStatus.NOT_SENT)
    message = OutboxMessage.objects.create(
        kind="reply",
        status="failed",
        failure="reconnect",
        idempotency_key="shot-1",
        channel=item.channel,
        item=item,
        text="Tak for dit spørgsmål. Containerne tømmes hver tirsdag.",
        requested_by=org.users["comms"],
        attempts=1,
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, "comms")

    page.goto(f"/moderation/items/{item.pk}/")
    alert = page.locator(f'[data-write="{message.pk}"]')
    expected = {
        "da": "Forbind kanalen igen, og prøv så igen.",
        "en": "Reconnect the channel, then try again.",
    }[language]
    assert expected in alert.inner_text()
    screenshot(page, f"item-not-sent-{language}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.click(f'[data-retry="{message.pk}"]')
    page.wait_for_load_state("load")
    item.refresh_from_db()
    message.refresh_from_db()
    # Back in line: the item is sending, the page offers no second answer meanwhile
    assert (item.status, message.status, message.failure) == (ItemStatus.SENDING, "pending", "")
    assert page.locator(f'[data-retry="{message.pk}"]').count() == 0
    assert page.locator("[data-reply-sending]").count() == 1
