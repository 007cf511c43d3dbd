"""How django-oauth-toolkit learns the platform's rules for third-party access.

- the server: authorisation code with PKCE (S256 only) and refresh tokens, nothing else: no implicit
  flow, no password grant, no client credentials, so customer data is read on a customer's
  authorisation only;
- scopes: a third party may ask only for the data scopes the DPO registered for it (anything else is
  `invalid_scope`), and there are no scopes beyond the read-only data catalogue;
- a code is exchanged, and a refresh token used, only while the authorisation the customer gave
  that third party is ACTIVE and unexpired: a pause, a revocation, the end of the term or the one read
  of a one-time authorisation (used) stops them. A daily limit reached does not: a token reads nothing
  by itself, and introspection answers inactive until the bank's midnight (`token_introspect`).
"""

from __future__ import annotations

from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauthlib.oauth2 import WebApplicationServer
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    AuthorizationCodeGrant,
    code_challenge_method_s256,
)

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


class S256AuthorizationCodeGrant(AuthorizationCodeGrant):
    # RFC 9700 2.1.1: "plain" PKCE protects nothing once the challenge leaks; refuse it up front, on
    # the consent screen's first request, rather than after the customer has approved.
    _code_challenge_methods = {"S256": code_challenge_method_s256}


class ThirdPartyServer(WebApplicationServer):
    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        self.auth_grant = S256AuthorizationCodeGrant(request_validator)
        self._response_types["code"] = self.auth_grant
        self._grant_types["authorization_code"] = self.auth_grant
