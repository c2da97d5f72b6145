"""Business actions that set the municipality up: its details, its organisation tree and its
people's roles and accounts. The settings pages, the JSON API and the admin call these.

Each runs in one transaction, locks what it changes, checks the rule again after the lock and
writes its audit row there. A refusal raises `SettingsError` with a sentence for the user.
"""

import re
from zoneinfo import available_timezones

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import record, snapshot

from .models import Membership, Municipality, OrgUnit, Role, UnitKind

MUNICIPALITY_FIELDS = ("name", "country", "time_zone", "default_language", "website")


class SettingsError(Exception):
    """A change the rules refuse; `field` names the input it is about, if one."""

    def __init__(self, message, *, field=None, conflict=False, code=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.conflict = conflict
        if code:
            self.code = code

    def __str__(self):
        return str(self.message)


def _first_message(error: ValidationError):
    """(field, message) of a model's ValidationError, for a SettingsError."""
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        return (None if name == "__all__" else name), errors[0].messages[0]
    return None, error.messages[0]


# --- The municipality


def check_time_zone(name):
    if name not in available_timezones():
        raise SettingsError(
            _("“%(zone)s” is not a time zone. Use a name such as Europe/Copenhagen.")
            % {"zone": name},
            field="time_zone",
        )


@transaction.atomic
def save_municipality(municipality, *, acting_user, **values):
    """Create the municipality (when `municipality` is None) or change its details.

    Only the fields that change are saved: the business calendar is rebuilt when the time zone
    or the country is among them (the calendar's receiver reads `update_fields`)."""
    unknown = set(values) - set(MUNICIPALITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown municipality fields: {sorted(unknown)}")
    if "time_zone" in values:
        check_time_zone(values["time_zone"])
    if municipality is None:
        if Municipality.objects.exists():
            raise SettingsError(_("This installation already serves a municipality."))
        missing = [name for name in ("name", "country") if not values.get(name)]
        if missing:
            raise SettingsError(_("This field is required."), field=missing[0])
        municipality = Municipality(**values)
        municipality.save()
        record(
            "municipality.create",
            actor=acting_user,
            obj=municipality,
            after=snapshot(municipality, *MUNICIPALITY_FIELDS),
        )
        return municipality
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    before = snapshot(municipality, *MUNICIPALITY_FIELDS)
    changed = [name for name, value in values.items() if getattr(municipality, name) != value]
    if not changed:
        return municipality
    for name in changed:
        setattr(municipality, name, values[name])
    municipality.save(update_fields=changed)
    record(
        "municipality.update",
        actor=acting_user,
        obj=municipality,
        before=before,
        after=snapshot(municipality, *MUNICIPALITY_FIELDS),
    )
    return municipality


# --- The organisation tree

UNIT_FIELDS = ("name", "kind", "parent", "closed_at")


def _check_name_free(municipality_id, parent, name, exclude_pk=None):
    siblings = OrgUnit.objects.filter(
        municipality_id=municipality_id, parent=parent, name__iexact=name
    )
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise SettingsError(
            _("There is already a unit named “%(name)s” in the same place.") % {"name": name},
            field="name",
        )


def _check_parent(unit_kind, parent, municipality_id):
    if parent is None:
        return
    if parent.municipality_id != municipality_id:
        raise SettingsError(_("The parent belongs to another municipality."), field="parent")
    if parent.is_closed:
        raise SettingsError(
            _("“%(unit)s” is closed: nothing can be placed under it.") % {"unit": parent.name},
            field="parent",
        )
    if unit_kind == UnitKind.COMMUNICATIONS:
        raise SettingsError(
            _("The communications team sits at the top of the tree."), field="parent"
        )
    if parent.kind == UnitKind.DEPARTMENT and unit_kind == UnitKind.CENTRE:
        raise SettingsError(_("A centre cannot sit under a department."), field="parent")


@transaction.atomic
def create_unit(municipality, *, acting_user, name, kind, parent=None):
    name = name.strip()
    if parent is not None:
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    _check_parent(kind, parent, municipality.pk)
    if (
        kind == UnitKind.COMMUNICATIONS
        and OrgUnit.objects.filter(municipality=municipality, kind=kind).exists()
    ):
        raise SettingsError(_("The municipality already has a communications team."), field="kind")
    _check_name_free(municipality.pk, parent, name)
    unit = OrgUnit.objects.create(municipality=municipality, name=name, kind=kind, parent=parent)
    record("unit.create", actor=acting_user, obj=unit, after=snapshot(unit, *UNIT_FIELDS))
    return unit


def _lock_unit(unit):
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_closed:
        raise SettingsError(
            _("“%(unit)s” is closed. Reopen it first.") % {"unit": unit.name}, conflict=True
        )
    return unit


@transaction.atomic
def rename_unit(unit, *, acting_user, name):
    unit = _lock_unit(unit)
    name = name.strip()
    if name == unit.name:
        return unit
    _check_name_free(unit.municipality_id, unit.parent, name, exclude_pk=unit.pk)
    before = snapshot(unit, *UNIT_FIELDS)
    unit.name = name
    unit.save(update_fields=["name"])
    record(
        "unit.rename",
        actor=acting_user,
        obj=unit,
        before=before,
        after=snapshot(unit, *UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def move_unit(unit, *, acting_user, parent):
    """Place the unit (with everything under it) under `parent`, or at the top for None; the
    centre every unit below belongs to follows (`OrgUnit.save`)."""
    unit = _lock_unit(unit)
    if parent is not None:
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    if (parent.pk if parent else None) == unit.parent_id:
        return unit
    node = parent
    while node is not None:
        if node.pk == unit.pk:
            raise SettingsError(
                _("A unit cannot sit under itself or under one of its own units."),
                field="parent",
            )
        node = node.parent
    _check_parent(unit.kind, parent, unit.municipality_id)
    _check_name_free(unit.municipality_id, parent, unit.name, exclude_pk=unit.pk)
    before = snapshot(unit, *UNIT_FIELDS, "centre")
    unit.parent = parent
    # A full save: it moves the unit's centre and re-saves the units below that changed centre.
    unit.save()
    record(
        "unit.move",
        actor=acting_user,
        obj=unit,
        before=before,
        after=snapshot(unit, *UNIT_FIELDS, "centre"),
    )
    return unit


def closing_blockers(unit) -> list[str]:
    """Why `unit` cannot be closed now, one sentence each (empty: it can be)."""
    from accounts.models import Channel, ChannelStatus
    from moderation.models import Forwarding, ForwardingStatus

    blockers = []
    if unit.kind == UnitKind.COMMUNICATIONS:
        blockers.append(_("The communications team cannot be closed."))
    children = list(unit.children.open().order_by("name").values_list("name", flat=True))
    if children:
        blockers.append(
            _("Units under it are still open: %(units)s. Close or move them first.")
            % {"units": ", ".join(children)}
        )
    channels = list(
        Channel.objects.filter(owner_unit=unit)
        .exclude(status=ChannelStatus.CLOSED)
        .order_by("name")
        .values_list("name", flat=True)
    )
    if channels:
        blockers.append(
            _("It still owns channels that are not closed: %(channels)s.")
            % {"channels": ", ".join(channels)}
        )
    waiting = Forwarding.objects.filter(to_unit=unit, status=ForwardingStatus.OPEN).count()
    if waiting:
        blockers.append(
            ngettext(
                "%(count)d question forwarded to it still waits for an answer.",
                "%(count)d questions forwarded to it still wait for an answer.",
                waiting,
            )
            % {"count": waiting}
        )
    return blockers


@transaction.atomic
def close_unit(unit, *, acting_user):
    """Mark the unit closed. Its rows stay (items, records and the audit trail point at it);
    it takes no new channels, people or forwarded questions."""
    unit = _lock_unit(unit)
    blockers = closing_blockers(unit)
    if blockers:
        raise SettingsError(
            _("“%(unit)s” cannot be closed: %(reasons)s")
            % {"unit": unit.name, "reasons": " ".join(blockers)},
            conflict=True,
        )
    before = snapshot(unit, *UNIT_FIELDS)
    unit.closed_at = timezone.now()
    unit.save(update_fields=["closed_at"])
    record(
        "unit.close", actor=acting_user, obj=unit, before=before, after=snapshot(unit, *UNIT_FIELDS)
    )
    return unit


@transaction.atomic
def reopen_unit(unit, *, acting_user):
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_closed:
        return unit
    if unit.parent is not None and unit.parent.is_closed:
        raise SettingsError(
            _("“%(unit)s” sits under “%(parent)s”, which is closed. Reopen that first.")
            % {"unit": unit.name, "parent": unit.parent.name},
            conflict=True,
        )
    before = snapshot(unit, *UNIT_FIELDS)
    unit.closed_at = None
    unit.save(update_fields=["closed_at"])
    record(
        "unit.reopen",
        actor=acting_user,
        obj=unit,
        before=before,
        after=snapshot(unit, *UNIT_FIELDS),
    )
    return unit


# --- People and their roles

MEMBERSHIP_FIELDS = ("user", "unit", "role", "is_lead")


def active_leads(municipality_id):
    """The communications lead memberships of active people, locked for the caller's
    transaction (two removals at once must not both see "another lead is left")."""
    return Membership.objects.select_for_update().filter(
        unit__municipality_id=municipality_id,
        role=Role.COMMUNICATIONS,
        is_lead=True,
        user__is_active=True,
    )


def _refuse_losing_last_lead(municipality_id, *, without_membership=None, without_user=None):
    leads = list(active_leads(municipality_id).values_list("pk", "user_id"))
    if not leads:
        return  # nobody leads yet (a new installation): nothing to lose
    left = [
        pk
        for pk, user_id in leads
        if pk != without_membership and (without_user is None or user_id != without_user)
    ]
    if not left:
        raise SettingsError(
            _(
                "This is the last communications lead. Make someone else the communications "
                "lead first."
            ),
            conflict=True,
            code="last_lead",
        )


def check_membership(user, unit, role, is_lead=False):
    """The rules a new role must follow (`Membership.clean`, an open unit, no duplicate)."""
    if unit.is_closed:
        raise SettingsError(
            _("“%(unit)s” is closed: nobody can be given a role there.") % {"unit": unit.name},
            field="unit",
        )
    try:
        Membership(user=user, unit=unit, role=role, is_lead=is_lead).clean()
    except ValidationError as error:
        field, message = _first_message(error)
        raise SettingsError(message, field=field) from None
    if user is not None and Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise SettingsError(
            _("%(person)s already has this role in %(unit)s.")
            % {"person": display_name(user), "unit": unit.name},
            field="role",
        )


def display_name(user):
    return user.get_full_name() or user.get_username()


@transaction.atomic
def add_membership(user, *, acting_user, unit, role, is_lead=False):
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    check_membership(user, unit, role, is_lead)
    membership = Membership.objects.create(user=user, unit=unit, role=role, is_lead=is_lead)
    record(
        "membership.add",
        actor=acting_user,
        obj=membership,
        after=snapshot(membership, *MEMBERSHIP_FIELDS),
        person=user.pk,
    )
    return membership


@transaction.atomic
def remove_membership(membership, *, acting_user):
    membership = Membership.objects.select_for_update().select_related("unit").get(pk=membership.pk)
    if membership.role == Role.COMMUNICATIONS and membership.is_lead:
        _refuse_losing_last_lead(membership.unit.municipality_id, without_membership=membership.pk)
    before = snapshot(membership, *MEMBERSHIP_FIELDS)
    record(
        "membership.remove",
        actor=acting_user,
        obj=membership,
        before=before,
        person=membership.user_id,
    )
    membership.delete()


def open_assignments(user):
    """What the person still holds open: items assigned to them, questions forwarded to them,
    channels they are responsible for or deputy on. Shown before and after a deactivation;
    nothing is moved away by itself."""
    from accounts.models import Channel, ChannelStatus
    from moderation.models import OPEN_STATUSES, Forwarding, ForwardingStatus, QueueItem

    return {
        "items": list(
            QueueItem.objects.filter(assigned_to=user, status__in=OPEN_STATUSES)
            .select_related("channel")
            .order_by("received_at")[:50]
        ),
        "forwardings": list(
            Forwarding.objects.filter(to_user=user, status=ForwardingStatus.OPEN)
            .select_related("item", "to_unit")
            .order_by("due_at")[:50]
        ),
        "channels": list(
            Channel.objects.filter(Q(responsible=user) | Q(deputy=user))
            .exclude(status=ChannelStatus.CLOSED)
            .order_by("name")
        ),
    }


@transaction.atomic
def deactivate_person(user, *, acting_user):
    """Switch the account off: the person can no longer sign in, is told of nothing and is
    offered for nothing. Their roles, open assignments and history stay as they are."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    if acting_user is not None and user.pk == acting_user.pk:
        raise SettingsError(_("You cannot deactivate your own account."), conflict=True)
    if user.is_superuser and not getattr(acting_user, "is_superuser", False):
        raise SettingsError(
            _("Only a system administrator can deactivate a system administrator."),
            conflict=True,
        )
    for municipality_id in (
        Membership.objects.filter(user=user, role=Role.COMMUNICATIONS, is_lead=True)
        .values_list("unit__municipality_id", flat=True)
        .distinct()
    ):
        _refuse_losing_last_lead(municipality_id, without_user=user.pk)
    assignments = open_assignments(user)
    before = snapshot(user, "is_active")
    user.is_active = False
    user.save(update_fields=["is_active"])
    record(
        "person.deactivate",
        actor=acting_user,
        obj=user,
        before=before,
        after=snapshot(user, "is_active"),
        open_items=[item.pk for item in assignments["items"]],
        open_forwardings=[forwarding.pk for forwarding in assignments["forwardings"]],
        channels=[channel.pk for channel in assignments["channels"]],
    )
    return user


@transaction.atomic
def reactivate_person(user, *, acting_user):
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return user
    before = snapshot(user, "is_active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(
        "person.reactivate",
        actor=acting_user,
        obj=user,
        before=before,
        after=snapshot(user, "is_active"),
    )
    return user


# --- Routing topics

# At most this many topics per department, each at most TOPIC_LENGTH characters.
MAX_TOPICS = 300
TOPIC_LENGTH = 100
KLE_NUMBER = re.compile(r"^\d{2}(\.\d{2}){0,2}$")


def clean_topics(topics) -> list[str]:
    """The topics stripped, empty ones dropped, duplicates (ignoring case) removed, in the
    order given; a refusal for a topic too long, without a word, or too many topics."""
    cleaned, seen = [], set()
    for topic in topics:
        topic = " ".join(str(topic).split())
        if not topic or topic.casefold() in seen:
            continue
        if len(topic) > TOPIC_LENGTH:
            raise SettingsError(
                _("“%(topic)s…” is too long: a topic has at most %(limit)d characters.")
                % {"topic": topic[:30], "limit": TOPIC_LENGTH},
                field="topics",
            )
        if not any(character.isalnum() for character in topic):
            raise SettingsError(
                _("“%(topic)s” has no word in it.") % {"topic": topic}, field="topics"
            )
        seen.add(topic.casefold())
        cleaned.append(topic)
    if len(cleaned) > MAX_TOPICS:
        raise SettingsError(
            _("A department has at most %(limit)d topics.") % {"limit": MAX_TOPICS},
            field="topics",
        )
    return cleaned


def clean_kle_numbers(numbers) -> list[str]:
    cleaned = []
    for number in numbers:
        number = str(number).strip()
        if not number or number in cleaned:
            continue
        if not KLE_NUMBER.match(number):
            raise SettingsError(
                _("“%(number)s” is not a KLE number. Write it as 07.18 or 07.18.05.")
                % {"number": number[:30]},
                field="kle_numbers",
            )
        cleaned.append(number)
    return cleaned


@transaction.atomic
def set_unit_topics(unit, *, acting_user, topics=None, kle_numbers=None):
    """Set what a department answers questions about: its topics (words and phrases) and KLE
    numbers; None leaves that part as it is. Only departments have topics."""
    unit = _lock_unit(unit)
    if unit.kind != UnitKind.DEPARTMENT:
        raise SettingsError(_("Only departments have topics."), field="topics")
    before = snapshot(unit, "topics", "kle_numbers")
    if topics is not None:
        unit.topics = clean_topics(topics)
    if kle_numbers is not None:
        unit.kle_numbers = clean_kle_numbers(kle_numbers)
    after = snapshot(unit, "topics", "kle_numbers")
    if after == before:
        return unit
    unit.save(update_fields=["topics", "kle_numbers"])
    record("unit.topics", actor=acting_user, obj=unit, before=before, after=after)
    return unit
