"""The item page's conversation in a real browser, in Danish and English, on a desktop and at
phone width: the post with its picture, the path down to the item, the folded rest of the
thread, our replies with their delivery state, and on a phone the reply box right after the
citizen's text."""

import base64
import struct
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone

from audit import record
from conftest import axe_violations, browser_login, screenshot
from moderation.models import Forwarding, ForwardingStatus, OutboxMessage, ThreadPost

from .support import adopt_policy, item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _picture():
    """A small PNG as a data: URL: a picture the browser shows without any network."""
    width, height = 320, 160
    # Bands of colour compress to a few hundred bytes (the column holds 2,000 characters).
    bands = [(0, 89, 179), (58, 134, 199), (140, 190, 225), (222, 236, 247)]
    rows = b"".join(b"\x00" + bytes(bands[y * 4 // height]) * width for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _conversation(org):
    adopt_policy(org.municipality)
    channel = org.channels["central"]
    now = timezone.now()
    ThreadPost.objects.create(
        channel=channel,
        platform=channel.platform,
        external_id="post-sv",
        text="Svømmehallen holder lukket i uge 7, mens vi skifter filtre. Vi glæder os til at "
        "se jer igen mandag i uge 8!",
        picture_url=_picture(),
        permalink="https://www.facebook.com/testby/posts/1234",
        created_at=now - timedelta(days=1),
        seen_at=now,
    )

    def comment(text, n, parent=None, minutes=0, **fields):
        return item(
            channel,
            text,
            n=n,
            received=now - timedelta(hours=20) + timedelta(minutes=minutes),
            kind="reply" if parent else "comment",
            parent=parent,
            parent_external_id=parent.external_id if parent else "",
            thread_external_id="post-sv",
            **fields,
        )

    top = comment("Hvorfor skal det ske midt i vinterferien?", 1, author_name="Karen Holm")
    for n in range(12):
        comment(f"Godt at høre, tak for info {n}", 100 + n, minutes=5 + n)
    comment("Helt enig, det er dårlig planlægning", 2, top, 10, author_name="Ole Berg")
    subject = comment(
        "Gælder det også saunaen og varmtvandsbassinet? Jeg har købt et årskort.",
        3,
        top,
        20,
        author_name="Mette Lund",
    )
    ours = comment("Ja, hele anlægget er lukket i uge 7.", 4, subject, 60, author_name="Testby")
    comment("Får man så forlænget årskortet?", 5, subject, 90, author_name="Mette Lund")
    OutboxMessage.objects.create(
        kind="reply",
        status="sent",
        idempotency_key="shot-1",
        channel=channel,
        item=subject,
        text=ours.text,
        result_external_id=ours.external_id,
        requested_by=org.users["comms"],
    )
    OutboxMessage.objects.create(
        kind="reply",
        status="pending",
        idempotency_key="shot-2",
        channel=channel,
        item=subject,
        text="Ja, årskortet forlænges automatisk med en uge.",
        requested_by=org.users["comms"],
    )
    Forwarding.objects.create(
        item=subject,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=now + timedelta(hours=3),
        forwarded_by=org.users["comms"],
        note="Ved I, om årskort forlænges?",
        answer_text="Ja, alle årskort forlænges med en uge.",
        answered_by=org.users["expert"],
        answered_at=now - timedelta(hours=1),
        status=ForwardingStatus.ANSWERED,
    )
    record(
        "assign",
        item=subject,
        reason="on_duty",
        before={"assigned_to": None},
        after={"assigned_to": org.users["monitor"].pk},
    )
    record("acknowledge", actor=org.users["monitor"], item=subject)
    return subject


def _language(page, code):
    page.select_option("#language-select", code)
    page.click("form.app-language button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_the_conversation_reads_well_on_a_desktop_and_a_phone(page, org):
    subject = _conversation(org)
    browser_login(page, "comms")
    for language in ("da", "en"):
        page.set_viewport_size({"width": 1280, "height": 900})
        _language(page, language)
        page.goto(subject.get_absolute_url())
        page.wait_for_load_state("networkidle")
        # The item is marked in the thread; the post's picture loaded
        assert page.locator("[data-thread-current]").count() == 1
        assert page.locator(".app-post-picture").evaluate("img => img.naturalWidth") == 320
        screenshot(page, f"conversation-desktop-{language}")
        assert axe_violations(page) == []

        # On a phone the reply box comes right after the citizen's text, before the thread
        page.set_viewport_size(PHONE)
        page.goto(subject.get_absolute_url())
        page.wait_for_load_state("networkidle")
        reply = page.locator("details.app-reply").bounding_box()
        thread = page.locator("#conversation-heading").bounding_box()
        text = page.locator("#item-text").bounding_box()
        assert text["y"] < reply["y"] < thread["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, f"conversation-phone-{language}")
        assert axe_violations(page) == []
