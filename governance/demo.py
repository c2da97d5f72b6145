"""The demo municipality: a fictional Danish municipality, its organisation and staff logins.

Written in our own words. Other apps add their demo content through `demo_steps` in their own
`demo.py` (a function `load(municipality, users, stdout)`), called in INSTALLED_APPS order.
"""

from datetime import date, time

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import ClosingDay, Membership, Municipality, OpeningHours, OrgUnit, Role, UnitKind

DEMO_PASSWORD = "fjordby-demo"

CENTRES = {
    "Center for Børn og Unge": ["Skoler og SFO", "Dagtilbud"],
    "Center for Teknik og Miljø": ["Affald og Genbrug", "Veje og Trafik"],
    "Center for Kultur og Fritid": ["Biblioteker", "Idræt og Fritid"],
}

# username, description shown in the login list, unit name, role, is lead
USERS = [
    ("kommunikationschef", "Kommunikationschef", "Kommunikation", Role.COMMUNICATIONS, True),
    ("kommunikation", "Kommunikationsmedarbejder", "Kommunikation", Role.COMMUNICATIONS, False),
    ("vagt", "Vagthavende monitor", "Kommunikation", Role.ON_DUTY_MONITOR, False),
    (
        "centerchef.boern",
        "Centerchef, Børn og Unge",
        "Center for Børn og Unge",
        Role.CENTRE_MANAGER,
        True,
    ),
    (
        "centerchef.teknik",
        "Centerchef, Teknik og Miljø",
        "Center for Teknik og Miljø",
        Role.CENTRE_MANAGER,
        True,
    ),
    (
        "centerchef.kultur",
        "Centerchef, Kultur og Fritid",
        "Center for Kultur og Fritid",
        Role.CENTRE_MANAGER,
        True,
    ),
    (
        "redaktoer.bibliotek",
        "Kanalredaktør, Biblioteker",
        "Biblioteker",
        Role.CHANNEL_EDITOR,
        False,
    ),
    (
        "fagekspert.affald",
        "Fagekspert, Affald og Genbrug",
        "Affald og Genbrug",
        Role.DEPARTMENT_EXPERT,
        False,
    ),
    ("medarbejder", "Medarbejder, Skoler og SFO", "Skoler og SFO", Role.STAFF, False),
    ("politiker", "Byrådsmedlem", "Byrådet", Role.POLITICIAN, False),
]

OPENING_HOURS = {
    0: [(time(8), time(15))],
    1: [(time(8), time(15))],
    2: [(time(8), time(15))],
    3: [(time(8), time(17))],
    4: [(time(8), time(13))],
}


@transaction.atomic
def load_organisation():
    """Create or refresh the demo organisation; returns (municipality, users by username)."""
    municipality, _ = Municipality.objects.update_or_create(
        name="Fjordby Kommune",
        defaults={
            "country": "DK",
            "time_zone": "Europe/Copenhagen",
            "default_language": "da",
            "website": "https://fjordby.example",
        },
    )
    OpeningHours.objects.filter(municipality=municipality).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(municipality=municipality, weekday=day, opens=opens, closes=closes)
        for day, spans in OPENING_HOURS.items()
        for opens, closes in spans
    )
    for year in (date.today().year, date.today().year + 1):
        for day, until, reason in [
            (date(year, 12, 24), None, "Juleaften"),
            (date(year, 12, 31), None, "Nytårsaften"),
            (date(year, 6, 5), time(12), "Grundlovsdag"),
        ]:
            ClosingDay.objects.update_or_create(
                municipality=municipality,
                date=day,
                defaults={"open_until": until, "reason": reason},
            )

    units = {}

    def unit(name, kind, parent=None):
        obj, _ = OrgUnit.objects.update_or_create(
            municipality=municipality, parent=parent, name=name, defaults={"kind": kind}
        )
        units[name] = obj
        return obj

    unit("Kommunikation", UnitKind.COMMUNICATIONS)
    unit("Byrådet", UnitKind.TEAM)
    for centre_name, departments in CENTRES.items():
        centre = unit(centre_name, UnitKind.CENTRE)
        for department in departments:
            unit(department, UnitKind.DEPARTMENT, centre)

    User = get_user_model()
    users = {}
    superuser, _ = User.objects.update_or_create(
        username="admin",
        defaults={
            "email": "admin@fjordby.example",
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Systemadministrator",
        },
    )
    superuser.set_password(DEMO_PASSWORD)
    superuser.save()
    users["admin"] = superuser
    for username, description, unit_name, role, lead in USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "email": f"{username}@fjordby.example",
                "first_name": description,
                "is_staff": False,
                "is_superuser": False,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user, unit=units[unit_name], role=role, defaults={"is_lead": lead}
        )
        users[username] = user
    return municipality, units, users


def demo_logins():
    rows = [("admin", "Systemadministrator (Django admin)")]
    rows += [(username, description) for username, description, *_ in USERS]
    return rows
