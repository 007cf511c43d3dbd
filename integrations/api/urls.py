"""The integrations API under /api/v1/: webhook endpoints and their delivery log."""
from django.urls import path

from integrations.api import views

urlpatterns = [
    path("webhook-endpoints/", views.EndpointListCreateView.as_view(), name="webhook-endpoint-list"),
    path("webhook-endpoints/<int:pk>/", views.EndpointDetailView.as_view(), name="webhook-endpoint-detail"),
    path("webhook-endpoints/<int:pk>/rotate-secret/", views.EndpointRotateSecretView.as_view(),
         name="webhook-endpoint-rotate"),
    path("webhook-endpoints/<int:pk>/test/", views.EndpointTestView.as_view(), name="webhook-endpoint-test"),
    path("webhook-endpoints/<int:pk>/deliveries/", views.EndpointDeliveriesView.as_view(),
         name="webhook-endpoint-deliveries"),
    path("webhook-endpoints/<int:pk>/deliveries/<uuid:message_id>/redeliver/",
         views.EndpointRedeliverView.as_view(), name="webhook-endpoint-redeliver"),
    path("jobs/<uuid:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/cancel/", views.JobCancelView.as_view(), name="job-cancel"),
]
