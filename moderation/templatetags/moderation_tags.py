"""Template filters of the moderation pages."""

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import OPEN_STATUSES

register = template.Library()


@register.filter
def masked(value):
    """Text with personal identification numbers masked (notes, answers, audit details)."""
    from ..personal_data import mask_personal_ids

    return mask_personal_ids(str(value)) if value else value


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
}


@register.filter
def action_label(code):
    """The audit action in words; unknown codes (other apps' actions) as they are."""
    return ACTION_LABELS.get(code, code)


@register.filter
def internal_state(forwarding, now):
    """Where a forwarding's internal deadline stands at `now` (see `Forwarding.internal_state`)."""
    return forwarding.internal_state(now)


@register.filter
def answer_countdown(row, now):
    """What a queue row says of its answer deadline at `now`: `kind` ("overdue", "at_risk" or
    "in") and `time` ("2 h 5 min"); None when there is no deadline to count down to (none set,
    answered, or no longer open)."""
    due = row.answer_due
    if due is None or row.status not in OPEN_STATUSES or row.answered_at is not None:
        return None
    minutes = int((due - now).total_seconds() // 60)
    if minutes < 0:
        kind, minutes = "overdue", -minutes
    elif row.answer_warn_at is not None and row.answer_warn_at <= now:
        kind = "at_risk"
    else:
        kind = "in"
    return {"kind": kind, "time": _duration(minutes)}


def _duration(minutes):
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)s min") % {"minutes": minutes}


# A citizen's text longer than this shows its beginning, and the whole behind "Show all": a
# comment of 100,000 characters in one piece took the browser many seconds to lay out.
SHOWN_CHARACTERS = 2000


@register.inclusion_tag("moderation/includes/long_text.html")
def long_text(text, html_id="", empty=""):
    """A citizen's `text`, cut after SHOWN_CHARACTERS with the rest in a <details> (no
    script). `html_id` names the shown paragraph, and `<html_id>-all` the details."""
    text = text or ""
    return {
        "text": text,
        "head": text[:SHOWN_CHARACTERS],
        "cut": len(text) > SHOWN_CHARACTERS,
        "length": len(text),
        "html_id": html_id,
        "empty": empty,
    }
