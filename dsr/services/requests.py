"""Writes on data-subject requests: the state machine's entry points, identity, assignment,
approval and extension.

`request_transition` is the one service that moves a request; the named actions (acknowledge,
verify identity, reject, cancel, complete) are entry points that lock the request and call the same
step `dsr.services.moves.move`, so every move is checked against `dsr.states.REQUEST_MACHINE`, writes a
`RequestStatusChange` and an audit entry, and keeps the clocks right. Intake is in
`dsr.services.intake`, the clocks in `dsr.services.base`, completion in `dsr.services.fulfilment`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, required_text
from deadlines.models import RequestType
from dsr.models import (
    ClockEvent,
    DataSubjectRequest,
)
from dsr.notifications import customer_notify, staff_notify_customer_replied
from dsr.selectors import request_extension_refusal, subject_acts_on_request
from dsr.services.base import (
    RECOMPUTED_FIELDS,
    clock_record,
    clocks_fallen_due,
    clocks_recompute,
    request_locked,
    require_permission,
)
from dsr.services.client_webhooks import notify_requesting_client_extended
from dsr.services.fulfilment import request_complete_locked
from dsr.services.moves import (
    MAX_NOTE_LENGTH,
    S,
    move,
    overdue_reason_set,
)
from dsr.states import ANSWERS, REQUEST_MACHINE
from subjects.locks import locked_after_customers
from subjects.models import DataSubject
from subjects.staff_records import own_record_check

# ---------------------------------------------------------------------------- the state machine


def request_transition(
    *,
    actor: Actor,
    request_id,
    to: str,
    reason: str = "",
    note: str = "",
    overdue_reason: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Move a request to status `to` if the transition table allows it (409 otherwise). Closing a
    request after its binding deadline needs the reason for the delay (given now or recorded before)."""
    with transaction.atomic(durable=True):
        # The clock is read once the locks are held: a move that waited for another one of the same
        # request is stamped after it, so the history's and the webhooks' `at` follow the order of the moves.
        request, now = request_locked(request_id, now=now)
        if to in ANSWERS:
            # Completion carries the fulfilment of the request's type; it has its own entry point.
            request_complete_locked(
                request,
                actor=actor,
                partial=to == S.PARTIALLY_COMPLETED,
                reason=reason,
                note=note,
                overdue_reason=overdue_reason,
                now=now,
            )
        else:
            move(
                request, to=to, actor=actor, reason=reason, note=note, overdue_reason=overdue_reason, now=now
            )
    return request


# A customer's answer to the bank's question: as long as a note staff may write to them.
MAX_REPLY_LENGTH = MAX_NOTE_LENGTH


def request_customer_reply(
    *, actor: Actor, request_id, subject: DataSubject | None, text: str, now: datetime | None = None
) -> DataSubjectRequest:
    """The customer answers the question the bank asked when it put the request on *awaiting the
    customer*: the answer is the note of the move back to where the work stood (identity still to
    check, or the work itself), as when staff resume it, so the paused clock runs again the same way.
    Staff working requests are told by e-mail. `subject` is the customer (or the guardian still acting
    for the child)."""
    text = required_text(text, field="text", message=_("Write your answer to the bank's question."))
    if len(text) > MAX_REPLY_LENGTH:
        raise InvalidInput(
            _("Keep your answer under %(max)s characters."), field="text", max=MAX_REPLY_LENGTH
        )
    with transaction.atomic(durable=True):
        request, now = request_locked(request_id, now=now)
        if not subject_acts_on_request(subject, request):
            raise NotFound(_("No such request."))
        if request.status != S.AWAITING_CUSTOMER:
            raise Conflict(
                _("The bank is not waiting for an answer on this request."), code="not_awaiting_customer"
            )
        to = S.IN_PROGRESS if request.identity_verified_at is not None else S.VERIFYING_IDENTITY
        move(request, to=to, actor=actor, note=text, now=now)
        change = request.status_changes.order_by("-at", "-pk").first()
        audit_record(
            action="dsr.request.customer_replied",
            actor=actor,
            subject=request.subject_id,
            target=request,
            # The answer itself is the customer's words, kept encrypted on the history row.
            data={"status": to, "length": len(text)},
            now=now,
        )
        staff_notify_customer_replied(request, now=now, key=str(change.pk))
    return request


def request_acknowledge(*, actor: Actor, request_id, now: datetime | None = None) -> DataSubjectRequest:
    """Acknowledge receipt (Law 91: within 2 working days) and start verifying the requester's identity."""
    return request_transition(actor=actor, request_id=request_id, to=S.VERIFYING_IDENTITY, now=now)


def request_reject(
    *,
    actor: Actor,
    request_id,
    reason: str = "",
    note: str = "",
    overdue_reason: str = "",
    now: datetime | None = None,
):
    """Refuse a request with its legal reason, which the customer sees."""
    return request_transition(
        actor=actor,
        request_id=request_id,
        to=S.REJECTED,
        reason=reason,
        note=note,
        overdue_reason=overdue_reason,
        now=now,
    )


def request_cancel(
    *, actor: Actor, request_id, overdue_reason: str = "", now: datetime | None = None
) -> DataSubjectRequest:
    """The customer withdraws their own request, or staff record that the customer asked them to; staff
    cancelling a request flagged overdue say why it is late, as for any late close."""
    return request_transition(
        actor=actor, request_id=request_id, to=S.CANCELLED, overdue_reason=overdue_reason, now=now
    )


def request_complete(
    *,
    actor: Actor,
    request_id,
    partial: bool = False,
    reason: str = "",
    note: str = "",
    overdue_reason: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Fulfil the request as its type requires and close it; a partial answer needs its legal reason,
    and a late answer the reason for the delay."""
    return request_transition(
        actor=actor,
        request_id=request_id,
        to=S.PARTIALLY_COMPLETED if partial else S.COMPLETED,
        reason=reason,
        note=note,
        overdue_reason=overdue_reason,
        now=now,
    )


def request_overdue_reason_record(
    *, actor: Actor, request_id, reason: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Record why a request went past its binding deadline (open and overdue, or closed late)."""
    with transaction.atomic(durable=True):
        request, now = request_locked(request_id, now=now)
        if not request.is_overdue(now):
            raise Conflict(_("This request is not past its deadline."), code="not_overdue")
        overdue_reason_set(request, reason=reason, actor=actor, now=now)
    return request


def request_assign(*, actor: Actor, request_id, assignee, now: datetime | None = None) -> DataSubjectRequest:
    """Give a request to a staff member who works requests (or take it back with `assignee=None`)."""
    if assignee is not None and not assignee.has_perm("dsr.work_request"):
        raise InvalidInput(_("This person does not work on requests."), field="assignee")
    with transaction.atomic(durable=True):
        request, now = request_locked(request_id, now=now)
        if request.status in REQUEST_MACHINE.terminal:
            raise InvalidTransition(
                _("A closed request cannot be reassigned."), status=request.get_status_display()
            )
        _assignee_set(request, assignee.pk if assignee else None, actor=actor, now=now)
    return request


def requests_lock_on_role_change(sender, *, user_id: int, **kwargs) -> None:
    """Receiver of `accounts.signals.role_changing`: the customers of the open requests a leaver gives
    back (`requests_return_on_role_change`), then those requests, locked before any receiver of
    `role_changed` writes an audit entry (the one lock order)."""
    held = _requests_given_back(user_id)
    if held is not None:
        locked_after_customers(held)


def requests_return_on_role_change(sender, *, user_id: int, actor: Actor, **kwargs) -> None:
    """Receiver of `accounts.signals.role_changed`, in the role change's transaction: a staff member
    who left (no role) or moved to a role that works no requests (auditor) gives their open requests
    back to the queue, each audited as an assignment to nobody by whoever changed the role. Left
    assigned, they would look taken care of while nobody can act on them and the customer's deadline
    ran out. Closed requests keep who worked them. Their customers and they were locked on
    `role_changing` (`requests_lock_on_role_change`)."""
    held = _requests_given_back(user_id)
    if held is None:
        return
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        for request in held.select_for_update().order_by("pk"):
            _assignee_set(request, None, actor=actor, now=now, role_changed=True)


def _requests_given_back(user_id: int):
    """The open requests assigned to the user, when their role (already changed) works none."""
    if get_user_model().objects.get(pk=user_id).has_perm("dsr.work_request"):
        return None
    return DataSubjectRequest.objects.filter(assignee_id=user_id).exclude(status__in=REQUEST_MACHINE.terminal)


def _assignee_set(request: DataSubjectRequest, assignee_id, *, actor: Actor, now: datetime, **why) -> None:
    """Save the locked request's new assignee with its audit entry (old and new, and `why` it moved)."""
    previous = request.assignee_id
    request.assignee_id = assignee_id
    request.save(update_fields=["assignee", "updated_at"])
    audit_record(
        action="dsr.request.assigned",
        actor=actor,
        subject=request.subject_id,
        target=request,
        data={"from": previous, "to": assignee_id, **why},
        now=now,
    )


def request_approve(*, actor: Actor, request_id, now: datetime | None = None) -> DataSubjectRequest:
    """The second responsible person's approval a deletion needs; someone else then completes it."""
    require_permission(actor, "dsr.approve_deletion")
    with transaction.atomic(durable=True):
        request, now = request_locked(request_id, now=now)
        own_record_check(actor, request.subject_id)
        if request.type != RequestType.DELETE:
            raise Conflict(_("Only a deletion request is approved."), code="not_a_deletion")
        if request.status != S.IN_PROGRESS:
            raise InvalidTransition(status=request.get_status_display())
        if request.approved_by_id is not None:
            raise Conflict(_("This deletion is already approved."), code="already_approved")
        request.approved_by_id = actor.user_id
        request.approved_at = now
        request.save(update_fields=["approved_by", "approved_at", "updated_at"])
        audit_record(
            action="dsr.request.approved",
            actor=actor,
            subject=request.subject_id,
            target=request,
            data={"type": request.type},
            now=now,
        )
    return request


def request_extend(*, actor: Actor, request_id, note: str, now: datetime | None = None) -> DataSubjectRequest:
    """Use the law's one-time extension, with the reason told to the customer (Decree 356). Not by staff
    on their own, their ward's or their guardian's request (403 `own_customer_record`): more time on
    one's own answer is the bank's, decided by a colleague."""
    note = required_text(note, field="note", message=_("Say why more time is needed; the customer is told."))
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(_("Keep the reason under %(max)s characters."), field="note", max=MAX_NOTE_LENGTH)
    with transaction.atomic(durable=True):
        request, now = request_locked(request_id, now=now)
        own_record_check(actor, request.subject_id)
        fallen = clocks_fallen_due(request, now=now)
        refusal = request_extension_refusal(request, now=now, fallen=fallen)
        if refusal is not None:
            raise refusal
        request.extended_at = now
        clocks_recompute(request, now=now, fallen=fallen)
        request.extension_note = note
        request.save(update_fields=["extended_at", *RECOMPUTED_FIELDS, "extension_note", "updated_at"])
        clock_record(request, ClockEvent.EXTENDED, actor=actor, now=now)
        customer_notify(request, event="extended", now=now, key=now.isoformat())
        notify_requesting_client_extended(request, now=now)
    return request
