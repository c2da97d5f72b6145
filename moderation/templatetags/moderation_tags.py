"""Template filters of the moderation pages."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

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
