"""The purposes that profile the customer or decide about them by automated means on another basis than
consent, which their access or copy export lists (`automated_processing`) beside their consents: a credit
score under the loan contract, screening the law requires (Law 91/2025 Art. 4, Decree 356/2025: the right
to know, and to object). Read from `consents.selectors.purposes_automated_without_consent` as their
versions in force have them when the export is built, those that can apply to the person only (one on a
contract, to customers). Each entry, stored as the export's content, in
codes: `purpose`, `legal_basis`, `automated_processing`; the purpose's name is read when downloaded."""

from __future__ import annotations

from typing import Any

from consents.models import LegalBasis
from consents.scope import automated_processing_named
from core.labels import choice_label
from dsr.services.export_labels import purpose_label

SECTION = "automated_processing"


def _labels(entry: dict[str, Any], purposes: dict[str, str]) -> dict[str, str]:
    return {
        "purpose_label": purpose_label(purposes, entry["purpose"]),
        "legal_basis_label": choice_label(LegalBasis.choices, entry["legal_basis"]),
        # Said to the customer, whose export it is, not in the catalogue's words for the DPO.
        "automated_processing_label": automated_processing_named(entry["automated_processing"]),
    }


def label_automated_processing(labelled: dict[str, Any], purposes: dict[str, str]) -> None:
    """The JSON's labels beside each code, in the active language."""
    for entry in labelled.get(SECTION, []):
        entry.update(_labels(entry, purposes))


def readable_automated_processing(content: dict[str, Any], purposes: dict[str, str]) -> list[dict[str, str]]:
    return [
        {
            "purpose": labels["purpose_label"],
            "legal_basis": labels["legal_basis_label"],
            "automated_processing": labels["automated_processing_label"],
        }
        # An export stored before these were listed holds none.
        for labels in (_labels(entry, purposes) for entry in content.get(SECTION, []))
    ]
