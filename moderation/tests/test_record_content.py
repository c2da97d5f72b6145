"""A record a records officer accepts: the inquiry, the comment it answers (not the other
citizens' comments under the post), our reply and the decisions taken on it (what, why, who,
when), in local time with the zone named, and the answering unit that holds the journal duty;
in the municipality's language, personal ID numbers masked. Read through the doors people use:
the PDF page, the export to the records system, the record page."""

import base64
import json
import re
import zlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from core.testing import PASSWORD
from moderation import actions, record_content
from moderation.models import QueueItem, Record

from .support import adopt_policy, item

pytestmark = pytest.mark.django_db

CPR = "070761-4285"
# 23:40 on Saturday 21 November 2026 in Copenhagen (CET, UTC+1).
SATURDAY_NIGHT = datetime(2026, 11, 21, 22, 40, tzinfo=UTC)
MONDAY_MORNING = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)  # 09:15 CET
OTHER_COMMENTS = 75


def pdf_text(pdf: bytes) -> str:
    """The text a PDF shows, in order: its content streams decoded (ASCII85, then deflate) and
    their strings joined (Helvetica's strings are Windows-1252, octal escapes beyond ASCII)."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = stream.strip()
        if not data.endswith(b"~>"):
            continue
        content = zlib.decompress(base64.a85decode(data[:-2]))
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            text = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)
            text = re.sub(rb"\\(.)", rb"\1", text)
            shown.append(text.decode("cp1252"))
    return " ".join(shown)


@pytest.fixture
def answered(org):
    """A question under a post with 75 other citizens' comments: it answers one of them, was
    forwarded to department A, whose expert's answer the team posted on Monday."""
    adopt_policy(org.municipality)
    channel = org.channels["central"]
    for n in range(OTHER_COMMENTS):
        item(
            channel,
            f"Anden borgers kommentar {n}",
            n=100 + n,
            received=SATURDAY_NIGHT - timedelta(hours=2),
            thread_external_id="post-1",
        )
    parent = item(
        channel,
        f"Skraldet blev ikke hentet. Mit CPR er {CPR}",
        n=1,
        received=SATURDAY_NIGHT - timedelta(hours=1),
        author_name="Karen Jensen",
        thread_external_id="post-1",
    )
    question = item(
        channel,
        "Hvornår kommer skraldebilen igen?",
        n=2,
        received=SATURDAY_NIGHT,
        author_name="Ole Hansen",
        thread_external_id="post-1",
        parent=parent,
        parent_external_id=parent.external_id,
    )
    comms, expert = org.users["comms"], org.users["expert"]
    comms.first_name, comms.last_name = "Mette", "Kommunikation"
    comms.save(update_fields=["first_name", "last_name"])
    with time_machine.travel(MONDAY_MORNING, tick=False):
        actions.forward(
            question,
            to_unit=org.units["dept_a"],
            due_at=MONDAY_MORNING + timedelta(hours=2),
            acting_user=comms,
            to_user=expert,
        )
    forwarding = question.forwardings.get()
    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=30), tick=False):
        actions.send_back(forwarding, "Tirsdag mellem 7 og 16.", acting_user=expert)
    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=45), tick=False):
        actions.reply(
            question,
            "Hej Ole. Skraldebilen kommer tirsdag mellem 7 og 16.",
            acting_user=comms,
            idempotency_key="reply-record",
        )
    with time_machine.travel(MONDAY_MORNING + timedelta(hours=1), tick=False):
        record = actions.capture_record(question, acting_user=comms, subject="Affald")
    return record


def test_the_capture_keeps_the_comment_answered_not_the_whole_thread(answered):
    assert QueueItem.objects.filter(thread_external_id="post-1").count() == OTHER_COMMENTS + 2
    assert [entry["author"] for entry in answered.thread] == ["Karen Jensen"]
    assert [reply["by"] for reply in answered.replies] == ["Mette Kommunikation"]


def test_the_pdf_holds_the_inquiry_its_parent_reply_decisions_and_unit(client, org, answered):
    assert client.login(username="comms", password=PASSWORD)

    response = client.get(reverse("moderation:record-pdf", args=[answered.pk]))

    assert response.status_code == 200
    text = pdf_text(response.content)
    # In the municipality's language (Danish), whatever the reader's
    assert "Besvarende enhed (journaliseringspligt)" in text
    assert "Afdeling A" in text
    assert "Platform Facebook Platform-id" in text
    assert "Lokal tid, Europe/Copenhagen" in text
    # The inquiry at 23:40 local time on Saturday, not 22:40 UTC
    assert "Ole Hansen, 2026-11-21 23:40 CET:" in text
    assert "Hvornår kommer skraldebilen igen?" in text
    # The comment it answers, masked
    assert "Kommentaren, den svarer på" in text
    assert "Karen Jensen, 2026-11-21 22:40 CET:" in text
    assert CPR not in text and "4285" not in text
    # Our reply, by whom and when
    assert "Mette Kommunikation, 2026-11-23 10:00 CET:" in text
    assert "Skraldebilen kommer tirsdag mellem 7 og 16." in text
    # The decisions: forwarded, the expert's answer, the answer posted, each with who and when
    assert "2026-11-23 09:15 CET" in text and "sendt videre af Mette Kommunikation" in text
    assert "fagekspertens svar sendt tilbage af expert" in text
    assert "svar offentliggjort af Mette Kommunikation" in text
    # None of the other 75 comments, and no UTC times
    assert "Anden borgers kommentar" not in text
    assert "+00:00" not in text and "UTC" not in text


def test_the_export_sends_the_same_content_as_json(client, org, answered, settings, tmp_path):
    settings.RECORDS_FILE_DROP_DIR = str(tmp_path)
    assert client.login(username="comms", password=PASSWORD)

    response = client.post(
        reverse("moderation:record-export", args=[answered.pk]), {"exporter": "file"}
    )

    assert response.status_code == 302
    metadata = json.loads((tmp_path / f"record-{answered.pk}.json").read_text())
    assert metadata["time_zone"] == "Europe/Copenhagen"
    assert metadata["answering_unit"] == "Afdeling A"
    assert metadata["received_at"] == "2026-11-21T23:40:00+01:00"
    assert metadata["in_reply_to"] == {
        "platform_id": f"t-{org.channels['central'].pk}-1",
        "author": "Karen Jensen",
        "text": "Skraldet blev ikke hentet. Mit CPR er ██████-████",
        "created_at": "2026-11-21T22:40:00+01:00",
    }
    assert metadata["replies"] == [
        {
            "text": "Hej Ole. Skraldebilen kommer tirsdag mellem 7 og 16.",
            "status": "pending",
            "at": "2026-11-23T10:00:00+01:00",
            "by": "Mette Kommunikation",
        }
    ]
    assert [(d["action"], d["label"], d["by"], d["at"]) for d in metadata["decisions"]] == [
        ("forward", "sendt videre", "Mette Kommunikation", "2026-11-23T09:15:00+01:00"),
        ("send_back", "fagekspertens svar sendt tilbage", "expert", "2026-11-23T09:45:00+01:00"),
        ("reply", "svar offentliggjort", "Mette Kommunikation", "2026-11-23T10:00:00+01:00"),
    ]
    pdf = (tmp_path / f"record-{answered.pk}.pdf").read_bytes()
    assert "Anden borgers kommentar" not in pdf_text(pdf)


@pytest.fixture
def removed(org):
    """A personal attack: the author was told why, it was captured, then deleted."""
    adopt_policy(org.municipality)
    attack = item(
        org.channels["a"], "Du er en idiot", n=9, received=SATURDAY_NIGHT, author_name="Vred"
    )
    comms = org.users["comms"]
    with time_machine.travel(MONDAY_MORNING, tick=False):
        actions.tell_author(
            attack, "personal_attack", "Vi fjerner personangreb.", acting_user=comms
        )
        record = actions.capture_record(attack, acting_user=comms)
        actions.delete(attack, "personal_attack", acting_user=comms, note="Gentaget")
    return record


def test_a_removal_is_recorded_with_its_reason_even_after_the_capture(
    client, org, removed, settings, tmp_path
):
    settings.RECORDS_FILE_DROP_DIR = str(tmp_path)
    assert client.login(username="comms", password=PASSWORD)

    client.post(reverse("moderation:record-export", args=[removed.pk]), {"exporter": "file"})

    metadata = json.loads((tmp_path / f"record-{removed.pk}.json").read_text())
    assert [(d["action"], d["reason"], d["note"], d["by"]) for d in metadata["decisions"]] == [
        ("tell_author", "Personangreb", "", "comms"),
        ("delete", "Personangreb", "Gentaget", "comms"),
    ]
    # A decentral page's own unit answered: it holds the journal duty
    assert metadata["answering_unit"] == "Afdeling A"
    text = pdf_text((tmp_path / f"record-{removed.pk}.pdf").read_bytes())
    assert "slettet af comms" in text
    assert "Begrundelse: Personangreb" in text
    assert "Note: Gentaget" in text


@pytest.mark.parametrize(
    ("language", "unit_label", "reason_label"),
    [
        ("sv", "Svarande enhet (registreringsskyldighet)", "Skäl: Personangreb"),
        ("nb", "Svarende enhet (journalføringsplikt)", "Begrunnelse: Personangreb"),
    ],
)
def test_the_pdf_speaks_the_municipalitys_language(
    client, org, removed, language, unit_label, reason_label
):
    org.municipality.default_language = language
    org.municipality.save(update_fields=["default_language"])
    assert client.login(username="comms", password=PASSWORD)

    text = pdf_text(client.get(reverse("moderation:record-pdf", args=[removed.pk])).content)

    assert unit_label in text
    assert reason_label in text


def test_the_record_page_shows_the_same_content(client, org, answered):
    assert client.login(username="comms", password=PASSWORD)

    body = client.get(reverse("moderation:record-detail", args=[answered.pk])).content.decode()

    assert "Answering unit (journal duty)" in body
    assert "Local time, Europe/Copenhagen" in body
    assert "2026-11-21 23:40 CET" in body
    assert "Karen Jensen, 2026-11-21 22:40 CET:" in body
    assert "██████-████" in body and CPR not in body
    assert "answer posted by Mette Kommunikation" in body
    assert "Anden borgers kommentar" not in body


def test_a_record_captured_with_the_whole_thread_exports_only_the_parent(answered):
    # Records captured before only the parent was kept hold every comment under the post; the
    # export still picks out the comment answered. (An unsaved copy: records are append-only.)
    others = [
        {"platform_id": f"other-{n}", "author": f"Borger {n}", "text": "Anden borgers kommentar"}
        for n in range(OTHER_COMMENTS)
    ]
    older = Record(
        **{
            field.attname: getattr(answered, field.attname)
            for field in Record._meta.concrete_fields
            if field.attname != "id"
        }
    )
    older.thread = [*others[:40], *answered.thread, *others[40:]]

    metadata = record_content.metadata(older)

    assert metadata["in_reply_to"]["author"] == "Karen Jensen"
    assert "Anden borgers kommentar" not in json.dumps(metadata)
