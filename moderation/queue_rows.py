"""The queue table's rows, rendered in Python: the queue is the page people keep open all day
and HTMX refreshes it every few seconds, so its rows are built from labels translated once per
request, every value escaped (citizens' HTML stays inert text), instead of through the template
engine cell by cell."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import OPEN_STATUSES, ItemStatus
from .models.items import Platform

# Django date-format characters that map one to one to strftime; formats using others fall
# back to Django's own formatter.
_STRFTIME = {
    "d": "%d",
    "j": "%-d",
    "m": "%m",
    "n": "%-m",
    "Y": "%Y",
    "y": "%y",
    "H": "%H",
    "G": "%-H",
    "i": "%M",
    "s": "%S",
}


def _date_html(fmt: str, tz):
    """A function writing a datetime in `fmt` (a Django date format) in `tz`, HTML-escaped."""
    if all(ch in _STRFTIME or not ch.isalpha() for ch in fmt) and "\\" not in fmt:
        # strftime writes only digits for these; the format's own characters are escaped once.
        pattern = "".join(_STRFTIME.get(ch, escape(ch).replace("%", "%%")) for ch in fmt)
        return lambda value: value.astimezone(tz).strftime(pattern)
    return lambda value: escape(date_format(value.astimezone(tz), fmt))


def _span(minutes: int, labels) -> str:
    days, rest = divmod(max(0, minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return labels["dh"] % {"days": days, "hours": hours}
    if hours:
        return labels["hm"] % {"hours": hours, "minutes": mins}
    return labels["m"] % {"minutes": mins}


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=32)
def _texts(language: str | None):
    """The row's labels in `language`, translated and escaped once (the active language)."""
    cells = {
        "text": _("Text"),
        "channel": _("Channel"),
        "author": _("Author"),
        "due": _("Answer due"),
        "status": _("Status"),
        "assigned": _("Assigned to"),
        "personal": _("Personal data"),
        "hidden": _("Hidden"),
        "no_text": _("(no text)"),
    }
    # Escaped before the numbers go in: only whole numbers are put into them.
    spans = {
        "overdue": _("overdue by %(time)s"),
        "at_risk": _("at risk: %(time)s left"),
        "in": _("in %(time)s"),
        "dh": _("%(days)s d %(hours)s h"),
        "hm": _("%(hours)s h %(minutes)s min"),
        "m": _("%(minutes)s min"),
    }
    return (
        {key: escape(str(value)) for key, value in cells.items()},
        {key: escape(str(value)) for key, value in spans.items()},
        {key: escape(str(value)) for key, value in ItemStatus.choices},
        {key: escape(str(value)) for key, value in Platform.choices},
        formats.get_format("SHORT_DATETIME_FORMAT"),
    )


@receiver(setting_changed)
def _forget_texts(**kwargs):
    _texts.cache_clear()


def render_rows(items, now) -> str:
    """The <tr> elements of the queue table for `items` (already fetched)."""
    e, labels, statuses, platforms, date_format_string = _texts(get_language())
    show_date = _date_html(date_format_string, timezone.get_current_timezone())
    detail = reverse("moderation:item-detail", args=[0])
    link_head = detail[: -len("0/")] if detail.endswith("/0/") else None
    personal_badge = f' <span class="badge app-badge-warning">{e["personal"]}</span>'
    hidden_badge = f' <span class="badge">{e["hidden"]}</span>'
    open_statuses = set(OPEN_STATUSES)
    # A page shows a handful of channels and assignees: each cell is escaped once.
    channel_cells, assigned_cells = {}, {}
    rows = []
    for item in items:
        badges = (personal_badge if item.has_personal_data else "") + (
            hidden_badge if item.hidden_on_platform else ""
        )
        due = item.answer_due
        if due is None:
            due_cell = "–"
        else:
            due_cell = f'<time datetime="{due.isoformat()}">{show_date(due)}</time>'
            if item.status in open_statuses and item.answered_at is None:
                minutes = int((due - now).total_seconds() // 60)
                if minutes < 0:
                    text = labels["overdue"] % {"time": _span(-minutes, labels)}
                    due_cell += f' <span class="badge app-badge-error">{text}</span>'
                elif item.answer_warn_at is not None and item.answer_warn_at <= now:
                    text = labels["at_risk"] % {"time": _span(minutes, labels)}
                    due_cell += f' <span class="badge app-badge-warning">{text}</span>'
                else:
                    text = labels["in"] % {"time": _span(minutes, labels)}
                    due_cell += f' <span class="app-muted">{text}</span>'
        channel = channel_cells.get((item.channel_name, item.platform))
        if channel is None:
            platform = platforms.get(item.platform) or escape(item.platform)
            channel = channel_cells[item.channel_name, item.platform] = (
                f'{escape(item.channel_name)} <span class="app-muted">({platform})</span>'
            )
        assigned = assigned_cells.get(item.assigned_username)
        if assigned is None:
            assigned = assigned_cells[item.assigned_username] = escape(item.assigned_to_name) or "–"
        text = escape(_short(item.masked_text)) if item.text else e["no_text"]
        href = f"{link_head}{item.pk}/" if link_head else item.get_absolute_url()
        rows.append(
            f'<tr data-item="{item.pk}">'
            f'<td data-label="{e["text"]}"><a class="app-queue-link" '
            f'href="{href}">{text}</a>{badges}</td>'
            f'<td data-label="{e["channel"]}">{channel}</td>'
            f'<td data-label="{e["author"]}">{escape(item.author_name) or "–"}</td>'
            f'<td data-label="{e["due"]}">{due_cell}</td>'
            f'<td data-label="{e["status"]}">{statuses.get(item.status, "")}</td>'
            f'<td data-label="{e["assigned"]}">{assigned}</td></tr>'
        )
    # Every value above was escaped (labels and formats once, citizens' words on every row):
    # citizens' HTML stays inert text.
    return mark_safe("".join(rows))
