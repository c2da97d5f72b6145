from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
]
