"""The data export as the customer reads it, in the active language: labels instead of field names
and codes, local times, one section per system. The HTML page (`export_readable`, which the CSV
copy of `dsr.services.export_csv` lays out as rows) and the JSON's labels beside its codes
(`export_labelled`) are rendered here from the stored export (`dsr.services.exports`)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from consents.models import Purpose
from consents.selectors import recipient_names_en
from core.erased import erased_words_shown
from core.labels import choice_label
from deadlines.policy import LOCAL_TZ
from dsr.export_breaches import readable_breaches_told
from dsr.export_disclosures import label_disclosures_told, readable_disclosures_told
from dsr.models import System, request_reference
from dsr.services.export_automated import label_automated_processing, readable_automated_processing
from dsr.services.export_holds import label_legal_holds, readable_legal_holds
from dsr.services.export_labels import (
    SUBJECT_LABELS,
    access_labels,
    authorisation_event_labels,
    consent_event_labels,
    consent_labels,
    contact_pending_label,
    conversation_label,
    guardian_request_labels,
    humanise,
    language_label,
    message_labels,
    names_by_code,
    notification_channel_labels,
    recipient_labels,
    request_labels,
    restriction_labels,
    system_field_label,
    withdrawal_duty_labels,
)
from dsr.services.export_left_out import label_left_out, readable_left_out
from dsr.services.export_passed_on import (
    PASSED_ON_SECTIONS,
    label_passed_on,
    readable_corrections,
    readable_passed_on,
    request_references,
)
from subjects.models import SubjectRelationship

# Calendar dates among the profile's fields, shown dd/mm/yyyy.
SUBJECT_DATES = ("date_of_birth", "relationship_ended_on")
LOCAL_DATETIME = "%d/%m/%Y %H:%M"
LOCAL_DATE = "%d/%m/%Y"
# The ISO forms the platform writes (`isoformat()`): a date, or a date and a time of day. Python 3.11's
# parser also reads "10120215" (an account number) as a date: a system's value is a time only in these.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


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


def _value(value: Any, when: Callable[[str | None], str] = local_time) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_value(v, when) for v in value if v not in (None, "", [], {}))
    if isinstance(value, dict):
        return "; ".join(
            f"{humanise(k)}: {_value(v, when)}" for k, v in value.items() if v not in (None, "", [], {})
        )
    if isinstance(value, str) and (ISO_DATE.match(value) or ISO_DATETIME.match(value)):
        try:
            return when(value)
        except ValueError:  # shaped like a time but none (month 13): shown as the system gave it
            return value
    return str(value)


def _purpose_names(content: dict[str, Any]) -> dict[str, str]:
    """The name in the active language of each purpose the export names, read when it is downloaded."""
    codes = {
        entry["purpose"]
        for section in (
            "consent_events", "consents", "automated_processing", "corrections_passed_on", "restrictions"
        )
        + PASSED_ON_SECTIONS
        for entry in content.get(section, [])
        if entry.get("purpose")
    }
    return names_by_code(Purpose, codes)


def _system_words(content: dict[str, Any]) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Each system's name in the active language and its fields' labels, read when the export is
    downloaded (as purposes' are); an export built before keeps the name it stored, which reads when a
    system is gone (its fields then read as their keys in words)."""
    names = {s.get("system"): s.get("name") or s.get("system") for s in content.get("systems", [])}
    field_labels = {}
    for system in System.objects.filter(code__in=list(names)):
        names[system.code], field_labels[system.code] = system.name, system.field_labels or {}
    return names, field_labels


def _reference(row: dict[str, Any]) -> str:
    """The reference the customer knows a request by (its receipt, pages and e-mails), from the id and
    receipt time the export stored, so an export built by an earlier release reads the same."""
    return request_reference(uuid.UUID(row["id"]), parse_datetime(row["received_at"]))


def _recipient_words(recipient: dict[str, Any], names_en: dict[int, str]) -> str:
    """"ABC Insurance (Partner, SG)": who received the data, what they are, and the country."""
    labels = recipient_labels(recipient, names_en)
    return f"{labels['name_label']} ({labels['kind_label']}, {recipient['country']})"


def _readable_person(person: dict[str, Any] | None, when: Callable) -> dict[str, str] | None:
    if not person:
        return None
    return {"customer_number": person["customer_number"], "verified_at": when(person["verified_at"])}


def _readable_event(event: dict[str, Any], purposes: dict[str, str], when: Callable) -> dict[str, Any]:
    labels = consent_event_labels(event, purposes)
    return {
        "consent": event["consent"],
        "purpose": labels["purpose_label"],
        "notice_version": event.get("notice_version", ""),
        "event": labels["event_label"],
        "at": when(event["at"]),
        "channel": labels["channel_label"],
        "recorded_by": labels.get("recorded_by_label", ""),
        "for_ward": event.get("for_ward", False),
        "reason": erased_words_shown(event.get("reason")) or "",
        "evidence": event.get("evidence") or "",
    }


def _readable_consent(
    consent: dict[str, Any], purposes: dict[str, str], names_en: dict[int, str], when: Callable
) -> dict[str, Any]:
    return {
        "consent": consent["consent"],
        "purpose": consent_labels(consent, purposes)["purpose_label"],
        "for_ward": consent.get("for_ward", False),
        "notice_version": consent.get("notice_version", ""),
        "evidence": consent.get("evidence", ""),
        "device": consent.get("device") or "",
        "session_ref": consent.get("session_ref") or "",
        "recipients": [_recipient_words(r, names_en) for r in consent.get("recipients", [])],
        "destination_country": consent.get("destination_country") or "",
        "withdrawal_duties": [
            {
                "recipient": withdrawal_duty_labels(duty, names_en)["recipient_label"],
                "due_at": when(duty.get("due_at")),
                "acknowledged_at": when(duty.get("acknowledged_at")),
            }
            for duty in consent.get("withdrawal_duties", [])
        ],
    }


def corrections_words(corrections: dict[str, Any] | None, when: Callable = local_time) -> str:
    """ "Address: 12 Phố Huế": the values a rectification asked to correct to, each by its field's name."""
    return "; ".join(
        f"{SUBJECT_LABELS.get(name) or humanise(name)}: {_value(value, when)}"
        for name, value in (corrections or {}).items()
        if value not in (None, "")
    )


def _request_facts(request: dict[str, Any], labels: dict[str, str], when: Callable) -> dict[str, Any]:
    """What a request is and what the customer asked in it, as both kinds of request entry show it."""
    return {
        "reference": _reference(request),
        "type": labels["type_label"],
        "status": labels["status_label"],
        "channel": labels["channel_label"],
        "received_at": when(request["received_at"]),
        "closed_at": when(request.get("closed_at")),
        "details": erased_words_shown(request.get("details") or ""),
    }


def _readable_guardian_request(request: dict[str, Any], when: Callable) -> dict[str, Any]:
    labels = guardian_request_labels(request)
    verified = when(request.get("identity_verified_at"))
    return {
        **_request_facts(request, labels, when),
        "identity": f"{labels['identity_method_label']} ({verified})" if verified else "",
        "replies": [{"at": when(line["at"]), "text": line["text"]} for line in request.get("replies", [])],
    }


def _readable_settings(content: dict[str, Any]) -> list[dict[str, str]]:
    """The channels the customer chose and a new contact detail being confirmed, as rows of "About me"."""
    rows = []
    if content.get("notification_channels") is not None:
        channels = ", ".join(notification_channel_labels(content["notification_channels"]))
        rows.append({"label": str(_("Channels I chose to be reached on")), "value": channels})
    for change in content.get("contact_changes_pending", []):
        rows.append({"label": contact_pending_label(change), "value": change["value"]})
    return rows


def _subject_value(name: str, value: str) -> str:
    if name in SUBJECT_DATES:
        return local_time(value)
    if name == "relationship":
        return choice_label(SubjectRelationship.choices, value)
    return language_label(value) if name == "preferred_language" else value


def _readable_request(request: dict[str, Any], when: Callable) -> dict[str, Any]:
    labels = request_labels(request)
    return {
        **_request_facts(request, labels, when),
        "corrections": corrections_words(request.get("corrections"), when),
        "outcome_reason": labels.get("outcome_reason_label", ""),
        "outcome_note": erased_words_shown(request.get("outcome_note") or ""),
        "extension_note": erased_words_shown(request.get("extension_note") or ""),
        "conversation": [
            {
                "who": conversation_label(line),
                "at": when(line["at"]),
                "text": erased_words_shown(line["text"]),
            }
            for line in request.get("conversation", [])
        ],
    }


def export_readable(content: dict[str, Any], *, offset: bool = False) -> dict[str, Any]:
    """The stored export as a person reads it, in the active language: labels instead of field
    names and codes, local dates, one section per system, and no empty rows. `offset`: times carry
    their offset (+07:00), for a file read away from the page (the CSV)."""
    when = partial(local_time, offset=offset)
    purposes = _purpose_names(content)
    names_en = recipient_names_en()
    system_names, field_labels = _system_words(content)
    subject = content.get("subject", {})
    guardianship = content.get("guardianship") or {}
    passed_on = partial(
        readable_passed_on,
        content,
        purposes=purposes,
        names_en=names_en,
        references=request_references(content),
        when=when,
    )
    systems = []
    for system in content.get("systems", []):
        code = system.get("system")
        rows = [
            {"label": system_field_label(field_labels.get(code, {}), k), "value": _value(v, when)}
            for k, v in (system.get("data") or {}).items()
            if v not in (None, "", [], {})
        ]
        systems.append({"code": code, "name": system_names.get(code), "rows": rows})
    return {
        "generated_at": when(content.get("generated_at")),
        "subject": [
            {"label": str(SUBJECT_LABELS[name]), "value": _subject_value(name, subject[name])}
            for name in SUBJECT_LABELS
            if subject.get(name)
        ]
        + _readable_settings(content),
        "guardian": _readable_person(guardianship.get("guardian"), when),
        "wards": [_readable_person(ward, when) for ward in guardianship.get("wards", [])],
        "consent_events": [_readable_event(e, purposes, when) for e in content.get("consent_events", [])],
        "consents": [
            _readable_consent(c, purposes, names_en, when) for c in content.get("consents", [])
        ],
        "automated_processing": readable_automated_processing(content, purposes),
        "corrections": readable_corrections(content, purposes=purposes, names_en=names_en, when=when),
        **{section: passed_on(section) for section in PASSED_ON_SECTIONS},
        "restrictions": [
            {**restriction_labels(r, purposes), "since": when(r["since"])}
            for r in content.get("restrictions", [])
        ],
        "legal_holds": readable_legal_holds(content, references=request_references(content), when=when),
        "requests": [_readable_request(r, when) for r in content.get("requests", [])],
        "requests_as_guardian": [
            _readable_guardian_request(r, when) for r in content.get("requests_as_guardian", [])
        ],
        "messages_sent": [
            {
                **message_labels(m),
                "sent_at": when(m["sent_at"]),
                "delivered_at": when(m.get("delivered_at")),
                "read_at": when(m.get("read_at")),
            }
            for m in content.get("messages_sent", [])
        ],
        "breaches_told": readable_breaches_told(content, when),
        "disclosures_to_authorities": readable_disclosures_told(content, when),
        "third_party_access": [
            {
                "id": a.get("id", ""),
                "third_party": a.get("third_party", ""),
                **access_labels(a),
                "starts_at": when(a.get("starts_at")),
                "expires_at": when(a.get("expires_at")),
                "ended_at": when(a.get("ended_at")),
                "accesses": len(a.get("accesses") or []),
                "events": [
                    {
                        "event": authorisation_event_labels(e)["event_label"],
                        "at": when(e["at"]),
                        "reason": erased_words_shown(e.get("reason")) or "",
                    }
                    for e in a.get("events", [])
                ],
            }
            for a in content.get("third_party_access", [])
        ],
        "systems": systems,
        "left_out": readable_left_out(content),
    }


def export_labelled(content: dict[str, Any]) -> dict[str, Any]:
    """The JSON download: the stored codes and ISO dates as they are, with labels beside them in the
    active language, so a program and a person both read it."""
    purposes = _purpose_names(content)
    names_en = recipient_names_en()
    labelled = json.loads(json.dumps(content))
    labelled["language"] = translation.get_language()
    labelled["subject_labels"] = {name: str(SUBJECT_LABELS[name]) for name in SUBJECT_LABELS}
    for e in labelled.get("consent_events", []):
        e.update(consent_event_labels(e, purposes))
    for consent in labelled.get("consents", []):
        consent.update(consent_labels(consent, purposes))
        for recipient in consent.get("recipients", []):
            recipient.update(recipient_labels(recipient, names_en))
        for duty in consent.get("withdrawal_duties", []):
            duty.update(withdrawal_duty_labels(duty, names_en))
    label_automated_processing(labelled, purposes)
    label_passed_on(labelled, purposes=purposes, names_en=names_en, references=request_references(content))
    for restriction in labelled.get("restrictions", []):
        restriction.update(restriction_labels(restriction, purposes))
    label_legal_holds(labelled, references=request_references(content), when=local_time)
    label_left_out(labelled)
    subject = labelled.get("subject", {})
    if subject.get("preferred_language"):
        labelled["preferred_language_label"] = language_label(subject["preferred_language"])
    labelled["notification_channel_labels"] = notification_channel_labels(
        labelled.get("notification_channels")
    )
    for change in labelled.get("contact_changes_pending", []):
        change["field_label"] = contact_pending_label(change)
    for r in labelled.get("requests", []):
        r["reference"] = _reference(r)
        r.update(request_labels(r))
        if r.get("corrections"):
            r["corrections_label"] = corrections_words(r["corrections"])
        for line in r.get("conversation", []):
            line["from_label"] = conversation_label(line)
    for message in labelled.get("messages_sent", []):
        message.update(message_labels(message))
    label_disclosures_told(labelled)
    for r in labelled.get("requests_as_guardian", []):
        r["reference"] = _reference(r)
        r.update(guardian_request_labels(r))
    for access in labelled.get("third_party_access", []):
        access.update(access_labels(access))
        for event in access.get("events", []):
            event.update(authorisation_event_labels(event))
    system_names, field_labels = _system_words(content)
    for system in labelled.get("systems", []):
        labels = field_labels.get(system.get("system"), {})
        system["name_label"] = system_names.get(system.get("system"))
        system["labels"] = {k: system_field_label(labels, k) for k in (system.get("data") or {})}
    return labelled
