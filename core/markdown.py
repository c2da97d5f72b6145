"""Render the policy's Markdown to HTML that is safe to show: Markdown first, then nh3 keeps only
the tags and attributes a guideline text needs, so no script or event handler survives."""

import html as _html
import re

import markdown as _markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# A section's heading is an h2 on the page; headings inside its text sit two levels below it.
_HEADING = re.compile(r"<(/?)h([1-4])>")


def render_markdown(text):
    """The HTML of a Markdown text, sanitised; marked safe for templates."""
    html = _markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 2}>", html)
    return mark_safe(  # noqa: S308  (nh3 has just removed everything not allowed)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


def plain_text(text):
    """The words of a Markdown text without markup, for search and diffs."""
    html = _markdown.markdown(text or "", output_format="html")
    return _html.unescape(nh3.clean(html, tags=set())).strip()
