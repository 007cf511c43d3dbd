"""Response headers Django's SecurityMiddleware does not set itself."""
from __future__ import annotations

import functools
from http import HTTPStatus

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed


class PermissionsPolicyMiddleware:
    """Tell browsers this site never uses the camera, microphone, location, payment or USB APIs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy built once per settings, not once per response.

    Our policy uses no nonces, so a response the views leave alone always gets the same header;
    django-csp rebuilds it from the settings twice per response (policy and report-only), a fifth of
    what a trivial API call costs. A response a view adjusts (`_csp_update` and the like), a request
    that took a nonce, or a report-only policy goes through django-csp unchanged.
    """

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _PER_RESPONSE_PARTS)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (settings.DEBUG and response.status_code in _DEBUG_PAGES)
        ):
            return super().process_response(request, response)
        header, excluded_prefixes = _static_policy()
        if (
            header
            and HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not request.path_info.startswith(excluded_prefixes)
        ):
            response[HEADER] = header
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


# django-csp leaves Django's own debug pages alone.
_DEBUG_PAGES = (HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR)
_PER_RESPONSE_PARTS = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
)


@functools.cache
def _static_policy() -> tuple[str, tuple[str, ...]]:
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    return build_policy(), tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())


@receiver(setting_changed)
def _forget_static_policy(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _static_policy.cache_clear()
