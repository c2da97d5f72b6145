"""Test helpers shared by every app: the personas and the permission-matrix cases.

`build_org()` makes a small municipality with a central communications team, two centres with
one department each, and one user per persona. The permission matrix
(`governance/tests/test_permission_matrix.py`) asks every route for every persona; apps add
their cases in `<app>/tests/permission_cases.py` as a `CASES` list of `Case`.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from governance.models import Membership, Municipality, OrgUnit, Role, UnitKind

PASSWORD = "test-password-1"

# persona -> (unit key, role, is_lead); None for personas without a membership
PERSONAS = {
    "anonymous": None,
    "outsider": None,
    "staff": ("dept_a", Role.STAFF, False),
    "politician": ("council", Role.POLITICIAN, False),
    "expert": ("dept_a", Role.DEPARTMENT_EXPERT, False),
    "editor": ("dept_a", Role.CHANNEL_EDITOR, False),
    "monitor": ("comms", Role.ON_DUTY_MONITOR, False),
    "manager_a": ("centre_a", Role.CENTRE_MANAGER, True),
    "manager_b": ("centre_b", Role.CENTRE_MANAGER, True),
    "comms": ("comms", Role.COMMUNICATIONS, False),
    "comms_lead": ("comms", Role.COMMUNICATIONS, True),
    "superuser": None,
}


def build_org():
    municipality = Municipality.objects.create(
        name="Testby Kommune", country="DK", time_zone="Europe/Copenhagen", default_language="da"
    )

    def unit(name, kind, parent=None):
        return OrgUnit.objects.create(
            municipality=municipality, name=name, kind=kind, parent=parent
        )

    units = {"comms": unit("Kommunikation", UnitKind.COMMUNICATIONS)}
    units["council"] = unit("Byråd", UnitKind.TEAM)
    units["centre_a"] = unit("Center A", UnitKind.CENTRE)
    units["dept_a"] = unit("Afdeling A", UnitKind.DEPARTMENT, units["centre_a"])
    units["centre_b"] = unit("Center B", UnitKind.CENTRE)
    units["dept_b"] = unit("Afdeling B", UnitKind.DEPARTMENT, units["centre_b"])

    User = get_user_model()
    users = {}
    for persona, membership in PERSONAS.items():
        if persona == "anonymous":
            continue
        user = User.objects.create_user(
            username=persona,
            email=f"{persona}@testby.example",
            password=PASSWORD,
            is_superuser=persona == "superuser",
            is_staff=persona == "superuser",
        )
        if membership:
            unit_key, role, lead = membership
            Membership.objects.create(user=user, unit=units[unit_key], role=role, is_lead=lead)
        users[persona] = user

    from accounts.models import Channel, ChannelScope, ChannelStatus

    channels = {
        "central": Channel.objects.create(
            platform="facebook",
            name="Testby Kommune",
            external_id="fb-central",
            owner_unit=units["comms"],
            scope=ChannelScope.CENTRAL,
            status=ChannelStatus.ACTIVE,
            responsible=users["comms_lead"],
            deputy=users["comms"],
        ),
        "a": Channel.objects.create(
            platform="facebook",
            name="Afdeling A på Facebook",
            external_id="fb-a",
            owner_unit=units["dept_a"],
            scope=ChannelScope.DECENTRAL,
            status=ChannelStatus.ACTIVE,
            responsible=users["editor"],
            deputy=users["manager_a"],
        ),
        "b": Channel.objects.create(
            platform="instagram",
            name="Afdeling B på Instagram",
            external_id="ig-b",
            owner_unit=units["dept_b"],
            scope=ChannelScope.DECENTRAL,
            status=ChannelStatus.ACTIVE,
            responsible=users["manager_b"],
        ),
    }

    from moderation.models import QueueItem

    received = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    items = {
        key: QueueItem.objects.create(
            channel=channel,
            platform=channel.platform,
            external_id=f"item-{key}",
            kind="comment",
            author_name=f"Borger {key}",
            text=f"Et spørgsmål til {channel.name}",
            created_at=received,
            received_at=received,
        )
        for key, channel in channels.items()
    }
    from moderation.counts import count_created

    count_created(items.values())
    return SimpleNamespace(
        municipality=municipality, units=units, users=users, channels=channels, items=items
    )


def expect(default, **overrides):
    """Expected status per persona: `default` for everyone not named."""
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas: {sorted(unknown)}")
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


@dataclass
class Case:
    """One route asked by every persona. `url` builds the URL from the org fixture."""

    route: str
    url: object
    expected: dict
    method: str = "get"
    data: dict = field(default_factory=dict)
    # Asserts nothing changed after a refused write: called with (org, response).
    unchanged: object = None

    def __str__(self):
        return f"{self.method.upper()} {self.route}"
