"""Permission-matrix cases for listening: the communications team sees, manages and promotes;
everybody else is refused."""

from django.urls import reverse

from core.testing import Case, expect

from .models_for_cases import hit, stream

_TEAM = ("comms", "comms_lead", "superuser")
_PAGE = expect(403, anonymous=302, **dict.fromkeys(_TEAM, 200))
_API = expect(403, **dict.fromkeys(_TEAM, 200))


def _no_new_stream(org, response):
    from listening.models import ListeningStream

    assert not ListeningStream.objects.filter(name="Ny strøm").exists()


def _not_promoted(org, response):
    from listening.models import ListeningHit

    assert not ListeningHit.objects.filter(promoted_item__isnull=False).exists()


def _stream_unchanged(org, response):
    assert stream().enabled is True


CASES = [
    Case("listening:overview", lambda org: reverse("listening:overview"), _PAGE),
    Case("listening:stream-create", lambda org: reverse("listening:stream-create"), _PAGE),
    Case(
        "listening:stream-create",
        lambda org: reverse("listening:stream-create"),
        # The team gets the form back: the channel is not connected, so nothing is created.
        _PAGE,
        method="post",
        data={"name": "Ny strøm", "channel": "", "kind": "search", "query": "#ny"},
        unchanged=_no_new_stream,
    ),
    Case(
        "listening:stream-edit",
        lambda org: reverse("listening:stream-edit", args=[stream().pk]),
        _PAGE,
    ),
    Case(
        "listening:hit-promote",
        lambda org: reverse("listening:hit-promote", args=[hit().pk]),
        expect(403, anonymous=302, **dict.fromkeys(_TEAM, 302)),
        method="post",
        unchanged=_not_promoted,
    ),
    Case("listening-stream-list", lambda org: reverse("listening-stream-list"), _API),
    Case(
        "listening-stream-list",
        lambda org: reverse("listening-stream-list"),
        expect(403, **dict.fromkeys(_TEAM, 400)),
        method="post",
        data={"name": "Ny strøm", "channel": 0, "kind": "search", "query": "#ny"},
        unchanged=_no_new_stream,
    ),
    Case(
        "listening-stream-detail",
        lambda org: reverse("listening-stream-detail", args=[stream().pk]),
        _API,
    ),
    Case(
        "listening-stream-detail",
        lambda org: reverse("listening-stream-detail", args=[stream().pk]),
        expect(403, **dict.fromkeys(_TEAM, 400)),
        method="patch",
        # The channel is not connected: the action refuses, the stream stays on.
        data={"enabled": False},
        unchanged=_stream_unchanged,
    ),
    Case("listening-hit-list", lambda org: reverse("listening-hit-list"), _API),
    Case(
        "listening-hit-detail",
        lambda org: reverse("listening-hit-detail", args=[hit().pk]),
        _API,
    ),
    Case(
        "listening-hit-promote",
        lambda org: reverse("listening-hit-promote", args=[hit().pk]),
        expect(403, **dict.fromkeys(_TEAM, 201)),
        method="post",
        unchanged=_not_promoted,
    ),
]
