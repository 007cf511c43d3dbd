"""Whether a request being taken in repeats one the customer already has open.

The same request filed twice (sent again from the app, or recorded by the call centre and again at the
branch) would run twice: two clocks, two sets of tasks, two answers, and reports counting one request
as two. A repeat is a request of the same type, still open, that asks for the same thing: the same
purposes (restriction, objection, withdrawal), the same corrections (rectification), the same words
(a complaint, where two different grievances are two complaints); access, copy and deletion reach
everything the customer's right gives, so one open request of the type covers a second.
"""

from __future__ import annotations

import json
from typing import Any

from core.text import nfc
from deadlines.models import RequestType
from dsr.models import PURPOSE_TYPES, DataSubjectRequest
from dsr.states import OPEN


def request_open_duplicate(
    *, subject_id, type: str, purposes: list[str], corrections: dict[str, Any], details: str
) -> DataSubjectRequest | None:
    """The customer's earliest open request of `type` that asks what this one asks, or None.
    `purposes` sorted and `corrections` cleaned, as the intake stores them."""
    open_of_type = DataSubjectRequest.objects.filter(subject_id=subject_id, type=type, status__in=OPEN)
    for request in open_of_type.order_by("received_at", "pk"):
        if _asks_the_same(request, purposes=purposes, corrections=corrections, details=details):
            return request
    return None


def _asks_the_same(
    request: DataSubjectRequest, *, purposes: list[str], corrections: dict[str, Any], details: str
) -> bool:
    if request.type in PURPOSE_TYPES:
        return sorted(request.purposes or []) == sorted(purposes)
    if request.type == RequestType.RECTIFY:
        return json.loads(request.corrections or "{}") == corrections
    if request.type == RequestType.COMPLAINT:
        return nfc(request.details or "").strip() == nfc(details or "").strip()
    return True
