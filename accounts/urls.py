from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channel-list"),
    path("<int:pk>/", views.ChannelDetailView.as_view(), name="channel-detail"),
]
