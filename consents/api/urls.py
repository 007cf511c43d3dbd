"""Consents API under /api/v1/: the contract's purposes/, consents/, withdraw and consent-check/, and more."""

from django.urls import path

from consents.api import catalogue, checks, feed, reports, views

urlpatterns = [
    path("purposes/", catalogue.PurposeListCreateView.as_view(), name="purpose-list"),
    path("purposes/<slug:code>/", catalogue.PurposeDetailView.as_view(), name="purpose-detail"),
    path("purposes/<slug:code>/notices/", catalogue.PurposeNoticeView.as_view(), name="purpose-notices"),
    path("recipients/", catalogue.RecipientListCreateView.as_view(), name="recipient-list"),
    path("recipients/<int:pk>/end/", catalogue.RecipientEndView.as_view(), name="recipient-end"),
    path("consents/", views.ConsentListCreateView.as_view(), name="consent-list"),
    path("consents/withdraw/", views.SubjectWithdrawView.as_view(), name="consent-subject-withdraw"),
    path("consents/<uuid:pk>/", views.ConsentDetailView.as_view(), name="consent-detail"),
    path("consents/<uuid:pk>/withdraw/", views.ConsentWithdrawView.as_view(), name="consent-withdraw"),
    path("consents/<uuid:pk>/void/", views.ConsentVoidView.as_view(), name="consent-void"),
    path("consents/<uuid:pk>/receipt/", views.ConsentReceiptView.as_view(), name="consent-receipt"),
    path("consent-check/", checks.ConsentCheckView.as_view(), name="consent-check"),
    path("consent-check/bulk/", checks.ConsentCheckBulkView.as_view(), name="consent-check-bulk"),
    path("consent-check/changes/", checks.ConsentCheckChangesView.as_view(), name="consent-check-changes"),
    path("consent-feed/", feed.ConsentFeedView.as_view(), name="consent-feed"),
    path("consent-feed/applied/", feed.ConsentFeedAppliedView.as_view(), name="consent-feed-applied"),
    path("consent-imports/", catalogue.ConsentImportView.as_view(), name="consent-import"),
    path("reports/consents/", reports.ConsentReportView.as_view(), name="report-consents"),
    path("withdrawal-duties/", catalogue.DutyListView.as_view(), name="withdrawal-duty-list"),
    path(
        "withdrawal-duties/<uuid:pk>/acknowledge/",
        catalogue.DutyAcknowledgeView.as_view(),
        name="withdrawal-duty-ack",
    ),
]
