"""Withdrawing consent: of one purpose, several or all, through any channel.

From the moment a withdrawal is recorded the consent check answers "withdrawn"; every recipient of
the purpose gets a withdrawal duty (`consents.services.duties`), and what the apps above registered
follows in the same transaction, whatever the channel (`consents.follow_ups`: a withdrawal of sharing
ends third-party access). The `*_in_transaction` variants join
the caller's transaction (the dsr app's `withdraw` requests); the plain names are durable entry points.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.catalogue import purpose_in_force
from consents.follow_ups import after_withdrawal
from consents.models import REASON_ERASED, Channel, Consent, ConsentEvent, ConsentStatus, LegalBasis, Purpose
from consents.services.answer_times import withdrawal_said_at, withdrawals_said_at
from consents.services.duties import duties_open_for_withdrawal
from consents.services.phone_confirmations import phone_acts_confirm
from consents.services.records import MAX_REASON_LENGTH, consent_locked, consent_transition, live_within_term
from consents.services.rules import (
    channel_validate,
    evidence_length_validate,
    not_consent_based_error,
)
from consents.services.who_answered import (
    AnsweredBy,
    CollectedBy,
    WhoAnswered,
    collected_by_data,
    who_answered_representative_checked,
    who_answered_validate,
    who_asked_audit_data,
)
from consents.states import CONSENT_MACHINE
from core.actors import Actor
from core.db import durable_entry_point, encrypted_update
from core.errors import InvalidInput, InvalidTransition
from subjects.locks import subjects_lock
from subjects.models import DataSubject
from subjects.selectors import customer_names_no_representative


def _validate_withdrawal_input(
    actor: Actor, channel: str, reason: str, *, source: str, evidence: str = ""
) -> None:
    # A request's withdrawal (`source`) carries the channel the request came in through.
    channel_validate(actor, channel, source=source)
    if channel not in Channel.values:
        raise InvalidInput(
            _("Choose a channel: %(channels)s."), field="channel", channels=", ".join(Channel.values)
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(_("The reason is longer than 500 characters."), field="reason")
    evidence_length_validate(evidence)


def _refuse_unless_consent_based(purpose: Purpose, now: datetime) -> None:
    # By the version in force: what the customer could give (`answer_validate`), they can withdraw.
    legal_basis = purpose_in_force(purpose, now).legal_basis
    if legal_basis != LegalBasis.CONSENT:
        raise not_consent_based_error(purpose, legal_basis)


def live_consents_locked(queryset, now: datetime) -> list[Consent]:
    """The subject's live consents in `queryset`, locked, whose purpose relies on consent by the version
    in force at `now` (one query for the versions of all)."""
    live = (
        queryset.select_for_update(of=("self",))
        .select_related("purpose", "notice")
        .prefetch_related("purpose__notices")
        .filter(status=ConsentStatus.GRANTED)
        .order_by("purpose__code")
    )
    return [consent for consent in live if purpose_in_force(consent.purpose, now).consent_based]


def withdraw_locked(
    *,
    actor: Actor,
    consent: Consent,
    channel: str,
    reason: str,
    source: str,
    now: datetime,
    received_at: datetime | None = None,
    evidence: str = "",
    effective_at: datetime | None = None,
    import_key: str | None = None,
    term_judged_at: datetime | None = None,
    audit_data: dict | None = None,
) -> Consent | None:
    """Withdraw a locked consent in force whose purpose relies on consent (the caller has checked it), in
    the caller's transaction; None when its term had run out before the withdrawal was received (not yet
    swept): its expiry is recorded instead, as the sweep would, its recipients told to stop as the
    expiry's, from the end of its term. `effective_at`: a platform's stop that took effect before it was
    recorded (`child_stops.consents_stop_outgrown`), which dates the end, the event and the recipients'
    time unless `received_at` says when the platform learnt of it (an import).
    `import_key`: the import row it comes from (`consent_transition`). `term_judged_at`: when the term is
    judged, if not when it was received (a customer's withdrawal from a file: the form's day).
    `audit_data`: what its audit entry says beside the move (who asked for it)."""
    # The table `consent_withdraw_refusal` reads too, so the pages offer what is taken here.
    if not CONSENT_MACHINE.is_allowed(consent.status, ConsentStatus.WITHDRAWN):
        raise _not_live_error(consent)
    received_at = received_at or effective_at
    if live_within_term(consent, at=term_judged_at or received_at or now, now=now) is None:
        return None
    consent_transition(
        actor=actor,
        consent=consent,
        to=ConsentStatus.WITHDRAWN,
        now=now,
        channel=channel,
        reason=reason,
        source=source,
        evidence=evidence,
        effective_at=effective_at,
        import_key=import_key,
        data=audit_data,
    )
    duties_open_for_withdrawal(actor=actor, consent=consent, now=now, received_at=received_at)
    return consent


def _not_live_error(consent: Consent) -> InvalidTransition:
    """409 `not_live` with the consent's `status` (and `withdrawn_at` when it was withdrawn): an app that sent
    a withdrawal again after losing the reply tells "already withdrawn, at..." from an expiry or a void."""
    withdrawn = consent.status == ConsentStatus.WITHDRAWN
    return InvalidTransition(
        _("This consent is already %(status)s; there is nothing to withdraw."),
        code="not_live",
        status=ConsentStatus(consent.status).label.lower(),
        data={
            "status": consent.status,
            **({"withdrawn_at": timezone.localtime(consent.ended_at).isoformat()} if withdrawn else {}),
        },
    )


def consent_withdraw_in_transaction(
    *,
    actor: Actor,
    consent_id,
    channel: str,
    reason: str = "",
    source: str = "",
    now: datetime | None = None,
    subject_id=None,
    evidence: str = "",
    caller_confirms: bool = False,
    answered_at: datetime | None = None,
    asked_by: str = "",
    authority: str = "",
    representative_id=None,
) -> Consent:
    """Withdraw one consent inside the caller's transaction. The check says "not allowed" from commit,
    and every recipient of the purpose gets a withdrawal duty due by the bank's committed deadline.
    `subject_id` narrows the look-up (a customer may withdraw only their own consents). A consent past
    its term, not yet swept, is returned expired, its expiry recorded and nothing withdrawn.
    `evidence`: the withdrawal's own proof (a call recording's id, a signed form's number), optional,
    kept on its event and in its audit entry, never borrowed from the grant. Recorded by phone, it is
    confirmed to the customer (`phone_acts_confirm`) unless `caller_confirms` (a form's "no", confirmed
    with the form's other answers). `answered_at`: when the customer said it, a withdrawal the app
    captured offline (`withdrawal_said_at`): the consent ends then, the recipients' clocks run from `now`.
    `asked_by`, `authority`: who asked for it, a staff form says (the customer or someone on their written
    authority, `who_answered`), kept in its audit entry; `representative_id`: the customer's representative on
    record who asked, whose authority must cover consents on the day the withdrawal was said."""
    evidence = evidence.strip()
    _validate_withdrawal_input(actor, channel, reason, source=source, evidence=evidence)
    if representative_id and actor.is_customer:
        raise customer_names_no_representative(field="representative")
    # Naming the representative on record says who asked.
    asked_by = asked_by or (AnsweredBy.REPRESENTATIVE if representative_id else "")
    who_asked = (
        WhoAnswered(by=asked_by, authority=authority, representative_id=representative_id)
        if asked_by or authority or representative_id else None
    )
    if who_asked is not None:
        who_answered_validate(who_asked)
    with transaction.atomic(savepoint=False):
        consent = consent_locked(consent_id, subject_id=subject_id)
        # Read the clock once the row is ours, so the history's times follow the order of commits.
        now = now or timezone.now()
        _refuse_unless_consent_based(consent.purpose, now)
        # Before its time is judged: a withdrawal sent again is told the consent is already withdrawn.
        if not CONSENT_MACHINE.is_allowed(consent.status, ConsentStatus.WITHDRAWN):
            raise _not_live_error(consent)
        said_at = withdrawal_said_at(consent, answered_at, now=now)
        # Judged when the customer's wish was said, or heard (`now`): never the server's clock.
        who_asked = who_answered_representative_checked(who_asked, subject_id=consent.subject_id,
                                                        at=said_at or now)
        if withdraw_locked(actor=actor, consent=consent, channel=channel, reason=reason, source=source,
                            now=now, evidence=evidence, effective_at=said_at, received_at=now,
                            term_judged_at=said_at, audit_data=who_asked_audit_data(who_asked)) is not None:
            after_withdrawal(actor=actor, subject=consent.subject, purposes=[consent.purpose],
                             channel=channel, source=source, now=now)
            if not caller_confirms:
                phone_acts_confirm(actor=actor, subject=consent.subject, consents=[consent], channel=channel,
                                   source=source, now=now)
        return consent


def _withdrawn_or_not_live(consent: Consent) -> Consent:
    """A consent past its term, not yet swept, keeps the expiry found and recorded (committed), then is
    refused as one already expired (409 `not_live`), as the same withdrawal after the sweep would be."""
    if consent.status != ConsentStatus.WITHDRAWN:
        raise _not_live_error(consent)
    return consent


consent_withdraw = durable_entry_point(consent_withdraw_in_transaction, then=_withdrawn_or_not_live)


def consent_withdraw_imported_locked(
    *,
    actor: Actor,
    consent: Consent,
    channel: str,
    evidence: str,
    source: str,
    withdrawn_at: datetime,
    now: datetime,
    import_key: str,
    collected_by: CollectedBy | None = None,
) -> Consent | None:
    """A withdrawal from a legacy file (`consents.services.import_rows`), in the import's transaction, the
    customer locked and the consent judged live and given before `withdrawn_at` there. The consent ends on
    the form's day (`withdrawn_at`: its end, its event); the recipients' time runs from `now`, when the
    platform learnt of it, as they could not stop before. Judged as on that day: refused unless the
    purpose relied on consent then; None when its term had run out by then (its expiry recorded
    instead, `withdraw_locked`). `collected_by`: the other controller it was given to, on its event and
    audit entry."""
    _validate_withdrawal_input(actor, channel, "", source=source, evidence=evidence)
    _refuse_unless_consent_based(consent.purpose, withdrawn_at)
    withdrawn = withdraw_locked(actor=actor, consent=consent, channel=channel, reason="", source=source,
                                 now=now, received_at=now, evidence=evidence, effective_at=withdrawn_at,
                                 import_key=import_key, term_judged_at=withdrawn_at,
                                 audit_data=collected_by_data(collected_by))
    if withdrawn is not None:
        after_withdrawal(actor=actor, subject=consent.subject, purposes=[consent.purpose], channel=channel,
                         source=source, now=now)
    return withdrawn


def consents_withdraw_for_subject_in_transaction(
    *,
    actor: Actor,
    subject: DataSubject,
    purposes: list[Purpose] | None = None,
    channel: str,
    reason: str = "",
    source: str = "",
    now: datetime | None = None,
    received_at: datetime | None = None,
    evidence: str = "",
    served: frozenset[str] | None = None,
    answered_at: datetime | None = None,
) -> list[Consent]:
    """Withdraw several purposes (or, with `purposes=None`, every live consent) of one subject; only
    among the purpose codes `served` when given (a client's token limited to the purposes it serves).

    Naming a purpose that is not consent-based is refused; a named purpose without a live consent is
    skipped (nothing to stop). `received_at` is when the bank received the withdrawal (a request's
    intake), from which the recipients' duties run: it reaches the consents given by then, and a consent
    the customer gave after filing it, a fresh act of their own, stands. Returns the consents withdrawn,
    possibly none. `evidence`: the withdrawal's own proof, on each event (`consent_withdraw_in_transaction`).
    Recorded by phone, the withdrawals are confirmed to the customer in one message (`phone_acts_confirm`).
    `answered_at`: when the customer said it, a withdrawal the app captured offline, checked and dated as
    a single withdrawal's is (`withdrawals_said_at`): the consents end then, the recipients' clocks run
    from when the bank received it.
    """
    evidence = evidence.strip()
    _validate_withdrawal_input(actor, channel, reason, source=source, evidence=evidence)
    # Checked before the transaction so that a refusal leaves the caller's transaction usable.
    for purpose in purposes or []:
        _refuse_unless_consent_based(purpose, now or timezone.now())
    with transaction.atomic(savepoint=False):
        subjects_lock([subject.pk])  # first (`subjects.locks`); a request's services hold it already
        queryset = Consent.objects.filter(subject=subject)
        if purposes is not None:
            queryset = queryset.filter(purpose__in=purposes)
        queryset = queryset if served is None else queryset.filter(purpose__code__in=served)
        if received_at is not None:
            queryset = queryset.filter(granted_at__lte=received_at)
        now = now or timezone.now()  # after the subject's lock, as in consent_withdraw_in_transaction
        consents = live_consents_locked(queryset, now)
        said_at = withdrawals_said_at(subject, consents, answered_at, now=now)
        withdrawn = (
            withdraw_locked(
                actor=actor,
                consent=consent,
                channel=channel,
                reason=reason,
                source=source,
                now=now,
                received_at=received_at or now,
                evidence=evidence,
                effective_at=said_at,
                term_judged_at=said_at,
            )
            for consent in consents
        )
        withdrawn = [consent for consent in withdrawn if consent is not None]
        # What follows covers the purposes named, live consents or not: a withdrawal of every consent
        # (or of sharing) ends third-party access even where no other consent was left to withdraw.
        after_withdrawal(actor=actor, subject=subject, purposes=purposes, channel=channel, source=source,
                         now=now)
        phone_acts_confirm(actor=actor, subject=subject, consents=withdrawn, channel=channel, source=source,
                           now=now)
        return withdrawn


consents_withdraw_for_subject = durable_entry_point(consents_withdraw_for_subject_in_transaction)


CHILD_STOP_REASON = (
    "Stopped by the platform: the customer's corrected record shows a child, who cannot give this "
    "consent alone."
)
CHILD_AGREEMENT_STOP_REASON = (
    "Stopped by the platform: the customer's corrected date of birth shows a child of 7 or over when "
    "the guardian consented alone; the child's own agreement was needed too."
)
OUTGROWN_STOP_REASON = (
    "Stopped by the platform: the guardian gave this consent alone while the customer was under 7; from "
    "their 7th birthday the customer's own agreement is needed (beside the guardian's until 16)."
)
RELATIONSHIP_END_STOP_REASON = (
    "Stopped by the platform: the customer's relationship with the bank ended; what a law makes the bank "
    "keep serves only that law from then on."
)
DECEASED_STOP_REASON = (
    "Stopped by the platform: the customer died; a deceased person's data is processed only with the "
    "consent of their spouse or adult children, or parents (Law 91/2025)."
)
# The platform's own reasons, which are no one's words: an erasure leaves them.
PLATFORM_STOP_REASONS = (
    CHILD_STOP_REASON, CHILD_AGREEMENT_STOP_REASON, OUTGROWN_STOP_REASON, RELATIONSHIP_END_STOP_REASON,
    DECEASED_STOP_REASON,
)


def withdrawal_reason_is_persons_words(reason: str) -> bool:
    """Whether a withdrawal's reason is a person's own words (the customer's, or their guardian's
    written for them): any reason given but the platform's own (`PLATFORM_STOP_REASONS`). The erasure
    erases them all on the customer's consents (`consent_reasons_erase`); the export gives back only
    those the customer wrote (`dsr.services.export_sections`)."""
    return bool(reason) and reason not in PLATFORM_STOP_REASONS


def consent_reasons_erase(*, subject_id) -> int:
    """In the erasure's transaction (a completed deletion request): the reasons given for withdrawing the
    customer's consents, their own words and their guardian's written for them (words about the
    customer too: erasing them is the safer choice; `withdrawal_reason_is_persons_words`), read
    `REASON_ERASED`. The events stay otherwise byte for byte (kind, time, channel, actor, source), and
    so do their receipts but for that one field: the lawful exception to a receipt never changing
    (docs/consents.md). The platform's own reasons stay. Returns how many were erased."""
    withdrawals = ConsentEvent.objects.select_for_update().filter(
        subject_id=subject_id, kind=ConsentStatus.WITHDRAWN
    )
    return encrypted_update(
        withdrawals,
        "reason",
        value=REASON_ERASED,
        where=lambda reason: reason != REASON_ERASED and withdrawal_reason_is_persons_words(reason),
    )
