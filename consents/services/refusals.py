"""Refusals and whole consent forms: an explicit "no" is recorded as an event with the same proof as a
"yes" (channel, evidence, the notice version shown, audit entry, receipt), and the consent check
answers "refused" until a later grant replaces it.

A paper form with several purposes, each ticked yes or no, is recorded in one transaction by
`consent_form_record`: either every answer on the form is recorded or none is. A "yes" to a consent
already in force on the notice version in force records nothing new: the officer re-confirmed it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import Consent, ConsentEvent, ConsentStatus, Purpose
from consents.selectors import consent_granted, notice_current
from consents.services.answer_times import answer_time_audit, answered_at_of
from consents.services.grants import consent_grant_in_transaction
from consents.services.phone_confirmations import phone_acts_confirm
from consents.services.records import answer_build, answer_record, answer_start, live_within_term
from consents.services.rules import (
    GrantRequest,
    answer_validate,
    channel_validate,
    guardian_acting_validate,
    guardianship_of_answer,
)
from consents.services.who_answered import WhoAnswered, who_answered_representative_checked
from consents.services.withdrawals import consent_withdraw_in_transaction
from core.actors import Actor
from core.db import durable_entry_point
from core.errors import Conflict, DomainError, InvalidInput
from subjects.locks import subjects_lock
from subjects.models import DataSubject
from subjects.staff_records import own_record_check


@dataclass(frozen=True)
class FormAnswer:
    """One purpose on a consent form: the notice version shown and the customer's yes (True) or no;
    for a child from 7 to under 16, whether the child agreed to this purpose too (each purpose its own)."""

    purpose: Purpose
    notice_version: str
    agreed: bool
    sensitive_acknowledged: bool = False
    child_agreed: bool = False
    notice_language: str = ""  # the language the notice was read out or handed over in


class FormRecorded(list[Consent]):
    """What a consent form recorded: each answer's consent, in the form's order. `kept`: the ids of those
    already in force that a "yes" re-confirmed, nothing new written for them."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: set[uuid.UUID] = set()


def refusal_needs_withdrawal_error(purpose: Purpose) -> Conflict:
    """The refusal of a "no" from a customer whose consent to the purpose is live: that is a withdrawal."""
    return Conflict(
        _(
            "This customer has a live consent to “%(purpose)s”: to record their “no”, withdraw "
            "that consent (the recipients are then told to stop)."
        ),
        code="refusal_needs_withdrawal",
        purpose=purpose.code,
    )


def consent_refuse_in_transaction(
    *,
    actor: Actor,
    request: GrantRequest,
    now: datetime | None = None,
    answered_at: datetime | None = None,
    source: str = "",
    import_key: str | None = None,
) -> Consent:
    """Record a refusal inside the caller's transaction. It needs what every answer needs
    (`answer_validate`); children's rules do not apply: saying no is always allowed, with or without a
    guardian. A guardian it names must be the child's, verified, on the day of the answer
    (`guardian_acting_validate`): the receipt and the proof show them answering for the child. A
    customer with a live consent who now says no is withdrawing it: that goes through the withdrawal,
    which tells the recipients to stop.

    `answered_at` is when the customer said no, when that is before its recording (`now`): the CSV
    import of paper forms, judged against the notice in effect that day, with its `source`
    (`import:<run>`) and the row's `import_key` so a re-run records nothing twice; its row keeps the
    channel it transcribes, where staff recording an answer now name one they witnessed
    (`channel_validate`). Without it, the time the device sent (`request.answered_at`, `answered_at_of`)."""
    channel_validate(actor, request.channel, source=source)
    own_record_check(actor, request.subject.pk)
    with transaction.atomic(savepoint=False):
        request, live = answer_start(request)
        now = now or timezone.now()
        answered_at = answered_at or answered_at_of(request, now=now)
        answer_validate(request, current_notice=(notice := notice_current(request.purpose, now=answered_at)))
        guardianship = guardianship_of_answer(request, at=answered_at, now=now)
        guardian_acting_validate(request, on=timezone.localdate(answered_at), guardianship=guardianship)
        if live_within_term(live, at=answered_at, now=now) is not None:
            raise refusal_needs_withdrawal_error(request.purpose)
        refusal = answer_build(
            request, notice=notice, actor=actor, now=answered_at, status=ConsentStatus.REFUSED,
            ended_at=answered_at, import_key=import_key,
        )
        refusal.save(force_insert=True)
        answer_record(
            refusal, kind=ConsentEvent.Kind.REFUSED, request=request, notice=notice, actor=actor, now=now,
            at=answered_at, source=source,
            extra=answer_time_audit(source=source, answered_at=answered_at, now=now),
        )
    return refusal


consent_refuse = durable_entry_point(consent_refuse_in_transaction)


def _withdraw_on_form(
    *, actor: Actor, subject: DataSubject, purpose: Purpose, channel: str, evidence: str, now: datetime,
    who_answered: WhoAnswered | None,
) -> Consent | None:
    """A "no" on a form from a customer whose consent to the purpose is live: their withdrawal, through the
    channel a consent is given through and as easily (the form page showed its consequences first), with
    the form's proof. None when there is no live consent, or it had run out (its expiry is recorded), so
    the "no" is recorded as a refusal. Who answered the form is who asked for the withdrawal."""
    subjects_lock([subject.pk])  # first (`subjects.locks`), so the consent read is the one withdrawn
    live = consent_granted(subject, purpose)
    if live is None:
        return None
    consent = consent_withdraw_in_transaction(
        actor=actor, consent_id=live.pk, channel=channel, evidence=evidence, now=now, caller_confirms=True,
        asked_by=who_answered.by if who_answered else "",
        authority=who_answered.authority if who_answered else "",
        representative_id=who_answered.representative_id if who_answered else None,
    )
    return consent if consent.status == ConsentStatus.WITHDRAWN else None


def consent_form_record(
    *,
    actor: Actor,
    subject: DataSubject,
    answers: Sequence[FormAnswer],
    channel: str,
    evidence: str = "",
    guardian: DataSubject | None = None,
    child_evidence: str = "",
    who_answered: WhoAnswered | None = None,
    now: datetime | None = None,
) -> FormRecorded:
    """Record a whole consent form (each purpose yes or no) in one transaction: one grant or refusal
    per answer, each with its own event, audit entry and receipt. Any answer refused by a rule
    leaves nothing written; the error names the purpose. A child's agreement is each answer's own
    (`FormAnswer.child_agreed`), never one box for the whole form; `child_evidence` is the form's
    proof of it, kept on the purposes the child agreed to. A "yes" to a consent already in force on the
    notice version in force keeps it (`FormRecorded.kept`) instead of refusing the form. `who_answered`:
    who spoke and how the notice was given, the whole form's, kept on each answer's proof."""
    if not answers:
        raise InvalidInput(_("Answer yes or no for at least one purpose."), field="answers")
    if len({a.purpose.pk for a in answers}) != len(answers):
        raise InvalidInput(_("Answer each purpose once."), field="answers")
    recorded = FormRecorded()
    with transaction.atomic(durable=True):
        now = now or timezone.now()
        # Whoever answered on an authority on record must hold it today, for consents.
        who_answered = who_answered_representative_checked(who_answered, subject_id=subject.pk, at=now)
        for answer in answers:
            request = GrantRequest(
                subject=subject,
                purpose=answer.purpose,
                notice_version=answer.notice_version,
                channel=channel,
                evidence=evidence,
                guardian=guardian,
                sensitive_acknowledged=answer.sensitive_acknowledged,
                child_agreed=answer.child_agreed,
                child_evidence=child_evidence if answer.child_agreed else "",
                notice_language=answer.notice_language,
                who_answered=who_answered,
            )
            try:
                if answer.agreed:
                    consent = consent_grant_in_transaction(
                        actor=actor, request=request, now=now, in_force_kept=True, caller_confirms=True
                    )
                    if consent.granted_at != now:  # a grant made here is dated `now`: this one was in force
                        recorded.kept.add(consent.pk)
                else:
                    consent = _withdraw_on_form(
                        actor=actor,
                        subject=subject,
                        purpose=answer.purpose,
                        channel=channel,
                        evidence=evidence,
                        now=now,
                        who_answered=who_answered,
                    ) or consent_refuse_in_transaction(actor=actor, request=request, now=now)
                recorded.append(consent)
            except DomainError as error:
                # The page puts the message beside the purpose it is about.
                error.purpose_code = answer.purpose.code
                raise
        # The call's answers in one message; a consent kept as it was changed nothing.
        phone_acts_confirm(actor=actor, subject=subject, channel=channel, now=now,
                           consents=[consent for consent in recorded if consent.pk not in recorded.kept])
    return recorded
