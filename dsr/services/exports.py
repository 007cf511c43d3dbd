"""The data package of an access or copy request: built once at completion, downloaded until it
expires, every download audited. Stored as encrypted JSON; HTML and CSV are rendered from it
(`dsr.services.export_formats`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record, audit_record_many
from consents.selectors import purposes_automated_without_consent
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound
from core.spreadsheets import CSV_CONTENT_TYPE, spreadsheet_file
from deadlines.models import RequestType
from deadlines.policy import local_isoformat
from dsr.export_breaches import breaches_told_entries
from dsr.export_disclosures import disclosures_told_entries
from dsr.models import DataSubjectRequest, FulfilmentTask, RequestExport, TaskStatus
from dsr.services.export_csv import export_csv
from dsr.services.export_formats import export_labelled, export_readable, local_time
from dsr.services.export_holds import legal_hold_entries
from dsr.services.export_left_out import left_out_entries
from dsr.services.export_sections import (
    consent_sections,
    guardian_request_entries,
    guardianship_entry,
    message_entries,
    passed_on_sections,
    request_entries,
    restriction_entries,
)
from dsr.services.export_settings import settings_entries, third_party_entries
from subjects.locks import of_customers_locked, subjects_lock
from subjects.selectors import wards_verified

# Long enough for a customer to come back for it, short enough not to leave a copy lying around.
EXPORT_AVAILABLE_FOR = timedelta(days=30)
FORMATS = ("json", "html", "csv")
# The layout of the stored export and its JSON download (`format_version`), for a program reading it (the
# customer's new bank): raised whenever a section or field is added, renamed or changes meaning, with a
# line in docs/requests.md saying what that version changed. Stored with the export, so a later download
# says the layout it was built under; one built before versions were numbered carries none.
EXPORT_FORMAT_VERSION = 1
# The requests whose systems' results the nightly purge empties once closed that long: every type but a
# deletion, whose tasks' reports (what each system erased or kept) are the proof that it was done.
RESULTS_PURGED_OF = tuple(sorted(set(RequestType.values) - {RequestType.DELETE}))
SUBJECT_FIELDS = (
    "external_ref",
    "full_name",
    "national_id",
    "passport_number",
    "date_of_birth",
    "phone",
    "email",
    "address",
    # Settings rather than identity, but the customer's: the language the bank writes to them in, the day
    # their relationship with the bank ended (from which retention periods run), and what they are to the
    # bank (a guarantor or a prospect is told the bank holds their data as such, not as a customer's).
    "preferred_language",
    "relationship_ended_on",
    "relationship",
)


def export_content(request: DataSubjectRequest, *, now: datetime) -> dict[str, Any]:
    """Everything the platform and the systems' tasks hold about the request's subject."""
    subject = request.subject
    wards = list(wards_verified(subject))
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": local_isoformat(now),
        "request": str(request.pk),
        "subject": {name: _plain(getattr(subject, name)) for name in SUBJECT_FIELDS},
        "guardianship": guardianship_entry(subject, wards),
        # The channels the customer chose, and a new e-mail or phone they are still confirming.
        **settings_entries(subject, now=now),
        # The consent history, and per consent whom it let the bank share with and whom its withdrawal
        # told to stop (domain notes: the customer's right to know the recipients).
        **consent_sections(subject, now=now),
        # What profiles them or decides about them by automated means without their consent (a contract, a
        # law), as far as it can apply to them: no consent lists it, yet it is theirs to know
        # (`dsr.services.export_automated`).
        "automated_processing": purposes_automated_without_consent(subject, now=now),
        # Whom a correction of their data was passed on to, their restriction or objection told to stop
        # and their erasure told to delete, under the purpose each received it for.
        **passed_on_sections(subject, now=now),
        "restrictions": restriction_entries(subject),
        # What a law still keeps after a deletion, where, why and until when (`dsr.services.export_holds`).
        "legal_holds": legal_hold_entries(subject),
        "requests": request_entries(subject),
        # Those they filed as guardian for a child: their own part only (docs/requests.md).
        "requests_as_guardian": guardian_request_entries(subject, acting_for={ward.pk for ward in wards}),
        "messages_sent": message_entries(subject),
        # The breaches their data was in that the bank told them of (`dsr.export_breaches`).
        "breaches_told": breaches_told_entries(subject),
        "disclosures_to_authorities": disclosures_told_entries(subject),
        # Third-party access (authorisations/): who the customer let read what, and what they read.
        "third_party_access": third_party_entries(subject),
        # The name as the bank wrote it; downloads show the system's name in the reader's language.
        # What this export leaves out, so no reader takes it for everything (`dsr.services.export_left_out`).
        "left_out": left_out_entries(request),
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
    language = language or translation.get_language() or "vi"
    if format not in FORMATS:
        raise InvalidInput(_("Choose a format: json, html or csv."), field="format")
    with transaction.atomic(durable=True):
        # The customer first (`subjects.locks`): a deletion being completed purges the export.
        subjects_lock([request.subject_id])
        export = RequestExport.objects.select_for_update().filter(request=request).first()
        now = now or timezone.now()
        if export is None:
            raise NotFound(_("This request has no data export."))
        if export.expires_at <= now:
            raise Conflict(_("This download has expired; make a new access request."), code="export_expired")
        if export.purged_at is not None:
            # A deletion request erased it with the rest of the customer's data.
            raise Conflict(_("This download was erased with your personal data."), code="export_erased")
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
                    "expires_at": local_time(export.expires_at.isoformat()),
                    "language": language,
                },
            ).encode()
        return Download(body, "text/html; charset=utf-8", f"{stem}.html")
    with translation.override(language):
        body = spreadsheet_file(export_csv(content)).encode()
    return Download(body, CSV_CONTENT_TYPE, f"{stem}.csv")


def exports_purge_expired(*, now: datetime | None = None, limit: int = 500) -> int:
    """Empty the stored data of exports past their expiry, so no copy of a customer's data outlives its
    download window (for the nightly job). Idempotent; returns how many were emptied."""
    now = now or timezone.now()
    expired = RequestExport.objects.filter(expires_at__lte=now, purged_at__isnull=True).order_by("pk")
    with transaction.atomic(durable=True):
        # A deletion being completed holds its customer and writes its entries before it purges the
        # customer's exports, which this sweep must not hold while it waits.
        (expired_of_held,) = of_customers_locked(expired, customer="request__subject_id", limit=limit)
        ids = list(expired_of_held.values_list("pk", flat=True)[:limit])
        return exports_purge(
            RequestExport.objects.filter(pk__in=ids), actor=Actor.system("dsr.exports_purge_expired"), now=now
        )


def exports_purge(exports, *, actor: Actor, now: datetime, task_results: bool = True) -> int:
    """Empty the exports of `exports` not yet purged, and what the systems returned to the requests
    they answer (an export is built from it, and could be again), in the caller's transaction: one
    audit entry each. Returns how many were emptied. `task_results=False` leaves the results to the
    caller (the erasure empties every access and copy request's at once). A few queries whatever the
    number of exports: one UPDATE for them all, one for their results, the entries appended together."""
    due = list(
        exports.select_for_update(of=("self",)).filter(purged_at__isnull=True).select_related("request")
    )
    if not due:
        return 0
    RequestExport.objects.filter(pk__in=[export.pk for export in due]).update(content="", purged_at=now)
    results: dict = {}
    if task_results:
        answered = FulfilmentTask.objects.filter(request_id__in=[export.request_id for export in due])
        by_request = answered.values("request_id").annotate(tasks=Count("pk"))
        results = dict(by_request.values_list("request_id", "tasks"))
        task_results_erase(answered, now=now)
    audit_record_many(
        [
            {
                "action": "dsr.export.purged",
                "actor": actor,
                "subject": export.request.subject_id,
                "target": export,
                "data": {
                    "request": str(export.request_id),
                    **({"task_results": results.get(export.request_id, 0)} if task_results else {}),
                },
                "now": now,
            }
            for export in due
        ]
    )
    return len(due)


def task_results_erase(tasks, *, now: datetime) -> int:
    """Forget what systems returned to these tasks (the data they hold about the customer); the tasks,
    their status and their dates stay, with when it went. Returns how many tasks (caller's transaction)."""
    # No filter on the result itself: it is encrypted, and an empty one is ciphertext too.
    return tasks.update(result="", result_purged_at=now)


def request_results_purge_expired(*, now: datetime | None = None, limit: int = 500) -> int:
    """Empty what the systems returned to requests that no export carries (an access or copy request
    cancelled or refused after the systems answered, a rectification, a restriction...) once both the
    request's closing and the system's report are `EXPORT_AVAILABLE_FOR` old, with one
    `dsr.request.results_purged` entry per request and run (for the nightly job). Until then the DPO
    may read them to look into a complaint about the request. A customer's own rectification closes at
    once while each system applies it later: a system that reports after the request's window has its
    own 30 days from the report, and a task not reported yet has nothing to empty and is left unmarked
    (a task an earlier purge marked while it was still open is due again from its report). An export
    not yet purged keeps them, and its purge takes them; a deletion's reports stay as its proof
    (docs/requests.md). Idempotent; returns how many requests."""
    now = now or timezone.now()
    window_over = now - EXPORT_AVAILABLE_FOR
    due = FulfilmentTask.objects.filter(
        Q(result_purged_at__isnull=True) | Q(result_purged_at__lt=F("completed_at")),
        status=TaskStatus.DONE,
        completed_at__lte=window_over,
        request__closed_at__lte=window_over,
        request__type__in=RESULTS_PURGED_OF,
    ).filter(Q(request__export__isnull=True) | Q(request__export__purged_at__isnull=False))
    requests = DataSubjectRequest.objects.filter(pk__in=due.values("request_id")).order_by("pk")
    actor = Actor.system("dsr.request_results_purge_expired")
    with transaction.atomic(durable=True):
        # As the export purge: a deletion being completed holds its customer while it erases them.
        (of_held,) = of_customers_locked(requests, customer="subject_id", limit=limit)
        closed = list(of_held.only("pk", "subject_id")[:limit])
        emptied = due.filter(request_id__in=[request.pk for request in closed])
        counts = dict(
            emptied.values("request_id").annotate(tasks=Count("pk")).values_list("request_id", "tasks")
        )
        task_results_erase(FulfilmentTask.objects.filter(pk__in=emptied.values("pk")), now=now)
        audit_record_many(
            [
                {
                    "action": "dsr.request.results_purged",
                    "actor": actor,
                    "subject": request.subject_id,
                    "target": request,
                    "data": {"request": str(request.pk), "task_results": counts.get(request.pk, 0)},
                    "now": now,
                }
                for request in closed
            ]
        )
    return len(closed)
