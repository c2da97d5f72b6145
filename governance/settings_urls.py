"""The settings area, mounted at /settings/ (namespace "settings"). The invitation link itself
is at /invitation/<key>/ (config/urls.py): the invitee is not signed in yet."""

from django.urls import path

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
    path(
        "invitations/<int:pk>/withdraw/",
        views.InvitationWithdrawView.as_view(),
        name="invitation-withdraw",
    ),
]
