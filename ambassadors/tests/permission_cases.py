"""Permission-matrix cases of the ambassador programme: every member of the organisation reads
it, joins, leaves and takes course seats; the communications team writes guides and courses and
sees the members."""

from django.urls import reverse

from core.testing import Case, expect

MEMBERS = (
    "staff",
    "politician",
    "expert",
    "editor",
    "monitor",
    "manager_a",
    "manager_b",
    "comms",
    "comms_lead",
    "superuser",
)
TEAM = ("comms", "comms_lead", "superuser")


def _guide():
    from .models_for_cases import guide

    return guide()


def _course():
    from .models_for_cases import course

    return course()


def _members(status):
    return dict.fromkeys(MEMBERS, status)


def _team(status):
    return dict.fromkeys(TEAM, status)


def _ui(route, url, allowed):
    return Case(route, url, expect(403, anonymous=302, **allowed))


def _no_new_guide(org, response):
    from ambassadors.models import Guide

    assert not Guide.objects.filter(title="Ny guide").exists()


def _nobody_joined(org, response):
    from ambassadors.models import Membership

    assert not Membership.objects.exists()


def _no_seats(org, response):
    from ambassadors.models import CourseSignup

    assert not CourseSignup.objects.exists()


CASES = [
    _ui("ambassadors:programme", lambda org: reverse("ambassadors:programme"), _members(200)),
    _ui("ambassadors:mine", lambda org: reverse("ambassadors:mine"), _members(200)),
    _ui(
        "ambassadors:guide",
        lambda org: reverse("ambassadors:guide", args=[_guide().pk]),
        _members(200),
    ),
    _ui(
        "ambassadors:course",
        lambda org: reverse("ambassadors:course", args=[_course().pk]),
        _members(200),
    ),
    Case(
        "ambassadors:join",
        lambda org: reverse("ambassadors:join"),
        expect(403, anonymous=302, **_members(302)),
        method="post",
        unchanged=_nobody_joined,
    ),
    Case(
        "ambassadors:leave",
        lambda org: reverse("ambassadors:leave"),
        expect(403, anonymous=302, **_members(302)),
        method="post",
    ),
    Case(
        "ambassadors:sign-up",
        lambda org: reverse("ambassadors:sign-up", args=[_course().pk]),
        expect(403, anonymous=302, **_members(302)),
        method="post",
        unchanged=_no_seats,
    ),
    Case(
        "ambassadors:cancel",
        lambda org: reverse("ambassadors:cancel", args=[_course().pk]),
        expect(403, anonymous=302, **_members(302)),
        method="post",
    ),
    _ui("ambassadors:manage", lambda org: reverse("ambassadors:manage"), _team(200)),
    _ui("ambassadors:guide-create", lambda org: reverse("ambassadors:guide-create"), _team(200)),
    Case(
        "ambassadors:guide-create",
        lambda org: reverse("ambassadors:guide-create"),
        expect(403, anonymous=302, **_team(302)),
        method="post",
        data={"title": "Ny guide", "body": "Tekst", "position": "1", "published": "on"},
        unchanged=_no_new_guide,
    ),
    _ui(
        "ambassadors:guide-edit",
        lambda org: reverse("ambassadors:guide-edit", args=[_guide().pk]),
        _team(200),
    ),
    _ui("ambassadors:course-create", lambda org: reverse("ambassadors:course-create"), _team(200)),
    _ui(
        "ambassadors:course-edit",
        lambda org: reverse("ambassadors:course-edit", args=[_course().pk]),
        _team(200),
    ),
    Case(
        "ambassador-guide-list",
        lambda org: reverse("ambassador-guide-list"),
        expect(403, **_members(200)),
    ),
    Case(
        "ambassador-guide-detail",
        lambda org: reverse("ambassador-guide-detail", args=[_guide().pk]),
        expect(403, **_members(200)),
    ),
    Case(
        "ambassador-guide-list",
        lambda org: reverse("ambassador-guide-list"),
        expect(403, **_team(201)),
        method="post",
        data={"title": "Ny guide", "body": "Tekst"},
        unchanged=_no_new_guide,
    ),
    Case(
        "ambassador-course-list",
        lambda org: reverse("ambassador-course-list"),
        expect(403, **_members(200)),
    ),
    Case(
        "ambassador-course-detail",
        lambda org: reverse("ambassador-course-detail", args=[_course().pk]),
        expect(403, **_members(200)),
    ),
    Case(
        "ambassador-course-sign-up",
        lambda org: reverse("ambassador-course-sign-up", args=[_course().pk]),
        expect(403, **_members(200)),
        method="post",
        unchanged=_no_seats,
    ),
    Case(
        "ambassador-course-cancel",
        lambda org: reverse("ambassador-course-cancel", args=[_course().pk]),
        expect(403, **_members(400)),
        method="post",
    ),
    Case(
        "ambassador-member-list",
        lambda org: reverse("ambassador-member-list"),
        expect(403, **_team(200)),
    ),
    Case("ambassador-me", lambda org: reverse("ambassador-me"), expect(403, **_members(200))),
    Case(
        "ambassador-me",
        lambda org: reverse("ambassador-me"),
        expect(403, **_members(200)),
        method="post",
        unchanged=_nobody_joined,
    ),
]
