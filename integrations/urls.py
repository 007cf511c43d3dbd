from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("portal/outbox/parked/", views.outbox_parked_list, name="outbox_parked"),
    path("portal/outbox/parked/<uuid:pk>/retry/", views.outbox_parked_retry, name="outbox_retry"),
    path("portal/tokens/", views.token_list_page, name="tokens"),
    path("portal/tokens/auditor/", views.token_auditor_issue_page, name="token_auditor_issue"),
    path("portal/tokens/<int:pk>/revoke/", views.token_revoke_page, name="token_revoke"),
    path("portal/webhooks/", views.webhook_list_page, name="webhooks"),
    path("portal/webhooks/<int:pk>/", views.webhook_detail_page, name="webhook"),
    path("portal/webhooks/<int:pk>/rotate/", views.webhook_rotate_page, name="webhook_rotate"),
    path("portal/webhooks/<int:pk>/test/", views.webhook_test_page, name="webhook_test"),
    path("portal/webhooks/<int:pk>/deliveries/<uuid:message_id>/redeliver/", views.webhook_redeliver_page,
         name="webhook_redeliver"),
]
