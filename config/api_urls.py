"""The JSON API under /api/v1/: each app contributes its routes from its `api.py`.

An app's `api.py` may define `register(router)` to add viewsets to the shared router and
`urlpatterns` for plain API views.
"""

from importlib import import_module

from django.apps import apps
from rest_framework.routers import APIRootView, DefaultRouter

from core.permissions.api import SCOPED


class RootView(APIRootView):
    """The list of the API's collections, for any member of the organisation."""

    permission_actions = {"get": SCOPED}


class Router(DefaultRouter):
    APIRootView = RootView


router = Router()
urlpatterns = []

for _config in apps.get_app_configs():
    try:
        _module = import_module(f"{_config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{_config.name}.api":
            raise
        continue
    if hasattr(_module, "register"):
        _module.register(router)
    urlpatterns += getattr(_module, "urlpatterns", [])

urlpatterns += router.urls
