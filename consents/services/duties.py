"""Recipients' duties: what a recipient of the customer's data must do after a change, and confirm.

After a withdrawal every recipient the consent covered must stop processing; after a rectification every
recipient still holding the customer's data must correct it (Law 91/2025: the bank answers for the
recipients and processors it shared the data with). One duty per recipient, due by the bank's committed
deadline (`deadlines.policy.due_at_for`, 72 hours by the bank's policy), each announced by a signed
webhook through the outbox when the recipient has an endpoint, and closed by the recipient's
acknowledgement (API) or by staff recording one received another way (letter, e-mail), with how it
learnt of the duty (`consents.services.duty_evidence`). A withdrawal is
complete when no duty of it is open. A duty moves only through `duty_transition`, which keeps its
history (`WithdrawalDutyStatusChange`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from audit.transitions import Transition
from consents.catalogue import purpose_in_force, with_versions
from consents.models import (
    Consent,
    ConsentStatus,
    Purpose,
    Recipient,
    WithdrawalDuty,
    WithdrawalDutyStatusChange,
)
from consents.scope import recipient_ids_agreed, scope_agreed
from consents.selectors import consents_that_gave_data, withdrawal_recipients
from consents.services.duty_evidence import (
    duty_learnt,
    duty_note_kept,
    duty_notice_locked,
    duty_reference_checked,
    duty_reference_not_the_customers,
)
from consents.services.duty_opening import duty_open, recipients_audience
from consents.states import DUTY_MACHINE
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deadlines.history import policies_as_of
from deadlines.policy import add_months, due_at_for
from subjects.categories import fields_shared
from subjects.models import DataSubject
from subjects.selectors import PERSONAL_FIELDS

WITHDRAWAL_NOTICE_TOPIC = "consent.withdrawn"
RECTIFICATION_NOTICE_TOPIC = "consent.data_rectified"


def agreed_recipients_of(consents: list[Consent]) -> dict[Any, list[Recipient]]:
    """The recipients each consent's agreement names (`recipient_ids_agreed`; the purpose's, for one that
    names none), by consent id, with their endpoints: two queries however many consents."""
    named = {consent.pk: recipient_ids_agreed(consent) for consent in consents}
    by_purpose = {consent.purpose_id for consent in consents if named[consent.pk] is None}
    ids = {pk for found in named.values() if found for pk in found}
    if not ids and not by_purpose:
        return {consent.pk: [] for consent in consents}
    recipients = {
        recipient.pk: recipient
        for recipient in Recipient.objects.filter(Q(pk__in=ids) | Q(purposes__in=by_purpose))
        .distinct()
        .select_related("endpoint")
    }
    of_purpose: dict[Any, list[int]] = {}
    if by_purpose:
        pairs = Recipient.purposes.through.objects.filter(purpose_id__in=by_purpose)
        for purpose_id, recipient_id in pairs.values_list("purpose_id", "recipient_id"):
            of_purpose.setdefault(purpose_id, []).append(recipient_id)
    return {
        consent.pk: [
            recipients[pk]
            for pk in sorted(set(of_purpose.get(consent.purpose_id, []) if found is None else found))
            if pk in recipients
        ]
        for consent, found in ((consent, named[consent.pk]) for consent in consents)
    }


def duties_open_for_withdrawal(
    *, actor: Actor, consent: Consent, now: datetime, received_at: datetime | None = None,
    successor: Consent | None = None,
) -> list[WithdrawalDuty]:
    """Create the duties to stop of a consent just ended, and queue their notices (caller's transaction):
    withdrawn, voided, expired, or superseded by `successor`, its replacement, whose own recipients are
    not told (they still receive the data under it), nor those that confirmed a purpose change's stop.
    The cause is the consent's status, which is final once it ended: the notice says it (`cause`), and
    the report and proof bundle read it from there.

    The recipients' 72 hours run from `received_at`, when the bank received the withdrawal (a
    request's intake, not its completion) or the term ended; by default, now."""
    received_at = received_at or now

    # A recipient that already confirmed it stopped under this consent when the bank narrowed or
    # retired the purpose has nothing left to stop: telling it again is noise it must answer. One whose
    # purpose-change stop is still open is told: the withdrawal's completion waits on its own duties.
    confirmed = set(
        consent.duties.filter(
            kind=WithdrawalDuty.Kind.PURPOSE_CHANGE, status=WithdrawalDuty.Status.ACKNOWLEDGED
        ).values_list("recipient_id", flat=True)
    )
    recipients = [recipient for recipient in withdrawal_recipients(consent) if recipient.pk not in confirmed]
    if successor is not None:
        kept = {recipient.pk for recipient in withdrawal_recipients(successor)}
        recipients = [recipient for recipient in recipients if recipient.pk not in kept]
    if not recipients:
        return []
    # Heard before now (a term that ended, a withdrawal received): timed by the promise then in force.
    due_at = due_at_for(
        request_type="withdraw", received_at=received_at, subject=consent.subject, processor_involved=True,
        policies=policies_as_of("withdraw", received_at),
    )
    audience = recipients_audience(recipients)
    with transaction.atomic(savepoint=False):
        duties = [
            duty_open(
                consent=consent, recipient=recipient, kind=WithdrawalDuty.Kind.WITHDRAWAL, audience=audience,
                received_at=received_at, due_at=due_at, topic=WITHDRAWAL_NOTICE_TOPIC,
                dedupe_key=f"withdrawal:{consent.pk}:recipient:{recipient.pk}", now=now,
                notice=_stop_notice(consent, now=now, due_at=due_at),
            )
            for recipient in recipients
        ]
        audit_record(
            action="consents.duty.opened",
            actor=actor,
            subject=consent.subject_id,
            target=consent,
            now=now,
            data={"recipients": [r.pk for r in recipients], "due_at": due_at.isoformat(),
                  "cause": consent.status},
        )
    return duties


def _stop_notice(consent: Consent, *, now: datetime, due_at: datetime) -> dict[str, Any]:
    """What a stop's `consent.withdrawn` notice says beyond the duty. Every stop shares the topic a
    receiver subscribes to, whatever ended the consent: `cause` says what did (`withdrawn`, `voided`,
    `expired`, `superseded`); `withdrawn_at` is when the bank recorded the end, kept under the name
    receivers already read."""
    return {
        "purpose": consent.purpose.code,
        "cause": consent.status,
        "withdrawn_at": now.isoformat(),
        "stop_processing_by": due_at.isoformat(),
        # A consent voided as recorded in error stops the same way; it was never given.
        **({"voided": True} if consent.status == ConsentStatus.VOIDED else {}),
        **({"expires_at": consent.expires_at.isoformat()} if consent.status == ConsentStatus.EXPIRED else {}),
    }


def still_held(consent: Consent, now: datetime) -> bool:
    """Whether the recipients of this consent may still hold the customer's data: while it is in force,
    and after it ended (withdrawn, expired, superseded) for the retention the customer agreed to. A
    purpose that keeps data only as long as it needs it (no retention) held it until the consent ended."""
    if consent.status == ConsentStatus.GRANTED:
        return True
    if consent.ended_at is None:
        return False
    months = scope_agreed(consent, "retention_months", otherwise=consent.purpose.retention_months)
    if months is None:
        return False
    return add_months(timezone.localdate(consent.ended_at), months) > timezone.localdate(now)


def customer_consents(subject: DataSubject) -> list[Consent]:
    """The customer's consents that gave their data to recipients, by purpose, the latest first."""
    return list(
        consents_that_gave_data().filter(subject=subject).select_related("purpose", "notice")
        .order_by("purpose__code", "-granted_at")
    )


def _fields_shared(consent: Consent, fields: list[str]) -> list[str]:
    """Of the corrected `fields`, those the recipients of this consent received: the fields of the data
    categories its purpose shares (`subjects.categories`), as the customer agreed to them (the purpose's
    now, for a consent whose agreement does not say). A purpose that declares no category is taken to
    share every field, so its recipients are told of each: a notice a recipient did not need costs less
    than one left holding a wrong value."""
    categories = scope_agreed(consent, "data_categories", otherwise=consent.purpose.data_categories)
    return fields_shared(fields, categories or ())


def purposes_on_no_consent(now: datetime) -> list[Purpose]:
    """The active purposes resting on no consent (contract, legal obligation, public interest...) at
    `now` whose recipients process every customer's data of their categories, with their recipients and
    versions. The basis is the version's in force (`purpose_in_force`, as the consent check judges it),
    so it is filtered here, not in SQL on the row, which the job updates only minutes after a new
    version takes effect."""
    purposes = with_versions(
        Purpose.objects.filter(active=True, recipients__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("recipients", queryset=Recipient.objects.select_related("endpoint")))
        .order_by("code")
    )
    return [purpose for purpose in purposes if not purpose_in_force(purpose, now).consent_based]


def _non_consent_purposes_sharing(fields: list[str], now: datetime) -> list[tuple[Purpose, list[str]]]:
    """Of `purposes_on_no_consent`, each with the corrected `fields` it shares (the same filter as a
    consent's, `subjects.categories.fields_shared`)."""
    return [
        (purpose, shared) for purpose in purposes_on_no_consent(now)
        if (shared := fields_shared(fields, purpose.data_categories or ()))
    ]


def duties_open_for_rectification(
    *, actor: Actor, subject: DataSubject, changed: frozenset[str], before: Mapping[str, Any], now: datetime,
    source: str = "",
) -> list[WithdrawalDuty]:
    """After a rectification (`subjects.follow_ups`), in its transaction, whoever made it (a request
    answered, staff, the customer's own confirmed change): every recipient that received the customer's
    data under a consent and may still hold it is told which fields were corrected, and must correct
    them and acknowledge (Law 91/2025 and Decree 356/2025: the bank answers for its recipients and
    processors; 15 days instead of 10 when a processor must correct).

    One notice per recipient, whichever purposes it received the data for; only the recipients named in
    what the customer agreed to (`recipient_ids_agreed`): one that never received this customer's data
    is not told the customer's number. Only of the corrected fields of the data categories a purpose
    shared with it (`_fields_shared`), under the purposes that shared them: a recipient of contact
    details alone is not told of a corrected national id. The notice names the fields, never their
    values: payloads wait in the outbox and are retried and logged by receivers; a recipient that needs
    the new values reads them through the API, where the `subjects:pii` scope governs full values.

    Each notice records the correction's `source` (a rectification request's `dsr.request:<id>`; empty
    for one made outside a request): the request's page lists the notices of that source, not those
    sent at the moment it closed, which another correction of the customer may share."""
    fields = sorted(changed & set(PERSONAL_FIELDS))
    if not fields:
        return []
    held = [
        (consent, shared) for consent in customer_consents(subject)
        if still_held(consent, now) and (shared := _fields_shared(consent, fields))
    ]
    agreed = agreed_recipients_of([consent for consent, _shared in held])
    told: dict[int, tuple[Recipient, Consent | None, Purpose, set[str], set[str]]] = {}
    reached = [
        (recipient, consent, consent.purpose, shared)
        for consent, shared in held
        for recipient in agreed[consent.pk]
    ] + [
        (recipient, None, purpose, shared)
        for purpose, shared in _non_consent_purposes_sharing(fields, now)
        for recipient in purpose.recipients.all()
    ]
    for recipient, consent, purpose, shared in reached:
        _recipient, _consent, _purpose, purposes, its_fields = told.setdefault(
            recipient.pk, (recipient, consent, purpose, set(), set())
        )
        purposes.add(purpose.code)
        its_fields.update(shared)
    if not told:
        return []
    due_at = due_at_for(request_type="rectify", received_at=now, subject=subject, processor_involved=True)
    audience = recipients_audience(recipient for recipient, *_rest in told.values())
    with transaction.atomic(savepoint=False):
        duties = [
            duty_open(
                consent=consent, subject=subject, purpose=purpose, recipient=recipient,
                kind=WithdrawalDuty.Kind.RECTIFICATION, fields=sorted(its_fields), received_at=now,
                due_at=due_at, topic=RECTIFICATION_NOTICE_TOPIC, now=now, source=source, audience=audience,
                notice={
                    "purposes": sorted(purposes),
                    "fields": sorted(its_fields),
                    "rectified_at": now.isoformat(),
                    "correct_by": due_at.isoformat(),
                },
            )
            for recipient, consent, purpose, purposes, its_fields in (told[pk] for pk in sorted(told))
        ]
        passed_on = sorted({field for *_told, its_fields in told.values() for field in its_fields})
        audit_record(
            action="consents.duty.rectification_opened",
            actor=actor,
            subject=subject,
            target=subject,
            now=now,
            data={
                "recipients": sorted(told), "fields": passed_on, "due_at": due_at.isoformat(),
                "source": source,
            },
        )
    return duties


# The one mover of a duty: `Transition` checks `consents.states.DUTY_MACHINE` (409 otherwise), saves the
# locked duty with a `WithdrawalDutyStatusChange` row and the audit entry.
duty_transition = Transition(
    DUTY_MACHINE,
    WithdrawalDutyStatusChange,
    of="duty",
    refused=_("This withdrawal duty is already closed (“%(status)s”)."),
    code="already_acknowledged",
)


def duty_acknowledge(
    *, actor: Actor, duty_id, note: str = "", reference: str = "", client_user_id: int | None = None,
    now: datetime | None = None,
) -> WithdrawalDuty:
    """Record that a recipient confirmed it stopped processing.

    `client_user_id` is set when an integration client acknowledges: it may close only duties of the
    recipients it speaks for, and its own call is the evidence. Staff recording it for the recipient
    must say how it confirmed (a letter, an e-mail, a call), or give the recipient's `reference` for its
    confirmation (a letter's number, no personal data: `duty_reference_checked`, nor the customer's own
    CIF or document number: `duty_reference_not_the_customers`, 400 `reference`): that
    is the bank's proof that the recipient stopped, corrected or deleted the data (400 `note` when
    neither is given). The note is erased with the customer, the reference kept. Acknowledging twice is
    refused (409 `already_acknowledged`) rather than silently repeated, and a stop called off (its
    restriction lifted first) with 409 `called_off`.
    """
    reference = duty_reference_checked(reference)
    if client_user_id is None and not note.strip() and not reference:
        raise InvalidInput(
            _("Say how the recipient confirmed (a letter, an e-mail or a call, with its date or reference)."),
            field="note",
        )
    with transaction.atomic(durable=True):
        notice = duty_notice_locked(duty_id)
        duty = (
            WithdrawalDuty.objects.select_for_update(of=("self",))
            .select_related("recipient", "subject")
            .filter(pk=duty_id)
            .first()
        )
        now = now or timezone.now()  # after the lock: a confirmation that waited is dated after
        if duty is None:
            raise NotFound(_("No such withdrawal duty."))
        if client_user_id is not None and duty.recipient.client_id != client_user_id:
            raise PermissionDenied(_("This withdrawal duty belongs to another recipient."))
        if duty.status == WithdrawalDuty.Status.CALLED_OFF:
            # Nobody acknowledged it: "already acknowledged" would tell the recipient the wrong thing.
            raise Conflict(
                _("This stop was called off: the restriction was lifted before the recipient confirmed it."),
                code="called_off",
            )
        duty_reference_not_the_customers(reference, duty.subject)
        learnt = duty_learnt(duty, notice, by_recipient=client_user_id is not None)
        duty_transition(
            duty,
            actor=actor,
            to=WithdrawalDuty.Status.ACKNOWLEDGED,
            now=now,
            changes={
                "acknowledged_at": now,
                "acknowledged_by_label": actor.label[:150],
                "acknowledgement_note": duty_note_kept(duty, note),
                "acknowledgement_reference": reference,
                **learnt["fields"],
            },
            audit_action="consents.duty.acknowledged",
            subject=duty.subject_id,
            data={
                "recipient": duty.recipient_id, "consent": str(duty.consent_id), "late": now > duty.due_at,
                "reference": reference,
                **learnt["audited"],
            },
        )
    duty.notice_status = notice.status if notice else None  # as the duty lists annotate it
    return duty
