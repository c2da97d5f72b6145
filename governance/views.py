"""The dashboard: the first screen after login, made of the apps' panels."""

from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin

from .dashboard import collect_panels


class DashboardView(ActionRequiredMixin, TemplateView):
    template_name = "governance/dashboard.html"
    permission_action = "governance.view_dashboard"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = collect_panels(self.request)
        return context
