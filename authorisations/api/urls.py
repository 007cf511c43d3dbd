"""Third-party access API under /api/v1/: the contract's third-parties/ and authorisations/, and more."""

from django.urls import path

from authorisations.api import views

urlpatterns = [
    path("third-parties/", views.ThirdPartyListCreateView.as_view(), name="third-party-list"),
    path("third-parties/<uuid:pk>/status/", views.ThirdPartyStatusView.as_view(), name="third-party-status"),
    path(
        "third-parties/<uuid:pk>/rotate-secret/",
        views.ThirdPartySecretRotateView.as_view(),
        name="third-party-rotate-secret",
    ),
    path("authorisations/", views.AuthorisationListView.as_view(), name="authorisation-list"),
    path("authorisations/<uuid:pk>/", views.AuthorisationDetailView.as_view(), name="authorisation-detail"),
    path(
        "authorisations/<uuid:pk>/revoke/",
        views.AuthorisationRevokeView.as_view(),
        name="authorisation-revoke",
    ),
    path(
        "authorisations/<uuid:pk>/receipt/",
        views.AuthorisationReceiptView.as_view(),
        name="authorisation-receipt",
    ),
    path(
        "authorisations/<uuid:pk>/accesses/",
        views.AccessListReportView.as_view(),
        name="authorisation-accesses",
    ),
    path(
        "authorisations/<uuid:pk>/reads/",
        views.AccessClaimView.as_view(),
        name="authorisation-read-claim",
    ),
]
