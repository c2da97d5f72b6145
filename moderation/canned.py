"""Canned answers' placeholders: which exist, what makes a text valid, and how the reply form
fills them in for an item. One home for the rule; the settings page, the API and the admin
validate through `placeholder_errors`, the item page fills through `fill`."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# name -> what it stands for (shown beside the text field)
PLACEHOLDERS = {
    "author": gettext_lazy("the author's name"),
    "channel": gettext_lazy("the channel's name"),
    "municipality": gettext_lazy("the municipality's name"),
}

_TOKEN = re.compile(r"\{([^{}]*)\}")


def placeholder_errors(text: str) -> list[str]:
    """What is wrong with the placeholders of `text`, as messages for the person writing it;
    an empty list when every placeholder is known and every brace belongs to one."""
    errors = []
    unknown = []
    for match in _TOKEN.finditer(text):
        name = match.group(1)
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for name in unknown:
        errors.append(
            _("Unknown placeholder {%(name)s}. The placeholders are: %(known)s.")
            % {"name": name, "known": known}
        )
    rest = _TOKEN.sub("", text)
    if "{" in rest or "}" in rest:
        errors.append(
            _("A brace is not closed. Write a placeholder with a brace on each side, e.g. %(ex)s.")
            % {"ex": "{author}"}
        )
    return errors


def values_for(item) -> dict:
    """What each placeholder stands for on `item`'s page."""
    channel = item.channel
    return {
        "author": item.author_name or "",
        "channel": channel.name,
        "municipality": channel.owner_unit.municipality.name,
    }


def fill(text: str, values: dict) -> str:
    """`text` with its known placeholders replaced; anything else left as written."""
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), text)
