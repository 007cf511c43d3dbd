"""Middleware: a request id (echoed as X-Request-ID) for the audit trail, the API's body limit, no
caching of anything answered to a signed-in caller, and Django's session, user and message
middleware left out of API calls that carry a token."""
from __future__ import annotations

import ipaddress
import re
import uuid

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as sessions_middleware
from django.http import JsonResponse
from django.middleware import locale as locale_middleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

from core.api.conditional import holds_no_personal_data
from core.context import RequestContext, current_request
from core.errors import InvalidInput
from core.log_context import REFERENCE_ATTRIBUTE

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
API_PREFIX = "/api/"
# Addresses outside the language prefixes: the API, and the OAuth endpoints, whose addresses third
# parties fix (the consent screen among them).
OUTSIDE_LANGUAGE_PREFIXES = (API_PREFIX, "/oauth/")


def outside_language_prefixes(path: str) -> bool:
    return path.startswith(OUTSIDE_LANGUAGE_PREFIXES)


def is_token_api_call(request) -> bool:
    """An API call that names a token (`Authorization: Token ...`, any case, as DRF reads it).

    The token class comes first on every API view (REST_FRAMEWORK, or the view's own list, which
    names no other), and it answers such a call on its own: the caller is the token's user, or 401
    for a bad or malformed token; the session is never asked. So the browser's session, its user
    and its messages play no part in such a call."""
    if not request.path_info.startswith(API_PREFIX):
        return False
    scheme = request.META.get("HTTP_AUTHORIZATION", "").split(None, 1)
    return bool(scheme) and scheme[0].lower() == "token"


class SkippedOnTokenApiCalls:
    """Hands a token API call straight on: loading the session, the lazy user and the message
    store, and looking at them again on the way out, cost a twentieth of a consent check
    (bench/consent_check_profile.py) for a call that uses none of them. Every other request,
    a browser's API call included (CSRF and the two-factor check stay on it), goes through."""

    def __call__(self, request):
        if is_token_api_call(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(SkippedOnTokenApiCalls, sessions_middleware.SessionMiddleware):
    pass


class AuthenticationMiddleware(SkippedOnTokenApiCalls, auth_middleware.AuthenticationMiddleware):
    pass


class MessageMiddleware(SkippedOnTokenApiCalls, messages_middleware.MessageMiddleware):
    pass


class LocaleMiddleware(locale_middleware.LocaleMiddleware):
    """Pages take their language from their path (Vietnamese unprefixed, English under /en/). The
    API and the OAuth consent screen have no prefix, so Django's middleware would answer them all in
    Vietnamese: they take the language the caller asks for instead (the language cookie, then
    Accept-Language), Vietnamese when it names neither."""

    def process_request(self, request):
        if not outside_language_prefixes(request.path_info):
            return super().process_request(request)
        translation.activate(callers_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None


def callers_language(request) -> str:
    """The language an API or OAuth caller asks for: the language cookie, then Accept-Language, else
    Vietnamese."""
    return translation.get_language_from_request(request, check_path=False)


def client_address(request) -> str | None:
    """The caller's address, told as the anonymous API budget tells it (DRF's NUM_PROXIES, set from
    TRUSTED_PROXY_COUNT): the connection's with no trusted proxy, since X-Forwarded-For is trivially
    forged; behind N proxies, the address the N-th from the right forwarded. What is not an address (a
    count set higher than the proxies there are reaches text the client wrote) gives the connection's,
    which the audit's address column accepts."""
    forwarded = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # META, not `request.headers`: that mapping is built from every header on first use, which
        # nothing else on an API call needs (bench/consent_check_profile.py).
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = current_request.set(RequestContext(request_id=request_id, ip=client_address(request)))
        # For django.request's line about a 4xx answer, written once this has reset the context.
        setattr(request, REFERENCE_ATTRIBUTE, request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response


# A refused body up to this size is read and dropped, so the client's keep-alive connection stays in
# step for its next request; a larger one is left to the server (gunicorn drains it or closes).
DRAIN_REFUSED_BODY_UP_TO = 32 * 1024 * 1024


class ApiBodyLimitMiddleware:
    """An API body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 with a JSON message, before Django's
    own check would turn it into an HTML 400 page. File uploads (multipart) have their own limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and request.path.startswith(API_PREFIX)
            and not request.content_type.startswith("multipart/")
            and _content_length(request) > limit
        ):
            if _content_length(request) <= DRAIN_REFUSED_BODY_UP_TO:
                while request.read(64 * 1024):
                    pass
            # Answered before LocaleMiddleware has run: in the caller's language, not in whatever
            # language this worker thread last served.
            with translation.override(callers_language(request)):
                detail = _("The request body is larger than %(size)s MB; send less data at once.") % {
                    "size": f"{limit / 2**20:g}"
                }
            return JsonResponse({"detail": detail}, status=413)
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


# Headers the API stores or looks records up by, checked for NUL with the query parameters.
NUL_CHECKED_HEADERS = ("Idempotency-Key", "X-Access-Reason")


class ApiNulByteMiddleware:
    """A NUL character in an API query parameter (its name or its value), in a header the API stores or
    looks records up by, or in the path answers 400 naming where it is, in the contract's shape.
    PostgreSQL cannot hold NUL in text, so such a value reaching a query answered 500 (psycopg's
    DataError); JSON bodies are refused by DRF's fields already. After the language is chosen, to say so
    in the caller's language; one check here rather than in every filter, view and header reader."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            where = _nul_byte_at(request)
            if where is not None:
                refusal = InvalidInput(_("A NUL character is not allowed here."), field=where or None)
                return JsonResponse(refusal.as_payload(), status=400)
        return self.get_response(request)


def _nul_byte_at(request) -> str | None:
    """The query parameter or header holding a NUL, "" for the path, None when there is none. The raw
    query string is looked at first: the parameters are parsed only for a request holding a NUL."""
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name
    for header in NUL_CHECKED_HEADERS:
        if "\x00" in request.headers.get(header, ""):
            return header
    if "\x00" in request.path_info:
        return ""
    return None


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in caller (session or API token): pages
    and API answers carry personal data, which no browser cache, back button or proxy may keep.
    Whether an answer holds personal data is not known here, so every authenticated one is covered but
    those a view marks as holding none (`core.api.conditional.RevalidatedMixin`: the purpose catalogue)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF copies a token's user onto the Django request, so API callers are seen here too.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not holds_no_personal_data(response):
            never_cache(response)
        return response


# What `add_never_cache_headers` writes on a response that has no Cache-Control of its own.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def never_cache(response) -> None:
    """`add_never_cache_headers`, without parsing and rebuilding Cache-Control twice when there is
    none to merge with (every API answer): that cost a twentieth of a consent check."""
    if response.has_header("Cache-Control"):
        add_never_cache_headers(response)
        return
    response.headers["Cache-Control"] = NEVER_CACHE
    response.headers.setdefault("Expires", http_date())
