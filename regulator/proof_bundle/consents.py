"""The proof bundle's consents: every event per purpose, with its receipt's SHA-256 and, for a
consent's end (a withdrawal, the void of a consent recorded in error, an expiry or a replacement), each
recipient's stop; and per purpose the notices a correction of the customer's data sent its recipients
(a purpose resting on no consent has these alone)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import translation

from audit.hashing import canonical_json
from consents.models import LAPSED, Consent, ConsentEvent, ConsentStatus, Purpose, WithdrawalDuty
from consents.receipts import consent_receipt, duty_told, recipient_stops
from consents.selectors import (
    consent_list,
    guardian_who_acted,
    notices_by_kind_and_purpose,
    withdrawal_stops,
)
from core.erased import erased_words_shown
from deadlines.policy import local_isoformat
from regulator.proof_bundle.common import Period
from subjects.selectors import PERSONAL_FIELDS

# The language the receipts are hashed in: the bank's, whoever reads the bundle.
RECEIPT_LANGUAGE = "vi"


# The duties listed under each purpose, by kind, beside its consents' stops (`recipient_stops`).
NOTICE_SECTIONS = (
    (WithdrawalDuty.Kind.RECTIFICATION, "rectification_notices"),
    (WithdrawalDuty.Kind.RESTRICTION, "restriction_notices"),
    (WithdrawalDuty.Kind.ERASURE, "erasure_notices"),
    (WithdrawalDuty.Kind.PURPOSE_CHANGE, "purpose_change_stops"),
)


def consents_section(subject, period: Period, *, now: datetime) -> list[dict[str, Any]]:
    consents = (
        consent_list(subject=subject)
        # The customer is the one given; a guardian is shown by CIF: decrypt neither per consent.
        .select_related(None)
        .select_related("purpose", "guardian")
        .defer(*(f"guardian__{field}" for field in PERSONAL_FIELDS))
        .order_by("granted_at", "created_at")
        .prefetch_related(
            "guardian__number_changes",
            Prefetch(
                "events",
                queryset=ConsentEvent.objects.annotate(guardian_ref=guardian_who_acted()).order_by(
                    "at", "kind"
                ),
            ),
            Prefetch(
                "duties",
                # When each recipient stopped: the notices of a correction are not stops.
                queryset=withdrawal_stops(),
            ),
        )
    )
    # Each receipt names the number carried at its event: the customer's former numbers read once.
    prefetch_related_objects([subject], "number_changes")
    by_purpose: dict[str, dict[str, Any]] = {}
    with translation.override(RECEIPT_LANGUAGE):
        for consent in consents:
            consent.subject = subject
            events = list(consent.events.all())
            purpose = by_purpose.setdefault(consent.purpose.code, _purpose_section(consent.purpose))
            for event in events:
                if period.holds(event.at):
                    purpose["events"].append(_consent_event(consent, event, events, purpose, now=now))
            # A refusal gave nothing, and a record voided as made in error was never the customer's.
            purpose["_granted_before"] = purpose["_granted_before"] or consent.status not in (
                ConsentStatus.REFUSED, ConsentStatus.VOIDED
            )
    # A correction's notices, a restriction's stops, an erasure's deletions and the stops of a purpose the
    # bank narrowed or retired, under the purpose the recipient received the data for: one resting on no
    # consent (a contract's processor) has no event, its notices alone.
    by_kind = notices_by_kind_and_purpose(subject.pk, kinds=[kind for kind, _key in NOTICE_SECTIONS])
    for kind, key in NOTICE_SECTIONS:
        for code, notices in by_kind.get(kind, {}).items():
            told = [notice for notice in notices if period.holds(notice.received_at)]
            if told:
                purpose = by_purpose.setdefault(code, _purpose_section(told[0].purpose_shared))
                purpose[key] = [_rectification_notice(notice, now=now) for notice in told]
    sections = []
    for purpose in by_purpose.values():
        purpose.pop("_granted_before")
        purpose["events"].sort(key=lambda e: (e["at_utc"], e["order"]))
        for event in purpose["events"]:
            del event["at_utc"], event["order"]
        if purpose["events"] or any(purpose[key] for _kind, key in NOTICE_SECTIONS):
            sections.append(purpose)
    return sorted(sections, key=lambda p: p["purpose"]["code"])


def _purpose_section(purpose: Purpose) -> dict[str, Any]:
    return {
        "purpose": {"code": purpose.code, "name": {"vi": purpose.name_vi, "en": purpose.name_en}},
        "events": [],
        **{key: [] for _kind, key in NOTICE_SECTIONS},
        "_granted_before": False,
    }


def _rectification_notice(notice: WithdrawalDuty, *, now: datetime) -> dict[str, Any]:
    """Whom a correction, a restriction's stop or an erasure was passed on to, which fields (by name, a
    correction's alone), and when the recipient confirmed."""
    late = notice.late(now)
    return {
        "recipient": notice.recipient.name,
        "fields": list(notice.fields),
        "sent_at": local_isoformat(notice.received_at),
        "due_at": local_isoformat(notice.due_at),
        "confirmed_at": local_isoformat(notice.acknowledged_at),
        "confirmed_by": notice.acknowledged_by_label or None,
        "result": "called_off"
        if notice.status == WithdrawalDuty.Status.CALLED_OFF
        else _duty_result(notice.acknowledged_at, late=late),
        **_told_and_confirmed(
            duty_told(notice),
            note=erased_words_shown(notice.acknowledgement_note),
            reference=notice.acknowledgement_reference,
        ),
    }


def _told_and_confirmed(told: dict[str, Any], *, note: str, reference: str) -> dict[str, Any]:
    """When the recipient was told and how it confirmed (`duty_told`), as codes (the page labels them),
    with the confirmation's note and the recipient's reference for it (kept after the customer's
    erasure, which erases the note): a parked notice closed by staff on a partner's e-mail does not read
    as the partner's own call."""
    return {
        "told_at": local_isoformat(told["told_at"]),
        "notice": told["notice"],
        "learnt": told["learnt"],
        "confirmed_through": told["confirmed_through"],
        "confirmation_note": note or None,
        "confirmation_reference": reference or None,
    }


def _consent_event(consent: Consent, event: ConsentEvent, events, purpose: dict, *, now) -> dict[str, Any]:
    receipt = consent_receipt(consent, event_id=event.pk, events=events)
    is_grant = event.kind == ConsentEvent.Kind.GRANTED
    # The proof of collection is the answer's (a grant or a refusal); a withdrawal or an expiry has its
    # own channel, actor, source and evidence (`evidence_shown`), and repeating the grant's beside it
    # would misattribute it.
    answer = is_grant or event.kind == ConsentEvent.Kind.REFUSED
    stops = []
    # Whatever ended a consent that gave data (a withdrawal, a void, an expiry, a replacement) stopped its
    # recipients; the event's type says which.
    if event.kind in (ConsentEvent.Kind.WITHDRAWN, ConsentEvent.Kind.VOIDED, *LAPSED):
        stops = [
            {
                "recipient": stop["recipient"],
                "due_at": local_isoformat(stop["due_at"]),
                "confirmed_at": local_isoformat(stop["acknowledged_at"]),
                "confirmed_by": stop["acknowledged_by"] or None,
                "result": _duty_result(stop["acknowledged_at"], late=stop["late"]),
                **_told_and_confirmed(stop, note=stop["note"], reference=stop["reference"]),
            }
            for stop in recipient_stops(consent, now=now, duties=list(consent.duties.all()))
        ]
    return {
        "at": local_isoformat(event.at),
        "at_utc": event.at,
        "order": event.kind,
        "type": event.kind,
        "reconsent": is_grant and purpose["_granted_before"],
        "consent_id": str(consent.pk),
        "channel": event.channel or consent.channel,
        "recorded_by": event.actor_label,
        "recorded_by_kind": event.actor_kind,
        "notice": {
            "version": consent.snapshot["notice"]["version"],
            "text_sha256": consent.snapshot["notice"]["text_sha256"],
        },
        "evidence": event.evidence_shown or None,
        # Online channels: the session and device the customer used (empty for a branch or a form).
        "session": (consent.session_ref or None) if answer else None,
        "device": (consent.device or None) if answer else None,
        "guardian": event.guardian_ref,
        "child_agreement": {"agreed": True, "evidence": consent.child_evidence}
        if answer and consent.child_agreed
        else None,
        "source": event.source or None,
        "receipt": {"id": str(event.pk), "sha256": hashlib.sha256(canonical_json(receipt)).hexdigest()},
        "recipient_stops": stops,
    }


def _duty_result(acknowledged_at: datetime | None, *, late: bool) -> str:
    """on_time / late once the recipient confirmed; open / overdue while it has not."""
    if acknowledged_at is not None:
        return "late" if late else "on_time"
    return "overdue" if late else "open"
