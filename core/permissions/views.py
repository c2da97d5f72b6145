"""Class-based view mixins that ask the permission module."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from . import access_for, can


class MemberRequiredMixin(LoginRequiredMixin):
    """Signed in and part of the organisation; others get 403 (anonymous: the login page)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not access_for(request.user).is_member:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ActionRequiredMixin(MemberRequiredMixin):
    """Requires `permission_action` on `get_permission_object()` (None: the collection)."""

    permission_action: str = ""

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not access_for(request.user).is_member:
            raise PermissionDenied
        self.args, self.kwargs = args, kwargs
        # Scoped lookups raise 404 here for objects outside the user's reach.
        if not can(request.user, self.permission_action, self.get_permission_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
