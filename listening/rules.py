"""Permission rules for listening: following hashtags, keywords and mentions is research work of
the communications team (its streams spend the municipality's paid X reads and the shared
YouTube quota), so the team sees, manages and promotes; nobody else."""

from core.permissions import register


def _team(access, obj=None):
    return access.sees_everything


register("listening.view", _team)
register("listening.manage", _team)
register("listening.promote", _team)
