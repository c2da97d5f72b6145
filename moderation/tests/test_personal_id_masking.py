"""Personal ID numbers stay masked everywhere (M7): searches read the masked text, every JSON,
CSV and PDF masks, the copy as written is read only through the records duty's audited door,
and outgoing text holding a number is refused before anything reaches the platform."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import ChannelClosingRequest
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import actions, exporters, record_content
from moderation.models import (
    AuthorNotice,
    Forwarding,
    ForwardingStatus,
    OutboxMessage,
    QueueItem,
    Record,
)
from moderation.polling.ingest import store_batch
from platforms.base import FetchedItem

from .support import adopt_policy, item

pytestmark = pytest.mark.django_db

CPR = "070761-4285"
MASKED = "██████-████"
REFUSED = (
    "The text contains a personal identification number (CPR, personnummer or fødselsnummer). "
    "Remove it: it would be published. Nothing was sent."
)


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)
    return client


@pytest.fixture
def version(org):
    return adopt_policy(org.municipality)


@pytest.fixture
def exposed(org, version):
    """An open item on department A's channel whose author wrote their CPR number."""
    queue_item = item(org.channels["a"], f"Mit CPR er {CPR}, hjælp", n=40)
    queue_item.policy_version = version
    queue_item.answer_due = timezone.now() + timedelta(days=1)
    queue_item.save()
    return queue_item


def _unchanged(queue_item):
    fresh = QueueItem.objects.get(pk=queue_item.pk)
    assert (fresh.status, fresh.answered_at) == ("new", None)
    assert OutboxMessage.objects.count() == 0
    assert AuditEntry.objects.filter(item=queue_item).count() == 0


# --- search reads the masked text ---------------------------------------------------------------


def test_the_stored_masked_text_follows_the_text_on_every_write_path(org):
    # Given items written through save(), update() and bulk_create()
    saved = item(org.channels["a"], f"CPR {CPR}", n=41)
    updated = item(org.channels["a"], "intet", n=42)
    QueueItem.objects.filter(pk=updated.pk).update(text=f"cpr1503851004 {CPR}")
    [bulk] = QueueItem.objects.bulk_create(
        [
            QueueItem(
                channel=org.channels["a"],
                platform=org.channels["a"].platform,
                external_id="bulk-1",
                kind="comment",
                text="15.03.85-1004",
                created_at=timezone.now(),
                received_at=timezone.now(),
            )
        ]
    )
    saved.text = "Nyt: 150385/1004"
    saved.save(update_fields=["text"])

    # Then each row's masked column holds the masked text
    rows = dict(QueueItem.objects.values_list("pk", "masked_text"))
    assert rows[saved.pk] == "Nyt: ██████/████"
    assert rows[updated.pk] == f"cpr██████████ {MASKED}"
    assert rows[bulk.pk] == "██.██.██-████"


def test_a_row_loaded_without_its_text_is_saved_without_reading_it(org, django_assert_num_queries):
    created = item(org.channels["a"], f"CPR {CPR}", n=45)
    row = QueueItem.objects.only("id", "status").get(pk=created.pk)
    row.status = "closed"
    with django_assert_num_queries(1):  # the UPDATE of the loaded columns, nothing more
        row.save()
    assert QueueItem.objects.values_list("status", "masked_text").get(pk=created.pk) == (
        "closed",
        f"CPR {MASKED}",
    )


def test_the_poll_stores_the_masked_text_in_its_bulk_insert(org):
    # Given a fetched comment with a CPR number written with an invisible character
    channel = org.channels["a"]
    fetched = FetchedItem(
        external_id="c-1",
        kind="comment",
        text="Mit nummer 0707\u200b614285",
        author_id="a1",
        author_name="Borger 1",
        parent_external_id=None,
        thread_external_id="post-1",
        permalink=None,
        created_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
    )

    # When the batch is stored
    result = store_batch(channel, [fetched])

    # Then the row holds the masked text next to the text as written
    stored = QueueItem.objects.get(pk=result.created_ids[0])
    assert stored.text == "Mit nummer 0707\u200b614285"
    assert stored.masked_text == "Mit nummer ████\u200b██████"


@pytest.mark.parametrize("persona", ["editor", "comms"])
@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("CPR", 1),
        ("hjælp", 1),
        ("0", 0),
        ("07", 0),
        ("CPR er 0", 0),
        ("4285", 0),
        (CPR, 0),
        ("0707614285", 0),
    ],
)
def test_the_items_search_reads_the_masked_text(client, org, exposed, persona, query, count):
    # Given an item whose masked CPR number an editor or the team might try to read back
    login(client, persona)

    # When searching for parts of the number
    body = client.get("/api/v1/items/", {"q": query}).json()

    # Then only words outside the number find it
    assert body["count"] == count
    if count:
        assert [r["text"] for r in body["results"]] == [f"Mit CPR er {MASKED}, hjælp"]


def test_the_data_migration_fills_the_masked_text_of_stored_rows(org):
    # Given rows stored before the column existed (their masked text empty)
    exposed = item(org.channels["a"], f"CPR {CPR}", n=43)
    plain = item(org.channels["a"], "Tak for svaret", n=44)
    QueueItem.objects.filter(pk__in=[exposed.pk, plain.pk]).update(masked_text="")

    # When the migration's data step runs
    migration = importlib.import_module("moderation.migrations.0009_queue_item_masked_text")
    migration.fill_masked_text(apps, None)

    # Then both rows hold their masked text
    rows = dict(
        QueueItem.objects.filter(pk__in=[exposed.pk, plain.pk]).values_list("pk", "masked_text")
    )
    assert rows == {exposed.pk: f"CPR {MASKED}", plain.pk: "Tak for svaret"}


# --- every JSON, CSV and PDF masks -------------------------------------------------------------


@pytest.fixture
def legacy_trail(org, exposed):
    """Audit rows and a record written before outgoing text was checked: they hold the number."""
    for action in ("reply", "tell_author", "send_back"):
        AuditEntry.objects.create(
            action=action,
            actor=org.users["comms"],
            item=exposed,
            channel=exposed.channel,
            note=f"note {CPR}",
            before={"closed_reason": f"Svaret {CPR}"},
            after={"closed_reason": "Svaret"},
            data={"text": f"Dit CPR {CPR}", "nested": [{"text": CPR}], "outbox_message": 7},
        )
    return Record.objects.create(
        item=exposed,
        platform=exposed.platform,
        external_id=exposed.external_id,
        channel_name=exposed.channel.name,
        author_name=exposed.author_name,
        text=exposed.masked_text,
        text_unmasked=exposed.text,
        created_at=exposed.created_at,
        received_at=exposed.received_at,
        thread=[{"platform_id": "t-1", "author": "B", "text": f"tråd {CPR}", "created_at": ""}],
        replies=[{"text": f"Svar til {CPR}", "status": "sent", "at": "2026-11-20T10:00:00"}],
        captured_at=timezone.now(),
        captured_by=org.users["comms"],
        subject=f"Sag om {CPR}",
    )


def test_the_audit_api_masks_texts_and_notes(client, org, legacy_trail):
    login(client, "comms")
    body = client.get("/api/v1/audit/", {"item": legacy_trail.item_id}).json()
    assert [(r["action"], r["note"], r["data"]) for r in body["results"]] == [
        (
            action,
            f"note {MASKED}",
            {"text": f"Dit CPR {MASKED}", "nested": [{"text": MASKED}], "outbox_message": 7},
        )
        for action in ("send_back", "tell_author", "reply")
    ]
    assert {(str(r["before"]), str(r["after"])) for r in body["results"]} == {
        (str({"closed_reason": f"Svaret {MASKED}"}), str({"closed_reason": "Svaret"}))
    }


def test_the_audit_page_and_item_page_show_before_and_after_masked(client, org, legacy_trail):
    login(client, "comms")
    for url in (
        reverse("moderation:audit-log"),
        reverse("moderation:item-detail", args=[legacy_trail.item_id]),
    ):
        page = client.get(url).content.decode()
        assert "4285" not in page
        assert f"Svaret {MASKED} → Svaret" in page


def test_the_audit_csv_masks_notes_and_details(client, org, legacy_trail):
    login(client, "comms")
    response = client.get(reverse("moderation:audit-log"), {"format": "csv"})
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    text = content.decode()
    assert "4285" not in text
    assert f"note {MASKED}" in text


def test_the_records_api_masks_replies_and_thread(client, org, legacy_trail):
    login(client, "comms")
    body = client.get(f"/api/v1/records/{legacy_trail.pk}/").json()
    assert body["text"] == f"Mit CPR er {MASKED}, hjælp"
    assert [r["text"] for r in body["replies"]] == [f"Svar til {MASKED}"]
    assert [t["text"] for t in body["thread"]] == [f"tråd {MASKED}"]
    assert body["subject"] == f"Sag om {CPR}"  # metadata the team wrote, edited here


def test_the_exported_metadata_and_pdf_mask(legacy_trail):
    metadata = record_content.metadata(legacy_trail)
    assert metadata["subject"] == f"Sag om {MASKED}"
    pdf = exporters.render_pdf(legacy_trail)
    assert b"4285" not in pdf


def test_the_forwarding_api_masks_an_older_answer(client, org, exposed):
    Forwarding.objects.create(
        item=exposed,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
        note=f"Se {CPR}",
        answer_text=f"Svar: {CPR}",
    )
    login(client, "expert")
    [row] = client.get("/api/v1/forwardings/").json()["results"]
    assert (row["item_text"], row["note"], row["answer_text"]) == (
        f"Mit CPR er {MASKED}, hjælp",
        f"Se {MASKED}",
        f"Svar: {MASKED}",
    )


# --- the restricted copy: records duty only, every reading audited -----------------------------


def test_the_team_reads_a_record_as_written_through_the_api_and_it_is_audited(
    client, org, legacy_trail
):
    login(client, "comms")
    response = client.post(
        f"/api/v1/records/{legacy_trail.pk}/as-written/",
        {"purpose": "Aktindsigt 26-1"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": legacy_trail.pk,
        "item": legacy_trail.item_id,
        "text": f"Mit CPR er {CPR}, hjælp",
        "replies": [{"text": f"Svar til {CPR}", "status": "sent", "at": "2026-11-20T10:00:00"}],
    }
    [entry] = AuditEntry.objects.filter(action="read_record_as_written")
    assert (entry.actor, entry.item_id, entry.note, entry.data) == (
        org.users["comms"],
        legacy_trail.item_id,
        "Aktindsigt 26-1",
        {"record": legacy_trail.pk},
    )


def test_reading_as_written_needs_a_purpose(client, org, legacy_trail):
    login(client, "comms")
    response = client.post(
        f"/api/v1/records/{legacy_trail.pk}/as-written/",
        {"purpose": "  "},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "4285" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="read_record_as_written").exists()


@pytest.mark.parametrize("persona", ["editor", "manager_a", "expert", "monitor"])
def test_others_cannot_read_a_record_as_written(client, org, legacy_trail, persona):
    login(client, persona)
    api = client.post(
        f"/api/v1/records/{legacy_trail.pk}/as-written/",
        {"purpose": "nysgerrig"},
        content_type="application/json",
    )
    page = client.post(
        reverse("moderation:record-as-written", args=[legacy_trail.pk]), {"purpose": "nysgerrig"}
    )
    assert (api.status_code, page.status_code) == (403, 403)
    assert not AuditEntry.objects.filter(action="read_record_as_written").exists()


def test_the_as_written_page_asks_why_then_shows_the_text_and_logs_it(client, org, legacy_trail):
    login(client, "comms")
    url = reverse("moderation:record-as-written", args=[legacy_trail.pk])
    asked = client.get(url)
    assert asked.status_code == 200
    assert CPR not in asked.content.decode()

    shown = client.post(url, {"purpose": "Aktindsigt 26-1"})

    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    assert f"Mit CPR er {CPR}, hjælp" in shown.content.decode()
    assert (
        AuditEntry.objects.filter(
            action="read_record_as_written", actor=org.users["comms"], note="Aktindsigt 26-1"
        ).count()
        == 1
    )


# --- outgoing text is refused before anything reaches the platform ------------------------------


@pytest.mark.parametrize(
    "text",
    [f"Dit CPR {CPR} er modtaget", "cpr1503851004", "15.03.85-1004", "１５０３８５-１００４"],
)
def test_a_reply_holding_an_id_number_is_refused_through_the_api(client, org, exposed, text):
    login(client, "editor")
    response = client.post(
        f"/api/v1/items/{exposed.pk}/reply/",
        {"text": text, "idempotency_key": "k-1"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"text": [REFUSED]}
    _unchanged(exposed)


def test_a_reply_holding_an_id_number_is_refused_on_the_page_with_a_field_error(
    client, org, exposed
):
    login(client, "editor")
    response = client.post(
        reverse("moderation:item-action", args=[exposed.pk, "reply"]),
        {"text": f"Dit CPR {CPR}", "idempotency_key": "k-2"},
    )
    assert response.status_code == 400
    assert response.context["reply_form"].errors == {"text": [REFUSED]}
    _unchanged(exposed)


def test_a_phone_number_in_a_reply_is_not_refused(client, org, exposed):
    login(client, "editor")
    response = client.post(
        f"/api/v1/items/{exposed.pk}/reply/",
        {"text": "Ring til os på 70 10 20 30 eller +45 12 34 56 78.", "idempotency_key": "k-3"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert OutboxMessage.objects.filter(item=exposed, kind="reply").count() == 1


def test_a_notice_to_the_author_holding_an_id_number_is_refused(client, org, exposed):
    login(client, "editor")
    response = client.post(
        f"/api/v1/items/{exposed.pk}/tell-author/",
        {"reason": "personal_attack", "text": f"Dit opslag med {CPR} fjernes."},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"text": [REFUSED]}
    assert AuthorNotice.objects.count() == 0
    _unchanged(exposed)


def test_an_expert_answer_holding_an_id_number_is_refused(client, org, exposed):
    forwarding = Forwarding.objects.create(
        item=exposed,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
    )
    login(client, "expert")
    api = client.post(
        f"/api/v1/forwardings/{forwarding.pk}/send-back/",
        {"answer": f"Borgeren med {CPR} skal ringe."},
        content_type="application/json",
    )
    page = client.post(
        reverse("moderation:item-action", args=[exposed.pk, "send_back"]),
        {"forwarding": forwarding.pk, "answer": f"Borgeren med {CPR} skal ringe."},
    )
    assert api.status_code == 400
    assert api.json()["errors"] == {"answer": [REFUSED]}
    assert page.status_code == 400
    assert page.context["send_back_form"].errors == {"answer": [REFUSED]}
    forwarding.refresh_from_db()
    assert (forwarding.status, forwarding.answer_text) == (ForwardingStatus.OPEN, "")


def test_an_older_expert_answer_is_shown_masked_and_prefilled_masked(client, org, exposed):
    # Given an expert's answer stored before answers were checked
    forwarding = Forwarding.objects.create(
        item=exposed,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
        status=ForwardingStatus.ANSWERED,
        answer_text=f"Borgeren med {CPR} skal ringe.",
        answered_at=timezone.now(),
    )
    login(client, "editor")

    # When the editor opens the item
    response = client.get(exposed.get_absolute_url())

    # Then the answer is masked on the page and in the reply box
    assert response.status_code == 200
    assert "4285" not in response.content.decode()
    assert response.context["reply_form"].initial["text"] == f"Borgeren med {MASKED} skal ringe."
    assert response.context["reply_form"].initial["forwarding"] == forwarding.pk


def test_a_closing_notice_holding_an_id_number_is_refused(client, org):
    channel = org.channels["a"]
    login(client, "editor")
    api = client.post(
        f"/api/v1/channels/{channel.pk}/request-closing/",
        {"reason": "Samles", "notice_text": f"Kontakt {CPR} for spørgsmål."},
        content_type="application/json",
    )
    page = client.post(
        reverse("accounts:channel-close", args=[channel.pk]),
        {"reason": "Samles", "notice_text": f"Kontakt {CPR} for spørgsmål."},
    )
    assert api.status_code == 400
    assert api.json()["errors"] == {"notice_text": [REFUSED]}
    assert page.status_code == 200
    assert page.context["form"].errors == {"notice_text": [REFUSED]}
    assert ChannelClosingRequest.objects.count() == 0


def test_an_older_closing_notice_holding_an_id_number_is_not_approved(org):
    from accounts import actions as account_actions

    closing = ChannelClosingRequest.objects.create(
        channel=org.channels["a"],
        requested_by=org.users["editor"],
        reason="Samles",
        notice_text=f"Kontakt {CPR}.",
    )
    with pytest.raises(account_actions.PersonalIdInNotice):
        account_actions.approve_closing(closing, acting_user=org.users["manager_a"], comment="")
    closing.refresh_from_db()
    assert closing.decision == "pending"
    assert OutboxMessage.objects.count() == 0


def test_the_refusal_lives_in_the_actions(org, exposed):
    with pytest.raises(actions.PersonalIdInText) as refused:
        actions.reply(exposed, f"CPR {CPR}", acting_user=org.users["comms"], idempotency_key="x")
    assert (str(refused.value), refused.value.field) == (REFUSED, "text")
    _unchanged(exposed)


# --- the admin shows citizens' texts masked and read-only ---------------------------------------


def test_the_admin_shows_texts_masked_and_read_only(client, org, legacy_trail):
    exposed = legacy_trail.item
    forwarding = Forwarding.objects.create(
        item=exposed,
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
        note=f"Se {CPR}",
        answer_text=f"Svar: {CPR}",
    )
    entry = AuditEntry.objects.filter(item=exposed).first()
    login(client, "superuser")
    pages = {
        "queue item": reverse("admin:moderation_queueitem_change", args=[exposed.pk]),
        "audit entry": reverse("admin:audit_auditentry_change", args=[entry.pk]),
        "forwarding": reverse("admin:moderation_forwarding_change", args=[forwarding.pk]),
        "record": reverse("admin:moderation_record_change", args=[legacy_trail.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        content = response.content.decode()
        assert response.status_code == 200, name
        # (The record's subject is archive metadata the team wrote and edits on its page.)
        assert CPR not in content.replace(f"Sag om {CPR}", ""), name
        assert MASKED in content, name
    # The queue item's text is not a form field: it cannot be changed here.
    form = client.get(pages["queue item"]).context["adminform"].form
    assert "text" not in form.fields


def test_the_admin_does_not_search_audit_notes(client, org, legacy_trail):
    login(client, "superuser")
    response = client.get(reverse("admin:audit_auditentry_changelist"), {"q": "4285"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("da", "Teksten indeholder et personnummer"),
        ("sv", "Texten innehåller"),
        ("nb", "Teksten inneholder"),
    ],
)
def test_the_refusal_is_translated(org, exposed, language, start):
    from django.utils import translation

    with translation.override(language), pytest.raises(actions.PersonalIdInText) as refused:
        actions.reply(exposed, f"CPR {CPR}", acting_user=org.users["comms"], idempotency_key="x")
    assert str(refused.value).startswith(start)


def test_the_items_search_is_served_by_an_index_of_the_masked_text(org, exposed):
    # Given the queue on PostgreSQL (SQLite, for trying the product out, scans)
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    search = QueueItem.objects.filter(masked_text__icontains="hjælp").values("id")
    sql, params = search.query.sql_with_params()

    # When PostgreSQL plans the search the API sends, with a table scan made expensive so a
    # matching index is taken whatever the table's size
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Then it reads the trigram index of the masked text, never the text as written
    assert "moderation_queueitem_masked_text_trgm" in plan
