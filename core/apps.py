from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure every app uses: permissions, append-only tables, the API's errors,
    parsers and throttles, accepted dates, CSV export, the Content-Security-Policy, Markdown,
    system checks and test helpers. It holds no models of its own."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.core import checks as django_checks

        from . import append_only, checks  # noqa: F401  (registers the checks, the flush guard)
        from .permissions.api import check_api_permissions

        django_checks.register(check_api_permissions, django_checks.Tags.urls)
