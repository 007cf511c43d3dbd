"""One exception handler: domain errors, Django validation errors and DRF errors all leave the API
in the contract's shape, `{"detail": "..."}` or `{"field": ["message"]}`. A database or broker that
cannot be reached (restart, failover) answers 503 with a `Retry-After` (`core.outage`), never a 500."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import DomainError
from core.outage import OUTAGE_DETAIL, RETRY_AFTER_SECONDS, is_outage, log_outage


def api_exception_handler(exc, context):
    if is_outage(exc):
        # Not the client's input and not a bug: the transaction rolled back, so a retry is safe.
        log_outage(exc)
        response = Response(
            {"detail": str(OUTAGE_DETAIL)},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, DomainError):
        response = Response(exc.as_payload(), status=exc.status)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            payload = {
                field: [str(m) for e in errors for m in e.messages]
                for field, errors in exc.error_dict.items()
            }
        else:
            payload = {"detail": " ".join(exc.messages)}
        return Response(payload, status=status.HTTP_400_BAD_REQUEST)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(m) for m in response.data)}
    return response
