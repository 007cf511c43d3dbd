"""The personal-data breaches a customer was told their data was in, as their access or copy export
lists them (`breaches_told`): the reference, when the breach was detected, the data concerned, what the
bank did, and when the customer was told.

Only once told: the export says what the notice said, and a decision not to tell them (recorded with its
reason, Law 91 Art. 23) or a notice not yet sent is not overturned by a download. The breach register is
`regulator`'s, a layer above, so it registers at start-up the function listing them
(`register_breaches_told`). Each entry, stored as the export's content:
`reference`, `detected_at` and `told_at` (ISO), `categories` ([{`name_vi`, `name_en`}]),
`measures_taken` and `measures_taken_en`; the readable forms show each text in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language

from core.labels import in_language
from subjects.models import DataSubject

_sources: list[Callable[[DataSubject], list[dict[str, Any]]]] = []


def register_breaches_told(source: Callable[[DataSubject], list[dict[str, Any]]]) -> None:
    if source not in _sources:
        _sources.append(source)


def breaches_told_entries(subject: DataSubject) -> list[dict[str, Any]]:
    return [entry for source in _sources for entry in source(subject)]


def readable_breaches_told(
    content: dict[str, Any], when: Callable[[str | None], str]
) -> list[dict[str, str]]:
    language = get_language()
    return [
        {
            "reference": entry["reference"],
            "detected_at": when(entry["detected_at"]),
            "data_concerned": ", ".join(
                in_language(c["name_vi"], c["name_en"], language=language) for c in entry["categories"]
            ),
            "measures_taken": in_language(
                entry["measures_taken"], entry["measures_taken_en"], language=language
            ),
            "told_at": when(entry["told_at"]),
        }
        # An export stored before breaches were listed holds none.
        for entry in content.get("breaches_told", [])
    ]
