"""Records leave for the archive through an exporter: a PDF of the capture plus its JSON
metadata. Two exporters to start with: a file drop (a folder the records system watches) and an
e-mail drop (the records system's intake address). Configured by settings:

    RECORDS_FILE_DROP_DIR = "/var/spool/records"      # enables the file drop
    RECORDS_EMAIL_DROP_ADDRESS = "journal@kommune.dk"  # enables the e-mail drop
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _


class Exporter:
    """Deliver one record's PDF and metadata; returns where it went, for the audit trail."""

    code = ""
    label = ""

    def export(self, record, pdf: bytes, metadata: dict) -> str:
        raise NotImplementedError


class FileDropExporter(Exporter):
    code = "file"

    def __init__(self, directory):
        self.directory = Path(directory)
        self.label = _("File drop")

    def export(self, record, pdf, metadata):
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = f"record-{record.pk}"
        # Write to temporary names and rename, so the watcher never reads half a file.
        for suffix, content in ((".pdf", pdf), (".json", _json(metadata))):
            partial = self.directory / f".{stem}{suffix}.part"
            partial.write_bytes(content)
            partial.replace(self.directory / f"{stem}{suffix}")
        return str(self.directory / f"{stem}.pdf")


class EmailDropExporter(Exporter):
    code = "email"

    def __init__(self, address):
        self.address = address
        self.label = _("E-mail drop")

    def export(self, record, pdf, metadata):
        message = EmailMessage(
            subject=f"Record {record.pk}: {metadata.get('subject') or record.external_id}",
            body=json.dumps(metadata, ensure_ascii=False, indent=2),
            to=[self.address],
        )
        message.attach(f"record-{record.pk}.pdf", pdf, "application/pdf")
        message.attach(f"record-{record.pk}.json", _json(metadata), "application/json")
        message.send()
        return self.address


def configured() -> list[Exporter]:
    found = []
    directory = getattr(settings, "RECORDS_FILE_DROP_DIR", "")
    if directory:
        found.append(FileDropExporter(directory))
    address = getattr(settings, "RECORDS_EMAIL_DROP_ADDRESS", "")
    if address:
        found.append(EmailDropExporter(address))
    return found


def _json(metadata) -> bytes:
    return json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True).encode()


def render_pdf(record) -> bytes:
    """The capture as a PDF: metadata table, the text, the thread and our replies, every value
    with personal ID numbers masked (the unmasked copy never leaves the database)."""
    from xml.sax.saxutils import escape as escape_xml

    from .personal_data import mask_personal_ids

    def escape(value):
        return escape_xml(mask_personal_ids(str(value)))

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        title=f"Record {record.pk}",
    )
    meta = record.metadata()
    rows = [
        [_("Platform"), record.platform],
        [_("Platform id"), record.external_id],
        [_("Channel"), record.channel_name],
        [_("Author"), record.author_name],
        [_("Created"), meta["created_at"]],
        [_("Received"), meta["received_at"]],
        [_("Captured"), meta["captured_at"]],
        [_("Permalink"), record.permalink],
        [_("Subject"), record.subject],
        [_("Case or diary number"), record.case_number],
        [_("Classification"), record.classification],
        [_("From"), record.sender],
        [_("To"), record.recipient],
        [_("Confidentiality"), record.get_confidentiality_display()],
    ]
    table = Table(
        [
            [
                Paragraph(escape(a), styles["Normal"]),
                Paragraph(escape(b or "–"), styles["Normal"]),
            ]
            for a, b in rows
        ],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story = [
        Paragraph(escape(_("Record %(id)s") % {"id": record.pk}), styles["Title"]),
        table,
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Text")), styles["Heading2"]),
        Paragraph(escape(record.text).replace("\n", "<br/>"), styles["Normal"]),
    ]
    if record.thread:
        story.append(Paragraph(escape(_("Thread")), styles["Heading2"]))
        for entry in record.thread:
            story.append(
                Paragraph(
                    f"<b>{escape(entry.get('author') or '')}</b> "
                    f"{escape(entry.get('created_at', ''))}: {escape(entry.get('text', ''))}",
                    styles["Normal"],
                )
            )
    if record.replies:
        story.append(Paragraph(escape(_("Our replies")), styles["Heading2"]))
        for entry in record.replies:
            story.append(
                Paragraph(
                    f"{escape(entry.get('at', ''))}: {escape(entry.get('text', ''))}",
                    styles["Normal"],
                )
            )
    document.build(story)
    return buffer.getvalue()
