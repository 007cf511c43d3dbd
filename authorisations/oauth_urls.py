"""The OAuth 2.0 endpoints at /oauth/ (outside the language prefixes: clients call fixed addresses)."""

from django.urls import path

from authorisations import oauth_views, views
from authorisations.api.views import IntrospectView

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.ConsentScreenView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", IntrospectView.as_view(), name="introspect"),
]
