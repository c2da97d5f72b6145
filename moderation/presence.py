"""Who else has an item's page open, and who is writing a reply on it: each open page sends a
heartbeat every few seconds, kept in the shared cache (`CACHE_URL`) under one key per item.

Nothing goes to the database: an entry is a user id, a state and a timestamp, forgotten
`TTL` seconds after the last heartbeat (a closed tab simply stops beating; leaving the page
says so at once). Two heartbeats on the same item at the same moment may overwrite each other's
entry; the next heartbeat, a few seconds later, writes it again."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache

# Seconds an entry lives after its last heartbeat; the page beats every 5 seconds, so a
# missed beat or two does not make someone vanish.
TTL = 30

VIEWING = "viewing"
WRITING = "writing"
STATES = (VIEWING, WRITING)


@dataclass(frozen=True)
class Present:
    user_id: int
    name: str
    state: str

    @property
    def writing(self):
        return self.state == WRITING


def _key(item_id):
    return f"presence:item:{item_id}"


def _alive(entries, now):
    return {
        user_id: (state, at)
        for user_id, (state, at) in (entries or {}).items()
        if now - at < TTL and state in STATES
    }


def beat(item_id, user_id, state, *, now=None):
    """Note that `user_id` has the item's page open (`state`: viewing or writing)."""
    now = time.time() if now is None else now
    entries = _alive(cache.get(_key(item_id)), now)
    entries[user_id] = (state if state in STATES else VIEWING, now)
    cache.set(_key(item_id), entries, TTL)


def leave(item_id, user_id, *, now=None):
    """`user_id` closed the item's page."""
    now = time.time() if now is None else now
    entries = _alive(cache.get(_key(item_id)), now)
    if entries.pop(user_id, None) is not None:
        cache.set(_key(item_id), entries, TTL)


def others(item_id, user_id, *, now=None) -> list[Present]:
    """Everyone else on the item's page now, writers first, then by name."""
    now = time.time() if now is None else now
    entries = _alive(cache.get(_key(item_id)), now)
    entries.pop(user_id, None)
    if not entries:
        return []
    users = get_user_model().objects.filter(pk__in=entries, is_active=True)
    present = [
        Present(user.pk, user.get_full_name() or user.get_username(), entries[user.pk][0])
        for user in users.only("first_name", "last_name", "username")
    ]
    return sorted(present, key=lambda p: (not p.writing, p.name.lower(), p.user_id))
