from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from django.core import checks

        from . import rules, signals  # noqa: F401
        from .permissions.api import check_api_permissions

        checks.register(check_api_permissions, checks.Tags.urls)
