"""Permission rules for the organisation itself."""

from .permissions import register


def _member(access, obj=None):
    return access.is_member


def _comms(access, obj=None):
    return access.sees_everything


register("governance.view_dashboard", _member)
register("governance.view_organisation", _member)
register("governance.manage_organisation", _comms)
