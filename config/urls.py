from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.csp import content_security_policy
from governance.settings_views import AcceptInvitationView
from governance.views import DashboardView

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("auth/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("channels/", include("accounts.urls")),
    path("moderation/", include("moderation.urls")),
    path("governance/", include("governance.urls")),
    path("guidelines/ambassadors/", include("ambassadors.urls")),
    path("guidelines/", include("governance.guideline_urls")),
    path("settings/", include("governance.settings_urls")),
    path("invitation/<str:key>/", AcceptInvitationView.as_view(), name="invitation-accept"),
    path("profile/", include("governance.profile_urls")),
    path("strategy/", include("strategy.urls")),
    path("listening/", include("listening.urls")),
    path("webhooks/", include("moderation.webhook_urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL instead of inline; Swagger UI's page
    # carries a <style> block and its React code writes style attributes, hence the exception.
    path(
        "api/docs/",
        content_security_policy(style_src="'self' 'unsafe-inline'")(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

# JSON under /api/, the site's pages elsewhere.
handler404 = "core.api_errors.page_not_found"
handler500 = "core.api_errors.server_error"

admin.site.site_header = "Social media governance"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
