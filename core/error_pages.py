"""What a request is answered when it fails outside a view's own handling: Django's handlers for 400,
403, 404 and 500, its CSRF failure view, the empty 405 of a POST-only page, and the outage answer
(`core.outage`).

Pages get one translated page in the product's look; calls under /api/ get JSON in the contract's
shape, `{"detail": "..."}`, so a client never has to parse an HTML page. An unexpected error names
the request's reference (X-Request-ID), which its log line carries too (`core.logging`), so a
customer or a branch can quote it to the bank's support. The pages are rendered without the
request's context processors: those read the database, which may be what failed.
"""

from __future__ import annotations

import sys

from django.http import HttpResponse, HttpResponseBase, HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.context import request_context
from core.middleware import API_PREFIX
from core.outage import OUTAGE_CODE, OUTAGE_DETAIL, RETRY_AFTER_SECONDS, is_outage, log_outage
from core.sent_from import same_site_referer


def _language(request) -> str:
    # Met before LocaleMiddleware ran (an error in the session middleware), no language is active
    # yet: a page's own URL says which one the person reads.
    return translation.get_language_from_path(request.path_info) or translation.get_language()


def _answer(request, status: int, template: str, detail: str, *, code: str, **context) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        # UTF-8 as DRF writes it, so Vietnamese reads as Vietnamese, not as \u escapes; `code` as the API's
        # own refusals carry it (`core.api.exceptions`), for a client to branch on.
        return JsonResponse(
            {"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    language = _language(request)
    with translation.override(language):
        content = render_to_string(template, {"LANGUAGE_CODE": language, **context})
    return HttpResponse(content, status=status)


def bad_request(request, exception=None) -> HttpResponse:
    return _answer(request, 400, "400.html", _("The request could not be read."), code="parse_error")


def permission_denied(request, exception=None) -> HttpResponse:
    return _answer(request, 403, "403.html", _("You do not have permission to perform this action."),
                   code="permission_denied")


def page_not_found(request, exception=None) -> HttpResponse:
    return _answer(request, 404, "404.html",
                   _("There is no API endpoint at this address. The endpoints are listed at /api/docs/."),
                   code="not_found")


def method_not_allowed(request, allowed: str) -> HttpResponse:
    response = _answer(request, 405, "405.html", _("This method is not allowed at this address."),
                       code="method_not_allowed")
    response["Allow"] = allowed
    return response


def server_error(request) -> HttpResponse:
    # Django calls it inside the `except` that caught the error, so the error is at hand.
    if is_outage(sys.exc_info()[1]):
        return outage_answer(request)
    reference = request_context().request_id
    return _answer(
        request, 500, "500.html",
        _("An unexpected error occurred. Quote the reference %(reference)s to the bank's support.")
        % {"reference": reference},
        code="server_error", reference=reference, path=request.path,
    )


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A form sent with a token older than the sign-in (signed in or out in another tab) or without
    the cookie. Django's own page is English and speaks of CSRF; this one says what to do."""
    return _answer(request, 403, "csrf_failure.html",
                   _("This form has expired. Reload the page and send it again."),
                   code="csrf_failed", back=same_site_referer(request) or "/")


def outage_answer(request) -> HttpResponse:
    response = _answer(
        request, 503, "core/outage.html",
        str(OUTAGE_DETAIL), code=OUTAGE_CODE, retry_after=RETRY_AFTER_SECONDS, path=request.path,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    """A page or API call that meets an unreachable database or broker answers 503 with the outage
    answer. A write that met the outage was rolled back as a whole, so sending it again is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception) -> HttpResponseBase | None:
        if not is_outage(exception):
            return None
        log_outage(exception)
        return outage_answer(request)


class MethodNotAllowedMiddleware:
    """A POST-only page opened by its address (a bookmark, a reload) gets Django's 405, whose body is
    empty: the person would see a blank page. It gets the translated page instead, with the same
    Allow header. The API's 405 already has its JSON body and is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            return method_not_allowed(request, response["Allow"])
        return response
