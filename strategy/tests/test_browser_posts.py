"""A post in a real browser: a communications officer composes it for two channels (Facebook
with a picture and a link, X with its own shorter text), sends it for approval; the
communications lead (the central pages' approver) approves it for tomorrow morning; it shows on
the week calendar; the publishing task runs at its minute and the simulator holds both posts.
Screenshots in Danish and English go to test-artifacts/ and SHOTS (look at them)."""

import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import axe_violations, browser_login, screenshot
from moderation.tests import polling_support
from moderation.tests.polling_support import connect, make_channel
from strategy.models import Post, PostStatus, TargetStatus
from strategy.tasks import publish_due_posts

from .test_posts import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
simulator_module = polling_support.simulator_module
sim = polling_support.sim

SHOTS = Path(os.environ.get("POST_SHOTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _submit(page, selector):
    page.locator(selector).locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")


def _language(page, code):
    page.select_option("#language-select", code)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("load")


def _logout(page):
    page.click("form.app-logout button[type=submit]")
    page.wait_for_load_state("load")


@pytest.fixture
def send_now(monkeypatch):
    from moderation.polling import tasks

    monkeypatch.setattr(tasks.send_outbox_message, "delay", tasks.send_outbox_message)


def test_compose_approve_schedule_and_publish_a_post_on_two_channels(
    page, org, sim, send_now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = page.base_url
    facebook = make_channel(org, "facebook", name="Testby på Facebook")
    x = make_channel(org, "x", name="Testby på X")
    connect(facebook), connect(x)
    picture = tmp_path / "svoemmehal.png"
    picture.write_bytes(PNG)

    # The communications officer composes the post
    browser_login(page, "comms")
    page.goto("/strategy/posts/new/")
    page.fill("#id_title", "Svømmehallen genåbner")
    page.fill("#id_text", "Svømmehallen åbner igen mandag kl. 6 med nye omklædningsrum.")
    page.fill("#id_link", "https://testby.dk/svoemmehal")
    page.check(f".post-channel[value='{facebook.pk}']")
    page.check(f".post-channel[value='{x.pk}']")
    page.fill(f"#id_text_{x.pk}", "Svømmehallen åbner igen mandag kl. 6!")
    page.set_input_files("#id_picture", str(picture))
    page.fill("#id_picture_alt", "Det nye svømmebassin")
    # The counter counts as X does: the link at the end is 23 characters
    counter = page.locator(f".post-count[data-channel='{x.pk}']")
    assert counter.inner_text().startswith("62 af 280 tegn")
    _shot(page, "post-compose-da")
    _submit(page, "form.post-compose")
    post = Post.objects.get()
    assert post.status == PostStatus.DRAFT
    assert axe_violations(page) == []
    _submit(page, f"form[action$='/posts/{post.pk}/submit/']")
    assert Post.objects.get().status == PostStatus.SUBMITTED
    _logout(page)

    # The communications lead approves it for tomorrow 10:15
    tomorrow = datetime.now(COPENHAGEN).date() + timedelta(days=1)
    at = datetime.combine(tomorrow, time(10, 15), tzinfo=COPENHAGEN)
    browser_login(page, "comms_lead")
    page.goto(f"/strategy/posts/{post.pk}/")
    _shot(page, "post-approval-da")
    page.fill("#id_scheduled_at", at.strftime("%Y-%m-%dT%H:%M"))
    _submit(page, f"form[action$='/posts/{post.pk}/approve/']")
    post.refresh_from_db()
    assert (post.status, post.scheduled_at, post.decided_by) == (
        PostStatus.SCHEDULED,
        at,
        org.users["comms_lead"],
    )

    # It shows on the week's calendar
    page.goto(f"/strategy/posts/calendar/?date={tomorrow.isoformat()}")
    entry = page.locator(".post-calendar-entry")
    assert entry.count() == 1
    assert "10:15 Svømmehallen genåbner" in entry.inner_text()
    _shot(page, "post-calendar-week-da")
    assert axe_violations(page) == []

    # The beat task runs at the post's minute: both platforms confirm
    with time_machine.travel(at + timedelta(seconds=5), tick=False):
        assert publish_due_posts() == 1
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    published = {p["platform"]: p for p in polling_support.control(sim, "GET", "posts")["posts"]}
    assert published["facebook"]["image_url"].endswith(f"/posts/pictures/{post.picture_key}/")
    assert published["facebook"]["message"].startswith("Svømmehallen åbner igen mandag kl. 6")
    assert published["x"]["message"] == (
        "Svømmehallen åbner igen mandag kl. 6!\n\nhttps://testby.dk/svoemmehal"
    )
    assert {t.status for t in post.targets.all()} == {TargetStatus.PUBLISHED}

    # The published post and the month in English
    _language(page, "en")
    page.goto(f"/strategy/posts/{post.pk}/")
    assert page.locator(".post-status").first.inner_text() == "Published"
    assert page.locator(".post-preview a", has_text="See it on the platform").count() == 2
    _shot(page, "post-published-en")
    page.goto(f"/strategy/posts/calendar/?view=month&date={tomorrow.isoformat()}")
    assert page.locator(".post-calendar-entry").count() == 1
    _shot(page, "post-calendar-month-en")
    page.goto("/strategy/posts/new/")
    _shot(page, "post-compose-en")
