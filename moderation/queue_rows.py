"""The queue table's rows, rendered in Python: the queue is the page people keep open all day
and HTMX refreshes it every few seconds, so its rows are built from labels translated once per
request, every value escaped (citizens' HTML stays inert text), instead of through the template
engine cell by cell."""

from __future__ import annotations

from html import escape

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from governance.memo import Memo, memoized

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


@memoized(maxsize=32)
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


# Drawn rows by everything a row is drawn from (see render_rows): a table per language, time
# zone and address.
_ROWS = Memo(64)
_ROWS_MAX = 4096


@memoized(maxsize=8)
def _item_link_head(prefix, urlconf):
    """The item page's address without its id ("/moderation/items/"), once per prefix."""
    detail = reverse("moderation:item-detail", args=[0], urlconf=urlconf)
    return detail[: -len("0/")] if detail.endswith("/0/") else None


def _due_state(item, now, open_statuses=frozenset(OPEN_STATUSES)):
    """What the row says of its answer deadline at `now`: (kind, minutes) or None."""
    due = item.answer_due
    if due is None or item.status not in open_statuses or item.answered_at is not None:
        return None
    minutes = int((due - now).total_seconds() // 60)
    if minutes < 0:
        return ("overdue", -minutes)
    if item.answer_warn_at is not None and item.answer_warn_at <= now:
        return ("at_risk", minutes)
    return ("in", minutes)


_DUE_BADGE = {
    "overdue": '<span class="badge app-badge-error">',
    "at_risk": '<span class="badge app-badge-warning">',
    "in": '<span class="app-muted">',
}


def render_rows(items, now) -> str:
    """The <tr> elements of the queue table for `items` (already fetched).

    A row is drawn from its values, what it says of its deadline at `now` (to the minute), the
    language, the time zone and the item pages' address, and nothing else; the live refresh
    draws the same rows every few seconds for every open browser, so each row is drawn once
    for each such set and taken from the table of drawn rows afterwards.
    """
    language = get_language()
    tz = timezone.get_current_timezone()
    link_head = _item_link_head(get_script_prefix(), get_urlconf())
    table = _ROWS.get((language, tz, link_head))
    if table is None:
        table = _ROWS.keep((language, tz, link_head), Memo(_ROWS_MAX))
    drawn = []
    for item in items:
        state = _due_state(item, now)
        # Found by id and deadline state, taken only if every value of the row is the same
        # (comparing is cheaper than hashing the row's times).
        found = table.get((item.pk, state))
        if found is not None and found[0] == item:
            html = found[1]
        else:
            html = _draw_row(item, state, _texts(language), tz, link_head)
            table.keep((item.pk, state), (item, html))
        drawn.append(html)
    return mark_safe("".join(drawn))


def _draw_row(item, state, texts, tz, link_head) -> str:
    e, labels, statuses, platforms, date_format_string = texts
    badges = ""
    if item.has_personal_data:
        badges += f' <span class="badge app-badge-warning">{e["personal"]}</span>'
    if item.hidden_on_platform:
        badges += f' <span class="badge">{e["hidden"]}</span>'
    due = item.answer_due
    if due is None:
        due_cell = "–"
    else:
        shown = _date_html(date_format_string, tz)(due)
        due_cell = f'<time datetime="{due.isoformat()}">{shown}</time>'
        if state is not None:
            kind, minutes = state
            text = labels[kind] % {"time": _span(minutes, labels)}
            due_cell += f" {_DUE_BADGE[kind]}{text}</span>"
    platform = platforms.get(item.platform) or escape(item.platform)
    text = escape(_short(item.masked_text)) if item.text else e["no_text"]
    href = f"{link_head}{item.pk}/" if link_head else item.get_absolute_url()
    # Every value is escaped (labels and formats once, citizens' words here): citizens' HTML
    # stays inert text.
    return (
        f'<tr data-item="{item.pk}">'
        f'<td data-label="{e["text"]}"><a class="app-queue-link" '
        f'href="{href}">{text}</a>{badges}</td>'
        f'<td data-label="{e["channel"]}">{escape(item.channel_name)} '
        f'<span class="app-muted">({platform})</span></td>'
        f'<td data-label="{e["author"]}"><span class="app-queue-author">'
        f"{escape(item.author_name) or '–'}</span></td>"
        f'<td data-label="{e["due"]}">{due_cell}</td>'
        f'<td data-label="{e["status"]}">{statuses.get(item.status, "")}</td>'
        f'<td data-label="{e["assigned"]}">{escape(item.assigned_to_name) or "–"}</td></tr>'
    )
