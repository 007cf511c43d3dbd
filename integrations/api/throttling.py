"""API throttling: a budget per token, per signed-in person and per anonymous address.

Rates are `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (from API_THROTTLE_* in the environment), read
at each request so an operator's or a test's change applies at once. Counts live in the `throttle`
cache: Redis when configured, so every web worker shares them; per process on the embedded default.
A caller over budget gets 429 `{"detail": ...}` with `Retry-After` (DRF's `Throttled`).
"""
from __future__ import annotations

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from integrations.models import ApiToken


class ConfiguredRateThrottle(SimpleRateThrottle):
    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(ConfiguredRateThrottle):
    """Each API token on its own: one busy integration does not starve another."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(ConfiguredRateThrottle):
    """Each person signed in with a browser session (staff, customers)."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated or request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousRateThrottle(ConfiguredRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
