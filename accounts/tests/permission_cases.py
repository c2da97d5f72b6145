"""Permission-matrix cases for the channel registry."""

from django.urls import reverse

from governance.testing import Case, expect

# Who sees channel "a" (department A in centre A): its unit, centre A's manager, the team.
_SEES_A = {
    "staff": 200,
    "expert": 200,
    "editor": 200,
    "manager_a": 200,
    "comms": 200,
    "comms_lead": 200,
    "superuser": 200,
}

CASES = [
    Case(
        "accounts:channel-list",
        lambda org: reverse("accounts:channel-list"),
        expect(200, anonymous=302, outsider=403),
    ),
    Case(
        "accounts:channel-detail",
        lambda org: reverse("accounts:channel-detail", args=[org.channels["a"].pk]),
        expect(404, anonymous=302, outsider=403, **_SEES_A),
    ),
    Case(
        "channel-list",
        lambda org: reverse("channel-list"),
        expect(200, anonymous=403, outsider=403),
    ),
    Case(
        "channel-detail",
        lambda org: reverse("channel-detail", args=[org.channels["a"].pk]),
        expect(404, anonymous=403, outsider=403, **_SEES_A),
    ),
]
