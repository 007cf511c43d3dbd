"""Regulator pages under portal/ (DPO and auditor) and the customer's upcoming notice changes under me/."""

from django.urls import path

from regulator import views

app_name = "regulator"

urlpatterns = [
    path("portal/customers/<uuid:pk>/proof-bundle/", views.proof_bundle, name="proof_bundle"),
    path("portal/breaches/", views.breach_list, name="breach_list"),
    path("portal/breaches/new/", views.breach_new, name="breach_new"),
    path("portal/breaches/<uuid:pk>/", views.breach_detail, name="breach_detail"),
    path("portal/breaches/<uuid:pk>/edit/", views.breach_edit, name="breach_edit"),
    path("portal/breaches/<uuid:pk>/notify/", views.breach_notify, name="breach_notify"),
    path("portal/breaches/<uuid:pk>/customers/", views.breach_customers, name="breach_customers"),
    path("portal/breaches/<uuid:pk>/customers/job/", views.breach_mailing, name="breach_mailing"),
    path("portal/breaches/<uuid:pk>/customers/job/progress/", views.breach_mailing_progress,
         name="breach_mailing_progress"),
    path("portal/breaches/<uuid:pk>/customers/job/cancel/", views.breach_mailing_cancel,
         name="breach_mailing_cancel"),
    path(
        "portal/breaches/<uuid:pk>/customers/decline/",
        views.breach_customers_decline,
        name="breach_customers_decline",
    ),
    path("portal/breaches/<uuid:pk>/close/", views.breach_close, name="breach_close"),
    path("portal/breaches/<uuid:pk>/phases/<int:phase>/", views.breach_phase, name="breach_phase"),
    path(
        "portal/breaches/<uuid:pk>/phases/<int:phase>/reference/",
        views.breach_phase_reference,
        name="breach_phase_reference",
    ),
    path("portal/dossiers/", views.dossier_list, name="dossier_list"),
    path("portal/dossiers/sync/", views.dossiers_sync, name="dossiers_sync"),
    path("portal/dossiers/<uuid:pk>/", views.dossier_detail, name="dossier_detail"),
    path("portal/dossiers/<uuid:pk>/edit/", views.dossier_edit, name="dossier_edit"),
    path("portal/dossiers/<uuid:pk>/file/", views.dossier_file, name="dossier_file"),
    path("portal/processing-record/", views.processing_record, name="processing_record"),
    path("portal/processing-record/review/", views.record_review, name="record_review"),
    path("portal/recipients/<int:pk>/transfers/", views.recipient_transfers, name="recipient_transfers"),
    path("portal/processing-record/<slug:code>/edit/", views.activity_edit, name="activity_edit"),
    path("portal/notice-announcements/", views.announcement_list, name="announcement_list"),
    path(
        "portal/notice-announcements/notices/<int:pk>/schedule/",
        views.announcement_schedule,
        name="announcement_schedule",
    ),
    path("portal/notice-announcements/<uuid:pk>/send/", views.announcement_send, name="announcement_send"),
    path("portal/notice-announcements/<uuid:pk>/retry/", views.announcement_retry, name="announcement_retry"),
    path("me/notice-changes/", views.me_notice_changes, name="me_notice_changes"),
]
