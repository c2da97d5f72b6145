"""What every page's shell needs: the user's Access and the navigation for their roles."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.permissions import access_for, can, registered_actions

# (url name, label, permission action). Entries whose page or rule does not exist are left out,
# so the menu only ever links to pages that are there.
NAVIGATION = [
    ("dashboard", _("Dashboard"), "governance.view_dashboard"),
    ("moderation:queue", _("Queue"), "moderation.view_queue"),
    ("moderation:forwarded", _("Forwarded questions"), "moderation.view_forwarded"),
    ("accounts:channel-list", _("Channels"), "channels.view"),
    ("governance:guidelines", _("Guidelines"), "governance.read_guidelines"),
    ("strategy:overview", _("Strategy"), "strategy.view"),
    ("strategy:reports", _("Reports"), "reports.view"),
    ("listening:overview", _("Listening"), "listening.view"),
    ("moderation:crisis", _("Crisis mode"), "moderation.crisis"),
    ("moderation:audit-log", _("Audit log"), "moderation.view_audit"),
    ("settings:overview", _("Settings"), "governance.manage_settings"),
]

# Pages of an entry that live under another address as well: the settings pages that came
# before the settings area (opening hours, canned answers, alerts) are under /governance/settings/.
ALSO_UNDER = {"settings:overview": ("/governance/settings/",)}

ADMIN = _("Admin")


def navigation_for(request):
    """The menu entries for the user's roles, the one for this page marked as current.

    Each entry: `name` (the page's URL name), `url`, `label`, `active`.
    """
    user = request.user
    if not user.is_authenticated:
        return []
    known = set(registered_actions())
    items = []
    for url_name, label, action in NAVIGATION:
        if action not in known or not can(user, action):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"name": url_name, "url": url, "label": label, "active": False})
    # The entry whose address is the longest prefix of this page is the current one
    # (/strategy/reports/ is Reports, not Strategy).
    best, longest = None, -1
    for item in items:
        for prefix in (item["url"], *ALSO_UNDER.get(item["name"], ())):
            if request.path.startswith(prefix) and len(prefix) > longest:
                best, longest = item, len(prefix)
    if best is not None:
        best["active"] = True
    if user.is_staff:
        items.append(
            {"name": "admin:index", "url": reverse("admin:index"), "label": ADMIN, "active": False}
        )
    return items


def shell(request):
    user = getattr(request, "user", None)
    access = access_for(user) if user is not None else None
    navigation = navigation_for(request) if user is not None else []
    return {
        "navigation": navigation,
        "access": access,
        # The header's unread count and alerts, for those who have the queue (and so the
        # notifications page): asked of the rule the menu already asked, no query of its own.
        "show_alerts": any(entry["name"] == "moderation:queue" for entry in navigation),
    }
