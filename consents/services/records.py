"""Consent records: the grant rules of domain notes "Consent rules", and the one transition service.

The API, the staff and customer pages, the CSV import and the dsr app all come through here
(withdrawals in `consents.services.withdrawals`).
Consent records move only along `consents.states.CONSENT_MACHINE`; every move writes an
append-only event, updates the current-state row the consent check reads, and is audited in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.models import (
    Channel,
    Consent,
    ConsentEvent,
    ConsentState,
    ConsentStatus,
    LegalBasis,
    NoticeVersion,
    Purpose,
    PurposeCategory,
)
from consents.scope import consent_snapshot
from consents.states import CONSENT_MACHINE
from core.actors import Actor
from core.db import conflict_on_duplicate, durable_entry_point
from core.errors import Conflict, InvalidInput
from subjects.models import DataSubject
from subjects.validators import age_on

# Law 91/2025 and Decree 13 Art. 20: under 7 the guardian consents alone; from 7 to under 16 both.
GUARDIAN_ONLY_BELOW_AGE = 7
CHILD_BELOW_AGE = 16
MAX_EVIDENCE_LENGTH = 300
MAX_REASON_LENGTH = 500
# Domain notes ("Consent rules"): proof is on the bank. Where the customer agrees in front of staff or
# on paper, the form number, scanned document or call recording is the proof.
CHANNELS_NEEDING_EVIDENCE = frozenset({Channel.BRANCH, Channel.PAPER_FORM, Channel.CALL_CENTRE})


@dataclass(frozen=True)
class GrantRequest:
    """What a grant needs, validated by `grant_validate` before anything is written."""

    subject: DataSubject
    purpose: Purpose
    notice_version: str
    channel: str
    evidence: str = ""
    guardian: DataSubject | None = None
    sensitive_acknowledged: bool = False
    expires_at: datetime | None = None
    child_agreed: bool = False
    child_evidence: str = ""
    session_ref: str = ""
    device: str = ""


def not_consent_based_error(purpose: Purpose) -> Conflict:
    return Conflict(
        _(
            "The purpose “%(purpose)s” relies on the legal basis “%(basis)s”, not on consent: it is shown to "
            "the "
            "customer for transparency only and cannot be consented to or withdrawn."
        ),
        code="not_consent_based",
        purpose=purpose.code,
        basis=LegalBasis(purpose.legal_basis).label,
    )


def notice_current(purpose: Purpose, *, now: datetime) -> NoticeVersion | None:
    return purpose.notices.filter(effective_at__lte=now).order_by("-effective_at", "-id").first()


def barred_for_children(purpose: Purpose, notice: NoticeVersion) -> bool:
    """Purposes a child's data never serves: marketing (domain notes), and by the bank's policy
    sensitive data and transfers abroad."""
    scope = notice.scope
    return purpose.category == PurposeCategory.MARKETING or scope["sensitive"] or scope["cross_border"]


def purpose_offered_to_ward(
    purpose: Purpose, notice: NoticeVersion | None, ward: DataSubject, *, now: datetime
) -> bool:
    """Whether a guardian is offered this purpose for their ward: not when the ward is (or may be) a
    child and the purpose is barred for children, since the grant would be refused anyway."""
    if notice is None:
        return purpose.category != PurposeCategory.MARKETING
    if not barred_for_children(purpose, notice):
        return True
    if ward.date_of_birth is None:
        return bool(ward.adult_verified)
    return age_on(ward.date_of_birth, timezone.localdate(now)) >= CHILD_BELOW_AGE


def answer_validate(request: GrantRequest, *, current_notice: NoticeVersion | None) -> None:
    """What every answer to a purpose needs, a grant or a refusal: a known channel, a purpose that asks
    for consent, the current notice shown, and the proof a consent through that channel needs."""
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
    if not request.notice_version:
        raise InvalidInput(_("Give the notice version the customer was shown."), field="notice_version")
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


def grant_validate(request: GrantRequest, *, now: datetime, current_notice: NoticeVersion | None) -> None:
    """Refuse a grant that breaks a rule, with a message a branch officer can act on. Writes nothing."""
    if not request.purpose.active:
        raise Conflict(
            _("The purpose “%(purpose)s” is no longer offered."),
            code="purpose_inactive",
            purpose=request.purpose.code,
        )
    answer_validate(request, current_notice=current_notice)
    if current_notice.scope["sensitive"] and not request.sensitive_acknowledged:
        raise InvalidInput(
            _(
                "This purpose uses sensitive personal data: the customer must explicitly confirm that they "
                "understand this and agree before the consent is recorded."
            ),
            field="sensitive_acknowledged",
        )
    if request.expires_at is not None and request.expires_at <= now:
        raise InvalidInput(_("The expiry must be in the future."), field="expires_at")
    _children_validate(request, now=now, notice=current_notice)


def _evidence_validate(request: GrantRequest) -> None:
    for field in ("evidence", "child_evidence"):
        if len(getattr(request, field)) > MAX_EVIDENCE_LENGTH:
            raise InvalidInput(_("The evidence reference is longer than 300 characters."), field=field)
    if request.channel in CHANNELS_NEEDING_EVIDENCE and not request.evidence.strip():
        raise InvalidInput(
            _(
                "Give the evidence reference for a consent given through “%(channel)s”: the form number, "
                "the scanned document id or the call recording id."
            ),
            field="evidence",
            channel=Channel(request.channel).label,
        )


def _children_validate(request: GrantRequest, *, now: datetime, notice: NoticeVersion) -> None:
    """Law 91/2025 and Decree 13/2023 Art. 20: under 7 the verified guardian consents alone; from 7 to
    under 16 the child agrees beside the guardian; a child's data never serves marketing. A customer
    whose age is unknown is not assumed adult for purposes barred to children (domain notes)."""
    purpose, subject, guardian = request.purpose, request.subject, request.guardian
    if subject.date_of_birth is None:
        if not subject.adult_verified and barred_for_children(purpose, notice):
            raise Conflict(
                _(
                    "The customer's age is unknown: record their date of birth (or their adult status "
                    "verified by eKYC) before they consent to this purpose, which is barred for children."
                ),
                code="age_unknown",
            )
        age = None
    else:
        age = age_on(subject.date_of_birth, timezone.localdate(now))
    if age is None or age >= CHILD_BELOW_AGE:
        if guardian is not None and guardian.pk != subject.guardian_id:
            raise InvalidInput(
                _("Adults consent for themselves: this person is not the customer's registered guardian."),
                field="guardian",
            )
        return
    if purpose.category == PurposeCategory.MARKETING:
        raise Conflict(
            _("Children's data is never used for marketing: this customer is under 16."),
            code="child_marketing",
        )
    if barred_for_children(purpose, notice):
        raise Conflict(
            _("This purpose uses sensitive data or sends data abroad: it is not offered to children."),
            code="child_barred",
        )
    if guardian is None:
        if age < GUARDIAN_ONLY_BELOW_AGE:
            message = _(
                "This customer is under 7: only their verified guardian can consent. Give the guardian."
            )
        else:
            message = _(
                "This customer is between 7 and 16: both the child and their guardian must consent. "
                "Give the guardian."
            )
        raise InvalidInput(message, field="guardian")
    if guardian.pk != subject.guardian_id:
        raise InvalidInput(_("This person is not the customer's registered guardian."), field="guardian")
    if subject.guardian_verified_at is None:
        raise Conflict(
            _(
                "The guardian's authority has not been verified yet; verify it before they consent "
                "for the child."
            ),
            code="guardian_unverified",
        )
    if age >= GUARDIAN_ONLY_BELOW_AGE and not (request.child_agreed and request.child_evidence.strip()):
        raise InvalidInput(
            _(
                "This customer is between 7 and 16: record the child's own agreement (child_agreed) with "
                "its evidence (child_evidence) beside the guardian's consent."
            ),
            field="child_agreed",
        )


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
) -> ConsentEvent:
    """Write what every move and every answer leaves, in the caller's transaction: the consent's
    append-only event, the check's state row (unless `state` is False) and the audit entry
    `consents.consent.<kind>` with `data`."""
    event = ConsentEvent(
        consent=consent,
        subject_id=consent.subject_id,
        kind=kind,
        at=now,
        channel=channel,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_label=actor.label[:150],
        reason=reason[:MAX_REASON_LENGTH],
        source=source[:100],
    )
    event.save(force_insert=True)
    if state:
        _state_sync(consent, now=now)
    audit_record(
        action=f"consents.consent.{kind}",
        actor=actor,
        subject=consent.subject_id,
        target=consent,
        now=now,
        data={"purpose": consent.purpose.code, **data, "event": str(event.pk)},
    )
    return event


def _state_sync(consent: Consent, *, now: datetime) -> None:
    ConsentState.objects.update_or_create(
        subject_id=consent.subject_id,
        purpose_id=consent.purpose_id,
        defaults={
            "consent": consent,
            "status": consent.status,
            "notice_id": consent.notice_id,
            "expires_at": consent.expires_at,
            "updated_at": now,
        },
    )


def consent_transition(
    *,
    actor: Actor,
    consent: Consent,
    to: str,
    now: datetime,
    channel: str = "",
    reason: str = "",
    source: str = "",
) -> ConsentEvent:
    """The one service that moves a consent. `consent` must be locked by the caller (select_for_update)."""
    CONSENT_MACHINE.check(consent.status, to, status=ConsentStatus(consent.status).label)
    with transaction.atomic(savepoint=False):
        old = consent.status
        consent.status = to
        consent.ended_at = now
        fields = ["status", "ended_at"]
        if to == ConsentStatus.WITHDRAWN:
            consent.withdrawn_at, consent.withdrawal_channel = now, channel
            fields += ["withdrawn_at", "withdrawal_channel"]
        consent.save(update_fields=fields)
        return _event_record(
            consent,
            kind=to,
            actor=actor,
            now=now,
            channel=channel,
            reason=reason,
            source=source,
            # A superseded consent is replaced by its successor, which writes the state row itself.
            state=to != ConsentStatus.SUPERSEDED,
            data={"from": old, "to": to, "channel": channel, "source": source[:100]},
        )


def answer_start(request: GrantRequest) -> tuple[GrantRequest, Consent | None]:
    """The first step of recording an answer, in the caller's transaction: the request judged against
    the catalogue and the customer as they are now, not as the caller loaded them, and the customer's
    live consent to the purpose, locked."""
    request = replace(
        request,
        purpose=Purpose.objects.get(pk=request.purpose.pk),
        subject=DataSubject.objects.get(pk=request.subject.pk),
    )
    live = (
        Consent.objects.select_for_update()
        .filter(subject=request.subject, purpose=request.purpose, status=ConsentStatus.GRANTED)
        .first()
    )
    return request, live


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
    return Consent(
        subject=request.subject,
        purpose=request.purpose,
        notice=notice,
        guardian=request.guardian,
        channel=request.channel,
        evidence=request.evidence.strip(),
        session_ref=request.session_ref[:64],
        device=request.device[:300],
        snapshot=consent_snapshot(request.purpose, notice) if snapshot is None else snapshot,
        recorded_by_kind=actor.kind,
        recorded_by_user_id=actor.user_id,
        recorded_by_label=actor.label[:150],
        granted_at=now,
        **fields,
    )


def grant_build(
    request: GrantRequest, *, notice: NoticeVersion, actor: Actor, now: datetime, **fields
) -> Consent:
    """The unsaved record of a grant (the grant service and the CSV import): an answer's proof, the
    child's agreement beside the guardian's and the acknowledgement of sensitive data."""
    return answer_build(
        request,
        notice=notice,
        actor=actor,
        now=now,
        child_agreed=request.child_agreed,
        child_evidence=request.child_evidence.strip(),
        sensitive_acknowledged=request.sensitive_acknowledged,
        **fields,
    )


def consent_grant_in_transaction(
    *, actor: Actor, request: GrantRequest, now: datetime | None = None
) -> Consent:
    """Record a grant inside the caller's transaction; a live consent to an older notice is superseded."""
    with transaction.atomic(savepoint=False):
        request, live = answer_start(request)
        # Read the clock once the live row is ours: a grant that waited for a withdrawal must not
        # carry a time before it.
        now = now or timezone.now()
        grant_validate(request, now=now, current_notice=(notice := notice_current(request.purpose, now=now)))
        if live is not None:
            if live.notice_id == notice.pk:
                raise Conflict(
                    _("This customer already has a live consent to this purpose and notice version."),
                    code="already_granted",
                )
            consent_transition(
                actor=actor,
                consent=live,
                to=ConsentStatus.SUPERSEDED,
                now=now,
                channel=request.channel,
                reason="new notice version",
            )
        consent = grant_build(request, notice=notice, actor=actor, now=now, expires_at=request.expires_at)
        # The partial unique index is the last word when two channels grant at the same instant.
        with conflict_on_duplicate(
            Conflict(_("This customer already has a live consent to this purpose."), code="already_granted")
        ):
            consent.save(force_insert=True)
        answer_record(
            consent,
            kind=ConsentEvent.Kind.GRANTED,
            request=request,
            notice=notice,
            actor=actor,
            now=now,
            extra={
                "sensitive_acknowledged": request.sensitive_acknowledged,
                "child_agreed": request.child_agreed,
            },
        )
    return consent


def answer_record(
    record: Consent,
    *,
    kind: str,
    request: GrantRequest,
    notice: NoticeVersion,
    actor: Actor,
    now: datetime,
    extra: dict | None = None,
) -> ConsentEvent:
    """The proof of a customer's answer (a grant or a refusal) just saved: its event, the check's
    state row and the audit entry, in the caller's transaction."""
    return _event_record(
        record,
        kind=kind,
        actor=actor,
        now=now,
        channel=request.channel,
        data={
            "notice_version": notice.version,
            "channel": request.channel,
            "guardian": str(request.guardian.pk) if request.guardian else None,
            **(extra or {}),
        },
    )


consent_grant = durable_entry_point(consent_grant_in_transaction)


def consents_expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Move consents whose expiry has passed to "expired" (set-based, idempotent sweep).

    The check already answers "expired" from `expires_at`; this records the event and audit entry.
    """
    now = now or timezone.now()
    actor = Actor.system("consents.expire_due")
    with transaction.atomic(durable=True):
        due = list(
            Consent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("purpose")
            .filter(status=ConsentStatus.GRANTED, expires_at__lte=now)
            .order_by("expires_at")[:limit]
        )
        for consent in due:
            consent_transition(
                actor=actor, consent=consent, to=ConsentStatus.EXPIRED, now=now, reason="expired"
            )
    return len(due)
