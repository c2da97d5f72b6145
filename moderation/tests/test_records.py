"""Records: the PDF and the JSON metadata go out through the configured exporters."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import actions, exporters
from moderation.actions import ActionError
from moderation.models import Record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(org):
    item = org.items["a"]
    item.text = "Mit CPR er 070761-4285 <b>fed</b>"
    item.save()
    return actions.capture_record(
        item, acting_user=org.users["comms"], subject="Affald", case_number="26-1"
    )


def test_the_pdf_is_a_pdf_with_the_masked_text(record):
    pdf = exporters.render_pdf(record)
    assert pdf.startswith(b"%PDF-")
    assert b"070761-4285" not in pdf


def test_file_drop_writes_pdf_and_metadata(org, record, settings, tmp_path):
    settings.RECORDS_FILE_DROP_DIR = str(tmp_path)
    where = actions.export_record(record, acting_user=org.users["comms"], exporter="file")
    assert where == str(tmp_path / f"record-{record.pk}.pdf")
    assert (tmp_path / f"record-{record.pk}.pdf").read_bytes().startswith(b"%PDF-")
    metadata = json.loads((tmp_path / f"record-{record.pk}.json").read_text())
    assert (metadata["subject"], metadata["case_number"], metadata["platform_id"]) == (
        "Affald",
        "26-1",
        "item-a",
    )
    record.refresh_from_db()
    assert record.exported_at is not None
    assert AuditEntry.objects.get(action="export_record").data["exporter"] == "file"


def test_email_drop_sends_both_attachments(org, record, settings):
    settings.RECORDS_EMAIL_DROP_ADDRESS = "journal@testby.example"
    actions.export_record(record, acting_user=org.users["comms"], exporter="email")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["journal@testby.example"]
    assert [name for name, _content, _type in message.attachments] == [
        f"record-{record.pk}.pdf",
        f"record-{record.pk}.json",
    ]


def test_an_unconfigured_exporter_is_refused(org, record):
    with pytest.raises(ActionError, match="configured exporter"):
        actions.export_record(record, acting_user=org.users["comms"], exporter="file")
    assert Record.objects.get(pk=record.pk).exported_at is None


def test_the_record_page_shows_the_masked_text_only(client, org, record):
    assert client.login(username="comms", password=PASSWORD)
    body = client.get(reverse("moderation:record-detail", args=[record.pk])).content.decode()
    assert "██████-████" in body
    assert "070761-4285" not in body
    assert "&lt;b&gt;fed&lt;/b&gt;" in body
