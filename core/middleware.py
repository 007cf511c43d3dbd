"""Middleware that stamps each request with an id (echoed as X-Request-ID) for the audit trail."""
from __future__ import annotations

import re
import uuid

from core.context import RequestContext, current_request

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a known proxy sets it.
        token = current_request.set(RequestContext(request_id=request_id, ip=request.META.get("REMOTE_ADDR")))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response
