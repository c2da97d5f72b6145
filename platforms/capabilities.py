"""What each platform lets the municipality do to each kind of item, in one table: the pages
offer only these actions, the actions refuse the rest up front, and the outbox orders its writes
by it. Plain Python; the adapters' `capabilities` say what an adapter can do at all, and a test
keeps this table inside them.

Sources: Facebook Graph API comments (`POST /{comment-id}/comments`, `is_hidden`, `DELETE`);
Instagram Graph API comments (replies to top-level comments only, "not hidden ones"; hide;
delete); LinkedIn Community Management API (comments and replies can be created and deleted,
there is no hiding); X API v2 (replies; hiding replies in conversations the account started;
`DELETE /2/tweets/{id}` deletes only the account's own posts); YouTube Data API v3 (replies;
`setModerationStatus` heldForReview / published / rejected). See PLATFORMS.md.
"""

from __future__ import annotations

from typing import NamedTuple

REPLY = "reply"
HIDE = "hide"
UNHIDE = "unhide"
DELETE = "delete"
OPERATIONS = (REPLY, HIDE, UNHIDE, DELETE)

_ALL = frozenset(OPERATIONS)
_ANSWER_ONLY = frozenset({REPLY})

# platform -> item kind -> the operations the platform takes for it. A kind the platform does
# not bring in (X has no comments) is absent: nothing is possible on it.
TABLE: dict[str, dict[str, frozenset[str]]] = {
    "facebook": {"comment": _ALL, "reply": _ALL, "message": _ANSWER_ONLY},
    # Instagram threads are one level deep: only top-level comments take replies.
    "instagram": {
        "comment": _ALL,
        "reply": frozenset({HIDE, UNHIDE, DELETE}),
        "message": _ANSWER_ONLY,
    },
    "linkedin": {"comment": frozenset({REPLY, DELETE}), "reply": frozenset({REPLY, DELETE})},
    # Mentions and replies are other people's posts: X deletes only the account's own.
    "x": {
        "mention": frozenset({REPLY, HIDE, UNHIDE}),
        "reply": frozenset({REPLY, HIDE, UNHIDE}),
    },
    "youtube": {"comment": _ALL, "reply": _ALL},
}

# Platforms that refuse a reply to an item while it is hidden (Instagram: "not hidden ones").
# There the author must be told before the item is hidden, and a hidden item is not answered.
NO_REPLY_WHEN_HIDDEN = frozenset({"instagram"})


class Refusal(NamedTuple):
    """Why an operation is not possible: `code` for programs and translations, `detail` in
    English for logs."""

    code: str
    detail: str


def allows(platform: str, kind: str, operation: str) -> bool:
    """Whether `platform` takes `operation` on an item of `kind`."""
    return operation in TABLE.get(platform, {}).get(kind, frozenset())


def refusal(platform: str, kind: str, operation: str, *, hidden: bool = False) -> Refusal | None:
    """Why `operation` is not possible on an item of `kind` on `platform` (hidden on the
    platform when `hidden`), or None when it is."""
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}")
    if not allows(platform, kind, operation):
        if platform == "x" and operation == DELETE:
            return Refusal("x_delete_others", "X deletes only the account's own posts")
        if platform == "linkedin" and operation in (HIDE, UNHIDE):
            return Refusal("no_hide", "LinkedIn has no hiding of comments")
        if platform == "instagram" and kind == "reply" and operation == REPLY:
            return Refusal("top_level_only", "Instagram takes replies to top-level comments only")
        if kind == "message":
            return Refusal("message", f"{platform} cannot {operation} private messages")
        return Refusal("not_supported", f"{platform} cannot {operation} a {kind}")
    if operation == REPLY and hidden and platform in NO_REPLY_WHEN_HIDDEN:
        return Refusal("hidden", f"{platform} takes no replies to a hidden comment")
    return None


def tell_author_first(platform: str, operation: str) -> bool:
    """Whether the author's notice must reach the platform before `operation`: always before a
    deletion (nothing can be answered once it is gone), and before hiding where a hidden item
    takes no reply."""
    return operation == DELETE or (operation == HIDE and platform in NO_REPLY_WHEN_HIDDEN)
