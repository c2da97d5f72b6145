"""Mounted at /governance/. The governance pages (namespace "governance") live under
/guidelines/, in `governance.guideline_urls`, so the reading view has the short address staff
link to from the intranet. Here: the settings pages for running the municipality (opening hours,
closing days, canned answers, alert destinations) and each person's own notification choice."""

from django.urls import path

from moderation import views as moderation_views

from . import views_settings as settings_views

urlpatterns: list = [
    path("settings/hours/", settings_views.HoursView.as_view(), name="settings-hours"),
    path("settings/hours/week/", settings_views.WeekSaveView.as_view(), name="settings-week"),
    path(
        "settings/hours/seasons/",
        settings_views.SeasonSaveView.as_view(),
        name="settings-season",
    ),
    path(
        "settings/hours/closing-days/",
        settings_views.ClosingDayAddView.as_view(),
        name="settings-closing-day-add",
    ),
    path(
        "settings/hours/closing-days/<int:pk>/",
        settings_views.ClosingDayEditView.as_view(),
        name="settings-closing-day-edit",
    ),
    path(
        "settings/hours/closing-days/<int:pk>/remove/",
        settings_views.ClosingDayRemoveView.as_view(),
        name="settings-closing-day-remove",
    ),
    path(
        "settings/hours/preview/",
        settings_views.PreviewView.as_view(),
        name="settings-hours-preview",
    ),
    path(
        "settings/canned-answers/",
        moderation_views.CannedAnswersView.as_view(),
        name="settings-canned-answers",
    ),
    path(
        "settings/canned-answers/<int:pk>/",
        moderation_views.CannedAnswerEditView.as_view(),
        name="settings-canned-answer-edit",
    ),
    path(
        "settings/canned-answers/<int:pk>/delete/",
        moderation_views.CannedAnswerDeleteView.as_view(),
        name="settings-canned-answer-delete",
    ),
    path("settings/alerts/", moderation_views.AlertHooksView.as_view(), name="settings-alerts"),
    path(
        "settings/alerts/<int:pk>/",
        moderation_views.AlertHookEditView.as_view(),
        name="settings-alert-edit",
    ),
    path(
        "settings/alerts/<int:pk>/delete/",
        moderation_views.AlertHookDeleteView.as_view(),
        name="settings-alert-delete",
    ),
    path(
        "settings/alerts/<int:pk>/test/",
        moderation_views.AlertHookTestView.as_view(),
        name="settings-alert-test",
    ),
    path(
        "me/notifications/",
        settings_views.NotificationsPreferenceView.as_view(),
        name="me-notifications",
    ),
]
