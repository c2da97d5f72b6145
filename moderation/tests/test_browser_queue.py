"""The answer routine in a real browser: a citizen's question arrives from the platform, is
forwarded to an expert, answered, reviewed and posted back to the platform; a comment with HTML
and script shows as inert text; the queue works at phone width."""

import pytest

from conftest import axe_violations, browser_login, screenshot
from moderation import outbox
from moderation.models import ItemStatus, OutboxMessage, QueueItem
from moderation.polling.poller import poll_connection

from . import polling_support
from .polling_support import add_comment, connect, make_channel, sim_actions
from .support import adopt_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
simulator_module = polling_support.simulator_module
sim = polling_support.sim

QUESTION = "Hvornår bliver der tømt glascontainere i Nordbyen?"
ANSWER = "Glascontainerne i Nordbyen tømmes hver anden tirsdag. Ring til Affald for mere."
HOSTILE = '<script>window.pwned = true</script><img src=x onerror="window.pwned=true"> Hej'


def _arrive(sim, channel, text, author):
    """The citizen posts on the platform; one poll brings it into the queue."""
    add_comment(sim, channel.platform, text, author=author)
    poll_connection(channel.connection.pk)
    return QueueItem.objects.get(channel=channel, text=text)


def _logout(page):
    page.click("form.app-logout button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_question_from_arrival_through_an_expert_to_the_posted_reply(page, org, sim):
    adopt_policy(org.municipality)
    channel = make_channel(org, "facebook")
    connect(channel)
    question = _arrive(sim, channel, QUESTION, "Borger 21")
    assert question.answer_due is not None

    # The monitor on the team sees it in the queue and forwards it to the expert
    browser_login(page, "comms")
    page.select_option("#language-select", "en")
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto("/moderation/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "queue")
    assert axe_violations(page) == []
    page.click(f"tr[data-item='{question.pk}'] a.app-queue-link")
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-text").inner_text() == QUESTION
    page.click("summary:has-text('Forward to a department or expert')")
    page.select_option("#id_forward-to_unit", str(org.units["dept_a"].pk))
    page.select_option("#id_forward-to_user", str(org.users["expert"].pk))
    page.fill("#id_forward-note", "Kan du svare kort?")
    page.click("form[action$='/forward/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    question.refresh_from_db()
    assert question.status == ItemStatus.FORWARDED
    screenshot(page, "item-forwarded")
    assert axe_violations(page) == []
    _logout(page)

    # The expert finds it among "my forwarded questions" and sends an answer back
    browser_login(page, "expert")
    page.goto("/moderation/forwarded/")
    screenshot(page, "forwarded")
    assert axe_violations(page) == []
    page.click(f"a[href='{question.get_absolute_url()}']")
    page.wait_for_load_state("networkidle")
    page.fill("#id_answer", ANSWER)
    page.click("form[action$='/send_back/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/moderation/forwarded/")
    _logout(page)

    # The team reviews the answer (pre-filled) and posts it as the municipality
    browser_login(page, "comms")
    page.goto(question.get_absolute_url())
    assert page.locator("#id_text").input_value() == ANSWER
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    question.refresh_from_db()
    # Sending until the platform confirms it
    assert question.status == ItemStatus.SENDING
    screenshot(page, "item-sending")

    # The worker sends the outbox message; the platform got the reply to the citizen, and only
    # now is the item answered
    message = OutboxMessage.objects.get(item=question, kind="reply")
    assert outbox.deliver(message.pk) == "sent"
    replies = sim_actions(sim, platform="facebook", kind="reply")
    assert [(r["target_id"], r["text"]) for r in replies] == [(question.external_id, ANSWER)]
    question.refresh_from_db()
    assert question.status == ItemStatus.ANSWERED
    page.reload()
    screenshot(page, "item-answered")


def test_html_and_script_in_a_comment_are_inert_text(page, org, sim):
    adopt_policy(org.municipality)
    channel = make_channel(org, "facebook")
    connect(channel)
    hostile = _arrive(sim, channel, HOSTILE, "Borger 22")
    browser_login(page, "comms")
    page.goto("/moderation/")
    page.wait_for_load_state("networkidle")
    assert (
        page.locator(f"tr[data-item='{hostile.pk}'] a.app-queue-link")
        .inner_text()
        .startswith("<script>")
    )
    page.goto(hostile.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-text").inner_text() == HOSTILE
    assert page.evaluate("() => window.pwned === undefined")
    assert page.locator("#item-text img").count() == 0
    screenshot(page, "item-hostile")


def test_the_queue_at_phone_width(page, org):
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, "comms")
    page.goto("/moderation/")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(page, "queue-phone")
    assert axe_violations(page) == []
