"""What a record says to the archive: the citizen's inquiry, the comment it answers, our reply,
the decisions taken on it (what, why, who, when) and the unit that answered and so holds the
journal duty, every time in the municipality's local time with its zone named.

The PDF (`exporters.render_pdf`), the JSON metadata sent with it and the records API read it
from here, so they never disagree. The capture itself stays as it was frozen; the decisions come
from the audit trail, which is append-only too, so an export made later says the same about the
same moment. Personal ID numbers are masked in everything this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _

from audit.labels import action_label
from governance.models import RemovalReason

from .personal_data import mask_personal_ids, mask_personal_ids_in

# The audit actions that are decisions on the inquiry itself, as a records officer reads them.
DECISIONS = (
    "acknowledge",
    "forward",
    "send_back",
    "reply",
    "close",
    "hide",
    "unhide",
    "tell_author",
    "delete",
)


@dataclass
class Decision:
    action: str
    label: str
    at: datetime
    by: str
    reason: str = ""
    note: str = ""
    # `at` as `RecordContent.local` shows it.
    when: str = ""


@dataclass
class RecordContent:
    platform: str  # the platform's name, for people
    time_zone: str
    answering_unit: str
    in_reply_to: dict | None
    replies: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    # The capture's times as `local` shows them: created, received, captured.
    times: dict = field(default_factory=dict)

    def local(self, moment: datetime | None) -> str:
        """A time as the archive reads it: local wall-clock time and the zone's abbreviation."""
        if moment is None:
            return ""
        return moment.astimezone(ZoneInfo(self.time_zone)).strftime("%Y-%m-%d %H:%M %Z")

    def local_iso(self, moment: datetime | None) -> str:
        """A time for machines: local ISO 8601 with its UTC offset."""
        if moment is None:
            return ""
        return moment.astimezone(ZoneInfo(self.time_zone)).isoformat()


def municipality_of(record):
    return record.item.channel.owner_unit.municipality


def build(record) -> RecordContent:
    """The content of `record` beyond its frozen capture, read in a fixed number of queries."""
    from .models import Forwarding, ForwardingStatus

    item = record.item
    municipality = municipality_of(record)
    answered = (
        Forwarding.objects.filter(
            item=item,
            status__in=[
                ForwardingStatus.ANSWERED,
                ForwardingStatus.SENDING,
                ForwardingStatus.POSTED,
                ForwardingStatus.NOT_SENT,
            ],
        )
        .select_related("to_unit")
        .order_by("-answered_at", "-id")
        .first()
    )
    # The unit or person who answers the citizen holds the journal duty: the expert's unit when
    # a forwarded question was answered there, else the unit that runs the channel.
    unit = answered.to_unit if answered is not None else item.channel.owner_unit
    content = RecordContent(
        platform=_platform_label(record.platform),
        time_zone=municipality.time_zone,
        answering_unit=unit.name,
        in_reply_to=_answered_comment(record),
        replies=[_reply(entry) for entry in record.replies or []],
        decisions=_decisions(item),
    )
    local = content.local
    content.times = {
        "created": local(record.created_at),
        "received": local(record.received_at),
        "captured": local(record.captured_at),
    }
    if content.in_reply_to is not None:
        content.in_reply_to["when"] = local(content.in_reply_to["created_at"])
    for reply in content.replies:
        reply["when"] = local(reply["at"])
    for decision in content.decisions:
        decision.when = local(decision.at)
    return content


def _answered_comment(record) -> dict | None:
    """The comment the inquiry answers (its parent), from the capture. Records captured before
    only the parent was kept hold the whole thread: the parent is picked out of it."""
    parent_id = record.item.parent_external_id
    if not parent_id:
        return None
    for entry in record.thread or []:
        if entry.get("platform_id") == parent_id:
            return mask_personal_ids_in(
                {
                    "platform_id": entry.get("platform_id", ""),
                    "author": entry.get("author", ""),
                    "text": entry.get("text", ""),
                    "created_at": _parse(entry.get("created_at")),
                }
            )
    return None


def _reply(entry) -> dict:
    return {
        "text": mask_personal_ids(str(entry.get("text", ""))),
        "status": entry.get("status", ""),
        "at": _parse(entry.get("at")),
        "by": mask_personal_ids(str(entry.get("by", ""))),
    }


def _decisions(item) -> list[Decision]:
    from audit.models import AuditEntry

    entries = list(
        AuditEntry.objects.filter(item=item, action__in=DECISIONS)
        .select_related("actor")
        .order_by("at", "id")
    )
    codes = {(e.policy_version_id, e.reason) for e in entries if e.reason}
    labels = {}
    if codes:
        for reason in RemovalReason.objects.filter(
            version_id__in={version for version, _code in codes},
            code__in={code for _version, code in codes},
        ):
            labels[(reason.version_id, reason.code)] = reason.label
    decisions = []
    for entry in entries:
        if entry.action == "close":
            # Closing stores its free-text reason as the note, and the person's comment apart.
            reason, note = entry.note, entry.data.get("comment", "")
        else:
            reason = labels.get((entry.policy_version_id, entry.reason), entry.reason)
            note = entry.note
        decisions.append(
            Decision(
                action=entry.action,
                label=str(action_label(entry.action)),
                at=entry.at,
                by=_person(entry.actor),
                reason=mask_personal_ids(reason or ""),
                note=mask_personal_ids(note or ""),
            )
        )
    return decisions


def _platform_label(code) -> str:
    from accounts.models import Platform

    try:
        return str(Platform(code).label)
    except ValueError:  # a platform no longer offered: its code is all there is
        return code


def _person(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def _parse(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def metadata(record) -> dict:
    """The JSON sent with the PDF: the archive metadata, the capture's times in local time with
    the zone named, the answered comment, our replies, the decisions and the answering unit."""
    with translation.override(municipality_of(record).default_language):
        return _metadata(record, build(record))


def _metadata(record, content) -> dict:
    local = content.local_iso
    parent = content.in_reply_to
    return mask_personal_ids_in(
        {
            "record_id": record.pk,
            "platform": record.platform,
            "platform_id": record.external_id,
            "channel": record.channel_name,
            "author": record.author_name,
            "time_zone": content.time_zone,
            "created_at": local(record.created_at),
            "received_at": local(record.received_at),
            "captured_at": local(record.captured_at),
            "permalink": record.permalink,
            "subject": record.subject,
            "case_number": record.case_number,
            "classification": record.classification,
            "from": record.sender,
            "to": record.recipient,
            "confidentiality": record.confidentiality,
            "answering_unit": content.answering_unit,
            "in_reply_to": None
            if parent is None
            else {
                "platform_id": parent["platform_id"],
                "author": parent["author"],
                "text": parent["text"],
                "created_at": local(parent["created_at"]),
            },
            "replies": [
                {
                    "text": reply["text"],
                    "status": reply["status"],
                    "at": local(reply["at"]),
                    "by": reply["by"],
                }
                for reply in content.replies
            ],
            "decisions": [
                {
                    "action": decision.action,
                    "label": decision.label,
                    "at": local(decision.at),
                    "by": decision.by,
                    "reason": decision.reason,
                    "note": decision.note,
                }
                for decision in content.decisions
            ],
            "extra": record.extra,
        }
    )
