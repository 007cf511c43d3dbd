"""Refusals and whole consent forms: an explicit "no" is recorded as an event with the same proof as a
"yes" (channel, evidence, the notice version shown, audit entry, receipt), and the consent check
answers "refused" until a later grant replaces it.

A paper form with several purposes, each ticked yes or no, is recorded in one transaction by
`consent_form_record`: either every answer on the form is recorded or none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import Channel, Consent, ConsentEvent, ConsentStatus, LegalBasis, Purpose
from consents.scope import consent_snapshot
from consents.services.records import (
    GrantRequest,
    _evidence_validate,
    answer_record,
    consent_grant_in_transaction,
    not_consent_based_error,
    notice_current,
)
from core.actors import Actor
from core.errors import Conflict, DomainError, InvalidInput
from subjects.models import DataSubject


@dataclass(frozen=True)
class FormAnswer:
    """One purpose on a consent form: the notice version shown and the customer's yes (True) or no."""

    purpose: Purpose
    notice_version: str
    agreed: bool
    sensitive_acknowledged: bool = False


def refusal_validate(request: GrantRequest, *, current_notice) -> None:
    """What a refusal needs: a purpose that asks for consent, the current notice shown, and the proof
    a grant through the same channel needs. Children's rules do not apply: saying no is always allowed."""
    purpose = request.purpose
    if request.channel not in Channel.values:
        raise InvalidInput(
            _("Choose a channel: %(channels)s."), field="channel", channels=", ".join(Channel.values)
        )
    if purpose.legal_basis != LegalBasis.CONSENT:
        raise not_consent_based_error(purpose)
    if current_notice is None:
        raise Conflict(
            _("The purpose “%(purpose)s” has no notice in effect yet; consent cannot be recorded."),
            code="no_notice",
            purpose=purpose.code,
        )
    if request.notice_version != current_notice.version:
        raise Conflict(
            _(
                "Notice version %(given)s is not the current one (%(current)s). Show the customer the "
                "current "
                "notice and record consent to that version."
            ),
            code="notice_outdated",
            given=request.notice_version[:32],
            current=current_notice.version,
        )
    _evidence_validate(request)


def consent_refuse_in_transaction(
    *, actor: Actor, request: GrantRequest, now: datetime | None = None
) -> Consent:
    """Record a refusal inside the caller's transaction. A customer with a live consent who now says
    no is withdrawing it: that goes through the withdrawal, which tells the recipients to stop."""
    with transaction.atomic(savepoint=False):
        request = replace(
            request,
            purpose=Purpose.objects.get(pk=request.purpose.pk),
            subject=DataSubject.objects.get(pk=request.subject.pk),
        )
        live = (
            Consent.objects.select_for_update()
            .filter(subject=request.subject, purpose=request.purpose, status=ConsentStatus.GRANTED)
            .exists()
        )
        now = now or timezone.now()
        refusal_validate(request, current_notice=(notice := notice_current(request.purpose, now=now)))
        if live:
            raise Conflict(
                _(
                    "This customer has a live consent to “%(purpose)s”: to record their “no”, withdraw "
                    "that consent (the recipients are then told to stop)."
                ),
                code="refusal_needs_withdrawal",
                purpose=request.purpose.code,
            )
        refusal = Consent(
            subject=request.subject,
            purpose=request.purpose,
            notice=notice,
            guardian=request.guardian,
            status=ConsentStatus.REFUSED,
            channel=request.channel,
            evidence=request.evidence.strip(),
            session_ref=request.session_ref[:64],
            device=request.device[:300],
            snapshot=consent_snapshot(request.purpose, notice),
            recorded_by_kind=actor.kind,
            recorded_by_user_id=actor.user_id,
            recorded_by_label=actor.label[:150],
            granted_at=now,
            ended_at=now,
        )
        refusal.save(force_insert=True)
        answer_record(
            refusal, kind=ConsentEvent.Kind.REFUSED, request=request, notice=notice, actor=actor, now=now
        )
    return refusal


def consent_refuse(*, actor: Actor, request: GrantRequest, now: datetime | None = None) -> Consent:
    """Record a customer's explicit refusal of one purpose (durable entry point)."""
    with transaction.atomic(durable=True):
        return consent_refuse_in_transaction(actor=actor, request=request, now=now)


def consent_form_record(
    *,
    actor: Actor,
    subject: DataSubject,
    answers: Sequence[FormAnswer],
    channel: str,
    evidence: str = "",
    guardian: DataSubject | None = None,
    child_agreed: bool = False,
    child_evidence: str = "",
    now: datetime | None = None,
) -> list[Consent]:
    """Record a whole consent form (each purpose yes or no) in one transaction: one grant or refusal
    per answer, each with its own event, audit entry and receipt. Any answer refused by a rule
    leaves nothing written; the error names the purpose."""
    if not answers:
        raise InvalidInput(_("Answer yes or no for at least one purpose."), field="answers")
    if len({a.purpose.pk for a in answers}) != len(answers):
        raise InvalidInput(_("Answer each purpose once."), field="answers")
    recorded: list[Consent] = []
    with transaction.atomic(durable=True):
        now = now or timezone.now()
        for answer in answers:
            request = GrantRequest(
                subject=subject,
                purpose=answer.purpose,
                notice_version=answer.notice_version,
                channel=channel,
                evidence=evidence,
                guardian=guardian,
                sensitive_acknowledged=answer.sensitive_acknowledged,
                child_agreed=child_agreed,
                child_evidence=child_evidence,
            )
            record = consent_grant_in_transaction if answer.agreed else consent_refuse_in_transaction
            try:
                recorded.append(record(actor=actor, request=request, now=now))
            except DomainError as error:
                # The page puts the message beside the purpose it is about.
                error.purpose_code = answer.purpose.code
                raise
    return recorded
