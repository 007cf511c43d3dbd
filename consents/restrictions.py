"""Which purposes a restriction, an objection or a legal hold reaches, and why the others go on.

Law 91/2025/QH15 (Art. 4, the data subject's rights) and Decree 356/2025 let a customer restrict or
object to processing that rests on their consent or the bank's legitimate interest (marketing,
profiling, disclosure to third parties); processing the law requires (KYC/AML, tax, reporting) or a
contract needs goes on, and the answer says so. Data under a legal hold may serve only the legal
obligation that keeps it. One rule here, read by the consent check and by the service that puts
restrictions in force; both judge a purpose by its version in force (`purpose_in_force`), not by its
row, which the job updates only minutes after a new version takes effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consents.catalogue import purpose_in_force
from consents.models import AutomatedProcessing, LegalBasis, ProcessingRestriction, Purpose, PurposeCategory

# Processing a customer may stop whatever its basis: marketing, profiling and disclosure.
RESTRICTABLE_CATEGORIES = frozenset(
    {
        PurposeCategory.MARKETING,
        PurposeCategory.ANALYTICS,
        PurposeCategory.SHARING,
        PurposeCategory.CROSS_BORDER,
    }
)
# Why a restriction or objection leaves a purpose alone, by legal basis; the customer reads it.
EXEMPTION_REASONS = {
    LegalBasis.LEGAL_OBLIGATION: _("The law requires this processing (legal obligation); it continues."),
    LegalBasis.CONTRACT: _("Your contract with the bank needs this processing; it continues."),
    LegalBasis.VITAL_INTEREST: _("This processing protects someone's life or health; it continues."),
    LegalBasis.PUBLIC_AUTHORITY: _("A public authority's decision requires this processing; it continues."),
    LegalBasis.PUBLIC_INTEREST: _("This processing serves the public interest under the law; it continues."),
}

# An objection to a purpose that decides about the customer by automated means (a credit score, a fraud
# rule) is answered by a person's review of the decision, whatever keeps the processing itself going (Law
# 91/2025/QH15 Art. 4, the right to object; Decree 356/2025).
PERSON_REVIEWS = _(
    "It decides about you by automated means: a person at the bank reviews the decision you object to, "
    "and the answer says what they found."
)


def restriction_reaches(kind: str, *, legal_basis: str, category: str) -> bool:
    """Does a restriction of `kind` stop processing for a purpose of this basis and category?"""
    if kind == ProcessingRestriction.Kind.LEGAL_HOLD:
        return legal_basis != LegalBasis.LEGAL_OBLIGATION
    if legal_basis in (LegalBasis.LEGAL_OBLIGATION, LegalBasis.CONTRACT):
        return False
    return legal_basis == LegalBasis.CONSENT or category in RESTRICTABLE_CATEGORIES


@dataclass(frozen=True)
class RestrictionScope:
    covered: list[Any]
    # (purpose, the legal reason it is not covered)
    not_covered: list[tuple[Any, Any]]
    # Those not covered whose automated decision an objection has a person review (`PERSON_REVIEWS`).
    reviewed: list[Any] = field(default_factory=list)


def restriction_scope(*, kind: str, purposes: Iterable[Purpose], now: datetime) -> RestrictionScope:
    """Split purposes into those a restriction of `kind` reaches at `now` and those it leaves alone, each
    with its reason, judging each by its version in force as the consent check does (read from the
    versions `consents.catalogue.with_versions` prefetched, else one query a purpose)."""
    covered, not_covered, reviewed = [], [], []
    for purpose in purposes:
        in_force = purpose_in_force(purpose, now)
        if restriction_reaches(kind, legal_basis=in_force.legal_basis, category=in_force.category):
            covered.append(purpose)
            continue
        reason = EXEMPTION_REASONS.get(in_force.legal_basis, "")
        deciding = in_force.automated_processing == AutomatedProcessing.AUTOMATED_DECISION
        if kind == ProcessingRestriction.Kind.OBJECT and deciding:
            reason = format_lazy("{} {}", reason, PERSON_REVIEWS)
            reviewed.append(purpose)
        not_covered.append((purpose, reason))
    return RestrictionScope(covered=covered, not_covered=not_covered, reviewed=reviewed)
