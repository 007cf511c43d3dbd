"""Authorisations pages: customer self-service under me/, the registry and revocation under portal/."""

from django.urls import path

from authorisations import staff_pages, views

app_name = "authorisations"

urlpatterns = [
    path("me/authorisations/", views.me_list, name="me_list"),
    path("me/authorisations/<uuid:pk>/revoke/", views.me_revoke, name="me_revoke"),
    path("me/authorisations/<uuid:pk>/pause/", views.me_pause, name="me_pause"),
    path("me/authorisations/<uuid:pk>/receipt/", views.me_receipt, name="me_receipt"),
    path("me/authorisations/<uuid:pk>/reads/", views.me_reads, name="me_reads"),
    path("portal/third-parties/", views.third_party_list, name="third_party_list"),
    path("portal/third-parties/new/", views.third_party_new, name="third_party_new"),
    path("portal/third-parties/<uuid:pk>/status/", views.third_party_status, name="third_party_status"),
    path("portal/third-parties/<uuid:pk>/secret/", views.third_party_secret, name="third_party_secret"),
    path("portal/authorisations/<uuid:pk>/revoke/", views.staff_revoke, name="staff_revoke"),
    path("portal/authorisations/<uuid:pk>/reads/", staff_pages.staff_reads, name="staff_reads"),
]
