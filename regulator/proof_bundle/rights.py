"""The proof bundle's rights: every request with both clocks, and third-party authorisations with
their access reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q

from authorisations.models import AccessRecord, AuthorisationEvent
from authorisations.selectors import authorisation_list
from deadlines.policy import local_isoformat
from dsr.models import DataSubjectRequest, RequestClockEvent, RequestStatusChange
from dsr.selectors import request_list
from dsr.states import OPEN, RequestStatus
from regulator.proof_bundle.common import Period

# A request's free texts the bundle does not show (the customer's own words, corrections, the
# identity document's reference): encrypted, so left unread.
UNUSED_REQUEST_TEXTS = ("details", "corrections", "identity_reference")


def requests_section(subject, period: Period, *, now: datetime) -> list[dict[str, Any]]:
    # Neither the customer (given) nor the request's free texts the bundle leaves out are decrypted.
    requests = request_list().select_related(None).defer(*UNUSED_REQUEST_TEXTS).filter(subject=subject)
    requests = requests.filter(period.ended_by("received_at"))
    if period.since is not None:
        requests = requests.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.since))
    requests = requests.order_by("received_at", "pk").prefetch_related(
        Prefetch("status_changes", queryset=RequestStatusChange.objects.defer("note").order_by("at", "pk")),
        Prefetch("clock_events", queryset=RequestClockEvent.objects.order_by("at", "pk")),
    )
    return [_request(r, now=now) for r in requests]


def _request(request: DataSubjectRequest, *, now: datetime) -> dict[str, Any]:
    is_open = request.status in OPEN
    # A request cancelled after its deadline had passed was still late: its clocks say whether each was met.
    cancelled = request.status == RequestStatus.CANCELLED and not request.closed_late
    return {
        "id": str(request.pk),
        "reference": request.reference,
        "type": request.type,
        "channel": request.channel,
        "status": request.status,
        "received_at": local_isoformat(request.received_at),
        "identity_verified_at": local_isoformat(request.identity_verified_at),
        "identity_method": request.identity_method or None,
        "acknowledged_at": local_isoformat(request.acknowledged_at),
        "acknowledgement": {
            "due_at": local_isoformat(request.acknowledge_by),
            "result": _clock_result(
                request.acknowledge_by,
                request.acknowledged_at,
                is_open=is_open and not request.acknowledged_at,
                now=now,
                not_applicable=cancelled and request.acknowledged_at is None,
            ),
        },
        "bank_clock": {
            "due_at": local_isoformat(request.due_at),
            "result": "paused"
            if is_open and request.bank_clock_stopped(now)
            else _clock_result(
                request.due_at, request.closed_at, is_open=is_open, now=now, not_applicable=cancelled
            ),
        },
        "statutory_clock": {
            "due_at": local_isoformat(request.statutory_due_at),
            "regime": request.statutory_regime or None,
            "result": _clock_result(
                request.statutory_due_at,
                request.closed_at,
                is_open=is_open,
                now=now,
                not_applicable=cancelled,
            ),
        },
        "extended_at": local_isoformat(request.extended_at),
        "closed_at": local_isoformat(request.closed_at),
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
                "at": local_isoformat(c.at),
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
                "at": local_isoformat(c.at),
                "kind": c.kind,
                "due_at": local_isoformat(c.due_at),
                "statutory_due_at": local_isoformat(c.statutory_due_at),
                "regime": c.statutory_regime or None,
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


def authorisations_section(subject, period: Period) -> list[dict[str, Any]]:
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
                "starts_at": local_isoformat(a.starts_at),
                "expires_at": local_isoformat(a.expires_at),
                "ended_at": local_isoformat(a.ended_at),
                "events": [
                    {
                        "at": local_isoformat(e.at),
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
                        "at": local_isoformat(r.accessed_at),
                        "scope": r.scope,
                        "records": r.records_reported,
                        "awaiting_report": r.awaiting_report,
                        "reported_by": r.reported_by,
                    }
                    for r in accesses
                ],
            }
        )
    return sections
