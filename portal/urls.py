from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.dashboard, name="dashboard"),
    path("me/", views.me_home, name="me_home"),
    path("me/language/", views.me_language, name="me_language"),
]
