"""The toolkit's token and revocation endpoints behind a budget of failed client authentications.

Each wrong client secret costs the slow password hash (PBKDF2, a million rounds: about half a second of
a web worker's CPU), and a client_id is public (it is in every authorisation URL). So a client_id, and
a caller's address (as the API's throttles read it, behind TRUSTED_PROXY_COUNT proxies), may fail
authentication only so often (`oauth_client`, `oauth_address` in DEFAULT_THROTTLE_RATES); once either
budget is spent the endpoint answers 429 before the secret is hashed. Only failures count, so a third
party's busy but correct traffic is never refused (docs/security.md, "Throttling").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from urllib.parse import unquote_plus

from django.http import JsonResponse
from django.utils.translation import gettext as _
from oauth2_provider import views as oauth_views

from integrations.api.throttling import FailureRateThrottle

# The toolkit answers a client that failed to authenticate (a wrong secret, an unknown client) so.
AUTHENTICATION_FAILED = 401


def _client_id(request) -> str:
    """The client_id the caller authenticates as: in HTTP Basic credentials or in the form."""
    scheme, _space, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return unquote_plus(decoded.partition(":")[0])
    return request.POST.get("client_id", "")


class ClientFailureThrottle(FailureRateThrottle):
    scope = "oauth_client"

    def get_cache_key(self, request, view) -> str | None:
        client_id = _client_id(request)
        if not client_id:
            return None
        # Digested: the caller chooses the text, and a cache key must stay short and plain.
        ident = hashlib.sha256(client_id.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressFailureThrottle(FailureRateThrottle):
    scope = "oauth_address"

    def get_cache_key(self, request, view) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _AuthenticationFailuresThrottled:
    failure_throttles = (ClientFailureThrottle, AddressFailureThrottle)

    def post(self, request, *args, **kwargs):
        throttles = [throttle() for throttle in self.failure_throttles]
        spent = [throttle for throttle in throttles if not throttle.allow_request(request, self)]
        if spent:
            return _too_many_failures(max(throttle.wait() for throttle in spent))
        response = super().post(request, *args, **kwargs)
        if response.status_code == AUTHENTICATION_FAILED:
            for throttle in throttles:
                throttle.failure_count(request, self)
        return response


def _too_many_failures(retry_after: int) -> JsonResponse:
    # OAuth's error shape (RFC 6749 5.2); `slow_down` is the registered code for "ask less often".
    response = JsonResponse(
        {
            "error": "slow_down",
            "error_description": _(
                "Too many failed client authentications. Try again in %(seconds)s seconds."
            )
            % {"seconds": retry_after},
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class TokenView(_AuthenticationFailuresThrottled, oauth_views.TokenView):
    pass


class RevokeTokenView(_AuthenticationFailuresThrottled, oauth_views.RevokeTokenView):
    pass
