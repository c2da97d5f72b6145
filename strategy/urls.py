"""Purposes, goals, yearly themes and the annual plan of the municipality's channels."""

from django.urls import path

from . import post_views, views

app_name = "strategy"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("channels/<int:pk>/edit/", views.ChannelStrategyEditView.as_view(), name="channel-edit"),
    path("goals/new/", views.GoalCreateView.as_view(), name="goal-create"),
    path("goals/<int:pk>/", views.GoalDetailView.as_view(), name="goal-detail"),
    path("goals/<int:pk>/edit/", views.GoalUpdateView.as_view(), name="goal-edit"),
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("plan/calendar.ics", views.PlanCalendarView.as_view(), name="plan-ics"),
    path("plan/themes/new/", views.ThemeCreateView.as_view(), name="theme-create"),
    path("plan/themes/<int:pk>/edit/", views.ThemeUpdateView.as_view(), name="theme-edit"),
    path("plan/items/new/", views.PlanItemCreateView.as_view(), name="plan-item-create"),
    path("plan/items/<int:pk>/edit/", views.PlanItemUpdateView.as_view(), name="plan-item-edit"),
    path("posts/", post_views.PostListView.as_view(), name="posts"),
    path("posts/new/", post_views.PostCreateView.as_view(), name="post-create"),
    path("posts/calendar/", post_views.PostCalendarView.as_view(), name="post-calendar"),
    path(
        "posts/pictures/<uuid:key>/",
        post_views.PostPictureView.as_view(),
        name="post-picture",
    ),
    path("posts/<int:pk>/", post_views.PostDetailView.as_view(), name="post-detail"),
    path("posts/<int:pk>/edit/", post_views.PostEditView.as_view(), name="post-edit"),
    path(
        "posts/<int:pk>/picture/",
        post_views.PostPicturePreviewView.as_view(),
        name="post-picture-preview",
    ),
    *[
        path(
            f"posts/<int:pk>/{step.replace('_', '-')}/",
            post_views.PostStepView.as_view(step=step),
            name=f"post-{step.replace('_', '-')}",
        )
        for step in (
            "submit",
            "approve",
            "reject",
            "schedule",
            "comment",
            "publish_now",
            "retry",
            "delete",
        )
    ],
    path("own-posts/", views.OwnPostsView.as_view(), name="own-posts"),
    path("own-posts/<int:pk>/share/", views.ShareMarkView.as_view(), name="own-post-share"),
    path("reports/", views.ReportsView.as_view(), name="reports"),
    path(
        "reports/answer-times/",
        views.AnswerTimesReportView.as_view(),
        name="report-answer-times",
    ),
    path("reports/removals/", views.RemovalsReportView.as_view(), name="report-removals"),
    path("reports/labels/", views.LabelsReportView.as_view(), name="report-labels"),
    path("reports/volume/", views.VolumeReportView.as_view(), name="report-volume"),
    path("reports/pages/", views.PagesReportView.as_view(), name="report-pages"),
    path("reports/goals/", views.GoalsReportView.as_view(), name="report-goals"),
    path("reports/council/", views.CouncilReportView.as_view(), name="report-council"),
]
