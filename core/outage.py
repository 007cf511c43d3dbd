"""Which errors are an outage: the database or the broker cannot be reached. Such a request gets 503
with `Retry-After`, never a 500: JSON from the API's exception handler (`core.api.exceptions`), and
elsewhere the outage answer of `core.error_pages` (its middleware for errors raised in views, its
`server_error` for those raised in middleware, e.g. loading the session). A write that met the
outage was rolled back as a whole, so nothing is half-saved and sending it again is safe.
"""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
OUTAGE_DETAIL = _("The service is briefly unavailable. Please try again in a moment.")
# The outage answer's `code`, the same from a view (`core.api.exceptions`) and from the middleware.
OUTAGE_CODE = "service_unavailable"
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
