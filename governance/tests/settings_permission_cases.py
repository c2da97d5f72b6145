"""Permission-matrix cases of the settings area: the communications lead and the system
administrator may; everybody else is refused and nothing changes. The invitation link is open
to anyone holding it."""

from urllib.parse import urlsplit

from django.urls import reverse

from core.testing import Case, expect

_LEAD = expect(403, anonymous=302, comms_lead=200, superuser=200)
_LEAD_POST = expect(403, anonymous=302, comms_lead=302, superuser=302)
_MEMBERS_API = expect(200, anonymous=401, outsider=403)


def _api(allowed):
    return expect(403, anonymous=401, comms_lead=allowed, superuser=allowed)


def _empty_unit(org, closed=False):
    from django.utils import timezone

    from governance.models import OrgUnit, UnitKind

    return OrgUnit.objects.create(
        municipality=org.municipality,
        name="Tom afdeling",
        kind=UnitKind.DEPARTMENT,
        parent=org.units["centre_b"],
        closed_at=timezone.now() if closed else None,
    )


def _invitation(org):
    from governance.invitations import invite_person
    from governance.models import Role

    return invite_person(
        org.municipality,
        acting_user=org.users["comms_lead"],
        email="ny@testby.example",
        unit=org.units["dept_a"],
        role=Role.STAFF,
    )


def _politician_role(org):
    return org.users["politician"].memberships.get()


def _municipality_unchanged(org, response):
    from governance.models import Municipality

    assert Municipality.objects.get().name == "Testby Kommune"


def _units_unchanged(org, response):
    from governance.models import OrgUnit

    assert not OrgUnit.objects.filter(name__in=["Ny enhed", "Omdøbt"]).exists()


def _empty_unit_open(org, response):
    from governance.models import OrgUnit

    assert OrgUnit.objects.get(name="Tom afdeling").closed_at is None


def _empty_unit_closed(org, response):
    from governance.models import OrgUnit

    assert OrgUnit.objects.get(name="Tom afdeling").closed_at is not None


def _no_invitation(org, response):
    from governance.models import Invitation

    assert not Invitation.objects.filter(email="ny@testby.example").exists()


def _invitation_waiting(org, response):
    from governance.models import Invitation

    assert Invitation.objects.get(email="ny@testby.example").withdrawn_at is None


def _politician_unchanged(org, response):
    from django.contrib.auth import get_user_model

    politician = get_user_model().objects.get(username="politician")
    assert politician.is_active
    assert list(politician.memberships.values_list("role", flat=True)) == ["politician"]


def _former_colleague(org):
    """A deactivated account that is none of the personas (who must still sign in)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="former", is_active=False)


def _former_still_inactive(org, response):
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.get(username="former").is_active


CASES = [
    # --- Pages
    Case("settings:overview", lambda org: reverse("settings:overview"), _LEAD),
    Case("settings:municipality", lambda org: reverse("settings:municipality"), _LEAD),
    Case(
        "settings:municipality",
        lambda org: reverse("settings:municipality"),
        _LEAD_POST,
        method="post",
        data={
            "name": "Nyby Kommune",
            "country": "DK",
            "time_zone": "Europe/Copenhagen",
            "default_language": "da",
            "website": "",
        },
        unchanged=_municipality_unchanged,
    ),
    Case("settings:units", lambda org: reverse("settings:units"), _LEAD),
    Case("settings:topics", lambda org: reverse("settings:topics"), _LEAD),
    Case("settings:unit-create", lambda org: reverse("settings:unit-create"), _LEAD),
    Case(
        "settings:unit-create",
        lambda org: reverse("settings:unit-create"),
        _LEAD_POST,
        method="post",
        data={"name": "Ny enhed", "kind": "centre", "parent": ""},
        unchanged=_units_unchanged,
    ),
    Case(
        "settings:unit",
        lambda org: reverse("settings:unit", kwargs={"pk": org.units["dept_a"].pk}),
        _LEAD,
    ),
    Case(
        "settings:unit",
        lambda org: reverse("settings:unit", kwargs={"pk": org.units["dept_a"].pk}),
        _LEAD_POST,
        method="post",
        data={"name": "Omdøbt", "parent": ""},
        unchanged=_units_unchanged,
    ),
    Case(
        "settings:unit-close",
        lambda org: reverse("settings:unit-close", kwargs={"pk": _empty_unit(org).pk}),
        _LEAD_POST,
        method="post",
        unchanged=_empty_unit_open,
    ),
    Case(
        "settings:unit-reopen",
        lambda org: reverse("settings:unit-reopen", kwargs={"pk": _empty_unit(org, True).pk}),
        _LEAD_POST,
        method="post",
        unchanged=_empty_unit_closed,
    ),
    Case("settings:people", lambda org: reverse("settings:people"), _LEAD),
    Case("settings:invite", lambda org: reverse("settings:invite"), _LEAD),
    Case(
        "settings:invite",
        lambda org: reverse("settings:invite"),
        _LEAD,
        method="post",
        # Without a unit the form comes back with its error: reached by the lead only.
        data={"email": "ny@testby.example", "unit": "", "role": "staff"},
        unchanged=_no_invitation,
    ),
    Case(
        "settings:person",
        lambda org: reverse("settings:person", kwargs={"pk": org.users["politician"].pk}),
        _LEAD,
    ),
    Case(
        "settings:person",
        lambda org: reverse("settings:person", kwargs={"pk": org.users["politician"].pk}),
        _LEAD,
        method="post",
        data={"role": "staff"},
        unchanged=_politician_unchanged,
    ),
    Case(
        "settings:person-deactivate",
        lambda org: reverse(
            "settings:person-deactivate", kwargs={"pk": org.users["politician"].pk}
        ),
        _LEAD,
    ),
    Case(
        "settings:person-deactivate",
        lambda org: reverse(
            "settings:person-deactivate", kwargs={"pk": org.users["politician"].pk}
        ),
        _LEAD_POST,
        method="post",
        unchanged=_politician_unchanged,
    ),
    Case(
        "settings:person-reactivate",
        lambda org: reverse("settings:person-reactivate", kwargs={"pk": _former_colleague(org).pk}),
        _LEAD_POST,
        method="post",
        unchanged=_former_still_inactive,
    ),
    Case(
        "settings:membership-remove",
        lambda org: reverse("settings:membership-remove", kwargs={"pk": _politician_role(org).pk}),
        _LEAD_POST,
        method="post",
        unchanged=_politician_unchanged,
    ),
    Case(
        "settings:invitation-withdraw",
        lambda org: reverse("settings:invitation-withdraw", kwargs={"pk": _invitation(org).pk}),
        _LEAD_POST,
        method="post",
        unchanged=_invitation_waiting,
    ),
    # The link holds the proof: anyone may open it; a wrong key is not found for everyone.
    Case(
        "invitation-accept",
        lambda org: reverse("invitation-accept", kwargs={"key": "no-such-key"}),
        expect(404),
    ),
    Case(
        "invitation-accept",
        lambda org: urlsplit(_invitation(org).accept_link).path,
        expect(200),
    ),
    # --- The API
    Case("api-municipality", lambda org: reverse("api-municipality"), _MEMBERS_API),
    Case(
        "api-municipality",
        lambda org: reverse("api-municipality"),
        _api(200),
        method="patch",
        data={"name": "Nyby Kommune"},
        unchanged=_municipality_unchanged,
    ),
    Case("unit-list", lambda org: reverse("unit-list"), _MEMBERS_API),
    Case(
        "unit-list",
        lambda org: reverse("unit-list"),
        _api(201),
        method="post",
        data={"name": "Ny enhed", "kind": "centre"},
        unchanged=_units_unchanged,
    ),
    Case(
        "unit-detail",
        lambda org: reverse("unit-detail", args=[org.units["dept_a"].pk]),
        _MEMBERS_API,
    ),
    Case(
        "unit-detail",
        lambda org: reverse("unit-detail", args=[org.units["dept_a"].pk]),
        _api(200),
        method="patch",
        data={"name": "Omdøbt"},
        unchanged=_units_unchanged,
    ),
    Case(
        "unit-close",
        lambda org: reverse("unit-close", args=[_empty_unit(org).pk]),
        _api(200),
        method="post",
        unchanged=_empty_unit_open,
    ),
    Case(
        "unit-reopen",
        lambda org: reverse("unit-reopen", args=[_empty_unit(org, True).pk]),
        _api(200),
        method="post",
        unchanged=_empty_unit_closed,
    ),
    Case("person-list", lambda org: reverse("person-list"), _api(200)),
    Case(
        "person-detail",
        lambda org: reverse("person-detail", args=[org.users["politician"].pk]),
        _api(200),
    ),
    Case(
        "person-deactivate",
        lambda org: reverse("person-deactivate", args=[org.users["politician"].pk]),
        _api(200),
        method="post",
        unchanged=_politician_unchanged,
    ),
    Case(
        "person-reactivate",
        lambda org: reverse("person-reactivate", args=[_former_colleague(org).pk]),
        _api(200),
        method="post",
        unchanged=_former_still_inactive,
    ),
    Case("role-list", lambda org: reverse("role-list"), _api(200)),
    # Without a person and a unit: a validation error, reached by the lead only.
    Case(
        "role-list",
        lambda org: reverse("role-list"),
        _api(400),
        method="post",
        data={"user": None, "unit": None, "role": "staff"},
        unchanged=_politician_unchanged,
    ),
    Case(
        "role-detail",
        lambda org: reverse("role-detail", args=[_politician_role(org).pk]),
        _api(200),
    ),
    Case(
        "role-detail",
        lambda org: reverse("role-detail", args=[_politician_role(org).pk]),
        _api(204),
        method="delete",
        unchanged=_politician_unchanged,
    ),
    Case("invitation-list", lambda org: reverse("invitation-list"), _api(200)),
    Case(
        "invitation-list",
        lambda org: reverse("invitation-list"),
        _api(400),
        method="post",
        data={"email": "ny@testby.example", "unit": None, "role": "staff"},
        unchanged=_no_invitation,
    ),
    Case(
        "invitation-detail",
        lambda org: reverse("invitation-detail", args=[_invitation(org).pk]),
        _api(200),
    ),
    Case(
        "invitation-withdraw",
        lambda org: reverse("invitation-withdraw", args=[_invitation(org).pk]),
        _api(200),
        method="post",
        unchanged=_invitation_waiting,
    ),
]
