"""Permission rules for the channel registry."""

from governance.permissions import register


def _view_channel(access, channel=None):
    if access.sees_everything:
        return True
    if channel is None:
        return access.is_member
    return (
        channel.owner_unit_id in access.unit_ids()
        or access.manages_unit(channel.owner_unit_id)
        or access.user_id in (channel.responsible_id, channel.deputy_id)
    )


def _manage_channel(access, channel=None):
    if access.sees_everything:
        return True
    if channel is None:
        return bool(access.managed_centre_ids)
    return access.manages_unit(channel.owner_unit_id)


register("channels.view", _view_channel)
register("channels.manage", _manage_channel)
