"""What every page's shell needs: the municipality, the navigation for the user's roles."""

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from .memo import Memo, memoized
from .middleware import municipality_language  # noqa: F401  (keeps the cache warm)
from .permissions import access_for, can, registered_actions

# (url name, label, permission action). Entries whose page or rule does not exist are left out,
# so the menu only ever links to pages that are there.
NAVIGATION = [
    ("dashboard", _("Dashboard"), "governance.view_dashboard"),
    ("moderation:queue", _("Queue"), "moderation.view_queue"),
    ("accounts:channel-list", _("Channels"), "channels.view"),
    ("governance:guidelines", _("Guidelines"), "governance.read_guidelines"),
    ("strategy:overview", _("Strategy"), "strategy.view"),
    ("strategy:reports", _("Reports"), "reports.view"),
]


@memoized(maxsize=64)
def _address(url_name, prefix, urlconf):
    """The menu entry's address (None if the page is not there), worked out once per
    script prefix and URLconf."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


# Menus by everything they are worked out from (see navigation_for).
_MENUS = Memo(1024)


ADMIN = _("Admin")


def navigation_for(request):
    """The menu entries for the user's roles, the one for this page marked as current.

    Each entry: `name` (the page's URL name, which fixes its label), `url`, `label`, `active`.
    The entries follow from the user's Access (read afresh on every request), whether they are
    staff, the page's path and the site's addresses alone, so each such menu is worked out
    once; every call gets its own copies.
    """
    user = request.user
    if not user.is_authenticated:
        return []
    key = (
        access_for(user).key,
        user.is_staff,
        request.path,
        get_script_prefix(),
        get_urlconf(),
    )
    entries = _MENUS.get(key)
    if entries is None:
        entries = _MENUS.keep(key, tuple(_menu(user, request.path)))
    return [dict(entry) for entry in entries]


def _menu(user, path):
    known = set(registered_actions())
    items = []
    for url_name, label, action in NAVIGATION:
        if action not in known or not can(user, action):
            continue
        url = _address(url_name, get_script_prefix(), get_urlconf())
        if url is None:
            continue
        items.append({"name": url_name, "url": url, "label": label, "active": False})
    # The entry whose address is the longest prefix of this page is the current one
    # (/strategy/reports/ is Reports, not Strategy).
    matches = [item for item in items if path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    if user.is_staff:
        items.append(
            {"name": "admin:index", "url": reverse("admin:index"), "label": ADMIN, "active": False}
        )
    return items


def shell(request):
    user = getattr(request, "user", None)
    access = access_for(user) if user is not None else None
    return {
        "navigation": navigation_for(request) if user is not None else [],
        "access": access,
    }
