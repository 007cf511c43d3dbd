"""A request that repeats one the customer has open (`dsr.selectors.duplicates` says what counts as a
repeat): each caller chooses what becomes of it (`Repeat`)."""

from __future__ import annotations

import enum
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from deadlines.policy import LOCAL_TZ
from dsr.models import DataSubjectRequest
from dsr.selectors.duplicates import request_open_duplicate
from subjects.locks import subject_locked
from subjects.models import DataSubject


class Repeat(enum.Enum):
    """What the intake does with a request that repeats an open one. The customer's own page refuses it,
    naming the open request (one request, one set of clocks); the public API records it, as its contract
    answers every valid request 201; the staff intake page records it only when the officer confirms
    the customer asks again on purpose. A recorded repeat names the open one (`repeat_of`)."""

    REFUSE = "refuse"
    RECORD = "record"


def request_repeat_check(
    subject: DataSubject,
    *,
    type: str,
    purposes: list[str],
    corrections: dict[str, Any],
    details: str,
    on_repeat: Repeat,
) -> DataSubjectRequest | None:
    """The open request this one repeats (`request_open_duplicate`), or None; with `Repeat.REFUSE` a
    repeat is refused (409 `duplicate_request`) naming it. The customer's row is locked first, so of two
    copies sent at once the second sees the first."""
    subject_locked(subject.pk)
    first = request_open_duplicate(
        subject_id=subject.pk, type=type, purposes=purposes, corrections=corrections, details=details
    )
    if first is not None and on_repeat is Repeat.REFUSE:
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
