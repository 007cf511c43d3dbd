"""`Idempotency-Key` for POSTs that create or change records.

A retry with the same key gets the first definitive answer again, with `Idempotent-Replayed: true`:
a success, or a refusal the request itself caused (400, 404, 409, 422...), even when the state has
changed since and the same request under a new key would now succeed (IETF draft "The
Idempotency-Key HTTP Header Field"; Stripe). An answer that asks the client to try again is not kept,
so the retry runs the operation: 401 and 403 (the credentials or rights may be fixed), 408, 425, 429,
any answer with `Retry-After`, and every 5xx. A refusal is kept without anything the view wrote before
it was refused: the view runs in a savepoint, rolled back unless it answers with a success.

A success that holds only while a state lasts (a read claim says "serve it" only while the customer's
authorisation allows reads) can be refused on replay: a view with a `replay_refusal(request, *args,
**kwargs)` method has it called before a stored success is replayed, and a domain error it raises is
the retry's answer; the stored answer stays for a later retry.

An answer that shows a customer's personal values to some callers and masked to others is replayed only
under the access it was given under: a view with a `replay_access(request)` method returns what decides
it (whether the values are revealed to this caller, and the reason recorded for it), kept with the key;
a retry under other access (a token without the scope, staff without the first reason) gets 409
`idempotency_mismatch` instead of values it may not see or a reveal with no view recorded. The same
access gets the first answer byte for byte, in the first request's language: its reveal was recorded
with that reason when it was given.

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
import json

from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.context import request_context
from core.db import UnitOfWork
from core.errors import InvalidInput
from core.outage import is_outage
from integrations.errors import (
    IdempotencyAccessMismatch,
    IdempotencyAnswerErased,
    IdempotencyKeyBusy,
    IdempotencyKeyMismatch,
)
from integrations.selectors import audit_sequence_last, audited_subject_since, idempotency_record
from integrations.services import idempotency_answer_store, idempotency_claim

KEY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# The header in the OpenAPI operation of every view method decorated `@idempotent`.
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    KEY_HEADER, str, OpenApiParameter.HEADER, required=False,
    description=f"Up to {MAX_KEY_LENGTH} characters, unique per operation. A retry with the same key and "
    "body gets the first answer again (`Idempotent-Replayed: true`), a refusal (400, 404, 409) included; "
    "after a 401, 403, 429 or 5xx it runs again. A replay must come with the same access to the "
    "customer's personal data as the first request (the same token scopes, the same `X-Access-Reason`): "
    "with other access, or another body, it gets 409 `idempotency_mismatch`, not the first answer.",
)
IN_FLIGHT_WAIT_SECONDS = 5.0
# The view method that may refuse to replay a stored success (module docstring).
REPLAY_REFUSAL = "replay_refusal"
# The view method naming the access its answer is given under (module docstring).
REPLAY_ACCESS = "replay_access"
# Client errors that tell the client to try again (with other credentials, later, more slowly).
TRY_AGAIN_STATUSES = frozenset({
    status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN, status.HTTP_408_REQUEST_TIMEOUT,
    status.HTTP_425_TOO_EARLY, status.HTTP_429_TOO_MANY_REQUESTS,
})


def idempotent(view_method):
    """Decorate an APIView's `post`; without the header the view runs as usual. The operation's schema
    lists the header, so the schema says so wherever a write honours it."""

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
        access = _access_fingerprint(view, request)
        with UnitOfWork():
            record = idempotency_claim(
                owner=request.user, key=key, fingerprint=fingerprint, access_fingerprint=access,
                wait_seconds=IN_FLIGHT_WAIT_SECONDS,
            )
            if record is None:
                replayed = _replay(request.user, key, fingerprint, access)
                if status.is_success(replayed.status_code) and hasattr(view, REPLAY_REFUSAL):
                    getattr(view, REPLAY_REFUSAL)(request, *args, **kwargs)
                return replayed
            audited_before = audit_sequence_last()
            response = _answer(view_method, view, request, *args, **kwargs)
            if _definitive(response):
                idempotency_answer_store(
                    record=record, status=response.status_code, body=response.data,
                    subject_id=audited_subject_since(audited_before, request_id=request_context().request_id),
                )
            else:
                # Try again: the claim goes too, so the retry runs the operation.
                transaction.set_rollback(True)
        return response

    return extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])(wrapper)


def _answer(view_method, view, request, *args, **kwargs) -> Response:
    """The view's answer, a refusal it raised included (answered as DRF answers it). Unless it is a
    success, whatever the view wrote before answering is rolled back: a unit of work inside the call's
    is a savepoint that the services' durable blocks may join."""
    try:
        with UnitOfWork():
            response = view_method(view, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
            return response
    except Exception as error:
        if is_outage(error):
            raise  # the whole unit of work rolls back; the exception handler answers 503
        return view.handle_exception(error)  # raises again what it cannot answer (a 500)


def _definitive(response: Response) -> bool:
    code = response.status_code
    if status.is_success(code):
        return True
    if not status.is_client_error(code) or code in TRY_AGAIN_STATUSES:
        return False
    return not response.has_header("Retry-After")


def request_fingerprint(request: str) -> str:
    """How a request kept for a retry (under an `Idempotency-Key`, or a page's one-time token,
    `integrations.form_once`) is recognised again: keyed with the SECRET_KEY, since what was sent holds
    personal data (a national ID, a void's note) that a plain hash would let anyone holding the table
    match by trying guesses."""
    return salted_hmac("integrations.request_fingerprint", request, algorithm="sha256").hexdigest()


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return request_fingerprint(f"{request.method} {request.path}\n{body}")


def _access_fingerprint(view, request) -> str:
    if not hasattr(view, REPLAY_ACCESS):
        return ""
    return request_fingerprint(getattr(view, REPLAY_ACCESS)(request))


def _replay(user, key: str, fingerprint: str, access: str) -> Response:
    record = idempotency_record(owner=user, key=key)
    if record is None:  # expired between the claim's conflict and this read: the retry will claim it
        raise IdempotencyKeyBusy()
    if record.response_body is None:  # erased with its request's fingerprint: the key is spent
        raise IdempotencyAnswerErased()
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyMismatch()
    if record.access_fingerprint != access:
        raise IdempotencyAccessMismatch()
    response = Response(json.loads(record.response_body), status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response
