"""Small pieces the moderation pages share."""

from __future__ import annotations

from .. import actions
from ..forms import (
    NoteForm,
)


def posted_note(request) -> str:
    """The optional note of a one-button action, held to the note form's rules (length, no
    NUL character); a note that breaks them refuses the action with the reason."""
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise actions.ActionError(" ".join(form.errors["note"]))
    return form.cleaned_data["note"]
