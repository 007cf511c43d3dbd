"""Regulator API under /api/v1/ (DPO writes; DPO and auditor read)."""

from django.urls import path

from regulator.api import breaches, proof_bundles, views

urlpatterns = [
    path("breaches/", breaches.BreachListCreateView.as_view(), name="breach-list"),
    path("breaches/<uuid:pk>/", breaches.BreachDetailView.as_view(), name="breach-detail"),
    path("breaches/<uuid:pk>/notifications/", breaches.BreachNotifyView.as_view(), name="breach-notify"),
    path(
        "breaches/<uuid:pk>/notifications/<int:phase>/",
        breaches.BreachPhaseDocumentView.as_view(),
        name="breach-phase",
    ),
    path(
        "breaches/<uuid:pk>/notify-customers/",
        breaches.BreachCustomersView.as_view(),
        name="breach-customers",
    ),
    path(
        "breaches/<uuid:pk>/decline-customer-notice/",
        breaches.BreachCustomersDeclineView.as_view(),
        name="breach-customers-decline",
    ),
    path("breaches/<uuid:pk>/close/", breaches.BreachCloseView.as_view(), name="breach-close"),
    path(
        "subjects/<uuid:pk>/proof-bundle/",
        proof_bundles.ProofBundleView.as_view(),
        name="subject-proof-bundle",
    ),
    path("dossiers/", views.DossierListView.as_view(), name="dossier-list"),
    path("dossiers/sync/", views.DossierSyncView.as_view(), name="dossier-sync"),
    path("dossiers/<uuid:pk>/", views.DossierDocumentView.as_view(), name="dossier-document"),
    path("dossiers/<uuid:pk>/versions/", views.DossierVersionView.as_view(), name="dossier-version"),
    path("dossiers/<uuid:pk>/file/", views.DossierFileView.as_view(), name="dossier-file"),
    path("processing-record/", views.ProcessingRecordView.as_view(), name="processing-record"),
    path("processing-activities/<slug:code>/", views.ActivityView.as_view(), name="processing-activity"),
    path(
        "notice-announcements/", views.AnnouncementListCreateView.as_view(), name="notice-announcement-list"
    ),
    path(
        "notice-announcements/<uuid:pk>/send/",
        views.AnnouncementSendView.as_view(),
        name="notice-announcement-send",
    ),
    path(
        "notice-announcements/<uuid:pk>/retry/",
        views.AnnouncementRetryView.as_view(),
        name="notice-announcement-retry",
    ),
]
