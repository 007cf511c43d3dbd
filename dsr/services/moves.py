"""The one step that moves a request along `dsr.states.REQUEST_MACHINE`: `move_check` refuses what the
table (or an unverified identity) does not allow, `move` applies a move to a locked request and
writes the `RequestStatusChange`, the clock events, the notifications and the audit entry.
`dsr.services.requests.request_transition` and completion (`dsr.services.fulfilment`) call it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from authorisations.services import (
    authorisations_resume_for_source_locked,
)
from consents.services import (
    restriction_stops_lock,
    restrictions_lift_in_transaction,
)
from core.actors import Actor
from core.errors import Conflict, InvalidInput, required_text
from deadlines.models import RequestType
from dsr.models import (
    ClockEvent,
    DataSubjectRequest,
    RequestStatusChange,
)
from dsr.notifications import customer_notify_move
from dsr.selectors import request_guardian_refusal, request_reason_refusal
from dsr.services.base import (
    PAUSE_FIELDS,
    RECOMPUTED_FIELDS,
    clock_record,
    clocks_resume,
    missed_deadlines_record,
    statutory_recompute,
)
from dsr.services.client_webhooks import notify_requesting_client
from dsr.services.erasure import spared_request_copies_erase
from dsr.services.fanout import tasks_fan_out
from dsr.services.task_moves import tasks_call_off
from dsr.sources import request_source
from dsr.states import (
    NEEDS_REASON,
    NEEDS_VERIFIED_IDENTITY,
    REQUEST_MACHINE,
    UNANSWERED_ENDS,
    RequestStatus,
    erasure_started,
    moves_on_requesters_authority,
)
from subjects.staff_records import own_record_check

S = RequestStatus
MAX_NOTE_LENGTH = 2000
MAX_OVERDUE_REASON = 1000

# Requests that stop processing from the moment the requester is verified (Law 91 Art. 4).
RESTRICTION_TYPES = (RequestType.RESTRICT, RequestType.OBJECT)


def guardian_authority_check(request: DataSubjectRequest, *, now: datetime | None = None) -> None:
    """Refuse (409) to verify, work on or answer a request whose guardian no longer acts for the child."""
    refusal = request_guardian_refusal(request, now=now)
    if refusal is not None:
        raise refusal


def move_check(request: DataSubjectRequest, *, to: str, now: datetime | None = None) -> None:
    """Refuse a move the table (`dsr.states.REQUEST_MACHINE`) does not allow, work on or an answer to a
    request whose requester's identity is not verified, and any move that takes a guardian's request
    further (`ADVANCES`: acknowledging, resuming, waiting for the customer, answering) once that guardian
    no longer acts for the child; refusing or cancelling it stays possible, and so does completing a
    withdrawal already in force (`moves_on_requesters_authority`). `move` and completion both start
    here."""
    REQUEST_MACHINE.check(request.status, to, status=request.get_status_display())
    if to in UNANSWERED_ENDS:
        if request.withdrawal_applied_at is not None:
            raise Conflict(
                _("The withdrawal is already in force: it can no longer be refused or cancelled. Complete "
                  "the request once every system has confirmed."),
                code="withdrawal_in_force",
            )
        if erasure_started(request):
            raise Conflict(
                _("A system has already erased part of the customer's data for this deletion: it can no "
                  "longer be refused or cancelled. Complete it, in full or in part, once every system has "
                  "reported."),
                code="erasure_started",
            )
    # An unanswered end takes nothing further on the requester's authority (`ADVANCES`): asking about it
    # would ask a second time whether a deletion's erasure started.
    elif to in moves_on_requesters_authority(request):
        guardian_authority_check(request, now=now)
    if to in NEEDS_VERIFIED_IDENTITY and request.identity_verified_at is None:
        raise Conflict(
            _("Verify the requester's identity before working on or answering the request."),
            code="identity_not_verified",
        )


def _flagged_overdue(request: DataSubjectRequest) -> bool:
    # The deadline sweep (every few minutes) records a breach on the request's clock history: from
    # then on, staff know it is late and its closing needs the reason. The "closed late" mark itself
    # is derived from the dates (`closed_late`), breach recorded or not.
    return request.clock_events.filter(kind=ClockEvent.BREACHED).exists()


def overdue_reason_set(request: DataSubjectRequest, *, reason: str, actor: Actor, now: datetime) -> None:
    """Save the reason for the delay on a locked request, with its audit entry."""
    reason = required_text(reason, field="overdue_reason", message=_("Say why the request is late."))
    if len(reason) > MAX_OVERDUE_REASON:
        raise InvalidInput(
            _("Keep the reason under %(max)s characters."), field="overdue_reason", max=MAX_OVERDUE_REASON
        )
    replaced = bool(request.overdue_reason)
    request.overdue_reason = reason
    request.overdue_reason_at = now
    request.save(update_fields=["overdue_reason", "overdue_reason_at", "updated_at"])
    audit_record(
        action="dsr.request.overdue_reason_recorded",
        actor=actor,
        subject=request.subject_id,
        target=request,
        # The reason is staff's words about the work, kept on the request; the trail notes the act.
        data={"replaced": replaced, "status": request.status},
        now=now,
    )


def move(
    request: DataSubjectRequest,
    *,
    to: str,
    actor: Actor,
    now: datetime,
    reason: str = "",
    note: str = "",
    overdue_reason: str = "",
) -> DataSubjectRequest:
    """Apply one move to a locked request inside the caller's transaction."""
    old = request.status
    move_check(request, to=to, now=now)
    own_record_check(actor, request.subject_id)
    note = (note or "").strip()[:MAX_NOTE_LENGTH]
    if to in NEEDS_REASON:
        misfit = request_reason_refusal(request, to=to, reason=reason, now=now, note=note)
        if misfit is not None:
            raise misfit
    elif reason:
        raise InvalidInput(
            _("A legal reason is given only when refusing or partly answering."), field="reason"
        )
    fields = ["status", "updated_at"]
    lifts = to in (S.REJECTED, S.CANCELLED) and request.type in RESTRICTION_TYPES
    with transaction.atomic(savepoint=False):
        if lifts:  # before the first audit entry, as the lock order asks (`restriction_stops_lock`)
            locked_stops = restriction_stops_lock(request_source(request))
        if request.paused_at is not None:
            # Every move out of waiting ends the pause, the final answer too: the clocks move by the time
            # they stood still (where their rows allow), and a closing is judged against the moved dates.
            clocks_resume(request, now=now)
            fields += [*PAUSE_FIELDS, *RECOMPUTED_FIELDS]
            clock_record(request, ClockEvent.RESUMED, actor=actor, now=now)
        # A late close says why it is late, a cancellation staff record for the customer too (it ends the
        # breached request as surely as an answer); the customer's own cancellation needs no staff reason.
        customers_own_cancel = to == S.CANCELLED and actor.is_customer
        if to in REQUEST_MACHINE.terminal and not customers_own_cancel and now > request.answer_by:
            if overdue_reason.strip():
                overdue_reason_set(request, reason=overdue_reason, actor=actor, now=now)
            elif not request.overdue_reason and _flagged_overdue(request):
                raise InvalidInput(
                    _("This request is past its deadline: say why before closing it."), field="overdue_reason"
                )
        if old == S.RECEIVED and to != S.CANCELLED and request.acknowledged_at is None:
            request.acknowledged_at = now
            fields.append("acknowledged_at")
            clock_record(request, ClockEvent.ACKNOWLEDGED, actor=actor, now=now)
        if to == S.AWAITING_CUSTOMER and request.pausable:
            request.paused_at = now
            # A statutory clock whose row may pause stands still from now (`request_deadlines`).
            statutory_recompute(request, now=now)
            fields += ["paused_at", "statutory_due_at", "statutory_regime"]
            clock_record(request, ClockEvent.PAUSED, actor=actor, now=now)
        request.status = to
        if to in NEEDS_REASON:
            request.outcome_reason = reason
            fields.append("outcome_reason")
        if old == S.AWAITING_CUSTOMER:
            # The question was answered (or dropped): it stays in the history, not as the bank's answer.
            request.outcome_note = ""
            fields.append("outcome_note")
        if note and (to in REQUEST_MACHINE.terminal or to == S.AWAITING_CUSTOMER):
            request.outcome_note = note
            fields.append("outcome_note")
        if to in REQUEST_MACHINE.terminal:
            request.closed_at = now
            fields.append("closed_at")
            clock_record(request, ClockEvent.STOPPED, actor=actor, now=now)
        if lifts:
            restrictions_lift_in_transaction(
                actor=actor, source=request_source(request), now=now, locked=locked_stops
            )
            authorisations_resume_for_source_locked(
                actor=actor, source=request_source(request), now=now
            )
        if to in REQUEST_MACHINE.terminal or "acknowledged_at" in fields:
            # Before the move is saved: the register reads the request as the sweep does, its clocks
            # still running, so a clock this move ends late is the sweep's breach, recorded now.
            missed_deadlines_record(request, actor=actor, now=now)
        request.save(update_fields=fields)
        change = status_change_record(
            request, old=old, new=to, actor=actor, now=now, reason=reason, note=note
        )
        notify_requesting_client(request, change)
        customer_notify_move(request, old_status=old, new_status=to, now=now, key=str(change.pk))
        audit_record(
            action="dsr.request.transitioned",
            actor=actor,
            subject=request.subject_id,
            target=request,
            data={"from": old, "to": to, "reason": reason},
            now=now,
        )
        if to == S.IN_PROGRESS:
            tasks_fan_out(request, actor=actor, now=now)
        if to in UNANSWERED_ENDS:
            tasks_call_off(request, actor=actor, now=now)
        if to in REQUEST_MACHINE.terminal:
            # The customer's deletion spared it while it was open; closed, it loses those copies.
            spared_request_copies_erase(request, actor=actor, now=now)
    return request


def status_change_record(
    request: DataSubjectRequest,
    *,
    old: str,
    new: str,
    actor: Actor,
    now: datetime,
    reason: str = "",
    note: str = "",
) -> RequestStatusChange:
    return RequestStatusChange.objects.create(
        request=request,
        old_status=old,
        new_status=new,
        actor_kind=actor.kind,
        actor_label=actor.label[:150],
        actor_user_id=actor.user_id,
        reason=reason,
        note=note,
        at=now,
    )
