"""The settings area, mounted at /settings/ (namespace "settings"). The invitation link itself
is at /invitation/<key>/ (config/urls.py): the invitee is not signed in yet."""

from django.urls import path

from moderation.views import rules as rule_views

from . import settings_views as views

app_name = "settings"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("municipality/", views.MunicipalityView.as_view(), name="municipality"),
    path("organisation/", views.UnitListView.as_view(), name="units"),
    path("organisation/new/", views.UnitCreateView.as_view(), name="unit-create"),
    path("organisation/<int:pk>/", views.UnitView.as_view(), name="unit"),
    path("organisation/<int:pk>/close/", views.UnitCloseView.as_view(), name="unit-close"),
    path("organisation/<int:pk>/reopen/", views.UnitReopenView.as_view(), name="unit-reopen"),
    path("topics/", views.TopicsView.as_view(), name="topics"),
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/invite/", views.InviteView.as_view(), name="invite"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
    path(
        "people/<int:pk>/deactivate/",
        views.PersonDeactivateView.as_view(),
        name="person-deactivate",
    ),
    path(
        "people/<int:pk>/reactivate/",
        views.PersonReactivateView.as_view(),
        name="person-reactivate",
    ),
    path("roles/<int:pk>/remove/", views.MembershipRemoveView.as_view(), name="membership-remove"),
    path("rules/", rule_views.RulesView.as_view(), name="rules"),
    path("rules/new/", rule_views.RuleCreateView.as_view(), name="rule-create"),
    path("rules/dry-run/", rule_views.DryRunView.as_view(), name="rule-dry-run"),
    path("rules/<int:pk>/", rule_views.RuleEditView.as_view(), name="rule"),
    path("rules/<int:pk>/history/", rule_views.RuleHistoryView.as_view(), name="rule-history"),
    path("rules/<int:pk>/<slug:step>/", rule_views.RuleStepView.as_view(), name="rule-step"),
    path("rules/labels/", rule_views.LabelCreateView.as_view(), name="label-create"),
    path(
        "rules/labels/<int:pk>/delete/",
        rule_views.LabelDeleteView.as_view(),
        name="label-delete",
    ),
    path(
        "invitations/<int:pk>/withdraw/",
        views.InvitationWithdrawView.as_view(),
        name="invitation-withdraw",
    ),
]
