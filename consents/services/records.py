"""Consent records: the steps every answer takes, the expiry sweep and the one transition service.

The API, the staff and customer pages, the CSV import and the dsr app all come through here
(the grant in `consents.services.grants`, its rules in `consents.services.rules`, withdrawals in
`consents.services.withdrawals`).
Consent records move only along `consents.states.CONSENT_MACHINE`; every move writes an
append-only event, updates the current-state row the consent check reads, and is audited in the same
transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.models import Consent, ConsentEvent, ConsentState, ConsentStatus, NoticeVersion, Purpose
from consents.scope import consent_snapshot
from consents.selectors.rule import term_ended
from consents.services.duties import duties_open_for_withdrawal
from consents.services.rules import GrantRequest
from consents.services.who_answered import (
    WhoAnswered,
    collected_by_data,
    who_answered_frozen,
    who_representative_audit_data,
)
from consents.states import CONSENT_MACHINE
from core.actors import Actor
from core.errors import NotFound
from subjects.locks import of_customers_locked, subject_locked, subjects_lock

MAX_REASON_LENGTH = 500
# Who records an expiry: the sweep, or a grant that finds the live consent past its term first.
EXPIRY_ACTOR = Actor.system("consents.expire_due")


def _event_record(
    consent: Consent,
    *,
    kind: str,
    actor: Actor,
    now: datetime,
    data: dict,
    channel: str = "",
    reason: str = "",
    source: str = "",
    state: bool = True,
    at: datetime | None = None,
    note: str = "",
    evidence: str = "",
    import_key: str | None = None,
) -> ConsentEvent:
    """Write what every move and every answer leaves, in the caller's transaction: the consent's
    append-only event, the check's state row (unless `state` is False) and the audit entry
    `consents.consent.<kind>` with `data`. The event is dated `at` when the customer's answer is older
    than its recording (a paper form imported later); the audit entry always says when it was recorded."""
    event = ConsentEvent(
        consent=consent,
        subject_id=consent.subject_id,
        kind=kind,
        at=at or now,
        channel=channel,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_label=actor.label[:150],
        reason=reason[:MAX_REASON_LENGTH],
        source=source[:100],
        note=note,
        evidence=evidence,
        import_key=import_key,
        # Named in the answer's or the withdrawal's audit data (`who_answered`), checked by then.
        representative_id=data.get("representative"),
        collected_by=data.get("collected_by"),
    )
    event.save(force_insert=True)
    if state:
        _state_sync(consent)
    audit_record(**consent_event_audit(consent, kind, actor=actor, now=now, data=data, event_id=event.pk))
    return event


def consent_event_audit(
    consent: Consent, kind: str, *, actor: Actor, now: datetime, data: dict, event_id
) -> dict[str, Any]:
    """The audit entry of one event of `consent` (`audit_record`'s keyword arguments): each event
    recorded one by one, and the import's, recorded many at once."""
    return {
        "action": f"consents.consent.{kind}",
        "actor": actor,
        "subject": consent.subject_id,
        "target": consent,
        "now": now,
        "data": {"purpose": consent.purpose.code, **data, "event": str(event_id)},
    }


def _state_sync(consent: Consent) -> None:
    ConsentState.objects.update_or_create(
        subject_id=consent.subject_id,
        purpose_id=consent.purpose_id,
        defaults={
            "consent": consent,
            "status": consent.status,
            "notice_id": consent.notice_id,
            "expires_at": consent.expires_at,
            "updated_at": state_written_at(),
        },
    )


def state_written_at() -> datetime:
    """When a state row is rewritten: the clock as it is written, not the caller's `now`, which an import
    takes once at its start and a platform's stop may date back. A campaign's changes since it checked its
    list (`consent_check_changes`) read it as when the change became known."""
    return timezone.now()


def consent_locked(consent_id, *, subject_id=None) -> Consent:
    """The consent, with its purpose, locked for the caller's transaction; NotFound (404) when there is
    none (of `subject_id`'s, when given: a customer acts only on their own). The customer first
    (`subjects.locks`), then the consent: a request's withdrawal holds the customer and writes its
    entries before it locks the customer's consents."""
    queryset = Consent.objects.filter(pk=consent_id)
    if subject_id is not None:
        queryset = queryset.filter(subject_id=subject_id)
    subjects_lock(queryset.values_list("subject_id", flat=True))
    consent = queryset.select_for_update(of=("self",)).select_related("purpose").first()
    if consent is None:
        raise NotFound(_("No such consent."))
    return consent


def consent_transition(
    *,
    actor: Actor,
    consent: Consent,
    to: str,
    now: datetime,
    channel: str = "",
    reason: str = "",
    source: str = "",
    data: dict | None = None,
    note: str = "",
    evidence: str = "",
    effective_at: datetime | None = None,
    import_key: str | None = None,
) -> ConsentEvent:
    """The one service that moves a consent. `consent` must be locked by the caller (select_for_update).
    `data`: what the audit entry says beyond the move (a void's reason and role); `note`: a void's note,
    kept encrypted on the event, never in the audit entry (it may name another customer); `evidence`:
    the move's own proof (a withdrawal's call recording), on the event and in the audit entry;
    `effective_at`: when the move took effect, when that was before `now` (an expiry: the end of the
    term; a platform's stop, the day it took effect), which dates the consent's end (and withdrawal) and its
    event, and which its audit entry, written `now`, names. `import_key`: the import row the move comes
    from (a legacy file's withdrawal), kept on the event so the same file run again records it once."""
    CONSENT_MACHINE.check(consent.status, to, status=ConsentStatus(consent.status).label)
    with transaction.atomic(savepoint=False):
        old = consent.status
        consent.status = to
        # A refusal ended when the customer said no; a later void keeps that time.
        consent.ended_at = consent.ended_at if old == ConsentStatus.REFUSED else (effective_at or now)
        fields = ["status", "ended_at"]
        if to == ConsentStatus.WITHDRAWN:
            # A platform's stop dated before its recording (`consents_stop_outgrown`) is one withdrawal
            # in one month: the report counts its event and its recipients' stops by these times.
            consent.withdrawn_at, consent.withdrawal_channel = effective_at or now, channel
            fields += ["withdrawn_at", "withdrawal_channel"]
        consent.save(update_fields=fields)
        event = _event_record(
            consent,
            kind=to,
            actor=actor,
            now=now,
            channel=channel,
            reason=reason,
            source=source,
            note=note,
            evidence=evidence,
            import_key=import_key,
            at=effective_at,
            # A superseded consent is replaced by its successor, which writes the state row itself.
            state=to not in (ConsentStatus.SUPERSEDED, ConsentStatus.VOIDED),
            data={
                "from": old,
                "to": to,
                "channel": channel,
                "source": source[:100],
                **({"evidence": evidence} if evidence else {}),
                **({"effective_at": effective_at.isoformat()} if effective_at else {}),
                **(data or {}),
            },
        )
        if to == ConsentStatus.VOIDED:
            # The check's row follows the correction only while it holds this record: a refusal voided
            # after the customer's later grant leaves that grant's row as it is.
            ConsentState.objects.filter(
                subject_id=consent.subject_id, purpose_id=consent.purpose_id, consent=consent
            ).update(status=to, updated_at=state_written_at())
        return event


def answer_start(request: GrantRequest) -> tuple[GrantRequest, Consent | None]:
    """The first step of recording an answer, in the caller's transaction: the request judged against
    the catalogue and the customer as they are now, not as the caller loaded them, and the customer's
    live consent to the purpose, locked.

    The customer's row is locked first: a CSV import batch locks its customers' rows before it judges
    them (`consents.services.import_rows`), so an answer and a batch for one customer take turns and
    neither writes from what it read before the other committed (an old paper form never switches back
    on what the customer just switched off). Withdrawals and expiries need no such lock: they end a live
    consent, and a batch refuses a row while the consent it would replace is live."""
    request = replace(
        request,
        purpose=Purpose.objects.get(pk=request.purpose.pk),
        subject=subject_locked(request.subject.pk),
    )
    return request, _live_consent_locked(subject_id=request.subject.pk, purpose_id=request.purpose.pk)


def _live_consent_locked(*, subject_id, purpose_id) -> Consent | None:
    """The customer's live consent to the purpose, with its purpose, locked for the caller's transaction."""
    return (
        Consent.objects.select_for_update(of=("self",))
        .select_related("purpose")
        .filter(subject_id=subject_id, purpose_id=purpose_id, status=ConsentStatus.GRANTED)
        .first()
    )


def answer_build(
    request: GrantRequest,
    *,
    notice: NoticeVersion,
    actor: Actor,
    now: datetime,
    snapshot: dict | None = None,
    **fields,
) -> Consent:
    """The unsaved record of an answer with the proof every answer carries (who recorded it, the
    channel and evidence, what the customer was shown); `fields` are those of a grant or a refusal.
    `snapshot` is the notice's frozen scope when the caller already has it (the import keeps one per
    notice)."""
    snapshot = consent_snapshot(request.purpose, notice) if snapshot is None else snapshot
    if request.notice_language:
        # Which of the two frozen texts was on the customer's screen: part of the proof of consent.
        snapshot = {**snapshot, "notice": {**snapshot["notice"], "shown_in": request.notice_language}}
    if request.who_answered is not None:
        snapshot = {**snapshot, "answered": who_answered_frozen(request.who_answered)}
    snapshot = {**snapshot, **collected_by_data(request.collected_by)}
    return Consent(
        subject=request.subject,
        purpose=request.purpose,
        notice=notice,
        guardian=request.guardian,
        channel=request.channel,
        evidence=request.evidence.strip(),
        session_ref=request.session_ref[:64],
        device=request.device[:300],
        snapshot=snapshot,
        recorded_by_kind=actor.kind,
        recorded_by_user_id=actor.user_id,
        recorded_by_label=actor.label[:150],
        granted_at=now,
        **fields,
    )


def answer_record(
    record: Consent,
    *,
    kind: str,
    request: GrantRequest,
    notice: NoticeVersion,
    actor: Actor,
    now: datetime,
    extra: dict | None = None,
    at: datetime | None = None,
    source: str = "",
) -> ConsentEvent:
    """The proof of a customer's answer (a grant or a refusal) just saved: its event (dated `at`, the
    answer's own time, when it differs from `now`), the check's state row and the audit entry, in the
    caller's transaction."""
    return _event_record(
        record,
        kind=kind,
        actor=actor,
        now=now,
        at=at,
        source=source,
        channel=request.channel,
        data=answer_audit_data(
            notice_version=notice.version,
            channel=request.channel,
            guardian_id=request.guardian.pk if request.guardian else None,
            # Who spoke, never their name: the kind, as the receipt's snapshot keeps it.
            **(_who_answered_audit(request.who_answered) if request.who_answered else {}),
            **(extra or {}),
        ),
    )


def _who_answered_audit(who: WhoAnswered) -> dict[str, str]:
    # The kind and the representative's record, never their name (the record holds it, encrypted).
    return {"answered_by": who.by, **who_representative_audit_data(who)}


def answer_audit_data(*, notice_version: str, channel: str, guardian_id, **extra) -> dict:
    """What the audit entry of an answer says beside its purpose and event (`answer_record`'s, and the
    import's for each consent it inserts): the notice, the channel, the guardian who answered, and
    `extra` (a grant's acknowledgements, an imported answer's source and time)."""
    return {
        "notice_version": notice_version,
        "channel": channel,
        "guardian": str(guardian_id) if guardian_id else None,
        **extra,
    }


def consents_expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Move consents whose expiry has passed to "expired" (set-based, idempotent sweep).

    The check already answers "expired" from `expires_at`; this records the event and audit entry.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        expired = Consent.objects.filter(status=ConsentStatus.GRANTED, expires_at__lte=now).order_by(
            "expires_at"
        )
        # A request's withdrawal holds its customer and writes its entries before it locks that
        # customer's consents, which this sweep must not hold while it waits for the head.
        (expired_of_held,) = of_customers_locked(expired, customer="subject_id", limit=limit)
        due = list(
            expired_of_held.select_for_update(skip_locked=True, of=("self",))
            .select_related("purpose")[:limit]
        )
        for consent in due:
            _consent_expire(consent, now=now)
    return len(due)


def live_within_term(live: Consent | None, *, at: datetime, now: datetime) -> Consent | None:
    """The customer's locked live consent, or None when its term had ended by `at` (the answer's
    time): its expiry is recorded first, in the caller's transaction, as the hourly sweep would, so an
    answer given after a consent ran out never waits for the sweep."""
    if live is not None and term_ended(live, at=at):
        _consent_expire(live, now=now)
        return None
    return live


def consent_expire_ended(*, subject_id, purpose_id, now: datetime) -> None:
    """Record the expiry of the customer's live consent to the purpose if its term had ended by `now`, in
    the caller's transaction, as the hourly sweep would: the CSV import judges its rows as once the sweep
    has run. The customer is locked by the caller."""
    live_within_term(_live_consent_locked(subject_id=subject_id, purpose_id=purpose_id), at=now, now=now)


def _consent_expire(consent: Consent, *, now: datetime) -> ConsentEvent:
    """Record that a locked consent's expiry has passed, in the caller's transaction, always as the
    sweep's doing: the expiry is the consent's own term, whichever caller finds it first. It took effect
    when the term ended, not when a sweep (hourly, or late after an outage) finds it: the consent ended
    and its event is dated then, so the consent report counts it in the month it happened, the month
    whose "in force at the end" it already left (the audit entry says when it was recorded, and names
    the end of the term). Its recipients are told to stop as after a withdrawal, their time running from
    the end of the term: nothing else tells them the consent's expiry date."""
    event = consent_transition(
        actor=EXPIRY_ACTOR, consent=consent, to=ConsentStatus.EXPIRED, now=now, reason="expired",
        effective_at=consent.expires_at,
    )
    duties_open_for_withdrawal(actor=EXPIRY_ACTOR, consent=consent, now=now, received_at=consent.expires_at)
    return event
