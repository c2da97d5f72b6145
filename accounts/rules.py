"""Permission rules for the channel registry, and the guard on which channels may be connected.

Who may do what: the communications team everywhere, a centre manager inside their own centre,
a channel's responsible person, deputy and the channel editors of its unit for that channel,
and any member of the organisation may ask for a new page. Nobody decides their own request.
"""

from core.permissions import anonymous_allowed, register
from governance.models import Role

from .models import ChannelStatus

# A channel may be connected for polling once it is approved, and as long as it is in use.
CONNECTABLE_STATUSES = frozenset(
    {ChannelStatus.APPROVED, ChannelStatus.ACTIVE, ChannelStatus.DORMANT}
)


def may_connect(channel) -> bool:
    """Whether `channel` is in a state where its platform token may be connected and polled."""
    return channel.status in CONNECTABLE_STATUSES


def _centre_manages(access, unit_id):
    return access.manages_unit(unit_id)


def _is_channel_person(access, channel):
    """Responsible person, deputy, or a channel editor of the owning unit."""
    return access.user_id in (channel.responsible_id, channel.deputy_id) or (
        channel.owner_unit_id in access.unit_ids(Role.CHANNEL_EDITOR)
    )


def _view_channel(access, channel=None):
    if access.sees_everything:
        return True
    if channel is None:
        return access.is_member
    return (
        channel.owner_unit_id in access.unit_ids()
        or _centre_manages(access, channel.owner_unit_id)
        or access.user_id in (channel.responsible_id, channel.deputy_id)
    )


def _manage_channel(access, channel=None):
    """Edit the record, verify branding: the team, or the manager of the owning centre."""
    if access.sees_everything:
        return True
    if channel is None:
        return bool(access.managed_centre_ids)
    return _centre_manages(access, channel.owner_unit_id)


def _connect_channel(access, channel=None):
    """Connect a platform token / test the connection, only on a connectable channel."""
    if channel is None:
        return access.is_member
    if not may_connect(channel):
        return False
    return (
        access.sees_everything
        or _centre_manages(access, channel.owner_unit_id)
        or _is_channel_person(access, channel)
    )


def _look_after_channel(access, channel=None):
    """Confirm the annual review, ask for closing: the channel's own people and its managers."""
    if channel is None:
        return access.is_member
    if channel.status == ChannelStatus.CLOSED:
        return False
    return (
        access.sees_everything
        or _centre_manages(access, channel.owner_unit_id)
        or _is_channel_person(access, channel)
    )


def _request_channel(access, obj=None):
    """Any member of the organisation may ask for a new decentral page."""
    return access.is_member


def _view_request(access, request=None):
    if access.sees_everything:
        return True
    if request is None:
        return access.is_member
    return request.requester_id == access.user_id or _centre_manages(access, request.department_id)


def _decide_request(access, request=None):
    """Approve or reject: the team or the department's centre manager, never the requester."""
    if request is None:
        return access.sees_everything or bool(access.managed_centre_ids)
    if request.requester_id == access.user_id:
        return False
    return access.sees_everything or _centre_manages(access, request.department_id)


def _view_closing(access, closing=None):
    return _view_channel(access, closing.channel if closing is not None else None)


def _decide_closing(access, closing=None):
    """Approve or reject a closing: the team or the channel's centre manager, never the asker."""
    if closing is None:
        return access.sees_everything or bool(access.managed_centre_ids)
    if closing.requested_by_id == access.user_id:
        return False
    return access.sees_everything or _centre_manages(access, closing.channel.owner_unit_id)


def _compliance(access, obj=None):
    """The compliance overview: the team for everything, a centre manager for their centre."""
    return access.sees_everything or bool(access.managed_centre_ids)


def _api_versions(access, obj=None):
    """The platform API versions and their end dates: the team that has them changed."""
    return access.is_comms or access.is_superuser


@anonymous_allowed
def _public_register(access, obj=None):
    """The public register of official accounts is open to everyone, signed in or not."""
    return True


register("channels.view", _view_channel)
register("channels.manage", _manage_channel)
register("channels.connect", _connect_channel)
register("channels.look_after", _look_after_channel)
register("channels.request", _request_channel)
register("channels.view_request", _view_request)
register("channels.decide_request", _decide_request)
register("channels.view_closing", _view_closing)
register("channels.decide_closing", _decide_closing)
register("channels.compliance", _compliance)
register("channels.public_register", _public_register)
register("channels.api_versions", _api_versions)
