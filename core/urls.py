from django.contrib.auth import views as auth_views
from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("portal/", views.dashboard, name="dashboard"),
    path("portal/customers/", views.customer_lookup, name="customer_lookup"),
    path("portal/customers/new/", views.customer_create, name="customer_create"),
    path("portal/customers/<uuid:pk>/", views.customer_detail, name="customer_detail"),
    path("me/", views.me_home, name="me_home"),
]
