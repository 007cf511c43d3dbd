"""Consents pages: customer self-service under me/, staff and DPO pages under portal/."""

from django.urls import path

from consents import views

app_name = "consents"

urlpatterns = [
    path("me/consents/", views.me_consents, name="me_consents"),
    path("me/consents/<uuid:pk>/receipt/", views.me_receipt, name="me_receipt"),
    path("me/consents/<slug:code>/", views.me_consent_set, name="me_consent_set"),
    path("me/consents/<slug:code>/confirm/", views.me_consent_confirm, name="me_consent_confirm"),
    path("me/consents/<slug:code>/withdraw/", views.me_withdraw, name="me_withdraw"),
    path("portal/customers/<uuid:pk>/consents/new/", views.staff_grant, name="staff_grant"),
    path("portal/customers/<uuid:pk>/consents/recorded/", views.staff_recorded, name="staff_recorded"),
    path("portal/customers/<uuid:pk>/consents/as-of/", views.staff_as_of, name="staff_as_of"),
    path("portal/consents/<uuid:pk>/withdraw/", views.staff_withdraw, name="staff_withdraw"),
    path("portal/consents/<uuid:pk>/void/", views.staff_void, name="staff_void"),
    path("portal/consents/<uuid:pk>/receipt/", views.staff_receipt, name="staff_receipt"),
    path("portal/consents/import/", views.consent_import, name="import"),
    path("portal/consents/import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("portal/consents/import/<uuid:job_id>/progress/", views.import_job_progress,
         name="import_job_progress"),
    path("portal/consents/import/<uuid:job_id>/cancel/", views.import_job_cancel, name="import_job_cancel"),
    path("portal/purposes/", views.purpose_list, name="purpose_list"),
    path("portal/purposes/new/", views.purpose_edit, name="purpose_new"),
    path("portal/purposes/<slug:code>/edit/", views.purpose_edit, name="purpose_edit"),
    path("portal/purposes/<slug:code>/notices/new/", views.notice_new, name="notice_new"),
    path("portal/purposes/<slug:code>/versions/", views.purpose_versions, name="purpose_versions"),
    path("portal/purposes/<slug:code>/ask-again/", views.purpose_ask_again, name="purpose_ask_again"),
    path("portal/recipients/", views.recipient_list, name="recipient_list"),
    path("portal/recipients/<int:pk>/english-name/", views.recipient_rename_en, name="recipient_rename_en"),
    path("portal/recipients/<int:pk>/reminders/", views.recipient_contact, name="recipient_contact"),
    path("portal/recipients/<int:pk>/end/", views.recipient_end, name="recipient_end"),
    path("portal/reports/consents/", views.report, name="report"),
    path("portal/withdrawal-duties/", views.duty_list, name="duty_list"),
    path("portal/withdrawal-duties/<uuid:pk>/acknowledge/", views.duty_acknowledge, name="duty_acknowledge"),
    path("portal/withdrawal-duties/<uuid:pk>/late-reason/", views.duty_late_reason, name="duty_late_reason"),
]
