"""The disclosures of a customer's data to competent authorities their access or copy export lists
(`disclosures_to_authorities`): only those the DPO marked as the customer's to be told of
(`AuthorityDisclosure.customer_may_be_told`, read through
`dsr.selectors.disclosures.authority_disclosures_customer_may_know`). The others stay out: a police, court
or anti-money-laundering request may forbid telling the customer (Law 14/2022/QH15), and a download must
not tip them off. Each entry, stored as the export's content: `authority_kind` (a code), `authority_name`,
`disclosed_at` (ISO, Vietnam time), `data_disclosed` and `legal_basis`; never the official who received
the data nor the authority's document, which may name people or the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.labels import choice_label
from deadlines.policy import local_isoformat
from dsr.models import AuthorityKind
from dsr.selectors.disclosures import authority_disclosures_customer_may_know
from subjects.models import DataSubject


def disclosures_told_entries(subject: DataSubject) -> list[dict[str, Any]]:
    return [
        {
            "authority_kind": disclosure.authority_kind,
            "authority_name": disclosure.authority_name,
            "disclosed_at": local_isoformat(disclosure.disclosed_at),
            "data_disclosed": disclosure.data_disclosed,
            "legal_basis": disclosure.legal_basis,
        }
        for disclosure in authority_disclosures_customer_may_know(subject.pk)
    ]


def _kind_label(code: str) -> str:
    return choice_label(AuthorityKind.choices, code)


def label_disclosures_told(labelled: dict[str, Any]) -> None:
    """The JSON's label beside each kind of authority, in the active language."""
    for entry in labelled.get("disclosures_to_authorities", []):
        entry["authority_kind_label"] = _kind_label(entry["authority_kind"])


def readable_disclosures_told(
    content: dict[str, Any], when: Callable[[str | None], str]
) -> list[dict[str, str]]:
    return [
        {
            "authority": f"{entry['authority_name']} ({_kind_label(entry['authority_kind'])})",
            "disclosed_at": when(entry["disclosed_at"]),
            "data_disclosed": entry["data_disclosed"],
            "legal_basis": entry["legal_basis"],
        }
        # An export stored before disclosures were listed holds none.
        for entry in content.get("disclosures_to_authorities", [])
    ]
