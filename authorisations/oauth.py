"""How django-oauth-toolkit learns the platform's rules for third-party access.

- scopes: a third party may ask only for the data scopes the DPO registered for it (anything else is
  `invalid_scope`), and there are no scopes beyond the read-only data catalogue;
- a code is exchanged, and a refresh token used, only while the authorisation the customer gave
  that third party is ACTIVE and unexpired: a pause, a revocation or the end of the term stops them.
"""

from __future__ import annotations

from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from authorisations.scopes import DATA_SCOPES
from authorisations.selectors import authorisation_live_for


class ThirdPartyScopes(BaseScopes):
    def get_all_scopes(self):
        return {code: str(label) for code, label in DATA_SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        third_party = getattr(application, "third_party", None) if application is not None else None
        return list(third_party.scopes) if third_party is not None else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        # No silent widening: a request that names no scope asks for nothing, and is refused.
        return []


class AuthorisationValidator(OAuth2Validator):
    def _authorised(self, request) -> bool:
        authorisation = authorisation_live_for(user=request.user, application=request.client)
        return authorisation is not None and authorisation.usable_at(timezone.now())

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        return super().validate_code(client_id, code, client, request, *args, **kwargs) and self._authorised(
            request
        )

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        return super().validate_refresh_token(
            refresh_token, client, request, *args, **kwargs
        ) and self._authorised(request)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        # Customer data is read on the customer's authorisation only: never with client credentials.
        if grant_type not in ("authorization_code", "refresh_token"):
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)
