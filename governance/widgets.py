"""Widgets that render their HTML in Python instead of through a template per option.

Django renders every `<option>` of a select through the template engine; on a page that is
opened all day and refreshed often (the queue's filter bar) that is most of the page's time.
These widgets produce the same markup as Django's own (name, id, every attribute, the selected
option) with every value escaped, and are used where a form is rendered on a hot page.
"""

from __future__ import annotations

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """Attributes in the order given, as Django's attrs template writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class FastSelect(forms.Select):
    """A single-choice `<select>` rendered without per-option templates."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = {"" if v is None else str(v) for v in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                raise TypeError("FastSelect does not render option groups.")
            option_value = "" if option_value is None else str(option_value)
            chosen = " selected" if option_value in selected else ""
            options.append(
                f'<option value="{escape(option_value)}"{chosen}>{escape(str(label))}</option>'
            )
            if chosen:
                selected = set()  # a single select marks one option only
        return mark_safe(f"<select{_attrs(final)}>{''.join(options)}</select>")


class FastCheckbox(forms.CheckboxInput):
    """A checkbox rendered without a template."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"type": "checkbox", "name": name, **self.build_attrs(self.attrs, attrs)}
        if self.check_test(value):
            final["checked"] = True
        return mark_safe(f"<input{_attrs(final)}>")


def filter_fields_html(form):
    """A filter bar's fields: each label with its control, checkboxes after their box.

    Drawn in Python in one pass (the queue's filter bar is on every queue page); the widgets
    render themselves and every label and id is escaped.
    """
    parts = []
    for field in form:
        label = escape(field.label)
        for_id = escape(field.id_for_label)
        if field.field.widget.input_type == "checkbox":
            parts.append(
                f'<div class="form-group-checkbox app-check">{field}'
                f'<label for="{for_id}">{label}</label></div>'
            )
        else:
            parts.append(
                f'<div class="form-group"><label class="form-label" for="{for_id}">{label}'
                f"</label>{field}</div>"
            )
    return mark_safe("".join(parts))
