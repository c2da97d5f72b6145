"""Django REST framework glue: the API asks the same permission module as the web UI."""

from rest_framework.permissions import BasePermission

from . import access_for, can


class IsStaffMember(BasePermission):
    """Signed in and part of the organisation (or a superuser)."""

    def has_permission(self, request, view):
        return access_for(request.user).is_member


class ActionPermission(IsStaffMember):
    """Checks `view.permission_actions[view.action]` (a permission-module action) per object.

    A view lists its actions, e.g. `{"approve": "channels.approve_request"}`; list and retrieve
    rely on the queryset being scoped with `for_user`, so objects outside it give 404.
    """

    def has_object_permission(self, request, view, obj):
        action = getattr(view, "permission_actions", {}).get(getattr(view, "action", None))
        if action is None:
            return True
        return can(request.user, action, obj)

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        action = getattr(view, "permission_actions", {}).get(getattr(view, "action", None))
        # Asked without an object, a rule answers "may the user do this to anything at all";
        # detail actions are then asked again for the object itself.
        return action is None or can(request.user, action)
