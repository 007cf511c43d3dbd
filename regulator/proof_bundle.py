"""The proof bundle: one customer's consent history and rights requests in one document, for an
inspector (A05) who asks the DPO to "prove this customer's consent history and rights requests".

One builder for both forms: `proof_bundle` returns plain JSON values (codes, not labels; times as ISO
8601 with the +07:00 offset), which the API and the page give as the JSON file and render as the
printable page (`regulator/proof_bundle.html`, labels and dd/mm/yyyy times in the viewer's language).
The document is the same whatever the reader's language, so its closing `sha256` (of the canonical
JSON of everything else, `bundle_sha256`) matches a printed copy to the file.

It reads a fixed number of queries whatever the number of events (consents with their events and
duties, requests with their moves and clocks, authorisations with their events and accesses, the audit
entries with their neighbours' hashes).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation

from audit.hashing import canonical_json
from audit.selectors import AUDIT_ENTRY_CHECKS, audit_entries, audit_entries_checked
from authorisations.models import AccessRecord, AuthorisationEvent
from authorisations.selectors import authorisation_list
from consents.models import Consent, ConsentEvent, ConsentStatus, WithdrawalDuty
from consents.receipts import consent_receipt, recipient_stops
from consents.selectors import consent_list
from core.actors import Actor
from deadlines.policy import LOCAL_TZ
from dsr.models import DataSubjectRequest, RequestClockEvent, RequestStatusChange
from dsr.selectors import request_list
from dsr.states import OPEN, RequestStatus
from subjects.selectors import PERSONAL_FIELDS

SCHEMA = "qdl-proof-bundle/1"
# A request's free texts the bundle does not show (the customer's own words, corrections, the
# identity document's reference): encrypted, so left unread.
UNUSED_REQUEST_TEXTS = ("details", "corrections", "identity_reference")
# The language the receipts are hashed in: the bank's, whoever reads the bundle.
RECEIPT_LANGUAGE = "vi"
def bundle_sha256(document: dict[str, Any]) -> str:
    """The SHA-256 of the bundle's canonical JSON (sorted keys, no spaces, UTF-8) without its `sha256`."""
    return hashlib.sha256(canonical_json({k: v for k, v in document.items() if k != "sha256"})).hexdigest()


def proof_bundle(
    subject,
    *,
    generated_by: Actor,
    role: str = "",
    now: datetime | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The customer's proof bundle as it stands `now`, for events in [since, until] (all by default)."""
    now = now or timezone.now()
    period = _Period(since, until)
    document = {
        "schema": SCHEMA,
        "header": {
            "customer": {"id": str(subject.pk), "cif": subject.external_ref, "name": subject.full_name},
            "controller": settings.BANK_NAME,
            "generated_by": {"label": generated_by.label, "role": role},
            "generated_at": _local(now),
            "time_zone": str(LOCAL_TZ),
            "platform_version": settings.PLATFORM_VERSION or None,
            "period": {
                "from": _local(since),
                "to": _local(until),
                "all_history": since is None and until is None,
            },
        },
        "consents": _consents(subject, period, now=now),
        "requests": _requests(subject, period, now=now),
        "authorisations": _authorisations(subject, period),
        "audit": _audit(subject, period),
    }
    document["sha256"] = bundle_sha256(document)
    return document


class _Period:
    def __init__(self, since: datetime | None, until: datetime | None) -> None:
        self.since, self.until = since, until

    def holds(self, moment: datetime) -> bool:
        return (self.since is None or moment >= self.since) and (self.until is None or moment <= self.until)

    def filter(self, queryset: QuerySet, field: str) -> QuerySet:
        if self.since is not None:
            queryset = queryset.filter(**{f"{field}__gte": self.since})
        if self.until is not None:
            queryset = queryset.filter(**{f"{field}__lte": self.until})
        return queryset


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(LOCAL_TZ).isoformat() if moment else None


# ------------------------------------------------------------------------------------------ consents


def _consents(subject, period: _Period, *, now: datetime) -> list[dict[str, Any]]:
    consents = (
        consent_list(subject=subject)
        # The customer is the one given; a guardian is shown by CIF: decrypt neither per consent.
        .select_related(None)
        .select_related("purpose", "guardian")
        .defer(*(f"guardian__{field}" for field in PERSONAL_FIELDS))
        .order_by("granted_at", "created_at")
        .prefetch_related(
            Prefetch("events", queryset=ConsentEvent.objects.order_by("at", "kind")),
            Prefetch(
                "duties",
                queryset=WithdrawalDuty.objects.select_related("recipient").order_by(
                    "recipient__name", "due_at"
                ),
            ),
        )
    )
    by_purpose: dict[str, dict[str, Any]] = {}
    with translation.override(RECEIPT_LANGUAGE):
        for consent in consents:
            consent.subject = subject
            events = list(consent.events.all())
            purpose = by_purpose.setdefault(
                consent.purpose.code,
                {
                    "purpose": {
                        "code": consent.purpose.code,
                        "name": {"vi": consent.purpose.name_vi, "en": consent.purpose.name_en},
                    },
                    "events": [],
                    "_granted_before": False,
                },
            )
            for event in events:
                if period.holds(event.at):
                    purpose["events"].append(_consent_event(consent, event, events, purpose, now=now))
            purpose["_granted_before"] = purpose["_granted_before"] or consent.status != ConsentStatus.REFUSED
    sections = []
    for purpose in by_purpose.values():
        purpose.pop("_granted_before")
        purpose["events"].sort(key=lambda e: (e["at_utc"], e["order"]))
        for event in purpose["events"]:
            del event["at_utc"], event["order"]
        if purpose["events"]:
            sections.append(purpose)
    return sorted(sections, key=lambda p: p["purpose"]["code"])


def _consent_event(consent: Consent, event: ConsentEvent, events, purpose: dict, *, now) -> dict[str, Any]:
    receipt = consent_receipt(consent, event_id=event.pk, events=events)
    is_grant = event.kind == ConsentEvent.Kind.GRANTED
    # The proof of collection is the answer's (a grant or a refusal); a withdrawal or an expiry has its
    # own channel, actor and source, and repeating the grant's evidence beside it would misattribute it.
    answer = is_grant or event.kind == ConsentEvent.Kind.REFUSED
    stops = []
    if event.kind == ConsentEvent.Kind.WITHDRAWN:
        stops = [
            {
                "recipient": stop["recipient"],
                "due_at": _local(stop["due_at"]),
                "confirmed_at": _local(stop["acknowledged_at"]),
                "confirmed_by": stop["acknowledged_by"] or None,
                "result": _stop_result(stop),
            }
            for stop in recipient_stops(consent, now=now, duties=list(consent.duties.all()))
        ]
    return {
        "at": _local(event.at),
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
        "evidence": (consent.evidence or None) if answer else None,
        # Online channels: the session and device the customer used (empty for a branch or a form).
        "session": (consent.session_ref or None) if answer else None,
        "device": (consent.device or None) if answer else None,
        "guardian": consent.guardian.external_ref if consent.guardian else None,
        "child_agreement": {"agreed": True, "evidence": consent.child_evidence}
        if answer and consent.child_agreed
        else None,
        "source": event.source or None,
        "receipt": {"id": str(event.pk), "sha256": hashlib.sha256(canonical_json(receipt)).hexdigest()},
        "recipient_stops": stops,
    }


def _stop_result(stop: dict[str, Any]) -> str:
    """on_time / late once the recipient confirmed; open / overdue while it has not."""
    if stop["acknowledged_at"] is not None:
        return "late" if stop["late"] else "on_time"
    return "overdue" if stop["late"] else "open"


# ------------------------------------------------------------------------------------------ requests


def _requests(subject, period: _Period, *, now: datetime) -> list[dict[str, Any]]:
    # Neither the customer (given) nor the request's free texts the bundle leaves out are decrypted.
    requests = request_list().select_related(None).defer(*UNUSED_REQUEST_TEXTS).filter(subject=subject)
    if period.until is not None:
        requests = requests.filter(received_at__lte=period.until)
    if period.since is not None:
        requests = requests.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.since))
    requests = requests.order_by("received_at", "pk").prefetch_related(
        Prefetch("status_changes", queryset=RequestStatusChange.objects.defer("note").order_by("at", "pk")),
        Prefetch("clock_events", queryset=RequestClockEvent.objects.order_by("at", "pk")),
    )
    return [_request(r, now=now) for r in requests]


def _request(request: DataSubjectRequest, *, now: datetime) -> dict[str, Any]:
    is_open = request.status in OPEN
    cancelled = request.status == RequestStatus.CANCELLED
    return {
        "id": str(request.pk),
        "reference": request.reference,
        "type": request.type,
        "channel": request.channel,
        "status": request.status,
        "received_at": _local(request.received_at),
        "identity_verified_at": _local(request.identity_verified_at),
        "identity_method": request.identity_method or None,
        "acknowledged_at": _local(request.acknowledged_at),
        "acknowledgement": {
            "due_at": _local(request.acknowledge_by),
            "result": _clock_result(
                request.acknowledge_by,
                request.acknowledged_at,
                is_open=is_open and not request.acknowledged_at,
                now=now,
                not_applicable=cancelled and request.acknowledged_at is None,
            ),
        },
        "bank_clock": {
            "due_at": _local(request.due_at),
            "result": "paused"
            if is_open and request.is_paused
            else _clock_result(
                request.due_at, request.closed_at, is_open=is_open, now=now, not_applicable=cancelled
            ),
        },
        "statutory_clock": {
            "due_at": _local(request.statutory_due_at),
            "regime": request.statutory_regime or None,
            "result": _clock_result(
                request.statutory_due_at,
                request.closed_at,
                is_open=is_open,
                now=now,
                not_applicable=cancelled,
            ),
        },
        "extended_at": _local(request.extended_at),
        "closed_at": _local(request.closed_at),
        "outcome": None
        if is_open
        else {
            "status": request.status,
            "reason": request.outcome_reason,
            "note": request.outcome_note,
        },
        "overdue_reason": request.overdue_reason or None,
        "status_changes": [
            {
                "at": _local(c.at),
                "from": c.old_status or None,
                "to": c.new_status,
                "by": c.actor_label,
                "by_kind": c.actor_kind,
                "reason": c.reason or None,
            }
            for c in request.status_changes.all()
        ],
        "clock_events": [
            {
                "at": _local(c.at),
                "kind": c.kind,
                "due_at": _local(c.due_at),
                "statutory_due_at": _local(c.statutory_due_at),
                "by": c.actor_label or None,
                "note": c.note or None,
            }
            for c in request.clock_events.all()
        ],
    }


def _clock_result(
    due: datetime | None, done: datetime | None, *, is_open: bool, now: datetime, not_applicable: bool = False
) -> str:
    """met / missed once done; pending while open and not yet due, missed once past it."""
    if due is None or not_applicable:
        return "not_applicable"
    if done is not None and not is_open:
        return "met" if done <= due else "missed"
    return "missed" if now > due else "pending"


# ------------------------------------------------------------------------------------ authorisations


def _authorisations(subject, period: _Period) -> list[dict[str, Any]]:
    authorisations = (
        authorisation_list(subject=subject)
        .order_by("starts_at", "pk")
        .prefetch_related(
            Prefetch("events", queryset=AuthorisationEvent.objects.order_by("at", "pk")),
            Prefetch(
                "accesses",
                queryset=period.filter(AccessRecord.objects.order_by("accessed_at", "pk"), "accessed_at"),
            ),
        )
    )
    sections = []
    for a in authorisations:
        events = [e for e in a.events.all() if period.holds(e.at)]
        accesses = list(a.accesses.all())
        if not events and not accesses:
            continue
        sections.append(
            {
                "id": str(a.pk),
                "third_party": a.third_party.legal_name,
                "third_party_country": a.third_party.country,
                "scopes": list(a.scopes),
                "purpose": {"vi": a.purpose, "en": a.purpose_en},
                "status": a.status,
                "starts_at": _local(a.starts_at),
                "expires_at": _local(a.expires_at),
                "ended_at": _local(a.ended_at),
                "events": [
                    {
                        "at": _local(e.at),
                        "kind": e.kind,
                        "by": e.actor_label,
                        "by_kind": e.actor_kind,
                        "channel": e.channel or None,
                        "reason": e.reason or None,
                    }
                    for e in events
                ],
                "accesses": [
                    {
                        "at": _local(r.accessed_at),
                        "scope": r.scope,
                        "records": r.record_count,
                        "reported_by": r.reported_by,
                    }
                    for r in accesses
                ],
            }
        )
    return sections


# ------------------------------------------------------------------------------------------ audit


def _audit(subject, period: _Period) -> dict[str, Any]:
    entries = audit_entries(subject_id=subject.pk)
    checked = audit_entries_checked(period.filter(entries, "recorded_at"))
    rows = [
        {
            "sequence": entry.sequence,
            "at": _local(entry.recorded_at),
            "action": entry.action,
            "actor": entry.actor_label,
            "actor_kind": entry.actor_kind,
            "target_type": entry.target_type or None,
            "target_id": entry.target_id or None,
            "entry_hash": entry.entry_hash,
            "check": problem or "ok",
        }
        for entry, problem in checked
    ]
    problems = [{"sequence": entry.sequence, "problem": problem} for entry, problem in checked if problem]
    return {
        "entries": rows,
        "verification": {
            "valid": not problems,
            "entries_checked": len(rows),
            "problems": problems,
            "checked": AUDIT_ENTRY_CHECKS,
        },
    }
