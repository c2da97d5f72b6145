"""Permission rules for the moderation queue."""

from governance.models import Role
from governance.permissions import register


def _view_queue(access, obj=None):
    return access.sees_everything or bool(
        access.unit_ids(Role.CHANNEL_EDITOR, Role.ON_DUTY_MONITOR, Role.DEPARTMENT_EXPERT)
        or access.managed_centre_ids
    )


def _view_item(access, item=None):
    if item is None:
        return _view_queue(access)
    if access.sees_everything or item.assigned_to_id == access.user_id:
        return True
    owner_unit = item.channel.owner_unit_id
    return owner_unit in access.unit_ids(
        Role.CHANNEL_EDITOR, Role.ON_DUTY_MONITOR
    ) or access.manages_unit(owner_unit)


register("moderation.view_queue", _view_queue)
register("moderation.view_item", _view_item)
