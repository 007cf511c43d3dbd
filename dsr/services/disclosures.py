"""The DPO's register of disclosures to competent authorities (`dsr.models.AuthorityDisclosure`): each one
recorded with its audit entry, which names who asked, under which law and document, and proves what was
disclosed and to whom by their digests."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import InvalidInput, NotFound
from deadlines.policy import LOCAL_TZ
from dsr.models import AuthorityDisclosure, AuthorityKind
from subjects.locks import subjects_lock
from subjects.staff_records import own_record_check

# What each text says when it is missing: the record proves nothing without it.
_REQUIRED = {
    "authority_name": _("Name the authority that asked (agency and unit)."),
    "document_number": _("Give the number of the authority's written request."),
    "legal_basis": _("Give the legal basis the authority relied on (law and article)."),
    "data_disclosed": _("Say what was disclosed (which data, which period)."),
    "disclosed_to": _("Say to whom it was disclosed (the official and how it was handed over)."),
}


# A report to the State Bank's anti-money-laundering department is never told to the customer: AML law
# forbids tipping them off (Law 14/2022/QH15), whatever the DPO ticks. Other authorities may or may not
# forbid it; the DPO reads their request.
_NEVER_TOLD = frozenset({AuthorityKind.SBV_AML})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _cleaned(texts: dict[str, str]) -> dict[str, str]:
    cleaned = {name: (value or "").strip() for name, value in texts.items()}
    for name, message in _REQUIRED.items():
        if not cleaned[name]:
            raise InvalidInput(message, field=name)
    return cleaned


def authority_disclosure_record(
    *,
    actor: Actor,
    subject_id,
    authority_kind: str,
    authority_name: str,
    document_number: str,
    document_date: date,
    legal_basis: str,
    data_disclosed: str,
    disclosed_to: str,
    disclosed_at: datetime | None = None,
    customer_may_be_told: bool = False,
    now: datetime | None = None,
) -> AuthorityDisclosure:
    """Record that the customer's data was disclosed to a competent authority on its written request
    (Law 91/2025, Decree 356/2025: processing without consent where a law requires it). `disclosed_at`
    None: now. Nothing of it reaches the customer (Law 14/2022/QH15 forbids tipping off) unless the DPO
    says the customer may be told (`customer_may_be_told`): then their access export lists it."""
    texts = _cleaned({
        "authority_name": authority_name, "document_number": document_number, "legal_basis": legal_basis,
        "data_disclosed": data_disclosed, "disclosed_to": disclosed_to,
    })
    if authority_kind not in AuthorityKind.values:
        raise InvalidInput(_("Choose the kind of authority that asked."), field="authority_kind")
    if customer_may_be_told and authority_kind in _NEVER_TOLD:
        raise InvalidInput(
            _("A disclosure to the anti-money-laundering department is never told to the customer: the law "
              "forbids tipping them off. Leave “The customer may be told of it” unticked."),
            field="customer_may_be_told",
        )
    now = now or timezone.now()
    disclosed_at = disclosed_at or now
    if disclosed_at > now:
        raise InvalidInput(_("A disclosure is recorded once made: its time cannot be in the future."),
                           field="disclosed_at")
    if document_date > timezone.localtime(disclosed_at, LOCAL_TZ).date():
        raise InvalidInput(_("The written request cannot be dated after the disclosure it asked for."),
                           field="document_date")
    with transaction.atomic(durable=True):
        if not subjects_lock([subject_id]):
            raise NotFound(_("No such customer."))
        own_record_check(actor, subject_id)
        disclosure = AuthorityDisclosure.objects.create(
            subject_id=subject_id, authority_kind=authority_kind, document_date=document_date,
            disclosed_at=disclosed_at, customer_may_be_told=customer_may_be_told, recorded_at=now,
            recorded_by_id=actor.user_id, **texts,
        )
        audit_record(
            action="dsr.authority_disclosure.recorded",
            actor=actor,
            subject=subject_id,
            target=disclosure,
            data={
                "authority_kind": authority_kind,
                "authority_name": texts["authority_name"],
                "document_number": texts["document_number"],
                "document_date": document_date.isoformat(),
                "legal_basis": texts["legal_basis"],
                "disclosed_at": disclosed_at.isoformat(),
                "customer_may_be_told": customer_may_be_told,
                "data_disclosed_sha256": _digest(texts["data_disclosed"]),
                "disclosed_to_sha256": _digest(texts["disclosed_to"]),
            },
            now=now,
        )
    return disclosure
