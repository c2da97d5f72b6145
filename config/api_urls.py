"""The JSON API under /api/v1/: each app contributes its routes from its `api.py`.

An app's `api.py` may define `register(router)` to add viewsets to the shared router and
`urlpatterns` for plain API views.
"""

from importlib import import_module

from django.apps import apps
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
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
