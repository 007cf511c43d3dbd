"""Customer pages: the in-app inbox and the choice of channels."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("me/notifications/", views.me_inbox, name="me_inbox"),
    path("me/notifications/read/", views.me_read_all, name="me_read_all"),
    path("me/notifications/<uuid:pk>/read/", views.me_read, name="me_read"),
    path("me/notifications/channels/", views.me_channels, name="me_channels"),
]
