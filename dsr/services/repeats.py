"""A request that repeats one the customer has open: refused, or, when staff confirm the customer asks
again on purpose, taken in beside it (`dsr.selectors.duplicates` says what counts as a repeat)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from deadlines.policy import LOCAL_TZ
from dsr.models import DataSubjectRequest
from dsr.selectors.duplicates import request_open_duplicate
from subjects.locks import subject_locked
from subjects.models import DataSubject


def request_repeat_check(
    subject: DataSubject,
    *,
    type: str,
    purposes: list[str],
    corrections: dict[str, Any],
    details: str,
    confirmed: bool,
) -> DataSubjectRequest | None:
    """The open request this one repeats (`request_open_duplicate`), returned when staff confirmed the
    repeat, else refused (409) naming it. The customer's row is locked first, so two copies sent at once
    are taken in once."""
    subject_locked(subject.pk)
    first = request_open_duplicate(
        subject_id=subject.pk, type=type, purposes=purposes, corrections=corrections, details=details
    )
    if first is not None and not confirmed:
        raise Conflict(
            _("The same request is already open: %(reference)s, received on %(day)s. It is being "
              "handled with its own deadlines, so it is not recorded twice. Follow that request, or "
              "cancel it first if this one replaces it."),
            code="duplicate_request",
            data={"request": str(first.pk)},
            reference=first.reference,
            day=first.received_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y"),
        )
    return first
