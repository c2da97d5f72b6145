"""Permission rules for strategy, goals, the yearly plan and the reports."""

from core.permissions import register
from governance.models import Role


def _view_strategy(access, obj=None):
    """The team, centre managers and channel editors work with the channels' strategy."""
    return access.sees_everything or bool(
        access.managed_centre_ids or access.unit_ids(Role.CHANNEL_EDITOR)
    )


def _manage_strategy(access, obj=None):
    """Goals, themes and the plan are set by the communications team."""
    return access.sees_everything


def _edit_channel_strategy(access, channel=None):
    """The team, the manager of the channel's centre and the channel's editors."""
    if access.sees_everything:
        return True
    if channel is None:
        return bool(access.managed_centre_ids or access.unit_ids(Role.CHANNEL_EDITOR))
    return access.manages_unit(channel.owner_unit_id) or (
        channel.owner_unit_id in access.unit_ids(Role.CHANNEL_EDITOR)
    )


def _view_reports(access, obj=None):
    """The team sees every figure; centre managers the figures of their centres."""
    return access.sees_everything or bool(access.managed_centre_ids)


register("strategy.view", _view_strategy)
register("strategy.manage", _manage_strategy)
register("strategy.edit_channel", _edit_channel_strategy)
register("reports.view", _view_reports)


def _mark_shareable(access, post=None):
    """Which posts ambassadors are asked to share is the communications team's call."""
    return access.sees_everything


register("strategy.mark_shareable", _mark_shareable)
