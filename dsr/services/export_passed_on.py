"""The recipients the customer's changes told to act, as the readable forms and the JSON's labels show
them (`dsr.services.export_formats`): the corrections passed on, and the recipients their restriction,
objection or erasure requests told to stop or to delete (`passed_on_sections` in
`dsr.services.export_sections`), each under the purpose it received the data for; a request that told
a recipient by the reference the customer knows it by."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.utils.dateparse import parse_datetime

from dsr.models import request_reference
from dsr.services.export_labels import (
    SUBJECT_LABELS,
    duty_status_label,
    humanise,
    purpose_label,
    withdrawal_duty_labels,
)

# The sections of the stored export, each a kind of duty: a stop while a restriction or objection is in
# force, a deletion after an erasure.
PASSED_ON_SECTIONS = ("restrictions_passed_on", "erasures_passed_on")


def request_references(content: dict[str, Any]) -> dict[str, str]:
    """The reference (YC-…) of each of the customer's requests the export lists, by id: the requests that
    told the recipients are theirs, so among them."""
    return {
        r["id"]: request_reference(uuid.UUID(r["id"]), parse_datetime(r["received_at"]))
        for r in content.get("requests", [])
    }


def _readable_notices(
    content: dict[str, Any],
    section: str,
    told_for: Callable[[dict[str, Any]], dict[str, str]],
    *,
    purposes: dict[str, str],
    names_en: dict[int, str],
    when: Callable,
) -> list[dict[str, str]]:
    """One row per notice of `section`, its purpose first, the purposes in the stored order; `told_for`
    gives what the recipient was told about (the details corrected, the request)."""
    return [
        {
            "purpose": purpose_label(purposes, group["purpose"]),
            "recipient": withdrawal_duty_labels(notice, names_en)["recipient_label"],
            **told_for(notice),
            "sent_at": when(notice["sent_at"]),
            "due_at": when(notice["due_at"]),
            "acknowledged_at": when(notice.get("acknowledged_at")),
            # An export stored before stops could be called off holds no such date.
            "called_off_at": when(notice.get("called_off_at")),
        }
        for group in content.get(section, [])
        for notice in group["notices"]
    ]


def readable_corrections(
    content: dict[str, Any], *, purposes: dict[str, str], names_en: dict[int, str], when: Callable
) -> list[dict[str, str]]:
    def fields(notice: dict[str, Any]) -> dict[str, str]:
        return {
            "fields": ", ".join(str(SUBJECT_LABELS.get(name) or humanise(name)) for name in notice["fields"])
        }

    return _readable_notices(
        content, "corrections_passed_on", fields, purposes=purposes, names_en=names_en, when=when
    )


def readable_passed_on(
    content: dict[str, Any],
    section: str,
    *,
    purposes: dict[str, str],
    names_en: dict[int, str],
    references: dict[str, str],
    when: Callable,
) -> list[dict[str, str]]:
    def request(notice: dict[str, Any]) -> dict[str, str]:
        return {"request": references.get(notice.get("request") or "", "")}

    return _readable_notices(content, section, request, purposes=purposes, names_en=names_en, when=when)


def label_passed_on(
    labelled: dict[str, Any],
    *,
    purposes: dict[str, str],
    names_en: dict[int, str],
    references: dict[str, str],
) -> None:
    """The JSON's labels beside each section's codes: the purpose's and the recipient's names and the
    notice's status ("called off") in the active language, and (but for a correction, made outside a
    request too) the request's reference."""
    for section in ("corrections_passed_on", *PASSED_ON_SECTIONS):
        for group in labelled.get(section, []):
            group["purpose_label"] = purpose_label(purposes, group["purpose"])
            for notice in group["notices"]:
                notice.update(withdrawal_duty_labels(notice, names_en))
                if notice.get("status"):
                    notice["status_label"] = duty_status_label(notice["status"])
                if section != "corrections_passed_on":
                    notice["request_reference"] = references.get(notice.get("request") or "")
