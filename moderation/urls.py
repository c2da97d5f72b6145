"""Routes of the moderation pages: the queue, items and their actions, forwarded questions,
notifications, crisis mode, records, the audit log and the on-duty rota."""

from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("counts/", views.QueueCountsView.as_view(), name="queue-counts"),
    path("bulk/", views.QueueBulkView.as_view(), name="queue-bulk"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("items/<int:pk>/presence/", views.ItemPresenceView.as_view(), name="item-presence"),
    path("items/<int:pk>/<slug:action>/", views.ItemActionView.as_view(), name="item-action"),
    path("forwarded/", views.ForwardedView.as_view(), name="forwarded"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("notifications/unread/", views.UnreadView.as_view(), name="notifications-unread"),
    path("crisis/", views.CrisisView.as_view(), name="crisis"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record-detail"),
    path("records/<int:pk>/pdf/", views.RecordPdfView.as_view(), name="record-pdf"),
    path(
        "records/<int:pk>/as-written/",
        views.RecordAsWrittenView.as_view(),
        name="record-as-written",
    ),
    path("records/<int:pk>/export/", views.RecordExportView.as_view(), name="record-export"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("rota/", views.RotaView.as_view(), name="rota"),
    path("rota/absences/", views.AbsenceAddView.as_view(), name="rota-absence-add"),
    path(
        "rota/absences/<int:pk>/delete/",
        views.AbsenceRemoveView.as_view(),
        name="rota-absence-remove",
    ),
    path("rota/new/", views.RotaCreateView.as_view(), name="rota-create"),
    path("rota/<int:pk>/turns/", views.RotaTurnsView.as_view(), name="rota-turns"),
    path("rota/<int:pk>/members/", views.RotaMemberAddView.as_view(), name="rota-member-add"),
    path(
        "rota/members/<int:pk>/remove/",
        views.RotaMemberRemoveView.as_view(),
        name="rota-member-remove",
    ),
    path(
        "rota/members/<int:pk>/deputy/",
        views.RotaDeputyView.as_view(),
        name="rota-member-deputy",
    ),
    path(
        "rota/members/<int:pk>/move/",
        views.MemberMoveView.as_view(),
        name="rota-member-move",
    ),
]
