"""Completing a request: the fulfilment its type calls for, then the move to completed (or partial).

Every type's fulfilment runs inside the completion's transaction, so either the answer and its
effects are all recorded or nothing is: access/copy build the export, rectify applies the corrected
fields, delete erases or holds each category, restrict/object and withdraw confirm the restriction or
withdrawal already in force since identity verification, and a complaint records its answer.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_for_subject
from audit.services import audit_record
from authorisations.services import authorisations_resume_for_source_locked
from consents.models import WithdrawalDuty
from consents.services import restrictions_lift_in_transaction
from core.actors import Actor
from core.errors import Conflict, InvalidInput
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest, OutcomeReason, RestrictionLift, RetentionLaw, TaskStatus
from dsr.notifications import customer_notify
from dsr.selectors import (
    request_corrections,
    request_recipients_open,
    request_restriction_notices,
    request_restriction_scope,
    scope_not_covered,
)
from dsr.selectors.deletions import request_erasure_held_refusal
from dsr.services.base import request_locked
from dsr.services.deletion import deletion_fulfil, deletion_stops_third_parties
from dsr.services.exports import export_build
from dsr.services.in_force import restriction_put_in_force, withdrawal_put_in_force
from dsr.services.intake import correction_refused
from dsr.services.moves import RESTRICTION_TYPES, move, move_check
from dsr.services.repeat_answers import repeats_answer_with
from dsr.sources import request_source
from dsr.states import LiftReason, RequestStatus
from subjects.changes import subject_changes_check
from subjects.selectors import subject_field_label
from subjects.services import subject_rectify_in_transaction
from subjects.staff_records import own_record_check

S = RequestStatus


def request_complete_locked(
    request: DataSubjectRequest,
    *,
    actor: Actor,
    partial: bool,
    reason: str = "",
    note: str = "",
    overdue_reason: str = "",
    now: datetime,
) -> DataSubjectRequest:
    """Fulfil and close a locked request inside the caller's transaction."""
    target = S.PARTIALLY_COMPLETED if partial else S.COMPLETED
    move_check(request, to=target, now=now)
    open_tasks = request.tasks.filter(status=TaskStatus.OPEN).count()
    if open_tasks:
        raise Conflict(
            ngettext_lazy(
                "%(count)s system task is still open; every system must report first.",
                "%(count)s system tasks are still open; every system must report first.",
                open_tasks,
            ),
            code="tasks_open",
            count=open_tasks,
        )
    note = (note or "").strip()
    # Read by putting a restriction or withdrawal in force, for the checks below (None: not read yet).
    open_recipients: list[WithdrawalDuty] | None = None
    if request.type in (RequestType.ACCESS, RequestType.COPY):
        export_build(request, actor=actor, now=now)
    elif request.type == RequestType.RECTIFY:
        # What could not be corrected comes first in the answer: the note is cut at its maximum length.
        note = "\n\n".join(filter(None, [_rectify(request, actor=actor, now=now, partial=partial), note]))
    elif request.type == RequestType.DELETE:
        held = request_erasure_held_refusal(request, now=now)
        if held:
            # Erasing would destroy what a court, an inspection or the police needs (Law 91/2025: a
            # deletion gives way to the data a competent authority requires), and once the hold ends its
            # systems are told only the night after. The refusal's reason is the neutral "a law forbids
            # the change": naming the dispute would tip the customer off.
            raise held
        if request.approved_by_id is None or request.approved_by_id == actor.user_id:
            # Deletion is irreversible: a second responsible person approves it (four eyes).
            raise Conflict(
                _("A deletion needs the approval of another responsible person before it is completed."),
                code="approval_required",
            )
        holds = deletion_fulfil(request, actor=actor, now=now)
        # Third-party access ended at verification; one verified before that took effect ends now.
        deletion_stops_third_parties(request, actor=actor, now=now)
        if holds and not partial:
            # What a law keeps waits under a hold: the answer is partial, and says why.
            target, partial = S.PARTIALLY_COMPLETED, True
            aml = any(hold.law == RetentionLaw.AML for hold in holds)
            reason = reason or (OutcomeReason.AML_RETENTION if aml else OutcomeReason.OTHER_RETENTION)
    elif request.type in RESTRICTION_TYPES:
        told_before = {duty.pk for duty in request_restriction_notices(request)}
        open_recipients = restriction_put_in_force(request, actor=actor, now=now)
        if any(duty.pk not in told_before for duty in open_recipients):
            # Recipients not told when it was put in force (before recipients were told at all, or one
            # that received the data since): the duties opened here would be rolled back by the check
            # below, so they are opened on their own first (docs/deployment.md).
            raise Conflict(
                _("The recipients of this restriction have not been told to stop yet: an administrator "
                  "runs manage.py tell_restriction_recipients, then each recipient confirms."),
                code="restriction_recipients_not_told",
            )
        left_alone = _left_alone(request, note=note, now=now)
        if left_alone:
            # A named purpose the law keeps going is not fulfilled: the answer is partial and says why.
            target, partial = S.PARTIALLY_COMPLETED, True
            reason = reason or OutcomeReason.OTHER
            note = "\n\n".join(filter(None, [left_alone, note]))
    elif request.type == RequestType.WITHDRAW and request.withdrawal_applied_at is None:
        # Only a request verified before withdrawals took effect at verification; never again, which
        # would withdraw a consent the customer has given since.
        open_recipients = withdrawal_put_in_force(request, actor=actor, now=now)
        if open_recipients:
            # Its recipients are told to stop only if this transaction commits, which the check below
            # would refuse: the withdrawal is put in force on its own first (docs/deployment.md).
            raise Conflict(
                _("This withdrawal is not in force yet and recipients must first be told to stop: an "
                  "administrator runs manage.py apply_verified_withdrawals, then each recipient confirms."),
                code="withdrawal_not_in_force",
            )
    elif request.type == RequestType.COMPLAINT and not note:
        raise InvalidInput(_("Write the answer to the complaint; the customer reads it."), field="note")
    if request.type == RequestType.WITHDRAW or request.type in RESTRICTION_TYPES:
        _recipients_check(request_recipients_open(request) if open_recipients is None else open_recipients)
    move(request, to=target, actor=actor, reason=reason, note=note, overdue_reason=overdue_reason, now=now)
    repeats_answer_with(request, actor=actor, now=now)
    return request


def _recipients_check(duties: list[WithdrawalDuty]) -> None:
    """A withdrawal, restriction or objection is carried out once every recipient told to stop confirmed
    it (Law 91: the bank makes its processors and third parties stop), in full or in part alike: none of
    the legal reasons of a partial answer covers a recipient still processing. `duties`: the request's
    open recipients (`request_recipients_open`)."""
    if duties:
        raise Conflict(
            _("%(count)s recipient(s) have not yet confirmed that they stopped processing: %(names)s. "
              "Record each confirmation (Recipient notices) before answering the request."),
            code="recipients_open",
            count=len(duties),
            names=", ".join(duty.recipient.name_in_reader_language for duty in duties),
        )


def _rectify(request: DataSubjectRequest, *, actor: Actor, now: datetime, partial: bool) -> str:
    """Apply the corrections in the completion's transaction. Answered in full, any correction refused
    refuses the answer (nothing is written); answered in part, a correction that can no longer be
    applied (a citizen ID another customer's record took since intake) is left out, audited, and the
    customer's words on which and why are returned for the answer ("" when nothing was left out)."""
    corrections = request_corrections(request)
    if not corrections:
        if partial:
            return ""
        raise Conflict(
            _("This request names no corrected values; record them or answer it partly."),
            code="no_corrections",
        )
    refused: dict[str, InvalidInput | Conflict] = {}
    if partial:
        for name, value in corrections.items():
            try:
                subject_changes_check(subject=request.subject, changes={name: value}, now=now)
            except (InvalidInput, Conflict) as error:
                refused[name] = error
    changes = {name: value for name, value in corrections.items() if name not in refused}
    if changes:
        subject_rectify_in_transaction(
            actor=actor,
            subject_id=request.subject_id,
            changes=changes,
            now=now,
            reason=f"{request_source(request)}",
            source=request_source(request),
        )
    if not refused:
        return ""
    audit_record(
        action="dsr.request.corrections_left_out",
        actor=actor,
        subject=request.subject_id,
        target=request,
        data={"fields": {name: error.code for name, error in sorted(refused.items())}},
        now=now,
    )
    with translation.override(language_for_subject(request.subject)):
        return "\n".join(
            gettext("Not corrected: %(field)s. %(why)s")
            % {
                "field": subject_field_label(name),
                "why": correction_refused(error, staff=False).text,
            }
            for name, error in sorted(refused.items())
        )


def _left_alone(request: DataSubjectRequest, *, note: str, now: datetime) -> str:
    """The customer's words on each purpose a restriction or objection names but may not reach (a legal
    obligation, a contract), with the legal reason it goes on ("" when it names none, or none such:
    empty means every purpose the right reaches). Naming only such purposes stops nothing: refused,
    unless the objection is to a decision made by automated means, which a person reviews: then `note`
    (what they found, which the customer reads) is required."""
    # Checked before a request naming no purpose returns: its answer too lists the decisions it leaves
    # to a person.
    scope = request_restriction_scope(request, now=now)
    reviewed = bool(scope and scope.reviewed)
    if reviewed and not note:
        raise InvalidInput(
            _("Write what the person who reviewed the automated decision found; the customer reads it."),
            field="note",
        )
    if not request.purposes:
        return ""
    with translation.override(language_for_subject(request.subject)):
        rows = scope_not_covered(scope)
        if len(rows) == len(set(request.purposes)) and not reviewed:
            raise Conflict(
                _("None of the purposes this request names may be restricted or objected to: the law or a "
                  "contract keeps them going. Refuse the request, giving the legal reason."),
                code="nothing_restricted",
            )
        return "\n".join(
            gettext("Goes on: %(purpose)s. %(why)s") % {"purpose": row["name"], "why": row["reason"]}
            for row in rows
        )


def request_restriction_lift(
    *, actor: Actor, request_id, reason: str, note: str = "", now: datetime | None = None
) -> int:
    """End the restriction or objection a completed request put in force, for `reason` (a `LiftReason`;
    "other" explained in `note`); the consent check answers on consent alone again. The reason is
    recorded with the audit entry, and the customer is told in the same transaction (sent once it
    commits), by their usual messages and in their language. Not by staff on their own, their ward's or
    their guardian's data (403 `own_customer_record`): a colleague judges that the ground has ended."""
    note = (note or "").strip()
    if reason not in LiftReason.values:
        raise InvalidInput(_("Choose why the restriction is lifted."), field="reason")
    if reason == LiftReason.OTHER and not note:
        raise InvalidInput(_("Explain why the restriction is lifted; the customer reads it."), field="note")
    with transaction.atomic(durable=True):
        request, now = request_locked(request_id, now=now)
        own_record_check(actor, request.subject_id)
        if request.type not in (RequestType.RESTRICT, RequestType.OBJECT) or request.status not in (
            S.COMPLETED,
            S.PARTIALLY_COMPLETED,
        ):
            raise Conflict(
                _("Only an answered restriction or objection can be lifted."), code="nothing_to_lift"
            )
        lifted = restrictions_lift_in_transaction(actor=actor, source=request_source(request), now=now)
        authorisations_resume_for_source_locked(actor=actor, source=request_source(request), now=now)
        if not lifted:
            raise Conflict(_("This restriction has already been lifted."), code="already_lifted")
        lift = RestrictionLift.objects.create(
            request=request, reason=reason, note=note, lifted_at=now, lifted_by_id=actor.user_id
        )
        audit_record(
            action="dsr.request.restriction_lifted",
            actor=actor,
            subject=request.subject_id,
            target=request,
            # The note may quote the customer: kept encrypted on the record, not in the trail.
            data={"lifted": lifted, "reason": reason, "explained": bool(note)},
            now=now,
        )
        customer_notify(request, event="restriction_lifted", now=now, key=str(lift.pk))
    return lifted
