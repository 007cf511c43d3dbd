from django.urls import path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("portal/schedules/", views.schedule_settings, name="schedules"),
]
