"""Two people on the same item in two browsers: each sees the other there, the one writing is
shown as writing, and the second answer is held back with the first one's author and time until
its writer confirms. The header's unread count and the opt-in alerts. In Danish and English, on
a desktop and at phone width; the screenshots go to test-artifacts/."""

import pytest

from conftest import axe_violations, browser_login, screenshot
from moderation.models import Notification, OutboxMessage

from .support import adopt_policy, item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WRITING = {"da": "Anna Holm skriver et svar", "en": "Anna Holm is writing a reply"}
MEANWHILE = {"da": "svarede på denne sag kl.", "en": "answered this item at"}


def _names(org):
    for persona, first, last in (("comms", "Anna", "Holm"), ("monitor", "Bo", "Berg")):
        user = org.users[persona]
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])


def _language(page, code):
    page.select_option("#language-select", code)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("load")


@pytest.fixture
def second_page(chromium, live_server):
    """A second person's browser: its own context, so its own session."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    other = context.new_page()
    other.set_default_timeout(15_000)
    yield other
    context.close()


def test_two_people_on_one_item_see_each_other_and_the_second_answer_waits(page, second_page, org):
    adopt_policy(org.municipality)
    _names(org)
    anna, bo = page, second_page
    browser_login(anna, "comms")
    browser_login(bo, "monitor")
    for n, language in enumerate(("da", "en")):
        target = item(org.channels["central"], "Hvornår åbner svømmehallen igen?", n=50 + n)
        anna.set_viewport_size({"width": 1280, "height": 900})
        bo.set_viewport_size({"width": 1280, "height": 900})
        _language(anna, language)
        _language(bo, language)
        anna.goto(target.get_absolute_url())
        bo.goto(target.get_absolute_url())
        # Anna starts writing: Bo sees it within a heartbeat, read out politely
        anna.fill("#id_text", "Svømmehallen åbner igen mandag kl. 6.")
        presence = bo.locator("#item-presence")
        presence.get_by_text(WRITING[language]).wait_for(timeout=12_000)
        assert presence.get_attribute("aria-live") == "polite"
        assert bo.evaluate("document.activeElement === document.body")  # focus untouched
        screenshot(bo, f"presence-writing-desktop-{language}")
        # Bo writes too, and Anna sends hers first
        bo.fill("#id_text", "Vi åbner mandag morgen.")
        anna.click("[data-reply-submit]")
        anna.wait_for_load_state("load")
        # Bo's answer is held back: who answered and when, his text still there
        bo.click("[data-reply-submit]")
        warning = bo.locator("[data-answered-meanwhile]")
        warning.wait_for()
        assert MEANWHILE[language] in warning.inner_text()
        assert "Anna Holm" in warning.inner_text()
        assert bo.input_value("#id_text") == "Vi åbner mandag morgen."
        assert OutboxMessage.objects.filter(item=target).count() == 1
        screenshot(bo, f"presence-answered-meanwhile-desktop-{language}")
        assert axe_violations(bo) == []
        bo.set_viewport_size(PHONE)
        assert bo.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(bo, f"presence-answered-meanwhile-phone-{language}")
        # He reads it and sends his anyway, by keyboard
        bo.focus("#id_send_anyway")
        bo.keyboard.press("Space")
        assert bo.is_checked("#id_send_anyway")
        bo.click("[data-reply-submit]")
        bo.wait_for_load_state("load")
        assert bo.locator("[data-answered-meanwhile]").count() == 0
        assert list(
            OutboxMessage.objects.filter(item=target)
            .order_by("pk")
            .values_list("requested_by__username", flat=True)
        ) == ["comms", "monitor"]


def test_the_unread_count_and_the_alerts(chromium, live_server, org):
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        permissions=["notifications"],
    )
    # The browser's notices are counted, not shown (a headless browser has no desktop).
    context.add_init_script(
        "window.__shown = [];"
        "window.Notification = class extends window.Notification {"
        "  constructor(title, options) { super(title, options);"
        "    window.__shown.push([title, options.body]); } };"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Refused to" in m.text else None)
    _names(org)
    monitor = org.users["monitor"]
    browser_login(page, "monitor")
    for language in ("da", "en"):
        Notification.objects.filter(user=monitor).delete()
        page.set_viewport_size({"width": 1280, "height": 900})
        _language(page, language)
        page.goto("/moderation/")
        slot = page.locator("#header-unread [data-unread]")
        slot.wait_for()
        assert slot.get_attribute("data-unread") == "0"
        # Turned on by keyboard; told so politely, focus stays on the button
        toggle = page.locator("[data-alerts-toggle]")
        toggle.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.getElementById('alerts-announcer').textContent !== ''"
        )
        assert page.evaluate("document.activeElement.hasAttribute('data-alerts-toggle')")
        assert page.evaluate("localStorage.getItem('alerts:on')") == "1"
        # A deadline passes: the next poll counts it and shows the browser's notice
        Notification.objects.create(
            user=monitor, kind="sla_breach", message="Fristen for svar er overskredet"
        )
        page.evaluate("htmx.trigger('#header-unread', 'alerts-changed')")
        page.wait_for_function(
            "() => document.querySelector('#header-unread [data-unread]').dataset.unread === '1'"
        )
        page.wait_for_function("() => window.__shown.length === 1")
        assert page.evaluate("window.__shown[0][1]") == "Fristen for svar er overskredet"
        screenshot(page, f"alerts-badge-desktop-{language}")
        assert axe_violations(page) == []
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, f"alerts-badge-phone-{language}")
        # Turned off again
        page.set_viewport_size({"width": 1280, "height": 900})
        toggle.click()
        assert page.evaluate("localStorage.getItem('alerts:on')") is None
    context.close()
    assert violations == []
