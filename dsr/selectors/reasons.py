"""Which legal reasons fit a refusal or a partial answer of a request (`dsr.states.REASON_FITS`): the
service that moves a request refuses the others, and the refuse and complete forms offer only these."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from dsr.models import DataSubjectRequest, RetentionLaw
from dsr.selectors.guardians import request_guardian_refusal
from dsr.selectors.inventory import deletion_held_parts
from dsr.states import NOTE_REQUIRED, PARTIAL_NOTE_REQUIRED, REASON_FITS, OutcomeReason, RequestStatus

# The laws each retention reason names (`dsr.services.fulfilment` gives the first that fits).
RETENTION_REASON_LAWS: dict[str, frozenset[str]] = {
    OutcomeReason.AML_RETENTION: frozenset({RetentionLaw.AML}),
    OutcomeReason.OTHER_RETENTION: frozenset(RetentionLaw.values) - {RetentionLaw.AML},
}


def requester_verified(request: DataSubjectRequest, *, now: datetime | None = None) -> bool:
    """The requester's identity is verified and, for a guardian, their authority still holds: a former
    guardian is as good as not verified (`request_guardian_refusal`)."""
    return request.identity_verified_at is not None and request_guardian_refusal(request, now=now) is None


class _Facts:
    """What the fit of a reason reads of one request, each read at most once however many reasons are
    judged: whether the requester is verified, and the laws the deletion's held parts are kept under."""

    def __init__(self, request: DataSubjectRequest, now: datetime | None) -> None:
        self.request, self.now = request, now

    @cached_property
    def verified(self) -> bool:
        return requester_verified(self.request, now=self.now)

    @cached_property
    def held_laws(self) -> frozenset[str]:
        return frozenset(category.retention.law for _system, category in deletion_held_parts(self.request))


def _misfit(facts: _Facts, *, to: str, reason: str) -> InvalidInput | None:
    fit = REASON_FITS.get(reason)
    if fit is None:
        return InvalidInput(_("Choose the legal reason; the customer will see it."), field="reason")
    if fit.types is not None and facts.request.type not in fit.types:
        return InvalidInput(fit.wrong_type or fit.misfit, field="reason")
    if to not in fit.ends or (fit.verified is not None and fit.verified != facts.verified):
        return InvalidInput(fit.misfit, field="reason")
    if fit.held and not facts.held_laws & RETENTION_REASON_LAWS[reason]:
        return InvalidInput(
            _("The systems inventory keeps no part of this customer's data under that law: name the law "
              "that keeps what is held, or answer without a retention reason."),
            field="reason",
        )
    return None


def request_reason_refusal(
    request: DataSubjectRequest, *, to: str, reason: str, now: datetime | None = None, note: str = ""
) -> InvalidInput | None:
    """Why `reason` cannot explain moving `request` to `to` (a refusal or a partial answer), as the 400
    on `reason` the service raises (on `note` when the reason needs the note that explains it,
    `NOTE_REQUIRED`, or for a partial answer `PARTIAL_NOTE_REQUIRED`, and `note` is empty), or None when
    it fits."""
    misfit = _misfit(_Facts(request, now), to=to, reason=reason)
    needs_note = NOTE_REQUIRED.get(reason) or (
        PARTIAL_NOTE_REQUIRED.get(reason) if to == RequestStatus.PARTIALLY_COMPLETED else None
    )
    if misfit is None and needs_note and not note.strip():
        return InvalidInput(needs_note, field="note")
    return misfit


def request_refusal_reasons(
    request: DataSubjectRequest, *, to: str, now: datetime | None = None
) -> list[str]:
    """The legal reasons that fit moving `request` to `to`, in the order of `OutcomeReason`."""
    facts = _Facts(request, now)
    return [reason for reason in OutcomeReason.values if _misfit(facts, to=to, reason=reason) is None]
