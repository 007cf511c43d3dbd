"""The data export as the customer reads it, in the active language: labels instead of field names
and codes, local times, one section per system. The HTML page (`export_readable`), the JSON's labels
beside its codes (`export_labelled`) and the CSV (`export_csv`) are rendered here from the stored
export (`dsr.services.exports`)."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from consents.models import Channel as ConsentChannel
from consents.models import ConsentEvent, Purpose
from core.labels import choice_label
from core.spreadsheets import SpreadsheetWriter
from deadlines.models import RequestType
from deadlines.policy import LOCAL_TZ
from dsr.models import Channel, System, request_reference
from dsr.states import RequestStatus

SUBJECT_LABELS = {
    "external_ref": _("Customer number (CIF)"),
    "full_name": _("Full name"),
    "national_id": _("Citizen ID (CCCD)"),
    "passport_number": _("Passport number"),
    "date_of_birth": _("Date of birth"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "address": _("Address"),
}
LOCAL_DATETIME = "%d/%m/%Y %H:%M"
LOCAL_DATE = "%d/%m/%Y"


def local_time(value: str | None, *, offset: bool = False) -> str:
    """An ISO moment as the customer reads it: dd/mm/yyyy HH:MM in Hà Nội time (no seconds, no UTC);
    `offset` adds the time zone's offset ("+07:00"), for a file read away from the page."""
    if not value:
        return ""
    if len(value) == 10:  # a calendar date (date of birth): no time of day to show
        day = parse_date(value)
        return day.strftime(LOCAL_DATE) if day else str(value)
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        return day.strftime(LOCAL_DATE) if day else str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, LOCAL_TZ)
    local = timezone.localtime(moment, LOCAL_TZ)
    return f"{local:{LOCAL_DATETIME}} {local.isoformat()[-6:]}" if offset else local.strftime(LOCAL_DATETIME)


def _humanise(key: str) -> str:
    # A system's own field names ("card_count") read as words; the code stays in the JSON.
    text = str(key).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value if v not in (None, "", [], {}))
    if isinstance(value, dict):
        return "; ".join(
            f"{_humanise(k)}: {_value(v)}" for k, v in value.items() if v not in (None, "", [], {})
        )
    if isinstance(value, str) and parse_datetime(value) is not None:
        return local_time(value)
    return str(value)


def _purpose_names(content: dict[str, Any]) -> dict[str, str]:
    codes = {e["purpose"] for e in content.get("consent_events", [])}
    return {p.code: p.name for p in Purpose.objects.filter(code__in=codes)}


def _system_names(content: dict[str, Any]) -> dict[str, str]:
    """Each system's name in the active language, read when the export is downloaded (as purposes'
    are); an export built before keeps the name it stored, which reads when a system is gone."""
    names = {s.get("system"): s.get("name") or s.get("system") for s in content.get("systems", [])}
    names.update((s.code, s.name) for s in System.objects.filter(code__in=list(names)))
    return names


def _reference(row: dict[str, Any]) -> str:
    """The reference the customer knows a request by (its receipt, pages and e-mails), from the id and
    receipt time the export stored, so an export built by an earlier release reads the same."""
    return request_reference(uuid.UUID(row["id"]), parse_datetime(row["received_at"]))


def export_readable(content: dict[str, Any]) -> dict[str, Any]:
    """The stored export as a person reads it, in the active language: labels instead of field
    names and codes, local dates, one section per system, and no empty rows."""
    purposes = _purpose_names(content)
    system_names = _system_names(content)
    subject = content.get("subject", {})
    systems = []
    for system in content.get("systems", []):
        rows = [
            {"label": _humanise(k), "value": _value(v)}
            for k, v in (system.get("data") or {}).items()
            if v not in (None, "", [], {})
        ]
        systems.append({"name": system_names.get(system.get("system")), "rows": rows})
    return {
        "generated_at": local_time(content.get("generated_at")),
        "subject": [
            {
                "label": str(SUBJECT_LABELS[name]),
                "value": local_time(subject[name]) if name == "date_of_birth" else subject[name],
            }
            for name in SUBJECT_LABELS
            if subject.get(name)
        ],
        "consent_events": [
            {
                "purpose": purposes.get(e["purpose"], _humanise(e["purpose"])),
                "notice_version": e.get("notice_version", ""),
                "event": choice_label(ConsentEvent.Kind.choices, e["event"]),
                "at": local_time(e["at"]),
                "channel": choice_label(ConsentChannel.choices, e["channel"]),
                "for_ward": e.get("for_ward", False),
            }
            for e in content.get("consent_events", [])
        ],
        "requests": [
            {
                "reference": _reference(r),
                "type": choice_label(RequestType.choices, r["type"]),
                "status": choice_label(RequestStatus.choices, r["status"]),
                "channel": choice_label(Channel.choices, r["channel"]),
                "received_at": local_time(r["received_at"]),
                "closed_at": local_time(r.get("closed_at")),
            }
            for r in content.get("requests", [])
        ],
        "third_party_access": [
            {
                "third_party": a.get("third_party", ""),
                "starts_at": local_time(a.get("starts_at")),
                "expires_at": local_time(a.get("expires_at")),
                "ended_at": local_time(a.get("ended_at")),
                "accesses": len(a.get("accesses") or []),
            }
            for a in content.get("third_party_access", [])
        ],
        "systems": systems,
    }


def export_labelled(content: dict[str, Any]) -> dict[str, Any]:
    """The JSON download: the stored codes and ISO dates as they are, with labels beside them in the
    active language, so a program and a person both read it."""
    purposes = _purpose_names(content)
    labelled = json.loads(json.dumps(content))
    labelled["language"] = translation.get_language()
    labelled["subject_labels"] = {name: str(SUBJECT_LABELS[name]) for name in SUBJECT_LABELS}
    for e in labelled.get("consent_events", []):
        e["purpose_label"] = purposes.get(e["purpose"], _humanise(e["purpose"]))
        e["event_label"] = choice_label(ConsentEvent.Kind.choices, e["event"])
        e["channel_label"] = choice_label(ConsentChannel.choices, e["channel"])
    for r in labelled.get("requests", []):
        r["reference"] = _reference(r)
        r["type_label"] = choice_label(RequestType.choices, r["type"])
        r["status_label"] = choice_label(RequestStatus.choices, r["status"])
        r["channel_label"] = choice_label(Channel.choices, r["channel"])
    system_names = _system_names(content)
    for system in labelled.get("systems", []):
        system["name_label"] = system_names.get(system.get("system"))
        system["labels"] = {k: _humanise(k) for k in (system.get("data") or {})}
    return labelled


CSV_HEADERS = (
    _("Type of record"),
    _("Identifier"),
    _("Purpose or request type"),
    _("Event or status"),
    _("Time (Vietnam)"),
    _("Channel"),
)


def export_csv(content: dict[str, Any]) -> str:
    """The tabular parts, consent history and requests, one row each, as the customer reads them in a
    spreadsheet in the active language: the HTML copy's labels and local times (with the offset); the
    same six columns as ever. Each row is identified as the customer knows it: a request by its
    reference (YC-…), a consent by its receipt number (the consent's id, as its receipt page shows it)
    beside the purpose's name."""
    purposes = _purpose_names(content)
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow([str(header) for header in CSV_HEADERS])
    for e in content["consent_events"]:
        writer.writerow([
            str(_("Consent")),
            e["consent"],
            purposes.get(e["purpose"], _humanise(e["purpose"])),
            choice_label(ConsentEvent.Kind.choices, e["event"]),
            local_time(e["at"], offset=True),
            choice_label(ConsentChannel.choices, e["channel"]),
        ])
    for r in content["requests"]:
        writer.writerow([
            str(_("Request")),
            _reference(r),
            choice_label(RequestType.choices, r["type"]),
            choice_label(RequestStatus.choices, r["status"]),
            local_time(r["received_at"], offset=True),
            choice_label(Channel.choices, r["channel"]),
        ])
    return out.getvalue()
