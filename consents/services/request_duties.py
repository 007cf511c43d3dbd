"""Recipients' duties a data-subject request opens beyond a withdrawal: to stop processing while a
restriction or objection is in force, and to delete the customer's data after their erasure.

Law 91/2025 and Decree 356/2025: the bank makes the processors and third parties it shared the data with
stop (restriction, objection) or delete (erasure) as it does. Told: each recipient named in what the
customer agreed to (`recipient_ids_agreed`, as a rectification's notice) of a consent under which it
received the data and may still hold it (`still_held`): one that never received this customer's data
is never told their number. One duty per recipient, whatever purposes it received the data for, with
the request as its `source` ("dsr.request:<id>": the request's page and completion find them by it),
due by the deadline policy with a processor involved, announced by a signed notice, audited; the
recipient acknowledges it as any other duty (`duty_acknowledge`). The recipients of a covered purpose
resting on no consent (public interest, vital interest, a public authority's task: they receive every
customer's data) are told to stop too, their duty naming the purpose. Lifting a restriction tells the
recipients told to stop that they may resume; nothing is due from them, and a stop not yet confirmed
is called off (its request refused or cancelled: nothing is to stop any more).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import audit_record
from consents.catalogue import purpose_in_force
from consents.models import (
    Consent,
    LegalBasis,
    ProcessingRestriction,
    Purpose,
    Recipient,
    WithdrawalDuty,
)
from consents.restrictions import restriction_scope
from consents.services.duties import (
    agreed_recipients_of,
    customer_consents,
    duty_transition,
    purposes_on_no_consent,
    still_held,
)
from consents.services.duty_evidence import duty_notices_cancel, duty_notices_waiting_locked
from consents.services.duty_opening import duty_open, notice_withheld_for, recipients_audience
from core.actors import Actor
from deadlines.policy import due_at_for
from integrations.models import OutboxMessage
from integrations.outbox import outbox_enqueue_webhook
from subjects.locks import subjects_lock
from subjects.models import DataSubject

RESTRICTION_NOTICE_TOPIC = "consent.processing_restricted"
RESUMPTION_NOTICE_TOPIC = "consent.processing_resumed"
ERASURE_NOTICE_TOPIC = "consent.data_erasure"
# Who is told, by recipient id: the recipient, the consent it received the data under (none for a purpose
# resting on no consent), the purpose it names, and the codes of the purposes it got the data for.
Told = dict[int, tuple[Recipient, Consent | None, Purpose, set[str]]]
STOP_LIFTED = "the restriction was lifted before this stop notice was delivered"
NOTICE_TOPICS = {
    WithdrawalDuty.Kind.RESTRICTION: RESTRICTION_NOTICE_TOPIC,
    WithdrawalDuty.Kind.ERASURE: ERASURE_NOTICE_TOPIC,
}
# The kinds of restriction a recipient is told of: a legal hold keeps data for the bank's own obligation.
RECIPIENTS_TOLD_OF = (ProcessingRestriction.Kind.RESTRICT, ProcessingRestriction.Kind.OBJECT)


def _held_by_recipient(consents: list[Consent], now: datetime) -> Told:
    """The recipients that received the customer's data under these consents and may still hold it, by
    id, each with the first consent it received it under and the codes of the purposes it got it for."""
    held = [consent for consent in consents if still_held(consent, now)]
    agreed = agreed_recipients_of(held)
    told: Told = {}
    for consent in held:
        for recipient in agreed[consent.pk]:
            told.setdefault(recipient.pk, (recipient, consent, consent.purpose, set()))[3].add(
                consent.purpose.code
            )
    return told


def duties_open_for_restriction(
    *,
    actor: Actor,
    subject: DataSubject,
    restrictions: Iterable[ProcessingRestriction],
    kind: str,
    source: str,
    now: datetime,
) -> list[WithdrawalDuty]:
    """In the transaction that puts `restrictions` (of `kind`, from `source`) in force: each recipient
    of a purpose they cover that may still hold the customer's data is told to stop, once per source
    (the completion applies a request's restriction again: a recipient already told is not told twice).
    A restriction of no purpose covers every purpose the kind reaches (`consents.restrictions`)."""
    if kind not in RECIPIENTS_TOLD_OF:
        return []
    purposes = {restriction.purpose_id for restriction in restrictions}
    consents = customer_consents(subject)
    on_no_consent = purposes_on_no_consent(now)
    if None in purposes:
        every = {c.purpose for c in consents} | set(on_no_consent)
        purposes = {purpose.pk for purpose in restriction_scope(kind=kind, purposes=every, now=now).covered}
    already = set(
        WithdrawalDuty.objects.filter(
            kind=WithdrawalDuty.Kind.RESTRICTION, subject_id=subject.pk, source=source
        ).values_list("recipient_id", flat=True)
    )
    reached = _held_by_recipient([c for c in consents if c.purpose_id in purposes], now)
    for purpose in (purpose for purpose in on_no_consent if purpose.pk in purposes):
        for recipient in purpose.recipients.all():
            reached.setdefault(recipient.pk, (recipient, None, purpose, set()))[3].add(purpose.code)
    told = {pk: found for pk, found in reached.items() if pk not in already}
    if not told:
        return []
    due_at = due_at_for(request_type=kind, received_at=now, subject=subject, processor_involved=True)
    return _duties_open(
        told,
        actor=actor,
        subject=subject,
        kind=WithdrawalDuty.Kind.RESTRICTION,
        due_at=due_at,
        now=now,
        source=source,
        audit_action="consents.duty.restriction_opened",
        audit_data={"kind": kind},
        notice=lambda codes: {
            "restriction": kind,
            "purposes": sorted(codes),
            "restricted_at": now.isoformat(),
            "stop_processing_by": due_at.isoformat(),
        },
    )


@dataclass(frozen=True)
class LockedStops:
    """What `stops_lock` read and locked of some stops, for the resumption to use."""

    stops: list[WithdrawalDuty]  # every stop (not locked), with its recipient, purposes and customer
    notices_waiting: list[OutboxMessage]  # their notices still waiting, locked
    open: list[WithdrawalDuty]  # the stops still open, locked

    def of_recipients(self, recipient_ids: set[int]) -> LockedStops:
        """The part of these stops sent to the recipients `recipient_ids`."""
        stops = [duty for duty in self.stops if duty.recipient_id in recipient_ids]
        notices = {duty.notice_message_id for duty in stops}
        return LockedStops(
            stops=stops,
            notices_waiting=[message for message in self.notices_waiting if message.pk in notices],
            open=[duty for duty in self.open if duty.recipient_id in recipient_ids],
        )


def resumption_notify(
    *, actor: Actor, subject_id, kind: str, source: str, now: datetime, locked: LockedStops
) -> list[int]:
    """In the transaction that lifts `source`'s restrictions, their stops `locked` before its first
    audit entry: each recipient told to stop by them is told it may resume (the consent check answers on
    consent alone again), and a stop notice not yet delivered is cancelled; no duty, nothing is due.
    Returns the ids of the recipients told."""
    return stops_resume(
        actor=actor, subject_id=subject_id, key=source, now=now, locked=locked, reason=STOP_LIFTED,
        notice={"restriction": kind}, audit_action="consents.duty.resumption_sent",
        audit_data={"kind": kind, "source": source},
    )


def stops_resume(
    *, actor: Actor, subject_id, key: str, now: datetime, locked: LockedStops, reason: str,
    notice: Mapping[str, Any], audit_action: str, audit_data: Mapping[str, Any],
) -> list[int]:
    """In the transaction that ends what made the customer's stops `locked` necessary (locked before its
    first audit entry): each recipient they told to stop is sent a `consent.processing_resumed` notice
    saying it may resume, which `notice` completes, once per `key`; a stop notice not yet delivered is
    cancelled (for `reason`) and a stop still open is called off: nothing is due. Returns the ids of the
    recipients told."""
    stops = [duty for duty in locked.stops if duty.subject_id == subject_id]
    first_of: dict[int, WithdrawalDuty] = {}
    for duty in stops:
        first_of.setdefault(duty.recipient_id, duty)
    if not first_of:
        return []
    # A stop still waiting to be delivered (the endpoint paused, retries backing off) would reach the
    # recipient after the resume and stop it again for a customer whose data it may use again.
    cancelled = duty_notices_cancel(locked.notices_waiting, reason=reason)
    _stops_call_off(locked.open, actor=actor, now=now)
    audience = recipients_audience(duty.recipient for duty in first_of.values())
    for duty in first_of.values():
        if notice_withheld_for(duty.recipient, RESUMPTION_NOTICE_TOPIC):
            continue
        outbox_enqueue_webhook(
            endpoint=duty.recipient.endpoint,
            topic=RESUMPTION_NOTICE_TOPIC,
            subject_id=subject_id,
            dedupe_key=f"resumption:{key}:recipient:{duty.recipient_id}",
            now=now,
            payload={
                "event": RESUMPTION_NOTICE_TOPIC,
                "duty": str(duty.pk),
                "subject": duty.subject.external_ref,
                **notice,
                "purposes": sorted(
                    {d.purpose_shared.code for d in stops if d.recipient_id == duty.recipient_id}
                ),
                "resumed_at": now.isoformat(),
            },
            audience=audience,
        )
    audit_record(
        action=audit_action,
        actor=actor,
        subject=subject_id,
        now=now,
        data={"recipients": sorted(first_of), **audit_data, "stop_notices_cancelled": cancelled},
    )
    return sorted(first_of)


def restriction_stops_lock(source: str) -> LockedStops:
    """Before the first audit entry of a transaction that lifts `source`'s restrictions (a refusal, a
    cancellation, a lift): `stops_lock` of the stops they opened."""
    return stops_lock(WithdrawalDuty.objects.filter(kind=WithdrawalDuty.Kind.RESTRICTION, source=source))


def stops_lock(duties: QuerySet[WithdrawalDuty]) -> LockedStops:
    """Before the first audit entry of a transaction that may tell the recipients of these stops they may
    resume: the waiting notices of the stops, then the stops still open, in id order. The first entry
    locks the audit chain's head until commit, and a confirmation (`duty_acknowledge`) and a notice's
    delivery lock the notice, then the duty, then need the head, without holding the customer: locked
    after the head, each would wait for the resumption while it waits for them, and PostgreSQL would abort
    one (docs/architecture.md "One lock order"). Returns what it read and locked: the resumption
    (`stops_resume`) uses it rather than reading again."""
    stops = list(
        duties.select_related("recipient__endpoint", "consent__purpose", "purpose", "subject")
        .order_by("recipient_id", "received_at")
    )
    notices_waiting = duty_notices_waiting_locked(stops)
    still_open = list(
        WithdrawalDuty.objects.select_for_update(of=("self",))
        .filter(pk__in=[duty.pk for duty in stops], status=WithdrawalDuty.Status.OPEN)
        .order_by("pk")
    )
    return LockedStops(stops=stops, notices_waiting=notices_waiting, open=still_open)


def _stops_call_off(still_open: list[WithdrawalDuty], *, actor: Actor, now: datetime) -> None:
    """The stops still open of a lifted restriction or a lifted pause (locked with their notices before
    the first audit entry: `stops_lock`) called off, each audited: nothing is to stop any more, so
    nothing is due, and no clock or count of open duties counts them. A lift after a request's answer
    finds none: the request was answered only once every recipient confirmed."""
    for duty in still_open:
        duty_transition(
            duty,
            actor=actor,
            to=WithdrawalDuty.Status.CALLED_OFF,
            now=now,
            changes={"called_off_at": now},
            audit_action="consents.duty.called_off",
            subject=duty.subject_id,
            data={"recipient": duty.recipient_id, "source": duty.source, "told": duty.told_at is not None},
        )


def duties_open_for_erasure(
    *, actor: Actor, subject: DataSubject, source: str, now: datetime, holds: Sequence[Mapping[str, Any]] = ()
) -> list[WithdrawalDuty]:
    """When the customer's erasure is carried out, in its transaction, before it withdraws their
    consents (a consent in force until now is held too): each recipient that may still hold their data
    is told to delete it. The notice names the customer's reference, as every notice does, and the
    purposes; nothing else of theirs. Due by the deletion's deadline with a third party deleting.

    A processor of a purpose resting on a contract (card printing, IT outsourcing) holds every
    customer's data for the bank as surely: it is told too, to delete what no legal hold keeps, its
    notice naming the bank's `holds` (each `category`, `law`, `hold_until`), which it keeps for the
    bank's obligation alone. A recipient of a legal obligation, a public task or an emergency (the
    credit bureau, an authority) keeps the data under its own law, and the bank does not order it."""
    told = _held_by_recipient(customer_consents(subject), now)
    contract_codes = set()
    for purpose in purposes_on_no_consent(now):
        if purpose_in_force(purpose, now).legal_basis != LegalBasis.CONTRACT:
            continue
        contract_codes.add(purpose.code)
        for recipient in purpose.recipients.all():
            told.setdefault(recipient.pk, (recipient, None, purpose, set()))[3].add(purpose.code)
    if not told:
        return []
    kept = [dict(hold) for hold in holds]
    due_at = due_at_for(request_type="delete", received_at=now, subject=subject, processor_involved=True)
    return _duties_open(
        told,
        actor=actor,
        subject=subject,
        kind=WithdrawalDuty.Kind.ERASURE,
        due_at=due_at,
        now=now,
        source=source,
        audit_action="consents.duty.erasure_opened",
        notice=lambda codes: {
            "purposes": sorted(codes),
            "erased_at": now.isoformat(),
            "delete_by": due_at.isoformat(),
            **({"kept_under_legal_hold": kept} if codes & contract_codes else {}),
        },
    )


def _duties_open(
    told: Told,
    *,
    actor: Actor,
    subject: DataSubject,
    kind: str,
    due_at: datetime,
    now: datetime,
    source: str,
    audit_action: str,
    notice: Callable[[set[str]], dict[str, Any]],
    audit_data: dict[str, Any] | None = None,
) -> list[WithdrawalDuty]:
    """One duty of `kind` per recipient `told` (with the consent it received the data under, or the
    purpose resting on none, and the purposes it got it for: `notice(purposes)` is what its notice
    says), queued once per source and recipient, and one audit entry naming them (caller's
    transaction)."""
    audience = recipients_audience(recipient for recipient, *_rest in told.values())
    with transaction.atomic(savepoint=False):
        duties = [
            duty_open(
                consent=consent,
                audience=audience,
                subject=subject,
                purpose=purpose,
                recipient=recipient,
                kind=kind,
                received_at=now,
                due_at=due_at,
                topic=NOTICE_TOPICS[kind],
                now=now,
                source=source,
                notice=notice(codes),
                dedupe_key=f"{kind}:{source}:recipient:{recipient.pk}",
            )
            for recipient, consent, purpose, codes in (told[pk] for pk in sorted(told))
        ]
        audit_record(
            action=audit_action,
            actor=actor,
            subject=subject,
            target=subject,
            now=now,
            data={
                "recipients": sorted(told),
                "due_at": due_at.isoformat(),
                "source": source,
                **(audit_data or {}),
            },
        )
    return duties


def restriction_recipients_catch_up(*, actor: Actor, now: datetime | None = None) -> int:
    """Tell the recipients of every restriction or objection in force that they must stop, for those
    put in force before recipients were told (an upgraded database), each source in its own
    transaction, the customer's row locked; a recipient already told is not told again. Returns how
    many recipients were told."""
    sources = (
        ProcessingRestriction.objects.filter(kind__in=RECIPIENTS_TOLD_OF, lifted_at__isnull=True)
        .values_list("subject_id", "kind", "source")
        .distinct()
        .order_by("subject_id", "source")
    )
    told = 0
    for subject_id, kind, source in list(sources):
        with transaction.atomic(durable=True):
            subjects_lock([subject_id])
            in_force = list(
                ProcessingRestriction.objects.filter(source=source, kind=kind, lifted_at__isnull=True)
            )
            if in_force:
                at = now or timezone.now()
                subject = DataSubject.objects.get(pk=subject_id)
                told += len(
                    duties_open_for_restriction(
                        actor=actor, subject=subject, restrictions=in_force, kind=kind, source=source, now=at
                    )
                )
    return told
