"""The DPO's holds for a dispute recorded outside a complaint (a court case, an inspection, a police
request): while one is in force, the nightly release leaves the customer's legal holds
(`dsr.selectors.deletions.holds_due`) and no system erases for the customer's deletions."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound
from deadlines.local_days import LOCAL_TZ
from dsr.models import DataSubjectRequest, DisputeHold
from dsr.selectors.deletions import (
    deletions_awaiting_instructions,
    deletions_erasing_under_disputes,
    deletions_worked_on,
    dispute_keeps_customer_data,
)
from dsr.services.fanout import tasks_fan_out
from dsr.services.task_moves import tasks_call_off
from subjects.locks import subjects_lock
from subjects.staff_records import own_record_check


def dispute_hold_record(
    *,
    actor: Actor,
    subject_id,
    reason: str,
    reference: str,
    starts_on: date,
    ends_on: date | None,
    now: datetime | None = None,
) -> DisputeHold:
    """Record that a dispute keeps this customer's held data from `starts_on` through `ends_on` (included;
    None: until lifted). The customer's row is locked as the nightly release locks it, so a release
    running at the same moment either sees the hold or has finished before it."""
    reason, reference = (reason or "").strip(), (reference or "").strip()
    if not reason:
        raise InvalidInput(_("Say what the dispute is."), field="reason")
    if not reference:
        raise InvalidInput(_("Give the dispute's reference (case, inspection or request number)."),
                           field="reference")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("The hold cannot end before it starts."), field="ends_on")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        if not subjects_lock([subject_id]):
            raise NotFound(_("No such customer."))
        own_record_check(actor, subject_id)
        dispute = DisputeHold.objects.create(
            subject_id=subject_id, reason=reason, reference=reference, starts_on=starts_on, ends_on=ends_on,
            recorded_at=now, recorded_by_id=actor.user_id,
        )
        audit_record(
            action="dsr.dispute_hold.recorded",
            actor=actor,
            subject=subject_id,
            target=dispute,
            # The description may name people: kept encrypted on the record, not in the trail.
            data={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None},
            now=now,
        )
        if dispute_keeps_customer_data(subject_id, now=now):
            # The systems told to erase before the authority asked stand down; lifting the hold, or the
            # night after it runs out, sends them fresh tasks (`tasks_fan_out`: one live task a system).
            for request in _deletions_worked_on(subject_id):
                tasks_call_off(request, actor=actor, now=now)
    return dispute


def dispute_hold_lift(*, actor: Actor, dispute_id, reason: str, now: datetime | None = None) -> DisputeHold:
    """Lift a hold for a dispute, with the reason: the customer's legal holds whose last day has passed
    go at the next nightly release, and, when no other hold for a dispute is in force, the customer's
    deletions being worked on send their systems the erase and hold instructions the hold kept back
    (`dsr.services.fanout.tasks_fan_out`)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the hold is lifted."), field="reason")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        subject_id = DisputeHold.objects.filter(pk=dispute_id).values_list("subject_id", flat=True).first()
        if subject_id is None:
            raise NotFound(_("No such hold for a dispute."))
        subjects_lock([subject_id])
        own_record_check(actor, subject_id)
        dispute = DisputeHold.objects.select_for_update().get(pk=dispute_id)
        if dispute.lifted_at is not None:
            raise Conflict(_("This hold has already been lifted."), code="already_lifted")
        dispute.lifted_at, dispute.lifted_by_id, dispute.lift_reason = now, actor.user_id, reason
        dispute.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit_record(
            action="dsr.dispute_hold.lifted", actor=actor, subject=subject_id, target=dispute, data={},
            now=now,
        )
        _deletions_resume(subject_id, actor=actor, now=now)
    return dispute


def _deletions_resume(subject_id, *, actor: Actor, now: datetime) -> None:
    # `tasks_fan_out` sends nothing to a deletion while another hold for a dispute is in force.
    for request in _deletions_worked_on(subject_id):
        tasks_fan_out(request, actor=actor, now=now)


def _deletions_worked_on(subject_id) -> list[DataSubjectRequest]:
    """The customer's verified deletions being worked on, locked (their customer locked by the caller)."""
    return list(deletions_worked_on().select_for_update().filter(subject_id=subject_id).order_by("pk"))


def deletions_follow_disputes(*, now: datetime | None = None) -> int:
    """The night's follow-up of the holds for a dispute, per customer in their own transaction: the night a
    hold dated to start later comes into force, the customer's open erase tasks are called off, as when
    a hold is recorded in force; the night after one runs out (its last day passed, nobody lifted it),
    the customer's deletions being worked on send their systems the instructions it kept back, as a lift
    does, unless another hold is in force. Idempotent. Returns how many customers it reached."""
    now = now or timezone.now()
    actor = Actor.system("dsr.deletions_follow_disputes")
    today = timezone.localdate(now, LOCAL_TZ)
    erasing = set(deletions_erasing_under_disputes(on=today).values_list("subject_id", flat=True))
    awaiting = set(deletions_awaiting_instructions(on=today).values_list("subject_id", flat=True))
    for subject_id in sorted(erasing | awaiting):
        with transaction.atomic(durable=True):
            subjects_lock([subject_id])
            # Re-read under the lock: a hold recorded or lifted meanwhile has done its own part.
            if dispute_keeps_customer_data(subject_id, now=now):
                for request in _deletions_worked_on(subject_id):
                    tasks_call_off(request, actor=actor, now=now)
            else:
                _deletions_resume(subject_id, actor=actor, now=now)
    return len(erasing | awaiting)
