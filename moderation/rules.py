"""Permission rules for the moderation queue and the answer routine."""

from core.permissions import register
from governance.models import Role

_HANDLERS = (Role.CHANNEL_EDITOR, Role.ON_DUTY_MONITOR)


def _view_queue(access, obj=None):
    return access.sees_everything or bool(
        access.unit_ids(Role.CHANNEL_EDITOR, Role.ON_DUTY_MONITOR, Role.DEPARTMENT_EXPERT)
        or access.managed_centre_ids
    )


def _forwarded_to(access, item):
    from .models import Forwarding

    return Forwarding.objects.forwarded_to(access).filter(item_id=item.pk).exists()


def _view_item(access, item=None):
    if item is None:
        return _view_queue(access)
    if access.sees_everything or item.assigned_to_id == access.user_id:
        return True
    owner_unit = item.channel.owner_unit_id
    if owner_unit in access.unit_ids(*_HANDLERS) or access.manages_unit(owner_unit):
        return True
    return bool(access.unit_ids(Role.DEPARTMENT_EXPERT)) and _forwarded_to(access, item)


def _handle_item(access, item=None):
    """Acknowledge, reply, forward, close, assign, hide: the team, the channel's editors and
    monitors, and whoever the item is assigned to."""
    if access.sees_everything:
        return True
    if item is None:
        return bool(access.unit_ids(*_HANDLERS))
    return item.assigned_to_id == access.user_id or item.channel.owner_unit_id in access.unit_ids(
        *_HANDLERS
    )


def _answer_forwarded(access, forwarding=None):
    """An expert answers what was forwarded to them or to their department."""
    if forwarding is None:
        return access.sees_everything or bool(access.unit_ids(Role.DEPARTMENT_EXPERT))
    if forwarding.to_user_id is not None:
        return forwarding.to_user_id == access.user_id
    return access.sees_everything or forwarding.to_unit_id in access.unit_ids(
        Role.DEPARTMENT_EXPERT
    )


def _view_forwarded(access, obj=None):
    """The forwarded-questions page: experts see what waits for them, the team what it forwarded."""
    return access.sees_everything or bool(access.unit_ids(Role.DEPARTMENT_EXPERT))


def _team(access, obj=None):
    return access.sees_everything


register("moderation.view_queue", _view_queue)
register("moderation.view_item", _view_item)
register("moderation.handle_item", _handle_item)
register("moderation.answer_forwarded", _answer_forwarded)
register("moderation.view_forwarded", _view_forwarded)
register("moderation.view_audit", _team)
register("moderation.records", _team)
# The records duty lies with the communications team: they alone read a record as written
# (personal ID numbers unmasked), each reading audited (actions.read_record_as_written).
register("moderation.read_record_as_written", _team)
register("moderation.crisis", _team)
register("moderation.manage_rota", _team)


def _manage_alert_hooks(access, obj=None):
    """Where a team's alerts go (Teams, Slack): the communications lead and the system
    administrator for every unit, a centre manager for the units in their centre. `obj` is an
    alert destination or the unit it is for."""
    if access.is_comms_lead:
        return True
    if obj is None:
        return bool(access.managed_unit_ids)
    unit_id = getattr(obj, "unit_id", None) or getattr(obj, "pk", None)
    return access.manages_unit(unit_id)


register("moderation.manage_alert_hooks", _manage_alert_hooks)


# --- Inbox rules and labels. The communications team reads the rules, their history and dry
# runs; the communications lead (and the system administrator) writes them and alone may give
# a rule a regular expression. Labels are read by everyone who sees the queue.
def _comms_lead(access, obj=None):
    return access.is_comms_lead


register("moderation.view_rules", _team)
register("moderation.manage_rules", _comms_lead)
register("moderation.rule_regex", _comms_lead)
register("moderation.view_labels", _view_queue)
register("moderation.manage_labels", _comms_lead)
