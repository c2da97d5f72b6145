"""Template helpers: the design system's form markup, permission questions, and the page shell
(header, language picker)."""

import secrets
from functools import lru_cache

from django import forms, template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

from governance.memo import Memo
from governance.permissions import can

register = template.Library()


def _css_class(widget):
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.CheckboxInput):
        return "form-checkbox"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    return "form-input"


@register.simple_tag
def widget(field):
    """Render a bound field's widget with the design system's class and its ARIA ties."""
    attrs = {}
    css = _css_class(field.field.widget)
    if css:
        attrs["class"] = f"{css} {field.field.widget.attrs.get('class', '')}".strip()
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def may(context, action, obj=None):
    """`{% may "moderation.manage_rota" as allowed %}`: ask the permission module from a
    template, so a link is shown exactly when its page would let the user in."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and can(user, action, obj)


def per_language(func):
    """Mark a tag without arguments whose output depends on the active language alone: the
    template folding renders it once per language with the constant text around it."""
    func.constant_per_language = True
    return func


@register.simple_tag
@per_language
def current_language():
    """The active language's code, for `<html lang>`."""
    return get_language()


@register.simple_tag
@per_language
def language_options():
    """The header's language picker: every language named in itself, the active one chosen."""
    active = get_language()
    return mark_safe(
        "".join(
            f'<option value="{escape(code)}" lang="{escape(code)}"'
            f"{' selected' if code == active else ''}>{escape(name)}</option>"
            for code, name in language_choices(tuple(settings.LANGUAGES))
        )
    )


@lru_cache(maxsize=1)
def language_choices(languages):
    """(code, name in that language) for the header's language picker, built once."""
    return tuple(
        (code, capfirst(get_language_info(code)["name_local"])) for code, _name in languages
    )


# Drawn page headers by everything they are drawn from (see page_header).
_HEADERS = Memo(1024)
# Stands for the request's CSRF token in a drawn header; unguessable, new in every process.
_TOKEN_MARK = f"csrf-{secrets.token_hex(16)}"


@register.simple_tag(takes_context=True)
def page_header(context):
    """The page header (includes/header.html): the brand, the language picker, the signed-in
    person with the log-out button, and the main menu.

    The header is drawn from the language, the site's address prefix and the values handed to
    the template below alone, so each such header is drawn once and taken from a table
    afterwards; the request's CSRF token goes into its forms on every request.
    """
    request = context.get("request")
    user = context.get("user")
    token = str(context.get("csrf_token") or "")
    authenticated = bool(user is not None and user.is_authenticated)
    values = {
        "path": request.get_full_path() if request is not None else "",
        "authenticated": authenticated,
        "display_name": (user.get_full_name() or user.get_username()) if authenticated else "",
        "navigation": context.get("navigation") or (),
    }
    if not token or token == "NOTPROVIDED":
        # No token to put in: drawn as it is, without the table.
        return mark_safe(render_to_string("includes/header.html", {**values, "csrf_token": token}))
    key = (
        get_language(),
        get_script_prefix(),
        values["path"],
        values["authenticated"],
        values["display_name"],
        # An entry's URL name fixes its label in a language (no translation looked up here).
        tuple(
            (e.get("name") or str(e["label"]), e["url"], e["active"]) for e in values["navigation"]
        ),
    )
    html = _HEADERS.get(key)
    if html is None:
        html = _HEADERS.keep(
            key, render_to_string("includes/header.html", {**values, "csrf_token": _TOKEN_MARK})
        )
    return mark_safe(html.replace(_TOKEN_MARK, escape(token)))
