"""The request state machine: its statuses, the one table of allowed moves and the terminal set.

`dsr.services.requests.request_transition` is the only code that applies a move; everything else
(API, pages, fulfilment) asks it. The table is read as "from this status, these are allowed next".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFYING_IDENTITY = "verifying_identity", _("Verifying identity")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting the customer")
    COMPLETED = "completed", _("Completed")
    PARTIALLY_COMPLETED = "partially_completed", _("Partially completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled by the customer")


S = RequestStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    # Acknowledging a request starts identity verification (Law 91: acknowledge within 2 working days).
    S.RECEIVED: frozenset({S.VERIFYING_IDENTITY, S.REJECTED, S.CANCELLED}),
    S.VERIFYING_IDENTITY: frozenset({S.IN_PROGRESS, S.AWAITING_CUSTOMER, S.REJECTED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset(
        {S.AWAITING_CUSTOMER, S.COMPLETED, S.PARTIALLY_COMPLETED, S.REJECTED, S.CANCELLED}
    ),
    # Waiting for documents or a clarification; the customer's answer resumes where the work stood.
    S.AWAITING_CUSTOMER: frozenset({S.VERIFYING_IDENTITY, S.IN_PROGRESS, S.REJECTED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.PARTIALLY_COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}

TERMINAL: frozenset[str] = frozenset(status for status, allowed in TRANSITIONS.items() if not allowed)
OPEN: frozenset[str] = frozenset(TRANSITIONS) - TERMINAL

# Nothing is fulfilled or disclosed before the requester's identity is verified (domain notes).
NEEDS_VERIFIED_IDENTITY: frozenset[str] = frozenset({S.IN_PROGRESS, S.COMPLETED, S.PARTIALLY_COMPLETED})
# A refusal or a partial answer states its legal reason, which the customer sees.
NEEDS_REASON: frozenset[str] = frozenset({S.REJECTED, S.PARTIALLY_COMPLETED})


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


# A system's fulfilment task is reported done once (`dsr.services.tasks.task_complete`).
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.DONE}),
    TaskStatus.DONE: frozenset(),
}


def allowed_next(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def is_allowed(old: str, new: str) -> bool:
    return new in allowed_next(old)
