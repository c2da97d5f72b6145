from django.urls import path

from . import views

app_name = "listening"

urlpatterns = [
    path("", views.ListeningView.as_view(), name="overview"),
    path("streams/new/", views.StreamFormView.as_view(), name="stream-create"),
    path("streams/<int:pk>/edit/", views.StreamFormView.as_view(), name="stream-edit"),
    path("hits/<int:pk>/promote/", views.PromoteView.as_view(), name="hit-promote"),
]
