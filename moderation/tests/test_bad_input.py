"""Bad input at the moderation pages and API is a clear 4xx (or an ignored filter), never a
500: dates at the ends of the calendar, odd UTC offsets, NUL characters in filters, text longer
than its column, and an idempotency key given again for another request. Each test also checks
that nothing was changed or lost."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import limits
from moderation.api import (
    AnswerInput,
    CloseInput,
    NoteInput,
    RecordInput,
    ReplyInput,
    TellAuthorInput,
)
from moderation.forms import (
    CloseForm,
    NoteForm,
    RecordForm,
    ReplyForm,
    SendBackForm,
    TellAuthorForm,
)
from moderation.models import Forwarding, OutboxMessage, QueueItem, Record

from .support import adopt_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms(client, org):
    assert client.login(username="comms", password=PASSWORD)
    client.raise_request_exception = False  # a 500 is a status to assert, not a crash
    return client


# --- the SLA preview ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "received_at",
    [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",  # adding the deadline would pass the end of the calendar
        "1969-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z",
        "9999-12-31T23:59:00-23:59",  # in UTC past year 9999
    ],
)
def test_sla_preview_outside_the_supported_span_is_a_400_on_received_at(comms, org, received_at):
    adopt_policy(org.municipality)
    response = comms.get(
        "/api/v1/sla/preview/",
        {"channel": org.channels["central"].pk, "received_at": received_at},
    )
    assert response.status_code == 400
    assert "received_at" in str(response.json())
    assert "1970-01-01" in str(response.json())


@pytest.mark.parametrize("received_at", ["1970-01-01T00:00:00Z", "2100-12-31T23:59:59Z"])
def test_sla_preview_at_the_edges_of_the_span_answers(comms, org, received_at):
    adopt_policy(org.municipality)
    response = comms.get(
        "/api/v1/sla/preview/",
        {"channel": org.channels["central"].pk, "received_at": received_at},
    )
    assert response.status_code == 200
    assert response.json()["answer_due"] > response.json()["received_at"][:19]


def test_sla_preview_with_an_odd_but_valid_offset_answers_in_utc(comms, org):
    adopt_policy(org.municipality)
    response = comms.get(
        "/api/v1/sla/preview/",
        {"channel": org.channels["central"].pk, "received_at": "2026-11-16T10:00:00-23:59"},
    )
    assert response.status_code == 200
    assert response.json()["received_at"] == "2026-11-17T09:59:00+00:00"


# --- NUL characters in filters -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/moderation/audit/?actor=comms%00",
        "/moderation/audit/?action=reply%00",
        "/moderation/?status=open%00",
        "/api/v1/audit/?actor=a%00b",
        "/api/v1/items/?q=a%00b",
        "/api/v1/items/?platform=facebook%00",
        "/api/v1/items/?a%00=1",
    ],
)
def test_a_nul_character_in_a_filter_is_a_400(comms, org, url):
    entries = AuditEntry.objects.count()
    response = comms.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert AuditEntry.objects.count() == entries


def test_a_nul_character_is_refused_by_the_api_with_a_json_body(comms, org):
    response = comms.get("/api/v1/audit/?actor=a%00b")
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"


# --- odd offsets and ends of the calendar in the queue cursor and the audit filters --------


@pytest.mark.parametrize(
    "after",
    [
        "2026-11-16T09:00:00-23:59~1",
        "9999-12-31T23:59:00-23:59~1",
        "0001-01-01T00:00:00+23:59~1",
        "2026-11-16T09:00:00+99:00~1",
        "2026-11-16T09:00:00~1",  # no offset
    ],
)
def test_an_odd_cursor_in_the_queue_shows_the_first_page(comms, org, after):
    response = comms.get(reverse("moderation:queue"), {"after": after})
    assert response.status_code == 200
    page = response.content.decode()
    for queued in org.items.values():
        assert reverse("moderation:item-detail", args=[queued.pk]) in page


@pytest.mark.parametrize(
    "since",
    ["9999-12-31T23:59:00-23:59", "0001-01-01T00:00:00+23:59", "2026-01-01T00:00:00+99:00"],
)
def test_the_audit_api_refuses_a_since_outside_the_span_with_a_400(comms, org, since):
    response = comms.get("/api/v1/audit/", {"since": since})
    assert response.status_code == 400
    assert "since" in str(response.json())


def test_the_audit_api_takes_an_odd_offset_within_the_span(comms, org):
    # PostgreSQL takes offsets up to 15:59 only: the filter hands the moment on in UTC.
    AuditEntry.objects.create(action="probe", note="x")
    response = comms.get("/api/v1/audit/", {"since": "2000-01-01T00:00:00-23:59"})
    assert response.status_code == 200
    assert "probe" in [entry["action"] for entry in response.json()["results"]]


@pytest.mark.parametrize("key", ["channel", "item"])
def test_the_audit_page_with_an_id_past_any_integer_finds_nothing(comms, org, key):
    AuditEntry.objects.create(action="probe", note="x")
    response = comms.get(reverse("moderation:audit-log"), {key: "9" * 30})
    assert response.status_code == 200
    assert list(response.context["entries"]) == []


# --- lengths: the API takes what the page takes -------------------------------------------


def test_the_api_and_the_pages_share_every_length_limit():
    pairs = [
        (ReplyInput, ReplyForm, "text", limits.REPLY_TEXT),
        (ReplyInput, ReplyForm, "idempotency_key", 200),
        (ReplyInput, ReplyForm, "canned", limits.CANNED_CODE),
        (NoteInput, NoteForm, "note", limits.NOTE),
        (CloseInput, CloseForm, "reason", 200),
        (TellAuthorInput, TellAuthorForm, "text", limits.TELL_AUTHOR_TEXT),
        (AnswerInput, SendBackForm, "answer", limits.FORWARDING_ANSWER),
        (RecordInput, RecordForm, "subject", 300),
        (RecordInput, RecordForm, "case_number", 100),
        (RecordInput, RecordForm, "classification", 100),
        (RecordInput, RecordForm, "sender", 255),
        (RecordInput, RecordForm, "recipient", 255),
    ]
    for serializer, form, name, expected in pairs:
        assert serializer().fields[name].max_length == expected, (serializer, name)
        assert form.base_fields[name].max_length == expected, (form, name)


def test_a_close_reason_longer_than_the_column_is_a_400_and_the_item_stays_open(comms, org):
    target = org.items["central"]
    response = comms.post(
        f"/api/v1/items/{target.pk}/close/",
        {"reason": "x" * 201},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reason" in str(response.json())
    target.refresh_from_db()
    assert (target.status, target.closed_reason) == ("new", "")


@pytest.mark.parametrize(
    ("field", "length"), [("subject", 301), ("case_number", 101), ("recipient", 256)]
)
def test_record_metadata_longer_than_its_column_is_a_400_and_nothing_is_captured(
    comms, org, field, length
):
    target = org.items["central"]
    response = comms.post(
        f"/api/v1/items/{target.pk}/record/",
        {field: "x" * length},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in str(response.json())
    assert Record.objects.count() == 0


def test_a_reply_longer_than_the_page_allows_is_a_400_and_nothing_is_sent(comms, org):
    target = org.items["central"]
    response = comms.post(
        f"/api/v1/items/{target.pk}/reply/",
        {"text": "x" * 1_000_000, "idempotency_key": "long-1"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "text" in str(response.json())
    assert OutboxMessage.objects.count() == 0
    target.refresh_from_db()
    assert target.status == "new"


def test_a_reply_exactly_at_the_limit_is_taken(comms, org):
    target = org.items["central"]
    response = comms.post(
        f"/api/v1/items/{target.pk}/reply/",
        {"text": "x" * limits.REPLY_TEXT, "idempotency_key": "long-2"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert OutboxMessage.objects.get().text == "x" * limits.REPLY_TEXT


# --- an idempotency key given again ------------------------------------------------------


def _reply(client, target, text, key):
    return client.post(
        f"/api/v1/items/{target.pk}/reply/",
        {"text": text, "idempotency_key": key},
        content_type="application/json",
    )


def test_a_retried_reply_returns_the_original_result_and_sends_once(comms, org):
    target = org.items["central"]
    first = _reply(comms, target, "Tak, vi ser på det.", "key-1")
    again = _reply(comms, target, "Tak, vi ser på det.", "key-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again.json()["status"] == "sending"
    assert OutboxMessage.objects.filter(idempotency_key="key-1").count() == 1
    assert AuditEntry.objects.filter(action="reply", item=target).count() == 1


def test_a_key_reused_on_another_item_is_a_409_and_changes_nothing(comms, org):
    first, other = org.items["central"], org.items["a"]
    assert _reply(comms, first, "Tak, vi ser på det.", "key-2").status_code == 200

    response = _reply(comms, other, "Tak, vi ser på det.", "key-2")

    assert response.status_code == 409
    assert "idempotency_key" in str(response.json())
    other.refresh_from_db()
    assert other.status == "new"
    assert list(OutboxMessage.objects.values_list("item_id", flat=True)) == [first.pk]


def test_a_key_reused_with_another_text_is_a_409_and_sends_nothing_more(comms, org):
    target = org.items["central"]
    assert _reply(comms, target, "Tak, vi ser på det.", "key-3").status_code == 200

    response = _reply(comms, target, "Et helt andet svar.", "key-3")

    assert response.status_code == 409
    assert "idempotency_key" in str(response.json())
    assert list(OutboxMessage.objects.values_list("text", flat=True)) == ["Tak, vi ser på det."]


def test_the_reply_page_with_a_key_reused_on_another_item_says_so(comms, org):
    first, other = org.items["central"], org.items["a"]
    assert _reply(comms, first, "Tak.", "key-4").status_code == 200

    response = comms.post(
        reverse("moderation:item-action", args=[other.pk, "reply"]),
        {"text": "Tak.", "idempotency_key": "key-4"},
    )

    assert response.status_code == 400
    assert "idempotency key was already used" in response.content.decode()
    assert QueueItem.objects.get(pk=other.pk).status == "new"


# --- a very long text on the pages --------------------------------------------------------

LONG = "Hvorfor" + "x" * 99_986 + "SLUTTEN"


def test_the_item_page_shows_the_start_of_a_long_text_and_the_rest_behind_show_all(comms, org):
    target = org.items["central"]
    QueueItem.objects.filter(pk=target.pk).update(text=LONG)

    page = comms.get(reverse("moderation:item-detail", args=[target.pk])).content.decode()

    shown = page.split('id="item-text">', 1)[1].split("</p>", 1)[0]
    assert shown == "Hvorfor" + "x" * 1993 + "…"
    assert 'id="item-text-all"' in page
    assert "Show all 100000 characters" in page
    assert page.count(LONG) == 1  # the whole text, once, inside the details


def test_the_record_page_cuts_a_long_text_the_same_way(comms, org):
    target = org.items["central"]
    QueueItem.objects.filter(pk=target.pk).update(text=LONG)
    assert comms.post(f"/api/v1/items/{target.pk}/record/", {}).status_code == 200
    record = Record.objects.get()

    page = comms.get(reverse("moderation:record-detail", args=[record.pk])).content.decode()

    assert 'id="record-text-all"' in page
    assert page.count(LONG) == 1


def test_a_short_text_shows_whole_without_show_all(comms, org):
    target = org.items["central"]
    page = comms.get(reverse("moderation:item-detail", args=[target.pk])).content.decode()
    assert f'id="item-text">{target.text}</p>' in page
    assert "item-text-all" not in page


# --- notes and ids posted by the item page's one-button actions ---------------------------


@pytest.mark.parametrize("note", ["Set\x00af mig", "x" * (limits.NOTE + 1)])
def test_an_acknowledge_note_with_a_nul_or_too_long_is_refused(comms, org, note):
    target = org.items["central"]
    response = comms.post(
        reverse("moderation:item-action", args=[target.pk, "acknowledge"]), {"note": note}
    )
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.status == "new"
    assert not AuditEntry.objects.filter(action="acknowledge").exists()


@pytest.mark.parametrize("forwarding", ["abc", "9" * 30, ""])
def test_sending_back_for_a_forwarding_that_is_not_an_id_is_a_404(client, org, forwarding):
    target = org.items["a"]
    Forwarding.objects.create(
        item=target,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(days=1),
        forwarded_by=org.users["comms"],
    )
    assert client.login(username="expert", password=PASSWORD)
    client.raise_request_exception = False
    response = client.post(
        reverse("moderation:item-action", args=[target.pk, "send_back"]),
        {"forwarding": forwarding, "answer": "Svar"},
    )
    assert response.status_code == 404


# --- JSON bodies the database cannot store ------------------------------------------------


def test_record_metadata_with_a_nul_character_in_its_json_is_a_400(comms, org):
    target = org.items["central"]
    assert comms.post(f"/api/v1/items/{target.pk}/record/", {}).status_code == 200
    record = Record.objects.get()

    response = comms.patch(
        f"/api/v1/records/{record.pk}/",
        {"extra": {"note": "a\u0000b"}, "subject": "Affald"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "NUL" in str(response.json())
    record.refresh_from_db()
    assert (record.extra, record.subject) == ({}, "")


def test_an_api_body_nested_too_deeply_is_a_400_and_changes_nothing(comms, org):
    target = org.items["central"]
    depth = 100_000
    body = '{"reason": ' + "[" * depth + "]" * depth + "}"

    response = comms.post(
        f"/api/v1/items/{target.pk}/close/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "nested too deeply" in str(response.json())
    target.refresh_from_db()
    assert target.status == "new"
