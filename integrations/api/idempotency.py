"""`Idempotency-Key` for POSTs that create or change records.

The key is claimed first, in its own short transaction, so two concurrent retries cannot both pass:
the loser hits the unique constraint and waits for (or replays) the winner's answer. The answer is
stored once the write has committed; a failed write (4xx) releases the key so it may be retried.
"""
from __future__ import annotations

import functools
import hashlib
import json
import time

from rest_framework import status
from rest_framework.response import Response

from core.errors import Conflict, InvalidInput
from integrations.selectors import idempotency_record
from integrations.services import idempotency_answer_store, idempotency_claim, idempotency_release

KEY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
IN_FLIGHT_WAIT_SECONDS = 5.0


def idempotent(view_method):
    """Decorate an APIView's `post`; without the header the view runs as usual."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(KEY_HEADER)
        if not key:
            return view_method(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(f"The {KEY_HEADER} header is longer than {MAX_KEY_LENGTH} characters.")
        fingerprint = _fingerprint(request)
        record = idempotency_claim(owner=request.user, key=key, fingerprint=fingerprint)
        if record is None:
            return _replay(request.user, key, fingerprint)
        try:
            response = view_method(view, request, *args, **kwargs)
        except Exception:
            idempotency_release(record_id=record.pk)
            raise
        if status.is_success(response.status_code):
            idempotency_answer_store(record_id=record.pk, status=response.status_code,
                                     body=json.loads(json.dumps(response.data, default=str)))
        else:
            idempotency_release(record_id=record.pk)
        return response

    return wrapper


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(user, key: str, fingerprint: str) -> Response:
    deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
    while True:
        record = idempotency_record(owner=user, key=key)
        if record is None:
            raise Conflict("The first request with this Idempotency-Key failed; send the request again.",
                           code="idempotency_retry")
        if record.request_fingerprint != fingerprint:
            raise Conflict(
                "This Idempotency-Key was already used for a different request.", code="idempotency_mismatch"
            )
        if record.response_status is not None:
            response = Response(record.response_body, status=record.response_status)
            response["Idempotent-Replayed"] = "true"
            return response
        if time.monotonic() > deadline:
            raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly.",
                           code="idempotency_in_flight")
        time.sleep(0.05)
