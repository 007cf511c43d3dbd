"""Writes on data-subject requests: intake, the state machine, identity, assignment and the clocks.

`request_transition` is the one service that moves a request; the named actions (acknowledge,
verify identity, reject, cancel, complete) are entry points that lock the request and call the same
internal step `_move`, so every move is checked against `dsr.states.TRANSITIONS`, writes a
`RequestStatusChange` and an audit entry, and keeps the clocks right.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from authorisations.services import (
    authorisations_pause_for_subject_in_transaction,
    authorisations_resume_for_source_in_transaction,
)
from consents.models import Purpose
from consents.services import restrictions_apply_in_transaction, restrictions_lift_in_transaction
from core.actors import Actor
from core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from deadlines.models import RequestType
from deadlines.policy import LOCAL_TZ, deadlines_for
from dsr.models import (
    Channel,
    ClockEvent,
    DataSubjectRequest,
    IdentityMethod,
    OutcomeReason,
    RequestClockEvent,
    RequestStatusChange,
)
from dsr.notifications import customer_notify, customer_notify_move
from dsr.states import NEEDS_REASON, NEEDS_VERIFIED_IDENTITY, OPEN, TERMINAL, RequestStatus, is_allowed
from integrations.models import WebhookEndpoint
from integrations.outbox import outbox_enqueue_webhook
from subjects.models import DataSubject
from subjects.services import RECTIFIABLE_FIELDS
from subjects.validators import normalize_email, normalize_national_id, normalize_phone

S = RequestStatus
MAX_DETAILS_LENGTH = 4000
MAX_NOTE_LENGTH = 2000
MAX_OVERDUE_REASON = 1000
MAX_PURPOSES = 50
# The webhook topic an integration client subscribes to for the moves of the requests it submitted.
STATUS_TOPIC = "dsr.request.status_changed"
# Requests that stop processing from the moment the requester is verified (Law 91 Art. 4).
RESTRICTION_TYPES = (RequestType.RESTRICT, RequestType.OBJECT)
# Guardians are corrected through their own procedure (authority re-checked), and the end of the
# relationship is the bank's record, not a customer's correction.
CORRECTABLE_FIELDS = tuple(f for f in RECTIFIABLE_FIELDS if f not in ("guardian", "relationship_ended_on"))


# ---------------------------------------------------------------------------- intake


def request_create(
    *,
    actor: Actor,
    subject: DataSubject,
    type: str,
    channel: str,
    details: str = "",
    corrections: dict[str, Any] | None = None,
    purposes: list[str] | None = None,
    guardian: DataSubject | None = None,
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Receive a request and start both clocks. A guardian acts for a child only once their
    authority has been verified on the child's record."""
    now = now or timezone.now()
    if type not in RequestType.values:
        raise InvalidInput(
            _("Choose a request type: %(types)s."), field="type", types=", ".join(RequestType.values)
        )
    if channel not in Channel.values:
        raise InvalidInput(
            _("Choose a channel: %(channels)s."), field="channel", channels=", ".join(Channel.values)
        )
    details = (details or "").strip()
    if len(details) > MAX_DETAILS_LENGTH:
        raise InvalidInput(
            _("The details are longer than %(max)s characters."), field="details", max=MAX_DETAILS_LENGTH
        )
    clean_corrections = _clean_corrections(type, corrections)
    clean_purposes = _clean_purposes(type, purposes)
    if (
        guardian is not None
        and not DataSubject.objects.filter(
            pk=subject.pk, guardian=guardian, guardian_verified_at__isnull=False
        ).exists()
    ):
        raise InvalidInput(_("This person is not this customer's verified guardian."), field="guardian")
    # Whether a processor must act is known only when the fan-out reaches one (`clock_processor_involved`).
    deadlines = deadlines_for(request_type=type, received_at=now, subject=subject)
    with transaction.atomic(durable=True):
        request = DataSubjectRequest.objects.create(
            subject=subject,
            type=type,
            channel=channel,
            details=details,
            corrections=json.dumps(clean_corrections, sort_keys=True) if clean_corrections else "",
            purposes=clean_purposes,
            guardian=guardian,
            created_by_id=actor.user_id,
            received_at=now,
            due_at=deadlines.due_at,
            acknowledge_by=deadlines.acknowledge_by,
            statutory_due_at=deadlines.statutory_due_at,
            statutory_regime=deadlines.regime,
            pausable=deadlines.pausable,
        )
        change = _history(request, old="", new=S.RECEIVED, actor=actor, now=now)
        _notify_requesting_client(request, change)
        customer_notify_move(request, new_status=S.RECEIVED, now=now, key=str(change.pk))
        audit_record(
            action="dsr.request.received",
            actor=actor,
            subject=subject,
            target=request,
            now=now,
            data={
                "type": type,
                "channel": channel,
                "guardian": str(guardian.pk) if guardian else None,
                "purposes": clean_purposes,
                "corrected_fields": sorted(clean_corrections),
            },
        )
        _clock(request, ClockEvent.STARTED, actor=actor, now=now, note=deadlines.regime)
    return request


def _clean_corrections(type: str, corrections: dict[str, Any] | None) -> dict[str, Any]:
    if not corrections:
        return {}
    if type != RequestType.RECTIFY:
        raise InvalidInput(_("Corrected values belong only to a rectification request."), field="corrections")
    if not isinstance(corrections, dict):
        raise InvalidInput(_("Give the corrected values as field: value pairs."), field="corrections")
    unknown = set(corrections) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be corrected by a request: %(fields)s."),
            field="corrections",
            fields=", ".join(sorted(unknown)),
        )
    clean = {}
    for name, value in corrections.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput(_("Each corrected value must be text."), field="corrections")
        if value and len(value) > 500:
            raise InvalidInput(_("A corrected value is longer than 500 characters."), field="corrections")
        value = (value or "").strip()
        # Check the values now, so the customer hears of a typo at intake rather than at the answer.
        validator = _CORRECTION_VALIDATORS.get(name)
        if value and validator is not None:
            try:
                validator(value)
            except InvalidInput as error:
                raise InvalidInput(error.message, field="corrections", **error.params) from None
        clean[name] = value
    return clean


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Enter the date of birth as YYYY-MM-DD.")) from None


_CORRECTION_VALIDATORS = {
    "phone": normalize_phone,
    "email": normalize_email,
    "national_id": normalize_national_id,
    "date_of_birth": _iso_date,
}


def _clean_purposes(type: str, purposes: list[str] | None) -> list[str]:
    if not purposes:
        return []
    if type not in (RequestType.RESTRICT, RequestType.OBJECT, RequestType.WITHDRAW):
        raise InvalidInput(
            _("Purposes belong only to restriction, objection and withdrawal requests."), field="purposes"
        )
    if (
        not isinstance(purposes, list)
        or len(purposes) > MAX_PURPOSES
        or not all(isinstance(code, str) and 0 < len(code) <= 50 for code in purposes)
    ):
        raise InvalidInput(_("Give the purposes as a list of purpose codes."), field="purposes")
    codes = sorted(set(purposes))
    missing = sorted(set(codes) - set(Purpose.objects.filter(code__in=codes).values_list("code", flat=True)))
    if missing:
        raise InvalidInput(
            _("These purposes do not exist: %(codes)s."), field="purposes", codes=", ".join(missing)
        )
    return codes


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
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        request = lock_request(request_id)
        if to in (S.COMPLETED, S.PARTIALLY_COMPLETED):
            # Completion carries the fulfilment of the request's type; it has its own entry point.
            # Imported here: fulfilment builds on this module's `move`.
            from dsr.services.fulfilment import complete_in_transaction

            complete_in_transaction(
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


def request_cancel(*, actor: Actor, request_id, now: datetime | None = None) -> DataSubjectRequest:
    """The customer withdraws their own request."""
    return request_transition(actor=actor, request_id=request_id, to=S.CANCELLED, now=now)


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
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        request = lock_request(request_id)
        if not request.is_overdue(now):
            raise Conflict(_("This request is not past its deadline."), code="not_overdue")
        overdue_reason_set(request, reason=reason, actor=actor, now=now)
    return request


def overdue_reason_set(request: DataSubjectRequest, *, reason: str, actor: Actor, now: datetime) -> None:
    """Save the reason for the delay on a locked request, with its audit entry."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the request is late."), field="overdue_reason")
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


def request_verify_identity(
    *,
    actor: Actor,
    request_id,
    method: str,
    reference: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Record how staff verified the requester (documents in branch, OTP, eKYC) and start the work.

    A request still waiting for acknowledgement is acknowledged first, so the history shows both moves.
    """
    now = now or timezone.now()
    if method not in IdentityMethod.values:
        raise InvalidInput(_("Choose how the identity was verified."), field="method")
    reference = (reference or "").strip()
    if method != IdentityMethod.BRANCH_DOCUMENTS and not reference:
        raise InvalidInput(_("Give the OTP or eKYC reference."), field="reference")
    if len(reference) > 100:
        raise InvalidInput(_("The reference is longer than 100 characters."), field="reference")
    with transaction.atomic(durable=True):
        request = lock_request(request_id)
        if request.identity_verified_at is not None:
            raise Conflict(
                _("The requester's identity is already verified."), code="identity_already_verified"
            )
        if request.guardian_id is not None:
            guardian_verified = (
                DataSubject.objects.filter(pk=request.subject_id)
                .values_list("guardian_verified_at", flat=True)
                .first()
            )
            if guardian_verified is None:
                raise Conflict(
                    _("Verify the guardian's authority on the child's record first."),
                    code="guardian_not_verified",
                )
        if request.status == S.RECEIVED:
            move(request, to=S.VERIFYING_IDENTITY, actor=actor, now=now)
        if request.status not in (S.VERIFYING_IDENTITY, S.AWAITING_CUSTOMER):
            raise InvalidTransition(status=request.get_status_display())
        request.identity_method = method
        request.identity_reference = reference
        request.identity_verified_at = now
        request.identity_verified_by_id = actor.user_id
        request.save(
            update_fields=[
                "identity_method",
                "identity_reference",
                "identity_verified_at",
                "identity_verified_by",
                "updated_at",
            ]
        )
        audit_record(
            action="dsr.request.identity_verified",
            actor=actor,
            subject=request.subject_id,
            target=request,
            data={"method": method},
            now=now,
        )
        if request.type in RESTRICTION_TYPES:
            # In force now, not at completion: the systems' tasks then confirm that each one stopped.
            restriction_put_in_force(request, actor=actor, now=now)
        move(request, to=S.IN_PROGRESS, actor=actor, now=now)
    return request


def request_assign(*, actor: Actor, request_id, assignee, now: datetime | None = None) -> DataSubjectRequest:
    """Give a request to a staff member who works requests (or take it back with `assignee=None`)."""
    now = now or timezone.now()
    if assignee is not None and not assignee.has_perm("dsr.work_request"):
        raise InvalidInput(_("This person does not work on requests."), field="assignee")
    with transaction.atomic(durable=True):
        request = lock_request(request_id)
        if request.status in TERMINAL:
            raise InvalidTransition(
                _("A closed request cannot be reassigned."), status=request.get_status_display()
            )
        previous = request.assignee_id
        request.assignee = assignee
        request.save(update_fields=["assignee", "updated_at"])
        audit_record(
            action="dsr.request.assigned",
            actor=actor,
            subject=request.subject_id,
            target=request,
            data={"from": previous, "to": assignee.pk if assignee else None},
            now=now,
        )
    return request


def request_approve(*, actor: Actor, request_id, now: datetime | None = None) -> DataSubjectRequest:
    """The second responsible person's approval a deletion needs; someone else then completes it."""
    now = now or timezone.now()
    require_permission(actor, "dsr.approve_deletion")
    with transaction.atomic(durable=True):
        request = lock_request(request_id)
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
    """Use the law's one-time extension, with the reason told to the customer (Decree 356)."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Say why more time is needed; the customer is told."), field="note")
    with transaction.atomic(durable=True):
        request = lock_request(request_id)
        if request.status in TERMINAL:
            raise InvalidTransition(status=request.get_status_display())
        if request.extended_at is not None:
            raise Conflict(_("The deadline has already been extended once."), code="already_extended")
        if request.statutory_due_at is not None and now >= request.statutory_due_at:
            # Decree 356: the extension is asked for within the period, not after it has run out.
            raise Conflict(
                _("The statutory deadline has passed; it can no longer be extended."),
                code="extension_too_late",
            )
        request.extended_at = now
        deadlines = _recompute(request, now=now)
        if not deadlines.extendable:
            raise Conflict(_("No regime allows extending this type of request."), code="not_extendable")
        request.extension_note = note[:MAX_NOTE_LENGTH]
        request.save(
            update_fields=["extended_at", "due_at", "statutory_due_at", "extension_note", "updated_at"]
        )
        _clock(request, ClockEvent.EXTENDED, actor=actor, now=now)
        customer_notify(request, event="extended", now=now, key=now.isoformat())
    return request


# ------------------------------------------------------------------------ internals shared by the services


def request_source(request: DataSubjectRequest) -> str:
    """How the consents app refers to a request without importing dsr."""
    return f"dsr.request:{request.pk}"


def request_purposes(request: DataSubjectRequest) -> list[Purpose] | None:
    """The purposes a restriction, objection or withdrawal names (None: all it can reach)."""
    if not request.purposes:
        return None
    return list(Purpose.objects.filter(code__in=request.purposes).order_by("code"))


def restriction_put_in_force(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> None:
    """The restriction or objection of a verified request, in force in the caller's transaction
    (idempotent: the completion applies it again for requests verified before it took effect at once)."""
    restrictions_apply_in_transaction(
        actor=actor,
        subject=request.subject,
        purposes=request_purposes(request),
        kind=request.type,
        source=request_source(request),
        now=now,
    )
    if request.type == RequestType.OBJECT:
        # An objection covering disclosure to third parties pauses the matching authorisations.
        authorisations_pause_for_subject_in_transaction(
            actor=actor, subject=request.subject, purposes=request_purposes(request),
            source=request_source(request), now=now,
        )


def _flagged_overdue(request: DataSubjectRequest) -> bool:
    # The deadline sweep (every few minutes) records a breach on the request's clock history: from
    # then on, staff know it is late and its closing needs the reason. The "closed late" mark itself
    # is derived from the dates (`closed_late`), breach recorded or not.
    return request.clock_events.filter(kind=ClockEvent.BREACHED).exists()


def lock_request(request_id) -> DataSubjectRequest:
    request = DataSubjectRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("No such request."))
    return request


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
    if not is_allowed(old, to):
        raise InvalidTransition(status=request.get_status_display())
    # A late answer says why it is late; the customer's own cancellation needs no staff reason.
    if to in TERMINAL and to != S.CANCELLED and now > request.answer_by:
        if overdue_reason.strip():
            overdue_reason_set(request, reason=overdue_reason, actor=actor, now=now)
        elif not request.overdue_reason and _flagged_overdue(request):
            raise InvalidInput(
                _("This request is past its deadline: say why before closing it."), field="overdue_reason"
            )
    if to in NEEDS_VERIFIED_IDENTITY and request.identity_verified_at is None:
        raise Conflict(
            _("Verify the requester's identity before working on or answering the request."),
            code="identity_not_verified",
        )
    note = (note or "").strip()[:MAX_NOTE_LENGTH]
    if to in NEEDS_REASON:
        if reason not in OutcomeReason.values:
            raise InvalidInput(_("Choose the legal reason; the customer will see it."), field="reason")
        if reason == OutcomeReason.OTHER and not note:
            raise InvalidInput(_("Explain the reason in the note."), field="note")
    elif reason:
        raise InvalidInput(
            _("A legal reason is given only when refusing or partly answering."), field="reason"
        )
    fields = ["status", "updated_at"]
    with transaction.atomic(savepoint=False):
        if old == S.RECEIVED and to != S.CANCELLED and request.acknowledged_at is None:
            request.acknowledged_at = now
            fields.append("acknowledged_at")
            _clock(request, ClockEvent.ACKNOWLEDGED, actor=actor, now=now)
        if request.paused_at is not None:
            request.paused_seconds += max(0, int((now - request.paused_at).total_seconds()))
            request.paused_at = None
            fields += ["paused_at", "paused_seconds"]
            if to not in TERMINAL:
                _recompute(request, now=now)
                fields += ["due_at", "statutory_due_at"]
                _clock(request, ClockEvent.RESUMED, actor=actor, now=now)
        if to == S.AWAITING_CUSTOMER and request.pausable:
            request.paused_at = now
            fields.append("paused_at")
            _clock(request, ClockEvent.PAUSED, actor=actor, now=now)
        request.status = to
        if to in NEEDS_REASON:
            request.outcome_reason = reason
            fields.append("outcome_reason")
        if note and (to in TERMINAL or to == S.AWAITING_CUSTOMER):
            request.outcome_note = note
            fields.append("outcome_note")
        if to in TERMINAL:
            request.closed_at = now
            fields.append("closed_at")
            _clock(request, ClockEvent.STOPPED, actor=actor, now=now)
        if to in (S.REJECTED, S.CANCELLED) and request.type in RESTRICTION_TYPES:
            restrictions_lift_in_transaction(actor=actor, source=request_source(request), now=now)
            authorisations_resume_for_source_in_transaction(
                actor=actor, source=request_source(request), now=now
            )
        request.save(update_fields=fields)
        change = _history(request, old=old, new=to, actor=actor, now=now, reason=reason, note=note)
        _notify_requesting_client(request, change)
        customer_notify_move(request, new_status=to, now=now, key=str(change.pk))
        audit_record(
            action="dsr.request.transitioned",
            actor=actor,
            subject=request.subject_id,
            target=request,
            data={"from": old, "to": to, "reason": reason},
            now=now,
        )
        if to == S.IN_PROGRESS:
            # Imported here: the task services build on this module's locking.
            from dsr.services.tasks import tasks_fan_out

            tasks_fan_out(request, actor=actor, now=now)
    return request


def clock_processor_involved(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> None:
    """This request's fan-out reached a processor or third party: the law's longer period applies to
    it (and to no other request), as a recorded clock event. Caller's transaction, request locked."""
    if request.processor_involved:
        return
    request.processor_involved = True
    _recompute(request, now=now)
    request.save(update_fields=["processor_involved", "due_at", "statutory_due_at", "updated_at"])
    _clock(request, ClockEvent.PROCESSOR, actor=actor, now=now)


CLOCK_FIELDS = ("due_at", "statutory_due_at", "acknowledge_by")


def clocks_recompute_for_calendar(*, day: date, actor: Actor, now: datetime) -> int:
    """After `day` entered or left the working-day calendar, recompute the deadlines of the open
    requests whose clocks run across it, each move a recorded clock event. A deadline never moves
    earlier than the one already given. Caller's transaction; returns how many requests moved."""
    start_of_day = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ)
    crossing = (
        DataSubjectRequest.objects.select_for_update()
        .filter(status__in=sorted(OPEN), received_at__lt=start_of_day)
        .filter(
            Q(due_at__gte=start_of_day)
            | Q(statutory_due_at__gte=start_of_day)
            | Q(acknowledge_by__gte=start_of_day)
        )
        .order_by("pk")
    )
    moved = 0
    for request in crossing:
        deadlines = _deadlines(request)
        changed = []
        for name in CLOCK_FIELDS:
            old, new = getattr(request, name), getattr(deadlines, name)
            if old is not None and new is not None and new > old:
                setattr(request, name, new)
                changed.append(name)
        if changed:
            request.save(update_fields=[*changed, "updated_at"])
            _clock(request, ClockEvent.CALENDAR, actor=actor, now=now, note=day.isoformat())
            moved += 1
    return moved


def _deadlines(request: DataSubjectRequest):
    """The request's clocks as the policy and calendar give them now, from its own history."""
    return deadlines_for(
        request_type=request.type,
        received_at=request.received_at,
        subject=request.subject_id,
        processor_involved=request.processor_involved,
        paused=timedelta(seconds=request.paused_seconds),
        extended=request.extended_at is not None,
    )


def _recompute(request: DataSubjectRequest, *, now: datetime):
    deadlines = _deadlines(request)
    request.due_at = deadlines.due_at
    request.statutory_due_at = deadlines.statutory_due_at
    return deadlines


def _history(
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


def _notify_requesting_client(request: DataSubjectRequest, change: RequestStatusChange) -> None:
    """Tell the integration client that submitted the request (e.g. the mobile app) of each move, by a
    webhook queued in this transaction and delivered once it commits."""
    if request.created_by_id is None or request.channel != Channel.API:
        return
    endpoints = WebhookEndpoint.objects.filter(client_id=request.created_by_id, active=True)
    for endpoint in endpoints:
        if not endpoint.wants(STATUS_TOPIC):
            continue
        outbox_enqueue_webhook(
            endpoint=endpoint,
            topic=STATUS_TOPIC,
            payload={
                "request": str(request.pk),
                "type": request.type,
                "from": change.old_status,
                "to": change.new_status,
                "reason": change.reason,
                "at": change.at.isoformat(),
                "due_at": request.due_at.isoformat(),
            },
            dedupe_key=f"dsr.status:{change.pk}:endpoint:{endpoint.pk}",
            subject_id=request.subject_id,
            now=change.at,
        )


def _clock(request: DataSubjectRequest, kind: str, *, actor: Actor, now: datetime, note: str = "") -> None:
    RequestClockEvent.objects.create(
        request=request,
        kind=kind,
        at=now,
        due_at=request.due_at,
        statutory_due_at=request.statutory_due_at,
        actor_label=actor.label[:150],
        note=note,
    )
    audit_record(
        action=f"dsr.clock.{kind}",
        actor=actor,
        subject=request.subject_id,
        target=request,
        now=now,
        data={
            "due_at": request.due_at.isoformat(),
            "statutory_due_at": request.statutory_due_at.isoformat() if request.statutory_due_at else None,
        },
    )


def actor_user(actor: Actor):
    """The user behind an actor, for permission checks that a service itself must make."""
    if actor.user_id is None:
        return None
    return get_user_model().objects.filter(pk=actor.user_id).first()


def require_permission(actor: Actor, permission: str) -> None:
    user = actor_user(actor)
    if user is None or not user.has_perm(permission):
        raise PermissionDenied()
