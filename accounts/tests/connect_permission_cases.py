"""Permission-matrix cases for connecting a channel and testing its connection (channel "a",
department A in centre A): its people, centre A's manager and the communications team may; who
sees the channel but may not connect it gets 403, who does not see it 404."""

from django.urls import reverse

from core.testing import Case, expect

_CONNECTS_A = {
    "editor": 200,
    "manager_a": 200,
    "comms": 200,
    "comms_lead": 200,
    "superuser": 200,
}
_SEES_ONLY = {"staff": 403, "expert": 403}


def _nothing_tested_or_connected(org, response):
    from accounts.models import ChannelConnection
    from audit.models import AuditEntry

    assert not ChannelConnection.objects.filter(channel=org.channels["a"]).exists()
    assert not AuditEntry.objects.filter(
        action__in=[
            "channel.connected",
            "channel.connection_tested",
            "channel.disconnected",
            "channel.webhooks_subscribed",
            "channel.webhooks_failed",
        ]
    ).exists()


CASES = [
    Case(
        "accounts:channel-connect",
        lambda org: reverse("accounts:channel-connect", args=[org.channels["a"].pk]),
        expect(404, anonymous=302, outsider=403, **_SEES_ONLY, **_CONNECTS_A),
    ),
    Case(
        "accounts:channel-test-connection",
        lambda org: reverse("accounts:channel-test-connection", args=[org.channels["a"].pk]),
        expect(
            404,
            anonymous=302,
            outsider=403,
            **_SEES_ONLY,
            **dict.fromkeys(_CONNECTS_A, 302),
        ),
        method="post",
        unchanged=_nothing_tested_or_connected,
    ),
    # Channel "a" is not connected: an allowed person is sent back with the refusal shown.
    *(
        Case(
            name,
            lambda org, name=name: reverse(name, args=[org.channels["a"].pk]),
            expect(
                404,
                anonymous=302,
                outsider=403,
                **_SEES_ONLY,
                **dict.fromkeys(_CONNECTS_A, 302),
            ),
            method="post",
            unchanged=_nothing_tested_or_connected,
        )
        for name in ("accounts:channel-subscribe-webhooks", "accounts:channel-disconnect")
    ),
    # The API's doors to the same actions: 409 for the refusal (channel "a" is not connected).
    *(
        Case(
            name,
            lambda org, name=name: reverse(name, args=[org.channels["a"].pk]),
            expect(
                403,
                anonymous=401,
                politician=404,
                monitor=404,
                manager_b=404,
                **dict.fromkeys(_CONNECTS_A, 409),
            ),
            method="post",
            unchanged=_nothing_tested_or_connected,
        )
        for name in ("channel-subscribe-webhooks", "channel-disconnect")
    ),
    # Connecting through the platform's sign-in. Without app credentials (the matrix runs
    # without the simulator) an allowed person is sent back to the connect page with the reason.
    Case(
        "accounts:channel-oauth-start",
        lambda org: reverse("accounts:channel-oauth-start", args=[org.channels["a"].pk]),
        expect(
            404,
            anonymous=302,
            outsider=403,
            **_SEES_ONLY,
            **dict.fromkeys(_CONNECTS_A, 302),
        ),
        method="post",
        unchanged=_nothing_tested_or_connected,
    ),
    # No sign-in waits for a choice: an allowed person is sent back to start again.
    Case(
        "accounts:channel-oauth-pick",
        lambda org: reverse("accounts:channel-oauth-pick", args=[org.channels["a"].pk]),
        expect(
            404,
            anonymous=302,
            outsider=403,
            **_SEES_ONLY,
            **dict.fromkeys(_CONNECTS_A, 302),
        ),
    ),
    # The platform's way back: without a state started in this session every member is sent to
    # the channel list with the refusal; nothing is connected.
    Case(
        "accounts:channel-oauth-callback",
        lambda org: reverse("accounts:channel-oauth-callback") + "?state=forged&code=x",
        expect(302, outsider=403),
        unchanged=_nothing_tested_or_connected,
    ),
    Case(
        "channel-connect-start",
        lambda org: reverse("channel-connect-start", args=[org.channels["a"].pk]),
        expect(
            403,
            anonymous=401,
            politician=404,
            monitor=404,
            manager_b=404,
            **dict.fromkeys(_CONNECTS_A, 400),
        ),
        method="post",
        unchanged=_nothing_tested_or_connected,
    ),
    # A pasted token: the system administrator only, whoever sees the channel (an empty form
    # is refused as invalid).
    Case(
        "channel-connect-token",
        lambda org: reverse("channel-connect-token", args=[org.channels["a"].pk]),
        expect(403, anonymous=401, superuser=400),
        method="post",
        unchanged=_nothing_tested_or_connected,
    ),
]
