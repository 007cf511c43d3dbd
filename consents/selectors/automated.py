"""Reads on the purposes that profile customers or decide about them by automated means."""

from __future__ import annotations

from datetime import datetime

from consents.catalogue import purpose_in_force, with_versions
from consents.models import LegalBasis, Purpose
from subjects.models import DataSubject, SubjectRelationship


def legal_basis_reaches(legal_basis: str, subject: DataSubject) -> bool:
    """Whether a purpose on `legal_basis` can apply to `subject`: one on a contract to customers only (a
    prospect, a guarantor, a payee is no party to the customer's contract, Decree 13/2023 Art. 17); one
    the law requires, or an emergency or an authority, to anyone whose data the bank holds."""
    return legal_basis != LegalBasis.CONTRACT or subject.relationship == SubjectRelationship.CUSTOMER


def purposes_automated_without_consent(subject: DataSubject, *, now: datetime) -> list[dict[str, str]]:
    """The active purposes that, at `now`, profile `subject` or decide about them by automated means on
    another basis than consent (a contract, a legal obligation) that can apply to them
    (`legal_basis_reaches`), each judged by its version in force: `purpose` (its code), `legal_basis` and
    `automated_processing` (codes), by code. The person's right to know reaches them though no consent of
    theirs lists them (Law 91/2025 Art. 4, Decree 356/2025)."""
    rows = []
    for purpose in with_versions(Purpose.objects.filter(active=True).order_by("code")):
        in_force = purpose_in_force(purpose, now)
        automated, legal_basis = in_force.automated_processing, in_force.legal_basis
        if automated and legal_basis != LegalBasis.CONSENT and legal_basis_reaches(legal_basis, subject):
            rows.append(
                {"purpose": purpose.code, "legal_basis": legal_basis, "automated_processing": automated}
            )
    return rows
