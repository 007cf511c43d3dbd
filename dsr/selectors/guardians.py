"""Reads on a request a guardian filed for a child: whether that guardian still acts for the child, and
what the request's page tells staff once they no longer do."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from dsr.models import DataSubjectRequest
from dsr.states import erasure_started
from subjects.children import (
    GUARDIAN_MINOR,
    GUARDIAN_NOT_VERIFIED,
    GUARDIAN_REPLACED,
    WARD_ACTS_ALONE,
    guardian_not_acting,
)

# What staff are told, by why the guardian no longer acts (`subjects.children.guardian_not_acting`).
GUARDIAN_REFUSALS = {
    GUARDIAN_REPLACED: _(
        "The guardian who made this request no longer acts for this customer: the guardianship "
        "has ended or passed to someone else. Nothing was done on their authority. Refuse the "
        "request; the customer's guardian, if they have one now, may make a new one."
    ),
    GUARDIAN_NOT_VERIFIED: _("Verify the guardian's authority on the child's record first."),
    GUARDIAN_MINOR: _(
        "The guardian who made this request is a minor (under 18, or under guardianship themselves) and "
        "cannot act for the child. Nothing was done on their authority. Refuse the request; name another "
        "guardian, an adult, on the child's record, who may make a new one."
    ),
    WARD_ACTS_ALONE: _(
        "This customer has turned 16 and now exercises their rights themselves: the guardian who "
        "made this request can no longer act for them. Refuse the request; the customer may "
        "make their own."
    ),
}


def request_guardian_refusal(
    request: DataSubjectRequest, *, now: datetime | None = None
) -> Conflict | None:
    """Why a request a guardian filed can no longer be verified, worked on or answered on that
    guardian's authority, or None (a customer's own request, or a guardian who still acts for the child). The
    guardian acts only while their authority holds (domain notes, "People and roles"): the child's
    guardian must still be this one, verified by the bank, and the child still under 16 (from 16 a
    customer exercises their rights themselves, `subjects.children`). Read from the child's record as
    it stands now, not as it stood when the request was filed."""
    if request.guardian_id is None:
        return None
    today = timezone.localdate(now or timezone.now())
    reason = guardian_not_acting(request.subject, request.guardian, on=today)
    return None if reason is None else Conflict(GUARDIAN_REFUSALS[reason], code=reason)


# A withdrawal in force was carried out while the guardian still acted: it is answered, not refused.
WITHDRAWAL_IN_FORCE_NOTICE = _(
    "The guardian who made this request no longer acts for this customer, but the withdrawal was already "
    "in force while they still did: it can no longer be refused or undone. Complete the request once "
    "every recipient has confirmed that they stopped."
)

# So was the part of a deletion a system already erased.
ERASURE_STARTED_NOTICE = _(
    "The guardian who made this request no longer acts for this customer, but a system already erased "
    "part of the data while they still did: the deletion can no longer be refused or undone. Complete "
    "the request once every system has reported."
)


def request_guardian_notice(request: DataSubjectRequest, *, now: datetime | None = None) -> str | None:
    """What the request's page tells staff when the guardian who made it no longer acts for the child:
    why it is taken no further and is to be refused (`request_guardian_refusal`), or, for a withdrawal
    already in force, that it is to be completed (`dsr.states.moves_on_requesters_authority`)."""
    refusal = request_guardian_refusal(request, now=now)
    if refusal is None:
        return None
    if erasure_started(request):
        return str(ERASURE_STARTED_NOTICE)
    if request.withdrawal_applied_at is not None:
        return str(WITHDRAWAL_IN_FORCE_NOTICE)
    return refusal.text
