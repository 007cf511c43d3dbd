from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("accounts/session/", views.session_status, name="session_status"),
    path("accounts/2fa/", views.otp_verify, name="otp_verify"),
    path("accounts/2fa/setup/", views.otp_enrol, name="otp_enrol"),
    path("portal/sign-in-security/", views.sign_in_security, name="sign_in_security"),
    path("portal/sign-in-security/unlock/", views.sign_in_unlock, name="sign_in_unlock"),
    path("portal/sign-in-security/<int:user_id>/reset-2fa/", views.sign_in_reset_otp,
         name="sign_in_reset_otp"),
    path("portal/users/", views.user_list_page, name="users"),
    path("portal/users/<int:pk>/role/", views.user_role_page, name="user_role"),
]
