"""The audit trail in words: the actions' names and the changed fields' before and after, with
the translated labels the models and their choices already have."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "acknowledge": _("acknowledged"),
    "reply": _("answer posted"),
    "forward": _("forwarded"),
    "send_back": _("expert's answer sent back"),
    "close": _("closed without an answer"),
    "assign": _("assigned"),
    "reassign": _("reassigned"),
    "hide": _("hidden"),
    "unhide": _("unhidden"),
    "tell_author": _("author told why"),
    "delete": _("deleted"),
    "capture_record": _("captured as a record"),
    "update_record": _("record metadata changed"),
    "export_record": _("record exported"),
    "read_record_as_written": _("record read as written"),
    "personal_data_found": _("personal data found"),
    "sla_warning": _("deadline warning sent"),
    "sla_breach": _("missed deadline reported"),
    "crisis_on": _("crisis mode on"),
    "crisis_off": _("crisis mode off"),
    "forward_reminder": _("expert reminded of the internal deadline"),
    "forward_late": _("late expert answer reported"),
    # A channel's steps (the labels its history has always shown)
    "channel.requested": _("Requested"),
    "channel.request_approved": _("Request approved"),
    "channel.request_rejected": _("Request rejected"),
    "channel.edited": _("Record changed"),
    "channel.admin_added": _("Admin access added"),
    "channel.admin_removed": _("Admin access removed"),
    "channel.branding_verified": _("Sender branding verified"),
    "channel.review_confirmed": _("Annual review confirmed"),
    "channel.marked_dormant": _("Marked dormant"),
    "channel.reactivated": _("Active again"),
    "channel.activated": _("Activated"),
    "channel.flagged": _("Flagged"),
    "channel.closing_requested": _("Closing requested"),
    "channel.closing_approved": _("Closing approved"),
    "channel.closing_rejected": _("Closing rejected"),
    "channel.closing_notice_pending": _("Closing notice waiting to be posted"),
    "channel.closing_notice_queued": _("Closing notice queued for posting"),
    "channel.closing_notice_sent": _("Closing notice posted on the page"),
    "channel.closing_notice_failed": _("Closing notice could not be posted"),
    "channel.closing_notice_by_hand": _("Closing notice to be posted by hand"),
    "channel.closed": _("Closed and archived"),
    "channel.disconnected": _("Disconnected"),
    "channel.webhooks_subscribed": _("Webhooks switched on"),
    "channel.webhooks_failed": _("Webhooks could not be switched on"),
    "channel.webhooks_unsubscribed": _("Webhooks switched off"),
    "channel.webhooks_unsubscribe_failed": _("Webhooks could not be switched off on the page"),
}

# Fields written on another object than the row's own (a closing request's notice status on a
# channel's step).
FIELD_MODELS = {"notice_status": "accounts.channelclosingrequest"}


def action_label(code):
    """The action in words; unknown codes as they are."""
    return ACTION_LABELS.get(code, code)


def _field(entry, name):
    label = FIELD_MODELS.get(name) or entry.object_type
    if not label:
        return None
    try:
        return apps.get_model(label)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _value(field, value):
    if value in (None, ""):
        return "–"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def changes_in_words(entry):
    """Each changed field as "label: before → after" (choices shown by their labels)."""
    lines = []
    for name, before, after in entry.changes():
        field = _field(entry, name)
        label = str(field.verbose_name) if field is not None else name.replace("_", " ")
        lines.append(
            gettext("%(field)s: %(before)s → %(after)s")
            % {"field": label, "before": _value(field, before), "after": _value(field, after)}
        )
    return lines
