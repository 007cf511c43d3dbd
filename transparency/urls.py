"""Transparency pages: public /privacy/, the customer's me/privacy/ and me/security/, the DPO's editor."""

from django.urls import path

from transparency import views

app_name = "transparency"

urlpatterns = [
    path("privacy/", views.public_privacy, name="public_privacy"),
    path("me/privacy/", views.me_privacy, name="me_privacy"),
    path("me/security/", views.me_security, name="me_security"),
    path("portal/customer-information/", views.portal_texts, name="portal_texts"),
    path("portal/customer-information/<slug:kind>/", views.portal_text_edit, name="portal_text_edit"),
]
