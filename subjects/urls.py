from django.urls import path

from subjects import views

app_name = "subjects"

urlpatterns = [
    path("portal/customers/", views.customer_lookup, name="customer_lookup"),
    path("portal/customers/new/", views.customer_create, name="customer_create"),
    path("portal/customers/<uuid:pk>/", views.customer_detail, name="customer_detail"),
    path("portal/customers/<uuid:pk>/relationship-end/", views.customer_relationship_end,
         name="customer_relationship_end"),
    path("portal/customers/<uuid:pk>/guardian-verification/", views.guardian_verify, name="guardian_verify"),
    path("portal/customers/<uuid:pk>/representatives/", views.representatives, name="representatives"),
    path("portal/customers/<uuid:pk>/representatives/<uuid:representative_pk>/revoke/",
         views.representative_revoke_page, name="representative_revoke"),
]
