from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from django.core import checks as django_checks

        from . import append_only, checks, rules, signals  # noqa: F401
        from .permissions.api import check_api_permissions

        django_checks.register(check_api_permissions, django_checks.Tags.urls)
