"""Consent receipts: what the customer (and the regulator) is given as proof of each grant and withdrawal.

Fields follow the consent-record model of ISO/IEC TS 27560 (record and receipt ids, controller,
subject, purpose with legal basis and recipients, notice, collection method, state, events). No
personal data beyond the customer number (CIF) the bank already uses to identify the customer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from consents.models import Consent, ConsentStatus

RECEIPT_SCHEMA = "qdl-consent-receipt/1 (ISO/IEC TS 27560 consent record)"


def consent_receipt(consent: Consent, *, now=None) -> dict[str, Any]:
    """The receipt of a consent record with its whole history (grant, then withdrawal, expiry...)."""
    purpose, notice = consent.purpose, consent.notice
    events = list(consent.events.order_by("at"))
    return {
        "schema": RECEIPT_SCHEMA,
        "record_id": str(consent.pk),
        "receipt_id": str(events[-1].pk) if events else None,
        "issued_at": (now or timezone.now()).isoformat(),
        "controller": {"name": getattr(settings, "CONTROLLER_NAME", "Quyền Dữ Liệu"), "country": "VN"},
        "data_subject": {"identifier": consent.subject.external_ref, "identifier_type": "CIF"},
        "guardian": {"identifier": consent.guardian.external_ref, "identifier_type": "CIF"}
        if consent.guardian
        else None,
        "purpose": {
            "code": purpose.code,
            "name": purpose.name,
            "description": purpose.description,
            "legal_basis": purpose.legal_basis,
            "category": purpose.category,
            "sensitive": purpose.sensitive,
            "cross_border": purpose.cross_border,
            "destination_country": purpose.destination_country or None,
        },
        "recipients": [
            {"name": r.name, "kind": r.kind, "country": r.country} for r in purpose.recipients.all()
        ],
        "notice": {
            "version": notice.version,
            "effective_at": notice.effective_at.isoformat(),
            "text": notice.text,
        },
        "consent_type": "explicit" if purpose.sensitive else "express",
        "sensitive_acknowledged": consent.sensitive_acknowledged,
        "collection": {
            "channel": consent.channel,
            "evidence": consent.evidence,
            "recorded_by": consent.recorded_by_label,
            "recorded_by_kind": consent.recorded_by_kind,
        },
        "state": consent.status,
        "granted_at": consent.granted_at.isoformat(),
        "expires_at": consent.expires_at.isoformat() if consent.expires_at else None,
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
        "withdrawal": {
            "possible": consent.status == ConsentStatus.GRANTED,
            "how": [
                "branch",
                "call_centre",
                "internet_banking",
                "mobile_app",
                "paper_form",
                f"POST /api/v1/consents/{consent.pk}/withdraw/",
            ],
        },
        "events": [
            {
                "event_id": str(e.pk),
                "type": e.kind,
                "time": e.at.isoformat(),
                "channel": e.channel,
                "actor": e.actor_label,
                "actor_kind": e.actor_kind,
                "reason": e.reason,
            }
            for e in events
        ],
    }
