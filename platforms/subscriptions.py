"""Switching a Page's webhooks on and off: the Page Subscribed Apps edge of the Graph API, used by
the Facebook and Instagram adapters. Pure reading of its answers lives here so every rule can be
checked on the documentation's own example payloads.

What the documentation says (and the adapters follow):
- Meta sends a Page's webhooks only once the app is installed on the Page:
  `POST /{page-id}/subscribed_apps` with `subscribed_fields`, using the Page access token; only
  fields subscribed both on the Page and in the app's own webhook settings are delivered.
  https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/
- Facebook Page fields: `feed` (comments, posts; needs pages_manage_metadata and
  pages_show_list) and `messages` (Messenger; also needs pages_messaging and the MESSAGING task).
  https://developers.facebook.com/docs/pages-api/webhooks-for-pages
- Instagram (Instagram API with Facebook Login): its fields (`comments`, `mentions`, `messages`)
  are chosen in the app's webhook settings, not per account; the Page connected to the
  Instagram account must have Page subscriptions enabled. `subscribed_fields` on the Page edge
  does not take Instagram fields, so the linked Page is subscribed with a Page field (`feed`).
  https://developers.facebook.com/docs/graph-api/webhooks/getting-started/webhooks-for-instagram/
  https://developers.facebook.com/documentation/instagram-platform/webhooks/fields
- `POST` and `DELETE` answer `{"success": true}` (the guide's sample shows the string
  `"true"`); `GET` answers `{"data": [{"category", "link", "name", "id",
  "subscribed_fields": [...]}]}`, one entry per app installed on the Page, `[]` when none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Fields asked for on the Page, per platform.
FACEBOOK_PAGE_FIELDS = ("feed", "messages")
INSTAGRAM_PAGE_FIELDS = ("feed",)
# The Instagram fields Meta delivers once the linked Page is subscribed (set for the app).
INSTAGRAM_APP_FIELDS = ("comments", "mentions", "messages")
# Page fields that need the messaging permission (pages_messaging); the rest need
# pages_manage_metadata only.
MESSAGING_FIELDS = frozenset({"messages", "message_echoes", "messaging_postbacks"})


@dataclass(frozen=True)
class SubscriptionResult:
    """What a subscription call achieved.

    `fields`: the Page fields now subscribed; `missing`: fields asked for but refused because
    the token lacks the messaging permission (`missing_reason` is the platform's message);
    `delivered`: what webhooks will carry for the channel (for Instagram, the app's Instagram
    fields, messages only when the channel reads direct messages)."""

    fields: tuple[str, ...]
    missing: tuple[str, ...] = ()
    missing_reason: str = ""
    delivered: tuple[str, ...] = ()
    raw: dict = field(default_factory=dict)


def confirmed(result: object) -> bool:
    """Whether a POST or DELETE answer confirms the change: `{"success": true}` as the reference
    describes it, or `{"success": "true"}` as the Webhooks for Pages guide's sample shows it."""
    if not isinstance(result, dict):
        return False
    return result.get("success") is True or result.get("success") == "true"


def fields_of(answer: object, app_id: str = "") -> list[str] | None:
    """The fields our app is subscribed to, read from a GET answer; None when the answer does not
    tell (our app's entry cannot be told apart from other apps, or it lists no fields).

    With `app_id` the entry with that id is ours, and no entry means not subscribed ([]).
    Without it, a single entry is taken as ours (a Page token only sees the apps installed on
    its Page); several entries cannot be told apart."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, list):
        return None
    entries = [entry for entry in data if isinstance(entry, dict)]
    if app_id:
        ours = [entry for entry in entries if str(entry.get("id") or "") == app_id]
        if not ours:
            return []
        entry = ours[0]
    elif not entries:
        return []
    elif len(entries) == 1:
        entry = entries[0]
    else:
        return None
    fields = entry.get("subscribed_fields")
    if not isinstance(fields, list):
        return None
    return [str(name) for name in fields if isinstance(name, str) and name]
