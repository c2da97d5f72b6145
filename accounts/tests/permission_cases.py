"""Permission-matrix cases for the channel registry: every page and endpoint, every persona.

Channel "a" belongs to department A in centre A (responsible: editor, deputy: manager_a). The
request and closing fixtures are made inside the URL builders, so each persona's test gets its
own fresh objects.
"""

from django.urls import reverse

from accounts.models import (
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelRequest,
    Decision,
    PlatformRole,
)
from audit.models import AuditEntry
from core.testing import Case, expect

# Who sees channel "a": its unit, centre A's manager, the team.
_SEES_A = {
    "staff": 200,
    "expert": 200,
    "editor": 200,
    "manager_a": 200,
    "comms": 200,
    "comms_lead": 200,
    "superuser": 200,
}
# Signed-in members who cannot see channel "a" get 404 on it.
_HIDDEN_A = {"politician": 404, "monitor": 404, "manager_b": 404}


def _ui(allowed, status, *, refused_visible=403):
    """UI expectation on channel "a": `allowed` personas get `status`, others who see it 403."""
    overrides = dict.fromkeys(("staff", "expert", "editor"), refused_visible)
    overrides.update(dict.fromkeys(allowed, status))
    return expect(404, anonymous=302, outsider=403, **overrides)


_MANAGERS_OF_A = ("manager_a", "comms", "comms_lead", "superuser")
_LOOK_AFTER_A = ("editor", *_MANAGERS_OF_A)


def _channel_a_url(name):
    return lambda org: reverse(name, args=[org.channels["a"].pk])


def _request_a(org):
    """A pending request by staff for a page in department A."""
    from accounts.actions import request_channel

    return request_channel(
        acting_user=org.users["staff"],
        platform="instagram",
        name="Afdeling A på Instagram",
        department=org.units["dept_a"],
        purpose="Vise hverdagen i afdelingen.",
        target_groups="Borgere i området",
        message="Nyt fra afdelingen hver uge.",
        responsible=org.users["editor"],
        deputy=org.users["expert"],
    )


def _closing_a(org):
    """A pending closing request on channel "a", asked by its editor."""
    return ChannelClosingRequest.objects.create(
        channel=org.channels["a"],
        requested_by=org.users["editor"],
        reason="Siden bruges ikke længere.",
        notice_text="Følg os på kommunens hovedside.",
    )


def _admin_a(org):
    return ChannelAdmin.objects.create(
        channel=org.channels["a"], user=org.users["comms"], platform_role=PlatformRole.ADMIN
    )


def _no_admins(org, response):
    assert ChannelAdmin.objects.count() == 0


def _admin_kept(org, response):
    assert ChannelAdmin.objects.filter(channel=org.channels["a"]).count() == 1


def _channel_a_unchanged(org, response):
    channel = type(org.channels["a"]).objects.get(pk=org.channels["a"].pk)
    assert channel.status == "active"
    assert channel.name == "Afdeling A på Facebook"
    assert channel.branding_verified_at is None
    assert channel.last_review_at is None
    assert channel.closed_at is None
    assert AuditEntry.objects.history_of(channel).count() == 0


def _request_pending(org, response):
    channel_request = ChannelRequest.objects.get()
    assert channel_request.decision == Decision.PENDING
    assert channel_request.decided_by_id is None
    assert channel_request.channel.status == "requested"


def _closing_pending(org, response):
    closing = ChannelClosingRequest.objects.get()
    assert closing.decision == Decision.PENDING
    assert closing.channel.status == "active"


def _no_closing(org, response):
    assert ChannelClosingRequest.objects.count() == 0


_PUBLIC = expect(200)

CASES = [
    # --- UI ---
    Case(
        "accounts:channel-list",
        lambda org: reverse("accounts:channel-list"),
        expect(200, anonymous=302, outsider=403),
    ),
    Case(
        "accounts:channel-detail",
        _channel_a_url("accounts:channel-detail"),
        expect(404, anonymous=302, outsider=403, **_SEES_A),
    ),
    Case(
        "accounts:channel-edit",
        _channel_a_url("accounts:channel-edit"),
        _ui(_MANAGERS_OF_A, 200),
    ),
    Case(
        "accounts:channel-edit",
        _channel_a_url("accounts:channel-edit"),
        _ui(_MANAGERS_OF_A, 302),
        method="post",
        data={"name": "Omdøbt"},
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "accounts:channel-admin-add",
        _channel_a_url("accounts:channel-admin-add"),
        _ui(_LOOK_AFTER_A, 302),
        method="post",
        data={"platform_role": "admin"},
        unchanged=_no_admins,
    ),
    Case(
        "accounts:channel-admin-remove",
        lambda org: reverse(
            "accounts:channel-admin-remove", args=[org.channels["a"].pk, _admin_a(org).pk]
        ),
        _ui(_LOOK_AFTER_A, 302),
        method="post",
        unchanged=_admin_kept,
    ),
    Case(
        "accounts:channel-verify-branding",
        _channel_a_url("accounts:channel-verify-branding"),
        _ui(_MANAGERS_OF_A, 302),
        method="post",
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "accounts:channel-review",
        _channel_a_url("accounts:channel-review"),
        _ui(_LOOK_AFTER_A, 302),
        method="post",
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "accounts:channel-activate",
        _channel_a_url("accounts:channel-activate"),
        _ui(_MANAGERS_OF_A, 302),
        method="post",
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "accounts:channel-close",
        _channel_a_url("accounts:channel-close"),
        _ui(_LOOK_AFTER_A, 200),
    ),
    Case(
        "accounts:channel-close",
        _channel_a_url("accounts:channel-close"),
        _ui(_LOOK_AFTER_A, 302),
        method="post",
        data={"reason": "Ikke brug for den", "notice_text": "Find os på hovedsiden"},
        unchanged=_no_closing,
    ),
    Case(
        "accounts:channel-archive",
        _channel_a_url("accounts:channel-archive"),
        _ui(_MANAGERS_OF_A, 302),
        method="post",
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "accounts:closing-decide",
        lambda org: reverse("accounts:closing-decide", args=[_closing_a(org).pk]),
        _ui(_MANAGERS_OF_A, 302),
        method="post",
        data={"decision": "reject", "comment": "Siden skal blive."},
        unchanged=_closing_pending,
    ),
    Case(
        "accounts:request-list",
        lambda org: reverse("accounts:request-list"),
        expect(200, anonymous=302, outsider=403),
    ),
    Case(
        "accounts:request-create",
        lambda org: reverse("accounts:request-create"),
        expect(200, anonymous=302, outsider=403),
    ),
    Case(
        "accounts:request-detail",
        lambda org: reverse("accounts:request-detail", args=[_request_a(org).pk]),
        expect(
            404,
            anonymous=302,
            outsider=403,
            staff=200,
            manager_a=200,
            comms=200,
            comms_lead=200,
            superuser=200,
        ),
    ),
    Case(
        "accounts:request-decide",
        lambda org: reverse("accounts:request-decide", args=[_request_a(org).pk]),
        expect(
            404,
            anonymous=302,
            outsider=403,
            staff=403,
            manager_a=302,
            comms=302,
            comms_lead=302,
            superuser=302,
        ),
        method="post",
        data={"decision": "approve"},
        unchanged=_request_pending,
    ),
    Case(
        "accounts:compliance",
        lambda org: reverse("accounts:compliance"),
        expect(
            403,
            anonymous=302,
            manager_a=200,
            manager_b=200,
            comms=200,
            comms_lead=200,
            superuser=200,
        ),
    ),
    Case("accounts:public-register", lambda org: reverse("accounts:public-register"), _PUBLIC),
    Case(
        "accounts:public-register-csv",
        lambda org: reverse("accounts:public-register-csv"),
        _PUBLIC,
    ),
    Case(
        "accounts:public-register-json",
        lambda org: reverse("accounts:public-register-json"),
        _PUBLIC,
    ),
    # --- API ---
    Case(
        "channel-list",
        lambda org: reverse("channel-list"),
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "channel-detail",
        lambda org: reverse("channel-detail", args=[org.channels["a"].pk]),
        expect(404, anonymous=401, outsider=403, **_SEES_A),
    ),
    Case(
        "channel-request-closing",
        lambda org: reverse("channel-request-closing", args=[org.channels["a"].pk]),
        expect(
            403,
            **_HIDDEN_A,
            editor=201,
            manager_a=201,
            comms=201,
            comms_lead=201,
            superuser=201,
        ),
        method="post",
        data={"reason": "Ikke brug for den", "notice_text": "Find os på hovedsiden"},
        unchanged=_no_closing,
    ),
    Case(
        "channel-review",
        lambda org: reverse("channel-review", args=[org.channels["a"].pk]),
        expect(
            403,
            **_HIDDEN_A,
            editor=200,
            manager_a=200,
            comms=200,
            comms_lead=200,
            superuser=200,
        ),
        method="post",
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "channel-verify-branding",
        lambda org: reverse("channel-verify-branding", args=[org.channels["a"].pk]),
        expect(403, manager_b=404, manager_a=200, comms=200, comms_lead=200, superuser=200),
        method="post",
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "channel-archive",
        lambda org: reverse("channel-archive", args=[org.channels["a"].pk]),
        # Allowed, but channel "a" is active, not closing: a clear 400.
        expect(403, manager_b=404, manager_a=400, comms=400, comms_lead=400, superuser=400),
        method="post",
        unchanged=_channel_a_unchanged,
    ),
    Case(
        "channel-request-list",
        lambda org: reverse("channel-request-list"),
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "channel-request-detail",
        lambda org: reverse("channel-request-detail", args=[_request_a(org).pk]),
        expect(
            404,
            anonymous=401,
            outsider=403,
            staff=200,
            manager_a=200,
            comms=200,
            comms_lead=200,
            superuser=200,
        ),
    ),
    Case(
        "channel-request-approve",
        lambda org: reverse("channel-request-approve", args=[_request_a(org).pk]),
        expect(403, manager_b=404, manager_a=200, comms=200, comms_lead=200, superuser=200),
        method="post",
        unchanged=_request_pending,
    ),
    Case(
        "channel-request-reject",
        lambda org: reverse("channel-request-reject", args=[_request_a(org).pk]),
        expect(403, manager_b=404, manager_a=200, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"comment": "Formålet er ikke klart nok."},
        unchanged=_request_pending,
    ),
    Case(
        "closing-request-list",
        lambda org: reverse("closing-request-list"),
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "closing-request-detail",
        lambda org: reverse("closing-request-detail", args=[_closing_a(org).pk]),
        expect(404, anonymous=401, outsider=403, **_SEES_A),
    ),
    Case(
        "closing-request-approve",
        lambda org: reverse("closing-request-approve", args=[_closing_a(org).pk]),
        expect(403, manager_b=404, manager_a=200, comms=200, comms_lead=200, superuser=200),
        method="post",
        unchanged=_closing_pending,
    ),
    Case(
        "closing-request-reject",
        lambda org: reverse("closing-request-reject", args=[_closing_a(org).pk]),
        expect(403, manager_b=404, manager_a=200, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"comment": "Siden skal blive."},
        unchanged=_closing_pending,
    ),
]

# Connecting a channel (the polling side's pages) keeps its cases in its own module.
from accounts.tests.connect_permission_cases import CASES as CONNECT_CASES  # noqa: E402

CASES += CONNECT_CASES
