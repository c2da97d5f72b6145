"""The ambassador programme, under /guidelines/ambassadors/."""

from django.urls import path

from . import views

app_name = "ambassadors"

urlpatterns = [
    path("", views.ProgrammeView.as_view(), name="programme"),
    path("join/", views.JoinView.as_view(), name="join"),
    path("leave/", views.LeaveView.as_view(), name="leave"),
    path("mine/", views.MySignUpView.as_view(), name="mine"),
    path("guides/<int:pk>/", views.GuideView.as_view(), name="guide"),
    path("courses/<int:pk>/", views.CourseView.as_view(), name="course"),
    path("courses/<int:pk>/sign-up/", views.SignUpView.as_view(), name="sign-up"),
    path("courses/<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("manage/guides/new/", views.GuideEditView.as_view(), name="guide-create"),
    path("manage/guides/<int:pk>/edit/", views.GuideEditView.as_view(), name="guide-edit"),
    path("manage/courses/new/", views.CourseEditView.as_view(), name="course-create"),
    path("manage/courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="course-edit"),
]
