"""Template filters showing audit rows in words."""

from django import template

from .. import labels

register = template.Library()


@register.filter
def action_label(code):
    return labels.action_label(code)


@register.filter
def changes(entry):
    """The row's changed fields as "label: before → after" lines."""
    return labels.changes_in_words(entry)


@register.filter
def masked(value):
    """Text with personal identification numbers masked."""
    from moderation.personal_data import mask_personal_ids

    return mask_personal_ids(str(value)) if value else value
