"""Every log record carries the reference of the request it was written in (X-Request-ID), "-"
outside a request: the reference an error page shows a person finds the log lines behind it."""
from __future__ import annotations

import logging

from core.context import request_context

NO_REFERENCE = "-"
# The attribute of the HttpRequest on which `core.middleware.RequestContextMiddleware` leaves the
# request's reference, for the lines written after it reset the context.
REFERENCE_ATTRIBUTE = "request_reference"


def install_request_reference() -> None:
    """Records are stamped when they are made, so every handler sees the reference, whatever its
    format, and a record handed to another thread keeps the request it came from."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "stamps_request_reference", False):
        return

    def stamped(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.request_id = request_context().request_id or NO_REFERENCE
        return record

    stamped.stamps_request_reference = True
    logging.setLogRecordFactory(stamped)


class ReferenceOfTheRecordsRequest(logging.Filter):
    """django.request writes its line for a 4xx answer once the middleware chain has returned, after
    `RequestContextMiddleware` reset the context, so the record was stamped "-". The record carries the
    request (`extra={"request": ...}`), on which the middleware left its reference: name that one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", NO_REFERENCE) == NO_REFERENCE:
            reference = getattr(getattr(record, "request", None), REFERENCE_ATTRIBUTE, "")
            if reference:
                record.request_id = reference
        return True


class Formatter(logging.Formatter):
    """The project's format names the reference; a record made before the apps were ready has none."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = NO_REFERENCE
        return super().format(record)
