"""The dsr app's state machines: requests and fulfilment tasks, each its statuses and one table.

`dsr.services.requests.request_transition` and `dsr.services.tasks.task_transition` are the only code
that applies a move; pages and API ask `dsr.selectors.request_allowed_actions` and
`task_allowed_actions`. Each table is read as "from this status, these are allowed next".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.states import StateMachine
from deadlines.models import RequestType


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

REQUEST_MACHINE = StateMachine({
    # Acknowledging a request starts identity verification (Law 91: acknowledge within 2 working days).
    S.RECEIVED: {S.VERIFYING_IDENTITY, S.REJECTED, S.CANCELLED},
    S.VERIFYING_IDENTITY: {S.IN_PROGRESS, S.AWAITING_CUSTOMER, S.REJECTED, S.CANCELLED},
    S.IN_PROGRESS: {S.AWAITING_CUSTOMER, S.COMPLETED, S.PARTIALLY_COMPLETED, S.REJECTED, S.CANCELLED},
    # Waiting for documents or a clarification; the customer's answer resumes where the work stood.
    S.AWAITING_CUSTOMER: {S.VERIFYING_IDENTITY, S.IN_PROGRESS, S.REJECTED, S.CANCELLED},
    S.COMPLETED: set(),
    S.PARTIALLY_COMPLETED: set(),
    S.REJECTED: set(),
    S.CANCELLED: set(),
})
# A request still being worked: the condition of the partial indexes and of every queue and clock.
OPEN: frozenset[str] = REQUEST_MACHINE.live
# A verified request still being worked on: what a system added to the inventory, or a hold for a dispute
# that ends, lets reach its systems.
WORKED_ON = (RequestStatus.IN_PROGRESS, RequestStatus.AWAITING_CUSTOMER)
# A request whose work has ended, answered or not: the only ones the erasure of a customer's copies reaches.
CLOSED: frozenset[str] = REQUEST_MACHINE.terminal
# An open request's clocks, each by the field that holds its deadline: declared here, where the clock
# sources (`dsr.clock_sources`) and the selectors they read (`dsr.selectors.clocks`) can both read it.
REQUEST_CLOCK_FIELDS = {"due": "due_at", "statutory": "statutory_due_at", "acknowledge": "acknowledge_by"}

# Nothing is fulfilled or disclosed before the requester's identity is verified (domain notes).
NEEDS_VERIFIED_IDENTITY: frozenset[str] = frozenset({S.IN_PROGRESS, S.COMPLETED, S.PARTIALLY_COMPLETED})
# A refusal or a partial answer states its legal reason, which the customer sees.
NEEDS_REASON: frozenset[str] = frozenset({S.REJECTED, S.PARTIALLY_COMPLETED})
# The ends that answer a request.
ANSWERS: frozenset[str] = frozenset({S.COMPLETED, S.PARTIALLY_COMPLETED})
# Ends that leave a request unanswered. A withdrawal in force since verification, or a deletion a system
# has confirmed erasing for, has been carried out (in part): it can no longer be refused or cancelled,
# only completed once every system has confirmed (`may_end_unanswered`).
UNANSWERED_ENDS: frozenset[str] = frozenset({S.REJECTED, S.CANCELLED})
# The moves that take a request further on its requester's authority: every move but those ends. A
# guardian's request makes them only while that guardian still acts for the child
# (`dsr.selectors.request_guardian_refusal`); refusing or cancelling it stays possible, and so does
# answering a withdrawal already in force (`moves_on_requesters_authority`).
ADVANCES: frozenset[str] = frozenset(RequestStatus.values) - UNANSWERED_ENDS


class OutcomeReason(models.TextChoices):
    """Legal reasons for a refusal or a partial answer; shown to the customer. Which one fits which
    request, and when, is `REASON_FITS`."""

    AML_RETENTION = (
        "aml_retention",
        _("Retention required by the Anti-Money Laundering Law (Law 14/2022/QH15)"),
    )
    OTHER_RETENTION = "other_retention", _("Retention required by accounting, tax or credit law")
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("The request is manifestly unfounded or excessive")
    IDENTITY_NOT_VERIFIED = "identity_not_verified", _("The requester's identity could not be verified")
    LEGAL_PROHIBITION = "legal_prohibition", _("A law forbids disclosure or the change requested")
    OTHER = "other", _("Other reason (explained in the note)")


class LiftReason(models.TextChoices):
    """Why a restriction or objection a request put in force was lifted; the customer is told, and the
    DPO answers the regulator with it. "Other" needs the note that explains it."""

    CUSTOMER_ASKED = "customer_asked", _("The customer asked for the restriction to be lifted")
    GROUND_ENDED = "ground_ended", _("The ground for the restriction has ended")
    ACCURACY_CHECKED = "accuracy_checked", _("The accuracy check of the data is finished")
    OTHER = "other", _("Other reason (explained in the note)")


@dataclass(frozen=True)
class ReasonFit:
    """Where a legal reason may be given: the answers it explains (`NEEDS_REASON`), the request types
    it answers (None: every type), whether the requester must be verified (True), must not be (False)
    or either (None), whether it names the law of a part the deletion holds, and the words that tell
    staff where it fits when it does not (`wrong_type`, when given, for a request of a type it never
    answers)."""

    ends: frozenset[str]
    types: frozenset[str] | None
    verified: bool | None
    held: bool
    misfit: str
    wrong_type: str = ""


_RETENTION = ReasonFit(
    ends=frozenset({S.PARTIALLY_COMPLETED}),
    types=frozenset({RequestType.DELETE}),
    verified=True,
    held=True,
    misfit=_(
        "A retention law answers only a deletion, in part, once the requester's identity is verified: what "
        "the law keeps is held and the rest erased. It is no ground to refuse a request."
    ),
)

# A withdrawal of consent is the customer's at any time, as easy as giving it (Law 91/2025; domain notes):
# refused on the bank's judgement, as excessive or for a reason of its own, it would leave the consent live
# after the customer said no. A repeat costs nothing, as a consent already withdrawn withdraws nothing
# again; the intake takes in only purposes that rest on consent, so there is always a consent to withdraw.
_NOT_WITHDRAWALS = frozenset(RequestType.values) - {RequestType.WITHDRAW}


def _never_for_a_withdrawal(misfit: str) -> ReasonFit:
    return ReasonFit(ends=NEEDS_REASON, types=_NOT_WITHDRAWALS, verified=None, held=False, misfit=misfit)


_EXCESSIVE = _never_for_a_withdrawal(_(
    "A withdrawal of consent cannot be refused as unfounded or excessive: the customer may withdraw at "
    "any time. Verify who asks and carry it out; a consent already withdrawn is simply not withdrawn "
    "again."
))
_OTHER = _never_for_a_withdrawal(_(
    "A withdrawal of consent cannot be refused for a reason of the bank's: the customer may withdraw at "
    "any time. Only a requester whose identity cannot be verified is refused; otherwise carry it out."
))

# Which legal reason fits which request (`dsr.selectors.request_refusal_reasons`, read by the service that
# moves a request, the refuse and complete forms and the API). A retention law keeps some data, so it never
# refuses a request: a deletion erases what no law keeps and holds what one does, a partial answer (domain
# notes, "Retention and deletion"), and it names a law the inventory holds a part of this deletion under;
# it is no reason to refuse access, a copy or any other right. Nothing is fulfilled or disclosed to a
# requester not verified (Law 91 Art. 4; Decree 117/2018 Art. 11, bank confidentiality): telling them that
# the bank keeps AML records on the customer, or that a law forbids the disclosure, would tip them off, so
# both wait for a verified requester; a failed identity check refuses only a requester not (or no longer,
# a former guardian) verified. An unfounded or excessive request (Law 91: a fee or a refusal), or another
# reason written in the note, may be answered at any time; neither, nor a law's prohibition, answers a
# withdrawal of consent.
REASON_FITS: dict[str, ReasonFit] = {
    OutcomeReason.AML_RETENTION: _RETENTION,
    OutcomeReason.OTHER_RETENTION: _RETENTION,
    OutcomeReason.MANIFESTLY_UNFOUNDED: _EXCESSIVE,
    OutcomeReason.IDENTITY_NOT_VERIFIED: ReasonFit(
        ends=frozenset({S.REJECTED}),
        types=None,
        verified=False,
        held=False,
        misfit=_("The requester's identity is verified: choose the reason the request is refused for."),
    ),
    # Withdrawing consent stops what rests on consent; what a law makes the bank keep runs on that law,
    # another basis, and goes on beside the withdrawal: it refuses no part of it (domain notes, "Consent
    # rules").
    OutcomeReason.LEGAL_PROHIBITION: ReasonFit(
        ends=NEEDS_REASON,
        types=_NOT_WITHDRAWALS,
        verified=True,
        held=False,
        misfit=_(
            "Verify the requester's identity first: telling someone not verified that a law forbids the "
            "disclosure or the change says too much about the customer."
        ),
        wrong_type=_(
            "A withdrawal of consent is never refused or answered in part because a law forbids it: it stops "
            "what rests on consent, and what a law makes the bank keep runs on another basis and goes on "
            "beside it. Carry the withdrawal out in full; the answer may tell the customer what a law keeps."
        ),
    ),
    OutcomeReason.OTHER: _OTHER,
}
# The reasons that explain nothing on their own: the note says it, and the customer reads it. Calling a
# request manifestly unfounded or excessive is a judgement on the customer (Law 91): they learn why, e.g.
# which earlier requests it repeats, as an inspector reading the answer would expect.
NOTE_REQUIRED: dict[str, str] = {
    OutcomeReason.MANIFESTLY_UNFOUNDED: _(
        "Explain in the note why the request is manifestly unfounded or excessive (for example, which "
        "earlier requests it repeats); the customer reads it."
    ),
    OutcomeReason.OTHER: _("Explain the reason in the note."),
    # Refusing because who asks could not be shown to be the customer: what was tried and asked of them
    # (codes, a visit to a branch, by when) and what they can still do, or the refusal reads as disbelief.
    OutcomeReason.IDENTITY_NOT_VERIFIED: _(
        "Say in the note what was tried to verify the requester and what was asked of them (for example, "
        "wrong codes, or a visit to a branch with their CCCD by a date), and how they can ask again; the "
        "customer reads it."
    ),
}


# A partial answer withholds part of what was asked: the customer and the DPO must be able to tell which part
# and under which law (Law 91: a partial fulfilment states its legal reason), e.g. other customers' data
# asked for in a dispute (bank confidentiality, Decree 117/2018 Art. 11). A refusal under a law may stay
# neutral, as saying more could tip someone off; a partial answer already tells that something was withheld.
PARTIAL_NOTE_REQUIRED: dict[str, str] = {
    OutcomeReason.LEGAL_PROHIBITION: _(
        "Say in the note what was withheld and under which law (for example, other customers' data: bank "
        "confidentiality, Decree 117/2018 Art. 11); the customer reads it."
    ),
}


# What the customer's own pages call a status, where the staff label would speak past them.
CUSTOMER_STATUS_LABELS = {
    S.AWAITING_CUSTOMER: _("The bank is waiting for your answer"),
    S.CANCELLED: _("Cancelled by you"),
}
# A cancellation the bank recorded (staff, at the customer's request by phone or at a branch): not "by you".
CANCELLED_FOR_CUSTOMER = _("Cancelled at your request (recorded by the bank)")


# "Other" as the customer reads it: staff explain it in the form's note, which the customer reads as
# the words just below the reason (the answer on their page, the next lines of their message).
OTHER_REASON_FOR_CUSTOMER = _("Another reason, explained below")


def customer_reason_label(reason: str, *, choices: type[models.TextChoices] = OutcomeReason) -> str:
    """A legal reason (`OutcomeReason`, or `LiftReason` given as `choices`) as the customer's page and
    messages word it; "" for none."""
    if not reason:
        return ""
    return str(OTHER_REASON_FOR_CUSTOMER if reason == "other" else choices(reason).label)


def customer_status_label(status: str, *, by_customer: bool = True) -> str:
    """A status as the customer's pages (and the API's customer answers) word it; `by_customer`: the move
    to it was the customer's own."""
    if status == S.CANCELLED and not by_customer:
        return CANCELLED_FOR_CUSTOMER
    return CUSTOMER_STATUS_LABELS.get(status) or RequestStatus(status).label


def erasure_started(request) -> bool:
    """Whether a system has confirmed erasing part of the data of this deletion request (a deletion
    record of it exists): what is erased cannot be undone, so the request is answered, never refused
    or cancelled."""
    return request.type == RequestType.DELETE and request.deletion_records.exists()


def may_end_unanswered(request) -> bool:
    """Whether the request may still be refused or cancelled: not once part of it was carried out (a
    withdrawal in force since verification, an erasure a system confirmed)."""
    return request.withdrawal_applied_at is None and not erasure_started(request)


def moves_on_requesters_authority(request) -> frozenset[str]:
    """The moves of this request that a guardian's authority must still hold for (`ADVANCES`). A
    withdrawal in force was carried out at verification, while it held (a deletion a system erased for,
    in part), and can no longer be refused or cancelled: completing it (in full or in part) stays
    possible once that authority ends, or the request would stay open for ever."""
    if not may_end_unanswered(request):
        return ADVANCES - ANSWERS
    return ADVANCES


# The actions pages and API offer (`dsr.selectors.request_allowed_actions`), each with the statuses its
# service moves a request to (`dsr.services`; a code sent is part of verifying). Approving, extending
# and lifting a restriction move nothing.
ACTION_MOVES: dict[str, frozenset[str]] = {
    "acknowledge": frozenset({S.VERIFYING_IDENTITY}),
    "verify": frozenset({S.IN_PROGRESS}),
    "pause": frozenset({S.AWAITING_CUSTOMER}),
    "resume": frozenset({S.IN_PROGRESS, S.VERIFYING_IDENTITY}),
    "reply": frozenset({S.IN_PROGRESS, S.VERIFYING_IDENTITY}),
    "complete": ANSWERS,
    "reject": frozenset({S.REJECTED}),
    "cancel": frozenset({S.CANCELLED}),
    "approve": frozenset(),
    "extend": frozenset(),
    "lift": frozenset(),
}


def actions_on_requesters_authority(request, actions) -> frozenset[str]:
    """Of these actions, those a guardian's authority must still hold for: each that may make a move of
    `moves_on_requesters_authority`. An action `ACTION_MOVES` does not name counts as one that may
    make any move: a new action is withheld from a former guardian's request until it is named."""
    moves = moves_on_requesters_authority(request)
    return frozenset(action for action in actions if ACTION_MOVES.get(action, ADVANCES) & moves)


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    DONE = "done", _("Done")
    CALLED_OFF = "called_off", _("Called off: the request ended unanswered, or the DPO keeps the data")


# A system's fulfilment task is reported done once (`dsr.services.tasks.task_complete`). A task still open
# when its request is cancelled or refused is called off instead, and its system told to stand down
# (`dsr.services.task_moves.tasks_call_off`): nothing is to be done for a request that ended. So is an
# erase task still open when a hold for a dispute starts (`dsr.services.disputes`): its system gets a
# fresh task once the hold ends.
TASK_MACHINE = StateMachine({
    TaskStatus.OPEN: {TaskStatus.DONE, TaskStatus.CALLED_OFF},
    TaskStatus.DONE: set(),
    TaskStatus.CALLED_OFF: set(),
})
