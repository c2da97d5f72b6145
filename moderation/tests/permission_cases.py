"""Permission-matrix cases for the moderation queue."""

from django.urls import reverse

from governance.testing import Case, expect

_QUEUE = expect(200, anonymous=302, outsider=403, staff=403, politician=403)
# Item "a" sits on department A's channel: its editor, centre A's manager, the team.
_SEES_ITEM_A = {"editor": 200, "manager_a": 200, "comms": 200, "comms_lead": 200, "superuser": 200}

CASES = [
    Case("moderation:queue", lambda org: reverse("moderation:queue"), _QUEUE),
    Case(
        "moderation:item-detail",
        lambda org: reverse("moderation:item-detail", args=[org.items["a"].pk]),
        expect(404, anonymous=302, outsider=403, **_SEES_ITEM_A),
    ),
    Case(
        "item-list",
        lambda org: reverse("item-list"),
        expect(200, anonymous=403, outsider=403, staff=403, politician=403),
    ),
    Case(
        "item-detail",
        lambda org: reverse("item-detail", args=[org.items["a"].pk]),
        expect(404, anonymous=403, outsider=403, staff=403, politician=403, **_SEES_ITEM_A),
    ),
]
