"""Permission rules of the ambassador programme: every employee reads it and may join, leave
and sign up for courses; the communications team writes the guides and courses and sees the
members."""

from core.permissions import register


def _member(access, obj=None):
    return access.is_member


def _manage(access, obj=None):
    return access.sees_everything


register("ambassadors.view", _member)
register("ambassadors.join", _member)
register("ambassadors.sign_up", _member)
register("ambassadors.manage", _manage)
