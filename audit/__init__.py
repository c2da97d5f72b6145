"""The one audit trail: who did what, when, why, and what changed (before and after)."""

import datetime

from django.core.serializers.json import DjangoJSONEncoder

_ENCODER = DjangoJSONEncoder()


def person(user):
    """The signed-in person behind an action, or None for the system or an anonymous caller."""
    return user if user is not None and user.is_authenticated else None


def plain(value):
    """A JSON-friendly form of a field value: a related object's key, times in ISO 8601."""
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, (str, int, float, bool, dict)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "_iterable_class"):
        # many-to-many values (a queryset or a list of objects): their ids, in a stable order
        values = [plain(v) for v in value]
        return sorted(values) if all(isinstance(v, int) for v in values) else values
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()  # (the encoder would cut a time to milliseconds)
    return _ENCODER.default(value)


def snapshot(obj, *fields):
    """The values of `fields` on `obj` (foreign keys as their id), for `before` and `after`."""
    return {name: plain(getattr(obj, obj._meta.get_field(name).attname)) for name in fields}


def record(
    action,
    *,
    actor=None,
    obj=None,
    before=None,
    after=None,
    reason="",
    note="",
    channel=None,
    item=None,
    policy_version=None,
    at=None,
    data=None,
    **details,
):
    """Write one audit row for `action`, inside the caller's transaction.

    `obj` is the changed object (the item, else the channel, when not named); `before` and
    `after` map field names to values and keep only the fields whose value changed. `data`
    (and any other keyword) holds the details of the action.
    """
    from .middleware import current_request_id
    from .models import AuditEntry

    if obj is None:
        obj = item if item is not None else channel
    if channel is None and item is not None:
        channel = item.channel
    before, after = before or {}, after or {}
    changed = [name for name in {**before, **after} if before.get(name) != after.get(name)]
    return AuditEntry.objects.create(
        action=action,
        actor=person(actor),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        item=item,
        channel=channel,
        reason=reason,
        note=note,
        policy_version=policy_version,
        before={name: before[name] for name in changed if name in before},
        after={name: after[name] for name in changed if name in after},
        data={**(data or {}), **details},
        request_id=current_request_id(),
        **({"at": at} if at is not None else {}),
    )
