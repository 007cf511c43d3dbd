"""How the API's two ways of signing in appear in the OpenAPI document (/api/schema/)."""
from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>`, issued with `manage.py issue_token USERNAME`."}


class VerifiedSessionScheme(SessionScheme):
    """The browser session (staff only after the two-factor step)."""

    target_class = "accounts.authentication.VerifiedSessionAuthentication"
