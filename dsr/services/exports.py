"""The data package of an access or copy request: built once at completion, downloaded until it
expires, every download audited. Stored as encrypted JSON; HTML and CSV are rendered from it."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from authorisations.selectors import authorisations_export
from consents.models import Channel as ConsentChannel
from consents.models import ConsentEvent, Purpose
from consents.selectors import consent_timeline
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound
from core.labels import choice_label
from core.spreadsheets import SpreadsheetWriter
from deadlines.models import RequestType
from deadlines.policy import LOCAL_TZ
from dsr.models import Channel, DataSubjectRequest, RequestExport, System, TaskStatus
from dsr.states import RequestStatus

# Long enough for a customer to come back for it, short enough not to leave a copy lying around.
EXPORT_AVAILABLE_FOR = timedelta(days=30)
FORMATS = ("json", "html", "csv")
SUBJECT_FIELDS = (
    "external_ref",
    "full_name",
    "national_id",
    "passport_number",
    "date_of_birth",
    "phone",
    "email",
    "address",
)


def export_content(request: DataSubjectRequest, *, now: datetime) -> dict[str, Any]:
    """Everything the platform and the systems' tasks hold about the request's subject."""
    subject = request.subject
    events = consent_timeline(subject).order_by("at")
    requests = (
        DataSubjectRequest.objects.filter(subject=subject)
        .order_by("received_at")
        .prefetch_related("status_changes")
    )
    return {
        "generated_at": now.isoformat(),
        "request": str(request.pk),
        "subject": {name: _plain(getattr(subject, name)) for name in SUBJECT_FIELDS},
        "consent_events": [
            {
                "consent": str(e.consent_id),
                "purpose": e.consent.purpose.code,
                "notice_version": e.consent.notice.version,
                "event": e.kind,
                "at": e.at.isoformat(),
                "channel": e.channel,
                "for_ward": e.consent.subject_id != subject.pk,
            }
            for e in events
        ],
        "requests": [
            {
                "id": str(r.pk),
                "type": r.type,
                "status": r.status,
                "channel": r.channel,
                "received_at": r.received_at.isoformat(),
                "due_at": r.due_at.isoformat(),
                "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                "history": [
                    {"from": c.old_status, "to": c.new_status, "at": c.at.isoformat()}
                    for c in r.status_changes.all()
                ],
            }
            for r in requests
        ],
        # Third-party access (authorisations/): who the customer let read what, and what they read.
        "third_party_access": authorisations_export(subject),
        # The name as the bank wrote it; downloads show the system's name in the reader's language.
        "systems": [
            {
                "system": t.system.code,
                "name": t.system.name_vi,
                "data": json.loads(t.result) if t.result else {},
            }
            for t in request.tasks.filter(status=TaskStatus.DONE).select_related("system")
        ],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_build(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> RequestExport:
    """Build (or rebuild) the export inside the caller's transaction."""
    content = json.dumps(export_content(request, now=now), ensure_ascii=False, sort_keys=True)
    with transaction.atomic(savepoint=False):
        export, _created = RequestExport.objects.update_or_create(
            request=request,
            defaults={"content": content, "created_at": now, "expires_at": now + EXPORT_AVAILABLE_FOR},
        )
        audit_record(
            action="dsr.export.built",
            actor=actor,
            subject=request.subject_id,
            target=export,
            now=now,
            data={"request": str(request.pk), "bytes": len(content.encode())},
        )
    return export


@dataclass(frozen=True)
class Download:
    body: bytes
    content_type: str
    filename: str


def export_download(
    *,
    actor: Actor,
    request: DataSubjectRequest,
    format: str,
    language: str | None = None,
    now: datetime | None = None,
) -> Download:
    """Hand out the export in one format and record the download. The caller has already checked
    that `actor` may see this request (the customer themself, or staff). HTML, JSON and CSV carry plain
    words in `language` (the page's language by default): labels, local dates, one section per system;
    the JSON keeps its English keys, codes and ISO dates beside the labels.
    The export is the customer's own data and is never masked; staff downloading it need a reason
    (need to know), and the request it answers is that reason, recorded in the audit entry."""
    now = now or timezone.now()
    language = language or translation.get_language() or "vi"
    if format not in FORMATS:
        raise InvalidInput(_("Choose a format: json, html or csv."), field="format")
    with transaction.atomic(durable=True):
        export = RequestExport.objects.select_for_update().filter(request=request).first()
        if export is None:
            raise NotFound(_("This request has no data export."))
        if export.expires_at <= now:
            raise Conflict(_("This download has expired; make a new access request."), code="export_expired")
        RequestExport.objects.filter(pk=export.pk).update(downloads=F("downloads") + 1)
        audit_record(
            action="dsr.export.downloaded",
            actor=actor,
            subject=request.subject_id,
            target=export,
            now=now,
            data={
                "format": format,
                "request": str(request.pk),
                **({} if actor.is_customer else {"reason": f"request {request.pk}"}),
            },
        )
    content = json.loads(export.content)
    stem = f"my-data-{str(request.pk)[:8]}"
    if format == "json":
        with translation.override(language):
            labelled = export_labelled(content)
        body = json.dumps(labelled, ensure_ascii=False, indent=2).encode()
        return Download(body, "application/json; charset=utf-8", f"{stem}.json")
    if format == "html":
        with translation.override(language):
            body = render_to_string(
                "dsr/export.html",
                {
                    "data": export_readable(content),
                    "expires_at": _local(export.expires_at.isoformat()),
                    "language": language,
                },
            ).encode()
        return Download(body, "text/html; charset=utf-8", f"{stem}.html")
    # With a byte-order mark: Excel then reads the file as UTF-8, and Vietnamese shows right.
    with translation.override(language):
        body = _csv(content).encode("utf-8-sig")
    return Download(body, "text/csv; charset=utf-8", f"{stem}.csv")


# ---------------------------------------------------------------------------- plain language

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


def _local(value: str | None, *, offset: bool = False) -> str:
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
        return _local(value)
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
        "generated_at": _local(content.get("generated_at")),
        "subject": [
            {
                "label": str(SUBJECT_LABELS[name]),
                "value": _local(subject[name]) if name == "date_of_birth" else subject[name],
            }
            for name in SUBJECT_LABELS
            if subject.get(name)
        ],
        "consent_events": [
            {
                "purpose": purposes.get(e["purpose"], _humanise(e["purpose"])),
                "notice_version": e.get("notice_version", ""),
                "event": choice_label(ConsentEvent.Kind.choices, e["event"]),
                "at": _local(e["at"]),
                "channel": choice_label(ConsentChannel.choices, e["channel"]),
                "for_ward": e.get("for_ward", False),
            }
            for e in content.get("consent_events", [])
        ],
        "requests": [
            {
                "type": choice_label(RequestType.choices, r["type"]),
                "status": choice_label(RequestStatus.choices, r["status"]),
                "channel": choice_label(Channel.choices, r["channel"]),
                "received_at": _local(r["received_at"]),
                "closed_at": _local(r.get("closed_at")),
            }
            for r in content.get("requests", [])
        ],
        "third_party_access": [
            {
                "third_party": a.get("third_party", ""),
                "starts_at": _local(a.get("starts_at")),
                "expires_at": _local(a.get("expires_at")),
                "ended_at": _local(a.get("ended_at")),
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


def _csv(content: dict[str, Any]) -> str:
    """The tabular parts, consent history and requests, one row each, as the customer reads them in a
    spreadsheet in the active language: the HTML copy's labels and local times (with the offset); the
    same six columns as ever, the ids as stored."""
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
            _local(e["at"], offset=True),
            choice_label(ConsentChannel.choices, e["channel"]),
        ])
    for r in content["requests"]:
        writer.writerow([
            str(_("Request")),
            r["id"],
            choice_label(RequestType.choices, r["type"]),
            choice_label(RequestStatus.choices, r["status"]),
            _local(r["received_at"], offset=True),
            choice_label(Channel.choices, r["channel"]),
        ])
    return out.getvalue()


def exports_purge_expired(*, now: datetime | None = None, limit: int = 500) -> int:
    """Empty the stored data of exports past their expiry, so no copy of a customer's data outlives its
    download window (for the nightly job). Idempotent; returns how many were emptied."""
    now = now or timezone.now()
    ids = list(
        RequestExport.objects.filter(expires_at__lte=now, purged_at__isnull=True).values_list(
            "pk", flat=True
        )[:limit]
    )
    purged = 0
    with transaction.atomic(durable=True):
        due = RequestExport.objects.select_for_update(of=("self",)).filter(pk__in=ids, purged_at__isnull=True)
        for export in due.select_related("request"):
            purged += 1
            export.content = ""
            export.purged_at = now
            export.save(update_fields=["content", "purged_at"])
            audit_record(
                action="dsr.export.purged",
                actor=Actor.system("dsr.exports_purge_expired"),
                subject=export.request.subject_id,
                target=export,
                data={"request": str(export.request_id)},
                now=now,
            )
    return purged
