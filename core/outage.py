"""What a request gets while the database or the broker cannot be reached: 503 with `Retry-After`.

The API's exception handler answers JSON (`core.api.exceptions`); pages get one translated page that
says what happened and that nothing was lost (`OutageMiddleware` for errors raised in views,
`server_error` for those raised in middleware, e.g. loading the session). A write that met the outage
was rolled back as a whole, so nothing is half-saved and sending it again is safe. The page is
rendered without the request's context processors: they read the database.
"""

from __future__ import annotations

import logging
import sys

import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    kombu.exceptions.OperationalError,  # the broker, for a page that queues a task itself
    redis.exceptions.ConnectionError,  # the cache on Redis
    redis.exceptions.TimeoutError,
)


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def log_outage(error: BaseException) -> None:
    # The driver's message may quote SQL or parameters, so only the class name is logged.
    logger.warning("dependency unavailable", extra={"error": type(error).__name__})


def outage_page(request) -> HttpResponse:
    # Met in a middleware that runs before LocaleMiddleware (the session's), no language is active
    # yet: the page's own URL says which one the person reads.
    language = translation.get_language_from_path(request.path_info) or translation.get_language()
    with translation.override(language):
        content = render_to_string(
            "core/outage.html",
            {"retry_after": RETRY_AFTER_SECONDS, "path": request.path, "LANGUAGE_CODE": language},
        )
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception) -> HttpResponseBase | None:
        if not is_outage(exception):
            return None
        log_outage(exception)
        return outage_page(request)


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """`handler500`: the outage page when the error was an outage raised outside a view."""
    if is_outage(sys.exc_info()[1]):
        return outage_page(request)
    return defaults.server_error(request, template_name)
