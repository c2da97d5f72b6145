"""Template filters of the moderation pages."""

from django import template
from django.utils.translation import gettext

from ..models import OPEN_STATUSES

register = template.Library()


@register.filter
def masked(value):
    """Text with personal identification numbers masked (notes, answers, audit details)."""
    from ..personal_data import mask_personal_ids

    return mask_personal_ids(str(value)) if value else value


@register.filter
def action_label(code):
    """The audit action in words (see `audit.labels`)."""
    from audit.labels import action_label

    return action_label(code)


@register.filter
def audit_changes(entry):
    """An audit row's changed fields as "label: before → after" lines."""
    from audit.labels import changes_in_words

    return changes_in_words(entry)


@register.filter
def delivery_state(message):
    """Where a write sent through the outbox stands, as {"code", "label"}: the one place the
    item page reads a reply's delivery state from (the outbox's states and their labels)."""
    return {"code": message.status, "label": message.get_status_display()}


@register.filter
def audit_reason(entry):
    """An audit row's reason code in words (see `audit.labels.reason_label`)."""
    from audit.labels import reason_label

    label = getattr(entry, "reason_label", None)
    return label if label is not None else reason_label(entry.reason, entry.action)


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
