"""Template helpers: the design system's form markup and permission questions."""

from django import forms, template

from core.permissions import can

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
    existing = field.field.widget.attrs.get("class", "")
    if css and css not in existing.split():
        attrs["class"] = f"{css} {existing}".strip()
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


@register.filter
def person(user):
    """A person as colleagues know them: their full name, the login only when no name is set."""
    if not user:
        return ""
    return user.get_full_name() or user.get_username()
