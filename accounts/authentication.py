"""Browser sessions on the API: a staff session counts only after the two-factor step.

Without this, a stolen staff password would reach the whole API through the session cookie even
though the pages ask for a code. Tokens (machines) are a separate authentication class, unaffected.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from core.access import second_factor_missing


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_missing(result[0]):
            raise exceptions.AuthenticationFailed(_(
                "Two-factor sign-in is required: enter the code from your authenticator app "
                "on the sign-in page."
            ))
        return result
