"""The governance app's pages, under /guidelines/: the staff reading view, the public house
rules, and the communications team's policy pages."""

from django.urls import path

from . import views_guidelines as guidelines
from . import views_policy as policy
from .feeds import AdoptedVersionsFeed

app_name = "governance"

urlpatterns = [
    path("", guidelines.GuidelinesView.as_view(), name="guidelines"),
    path("changes/", guidelines.GuidelineChangesView.as_view(), name="guidelines-changes"),
    path("confirm/", guidelines.ConfirmReadingView.as_view(), name="guidelines-confirm"),
    path("readers/", guidelines.ReadStatusView.as_view(), name="guidelines-readers"),
    path(
        "readers/<int:unit_id>/remind/",
        guidelines.RemindReadersView.as_view(),
        name="guidelines-remind",
    ),
    path("embed/", guidelines.GuidelinesEmbedView.as_view(), name="guidelines-embed"),
    path("feed/", AdoptedVersionsFeed(), name="guidelines-feed"),
    path("house-rules/", guidelines.house_rules_default, name="house-rules-default"),
    path("house-rules/<str:language>/", guidelines.HouseRulesView.as_view(), name="house-rules"),
    path("policies/", policy.PolicyListView.as_view(), name="policy-list"),
    path("policies/new/", policy.PolicyCreateView.as_view(), name="policy-create"),
    path("policies/<int:pk>/", policy.PolicyDetailView.as_view(), name="policy-detail"),
    path("policies/<int:pk>/draft/", policy.StartDraftView.as_view(), name="policy-start-draft"),
    path("versions/<int:pk>/", policy.VersionEditView.as_view(), name="version-edit"),
    path("versions/<int:pk>/adopt/", policy.AdoptVersionView.as_view(), name="version-adopt"),
    path("settings/", policy.GuidelineSettingsView.as_view(), name="guideline-settings"),
]
