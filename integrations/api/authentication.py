"""`Authorization: Token <key>` against hashed API tokens."""
from __future__ import annotations

import hashlib

from django.utils import formats
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from integrations.errors import TokenExpired
from integrations.principals import api_principal


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give exactly one token after 'Token'.")
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        try:
            principal = api_principal(key_hash)
        except TokenExpired as expired:
            raise exceptions.AuthenticationFailed(
                _("This API token expired at the end of %(day)s: ask the bank's DPO for a new one.")
                % {"day": formats.date_format(expired.token.last_day, "SHORT_DATE_FORMAT")},
                code="token_expired",
            ) from None
        if principal is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        token, user = principal
        token.user = user
        return user, token

    def authenticate_header(self, request):
        return self.keyword
