"""`Idempotency-Key` for POSTs that create or change records.

The whole call is one unit of work (`core.db.UnitOfWork`): the key's claim, the write the view's
service makes and the answer replayed to retries commit together, or roll back together. A claim
therefore cannot outlive its work: when the database fails half-way (even so badly that nothing
can be cleaned up afterwards) the claim vanishes with the write, and a retry with the same key runs
the operation. A concurrent retry waits on the key's unique index: it replays the answer once the
first attempt commits, runs the operation if it rolled back, and gets 409 `idempotency_in_flight`
with `Retry-After` if the first attempt is still running after `IN_FLIGHT_WAIT_SECONDS`.
"""
from __future__ import annotations

import functools
import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.response import Response

from core.context import request_context
from core.db import UnitOfWork
from core.errors import InvalidInput
from integrations.errors import IdempotencyAnswerErased, IdempotencyKeyBusy, IdempotencyKeyMismatch
from integrations.selectors import audit_sequence_last, audited_subject_since, idempotency_record
from integrations.services import idempotency_answer_store, idempotency_claim

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
            raise InvalidInput(
                _("The %(header)s header is longer than %(limit)s characters."),
                header=KEY_HEADER, limit=MAX_KEY_LENGTH,
            )
        fingerprint = _fingerprint(request)
        with UnitOfWork():
            record = idempotency_claim(
                owner=request.user, key=key, fingerprint=fingerprint, wait_seconds=IN_FLIGHT_WAIT_SECONDS
            )
            if record is None:
                return _replay(request.user, key, fingerprint)
            audited_before = audit_sequence_last()
            response = view_method(view, request, *args, **kwargs)
            if status.is_success(response.status_code):
                idempotency_answer_store(
                    record=record, status=response.status_code, body=response.data,
                    subject_id=audited_subject_since(audited_before, request_id=request_context().request_id),
                )
            else:
                # A refusal answered without raising: the key stays free for a corrected retry.
                transaction.set_rollback(True)
        return response

    return wrapper


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(user, key: str, fingerprint: str) -> Response:
    record = idempotency_record(owner=user, key=key)
    if record is None:  # expired between the claim's conflict and this read: the retry will claim it
        raise IdempotencyKeyBusy()
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyMismatch()
    if record.response_body is None:
        raise IdempotencyAnswerErased()
    response = Response(json.loads(record.response_body), status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response
