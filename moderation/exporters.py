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
from django.utils import translation
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
    """The record as a PDF in the municipality's language: the facts a journal needs (times in
    local time with the zone named, the answering unit that holds the journal duty), the
    citizen's text, the comment it answers, our replies and the decisions taken on it. Every
    value has personal ID numbers masked (the unmasked copy never leaves the database)."""
    from . import record_content

    with translation.override(record_content.municipality_of(record).default_language):
        return _render_pdf(record, record_content.build(record))


def _render_pdf(record, content) -> bytes:
    from xml.sax.saxutils import escape as escape_xml

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .personal_data import mask_personal_ids

    def escape(value):
        return escape_xml(mask_personal_ids(str(value)))

    styles = getSampleStyleSheet()

    def table(rows):
        shown = Table(
            [
                [
                    Paragraph(escape(label), styles["Normal"]),
                    Paragraph(escape(value or "–").replace("\n", "<br/>"), styles["Normal"]),
                ]
                for label, value in rows
            ],
            colWidths=[45 * mm, 125 * mm],
        )
        shown.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
        return shown

    def heading(text):
        return Paragraph(escape(text), styles["Heading2"])

    def paragraph(text):
        return Paragraph(escape(text).replace("\n", "<br/>"), styles["Normal"])

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        title=_("Record %(id)s") % {"id": record.pk},
    )
    story = [
        Paragraph(escape(_("Record %(id)s") % {"id": record.pk}), styles["Title"]),
        table(
            [
                (_("Answering unit (journal duty)"), content.answering_unit),
                (_("Platform"), content.platform),
                (_("Platform id"), record.external_id),
                (_("Channel"), record.channel_name),
                (_("From"), record.sender or record.author_name),
                (_("To"), record.recipient or content.answering_unit),
                (_("Times"), _("Local time, %(zone)s") % {"zone": content.time_zone}),
                (_("Created"), content.times["created"]),
                (_("Received"), content.times["received"]),
                (_("Captured"), content.times["captured"]),
                (_("Permalink"), record.permalink),
                (_("Subject"), record.subject),
                (_("Case or diary number"), record.case_number),
                (_("Classification"), record.classification),
                (_("Confidentiality"), record.get_confidentiality_display()),
            ]
        ),
        Spacer(1, 6 * mm),
        heading(_("The inquiry")),
        paragraph(
            _("%(author)s, %(when)s:")
            % {"author": record.author_name or "–", "when": content.times["created"]}
        ),
        paragraph(record.text),
    ]
    parent = content.in_reply_to
    if parent is not None:
        story += [
            heading(_("The comment it answers")),
            paragraph(
                _("%(author)s, %(when)s:")
                % {"author": parent["author"] or "–", "when": parent["when"]}
            ),
            paragraph(parent["text"]),
        ]
    if content.replies:
        story.append(heading(_("Our reply")))
        for reply in content.replies:
            story += [
                paragraph(
                    _("%(who)s, %(when)s:")
                    % {"who": reply["by"] or content.answering_unit, "when": reply["when"]}
                ),
                paragraph(reply["text"]),
            ]
    if content.decisions:
        story.append(heading(_("Decisions")))
        story.append(
            table(
                (
                    decision.when,
                    "\n".join(
                        line
                        for line in (
                            _("%(what)s by %(who)s") % {"what": decision.label, "who": decision.by},
                            _("Reason: %(reason)s") % {"reason": decision.reason}
                            if decision.reason
                            else "",
                            _("Note: %(note)s") % {"note": decision.note} if decision.note else "",
                        )
                        if line
                    ),
                )
                for decision in content.decisions
            )
        )
    document.build(story)
    return buffer.getvalue()
