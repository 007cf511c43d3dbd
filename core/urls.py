from django.contrib.auth import views as auth_views
from django.urls import path

from core import jobs_views, tokens_views, views
from core.security import views as security_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", security_views.otp_verify, name="otp_verify"),
    path("accounts/2fa/setup/", security_views.otp_enrol, name="otp_enrol"),
    path("portal/sign-in-security/", security_views.sign_in_security, name="sign_in_security"),
    path("portal/sign-in-security/unlock/", security_views.sign_in_unlock, name="sign_in_unlock"),
    path("portal/sign-in-security/<int:user_id>/reset-2fa/", security_views.sign_in_reset_otp,
         name="sign_in_reset_otp"),
    path("portal/", views.dashboard, name="dashboard"),
    path("portal/customers/", views.customer_lookup, name="customer_lookup"),
    path("portal/customers/new/", views.customer_create, name="customer_create"),
    path("portal/customers/<uuid:pk>/", views.customer_detail, name="customer_detail"),
    path(
        "portal/customers/<uuid:pk>/relationship-end/",
        views.customer_relationship_end,
        name="customer_relationship_end",
    ),
    path("portal/outbox/parked/", jobs_views.outbox_parked_list, name="outbox_parked"),
    path("portal/outbox/parked/<uuid:pk>/retry/", jobs_views.outbox_parked_retry, name="outbox_retry"),
    path("portal/schedules/", jobs_views.schedule_settings, name="schedules"),
    path("portal/tokens/", tokens_views.token_list_page, name="tokens"),
    path("portal/tokens/<int:pk>/revoke/", tokens_views.token_revoke_page, name="token_revoke"),
    path("me/", views.me_home, name="me_home"),
    path("me/language/", views.me_language, name="me_language"),
]
