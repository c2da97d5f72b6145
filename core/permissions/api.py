"""Django REST framework glue: the API asks the same permission module as the web UI.

Deny by default: every action an API view offers names its rule in `permission_actions`, or says
explicitly that it relies on the view's scoped queryset (`SCOPED`). A request that maps to no
entry is refused (403), and a method the view does not offer is answered 405. The system check
`api_permission_errors` refuses to start a project where an offered action has no entry or a
viewset action is named after an HTTP verb (which Django would call for that verb).
"""

from django.core import checks
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import access_for, can

HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})


class _Scoped:
    """Marker for an action any member may ask for: the view's queryset (`for_user`, or the
    user's own objects) decides what they reach, and objects outside it give 404."""

    def __repr__(self):
        return "SCOPED"


SCOPED = _Scoped()


def action_name(request, view):
    """The key `permission_actions` is looked up by: the viewset action, else the HTTP method
    (HEAD asks as GET)."""
    if hasattr(view, "action_map"):
        return getattr(view, "action", None)
    method = request.method.lower()
    return "get" if method == "head" else method


def _offered(request, view):
    method = request.method.lower()
    return method in view.http_method_names and hasattr(view, method)


class ReadOnlyToken(PermissionDenied):
    default_detail = _("This API token may only read: it cannot change anything.")
    default_code = "read_only_token"


def check_token_scope(request):
    """A personal API token that may only read is refused every write, whatever the door and
    whatever its person may do. (Sessions and moderating tokens act with the person's own
    permissions, which the rules decide.)"""
    may_write = getattr(request.auth, "may_write", True)
    if request.method not in SAFE_METHODS and not may_write:
        raise ReadOnlyToken()


class IsStaffMember(BasePermission):
    """Signed in and part of the organisation (or a superuser)."""

    def has_permission(self, request, view):
        if not _offered(request, view):
            raise MethodNotAllowed(request.method)
        access = access_for(request.user)
        if not access.is_authenticated:
            # Counted before refused (DRF throttles only after the permissions), so callers
            # without credentials cannot knock on every door at any rate.
            view.check_throttles(request)
        if access.is_member:
            check_token_scope(request)
        return access.is_member


class ActionPermission(IsStaffMember):
    """Checks `view.permission_actions[action]` (a permission-module action, or `SCOPED`),
    for the collection and again per object.

    E.g. `{"list": SCOPED, "retrieve": SCOPED, "approve": "channels.approve_request"}`. OPTIONS
    (the description of the endpoint) is open to every member.
    """

    def _rule(self, request, view):
        return getattr(view, "permission_actions", {}).get(action_name(request, view))

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method == "OPTIONS":
            return True
        rule = self._rule(request, view)
        if rule is None:
            return False
        # Asked without an object, a rule answers "may the user do this to anything at all";
        # detail actions are then asked again for the object itself.
        return rule is SCOPED or can(request.user, rule)

    def has_object_permission(self, request, view, obj):
        if request.method == "OPTIONS":
            return True
        rule = self._rule(request, view)
        if rule is None:
            return False
        return rule is SCOPED or can(request.user, rule, obj)


def _api_views(resolver=None):
    """Every DRF view the URLconf routes to, with the viewset actions of its route."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry)
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "cls", None)
            # The schema and docs views belong to drf-spectacular and are public by its setting.
            if (
                view_class is not None
                and hasattr(view_class, "permission_classes")
                and not view_class.__module__.startswith("drf_spectacular")
            ):
                yield view_class, getattr(entry.callback, "actions", None)


def api_permission_errors(views):
    """Problems with the API views' permissions: `views` yields (view class, viewset actions
    or None for a plain APIView)."""
    errors = []
    seen = set()
    for view_class, actions in views:
        name = f"{view_class.__module__}.{view_class.__qualname__}"
        if actions is not None:
            for extra in view_class.get_extra_actions():
                if extra.__name__ in HTTP_VERBS and ("verb", name, extra.__name__) not in seen:
                    seen.add(("verb", name, extra.__name__))
                    errors.append(
                        checks.Error(
                            f"{name}.{extra.__name__} is named after an HTTP verb: Django "
                            f"would run it for every {extra.__name__.upper()} request.",
                            hint="Rename the method and keep the address with url_path.",
                            obj=view_class,
                            id="governance.E101",
                        )
                    )
            offered = [
                action
                for method, action in actions.items()
                if method in view_class.http_method_names
            ]
        else:
            offered = [
                method
                for method in view_class.http_method_names
                if method not in ("head", "options") and hasattr(view_class, method)
            ]
        permission_classes = view_class.permission_classes
        if not any(issubclass(cls, ActionPermission) for cls in permission_classes):
            if (name, None) not in seen:
                seen.add((name, None))
                errors.append(
                    checks.Error(
                        f"{name} does not check its actions with ActionPermission.",
                        obj=view_class,
                        id="governance.E102",
                    )
                )
            continue
        rules = getattr(view_class, "permission_actions", {})
        for action in offered:
            if action not in rules and (name, action) not in seen:
                seen.add((name, action))
                errors.append(
                    checks.Error(
                        f"{name} offers {action!r} without a rule in permission_actions.",
                        hint="Name its permission rule, or SCOPED if the queryset decides.",
                        obj=view_class,
                        id="governance.E103",
                    )
                )
    return errors


def check_api_permissions(app_configs=None, **kwargs):
    return api_permission_errors(_api_views())
