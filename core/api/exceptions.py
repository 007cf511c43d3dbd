"""One exception handler: domain errors, Django validation errors and DRF errors all leave the API
in the contract's shape, `{"detail": "..."}` or `{"field": ["message"]}`. A database that cannot be
reached (restart, failover) answers 503 with a `Retry-After`, never a 500 page."""
from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import DomainError

logger = logging.getLogger(__name__)
DATABASE_RETRY_AFTER_SECONDS = 5


def api_exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # Not the client's input and not a bug: the transaction rolled back, so a retry is safe.
        # The driver's message may quote SQL or parameters, so only the class name is logged.
        logger.warning("database unavailable", extra={"error": type(exc).__name__})
        response = Response(
            {"detail": _("The service is briefly unavailable. Please try again in a moment.")},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, DomainError):
        return Response(exc.as_payload(), status=exc.status)
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
