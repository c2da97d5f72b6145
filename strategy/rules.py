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


# --- posts ------------------------------------------------------------------------------
# Who writes, approves and publishes the municipality's own posts. A post on a department's
# page is approved by that page's responsible person (or deputy) or the manager of its centre;
# a post on a central page by the communications team. Nobody approves their own post. In
# crisis mode the communications lead may publish at once.


def _composes(access):
    return access.sees_everything or bool(
        access.managed_centre_ids or access.unit_ids(Role.CHANNEL_EDITOR)
    )


def approves_channel(access, channel):
    """Whether the user approves posts on `channel` (its approval tier)."""
    from accounts.models import ChannelScope

    if access.is_superuser:
        return True
    if channel.scope == ChannelScope.CENTRAL:
        return access.is_comms
    return access.user_id in (channel.responsible_id, channel.deputy_id) or access.manages_unit(
        channel.owner_unit_id
    )


def _channels_of(post):
    return [target.channel for target in post.targets.all()]


def _view_posts(access, post=None):
    # Every member sees the posts of the channels they see (`Post.objects.for_user` scopes the
    # list and finds the single post): who reaches a post may read it.
    return access.is_member


def _create_post(access, obj=None):
    return _composes(access)


def _is_author_or_team(access, post):
    return access.sees_everything or post.author_id == access.user_id


def _edit_post(access, post=None):
    if post is None:
        return _composes(access)
    from .models import PostStatus

    return post.status == PostStatus.DRAFT and _is_author_or_team(access, post)


def _approve_post(access, post=None):
    if post is None:
        return access.is_superuser or access.is_comms or bool(access.managed_centre_ids)
    from .models import PostStatus

    channels = _channels_of(post)
    return (
        post.status == PostStatus.SUBMITTED
        and post.author_id != access.user_id
        and bool(channels)
        and all(approves_channel(access, channel) for channel in channels)
    )


def _schedule_post(access, post=None):
    if post is None:
        return _composes(access)
    from .models import PostStatus

    if post.status not in (PostStatus.APPROVED, PostStatus.SCHEDULED):
        return False
    channels = _channels_of(post)
    return _is_author_or_team(access, post) or (
        bool(channels) and all(approves_channel(access, channel) for channel in channels)
    )


def _comment_post(access, post=None):
    # Whoever reaches the post (its scoped queryset) may comment on it.
    return access.is_member


def _publish_now(access, post=None):
    if not access.is_comms_lead:
        return False
    if post is None:
        return True
    from .models import PostStatus

    return post.status not in (
        PostStatus.PUBLISHING,
        PostStatus.PUBLISHED,
        PostStatus.FAILED,
    )


def _retry_post(access, post=None):
    if post is None:
        return _composes(access)
    from .models import PostStatus

    if post.status != PostStatus.FAILED:
        return False
    channels = _channels_of(post)
    return _is_author_or_team(access, post) or (
        bool(channels) and all(approves_channel(access, channel) for channel in channels)
    )


register("posts.view", _view_posts)
register("posts.create", _create_post)
register("posts.edit", _edit_post)
register("posts.submit", _edit_post)
register("posts.delete", _edit_post)
register("posts.approve", _approve_post)
register("posts.reject", _approve_post)
register("posts.schedule", _schedule_post)
register("posts.comment", _comment_post)
register("posts.publish_now", _publish_now)
register("posts.retry", _retry_post)


def _mark_shareable(access, post=None):
    """Which posts ambassadors are asked to share is the communications team's call."""
    return access.sees_everything


register("strategy.mark_shareable", _mark_shareable)
