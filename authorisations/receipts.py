"""Authorisation receipts: what the customer is given at the grant and at every change after it
(Australia's Consumer Data Right: a receipt on every change). Built once, stored on the event, and
served as stored: the same bytes whatever changes later."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings

from authorisations.models import Authorisation, AuthorisationEvent
from core.actors import ActorKind
from subjects.disclosure import Disclosure

RECEIPT_SCHEMA = "qdl-authorisation-receipt/1"
# Who gave an event's reason, when it is not the customer: the bank (a DPO suspending the third party).
BANK = "bank"


def reason_is_banks(event: dict[str, Any]) -> bool:
    """Whether a receipt's `event` carries the bank's reason, not the customer's words: a pause the
    customer did not make (a third party's suspension, with the DPO's reason). Read from the receipt
    itself, so those issued before it said so are read alike."""
    return event["type"] == AuthorisationEvent.Kind.PAUSED and event["actor_kind"] != ActorKind.CUSTOMER


def authorisation_receipt(
    authorisation: Authorisation, event: AuthorisationEvent, *, issued_at: datetime | None = None
) -> str:
    """The receipt of `event`, issued at `issued_at` (by default the event's time): an expiry recorded
    by a sweep after the term ended is issued then, its event's time the end of the term."""
    third_party = authorisation.third_party
    body: dict[str, Any] = {
        "schema": RECEIPT_SCHEMA,
        "authorisation_id": str(authorisation.pk),
        "receipt_id": str(event.pk),
        "issued_at": (issued_at or event.at).isoformat(),
        "controller": {"name": settings.BANK_NAME, "country": "VN"},
        "data_subject": {"identifier": authorisation.subject.external_ref, "identifier_type": "CIF"},
        "data_consumer": {
            "name": third_party.legal_name,
            "tax_code": third_party.tax_code,
            "licence": third_party.licence_ref,
            "country": third_party.country,
            "client_id": third_party.application.client_id,
        },
        "purpose": authorisation.purpose,
        "purpose_en": authorisation.purpose_en or None,
        "scopes": list(authorisation.scopes),
        "access": "read_only",
        "fetch_type": authorisation.fetch_type,
        "frequency_per_day": authorisation.reads_per_day,
        "cross_border": authorisation.cross_border,
        "destination_country": authorisation.destination_country or None,
        "legal_basis": "consent (Decree 117/2018/ND-CP Art. 11.1.b; Law 91/2025/QH15)",
        "starts_at": authorisation.starts_at.isoformat(),
        "expires_at": authorisation.expires_at.isoformat(),
        "event": {
            "type": event.kind,
            "from": event.old_status or None,
            "to": event.new_status,
            "time": event.at.isoformat(),
            "actor_kind": event.actor_kind,
            "actor": event.actor_label,
            "channel": event.channel,
            "reason": event.reason,
        },
        "state": event.new_status,
        "revoke": {"how": ["/me/authorisations/", "branch", "call_centre"]},
    }
    if reason_is_banks(body["event"]):
        body["event"]["reason_given_by"] = BANK
    if authorisation.screen_language:
        # Only where it is known: a receipt issued before it was recorded keeps its bytes.
        body["consent_screen"] = {"shown_in": authorisation.screen_language}
    return _serialised(body)


def _serialised(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def receipt_reason_replaced(receipt: str, reason: str) -> str:
    """The stored receipt with its `event.reason` replaced, every other byte as issued (the keys sorted, as
    at the issue): a masked copy for staff, or the one lawful change, an erasure of the customer's words."""
    body = json.loads(receipt)
    body["event"]["reason"] = reason
    return _serialised(body)


def receipt_disclosed(receipt: str, disclosure: Disclosure | None) -> str:
    """The stored receipt as `disclosure` lets its reader see it (`subjects.disclosure`): the reason given
    for the change, the customer's own words, masked unless revealed; the bank's reason (`reason_is_banks`)
    shown and named as the bank's. None: as issued (the customer's)."""
    if disclosure is None:
        return receipt
    body = json.loads(receipt)
    if reason_is_banks(body["event"]):
        # The bank's own reason: nothing of the customer's to mask; said to be the bank's on every copy.
        if body["event"].get("reason_given_by") == BANK:
            return receipt
        body["event"]["reason_given_by"] = BANK
        return _serialised(body)
    reason = body["event"]["reason"]
    shown = disclosure.text(reason)
    return receipt if shown == reason else receipt_reason_replaced(receipt, shown)
