from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("portal/outbox/parked/", views.outbox_parked_list, name="outbox_parked"),
    path("portal/outbox/parked/<uuid:pk>/retry/", views.outbox_parked_retry, name="outbox_retry"),
    path("portal/tokens/", views.token_list_page, name="tokens"),
    path("portal/tokens/<int:pk>/revoke/", views.token_revoke_page, name="token_revoke"),
]
