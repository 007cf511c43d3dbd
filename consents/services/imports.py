"""Bulk import of existing consents from CSV (a bank moving off paper and legacy systems).

The file is streamed and handled in batches, so memory stays flat whatever its size. Each row is
judged by the same rules as any grant (`grant_validate`, against the notice in effect and the
customer's age on the day the consent was given); a bad row is reported with its line number and
reason and the good rows are imported. Every row carries a stable import key (a hash of its
content), so a re-run of the same file imports nothing twice. Each batch commits with its audit
entry; an interrupted run is resumed by running the same file again.

From the portal and the API the import runs as a background job (`integrations.jobs`): the upload is
kept in a private directory, a Celery task imports it batch by batch, and each batch commits its
consents together with the job's cursor, so a killed worker resumes without importing a row twice.

Columns: subject, purpose, notice_version, channel, evidence, granted_at (ISO date or date-time,
local time when no offset), guardian (optional CIF), sensitive_acknowledged (optional yes/true/1),
child_agreed (optional yes/true/1) and child_evidence for a child of 7 to under 16.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time as time_module
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from consents import tasks
from consents.catalogue import catalogue_invalidate
from consents.models import (
    Consent,
    ConsentEvent,
    ConsentImport,
    ConsentState,
    ConsentStatus,
    NoticeVersion,
    Purpose,
)
from consents.scope import consent_snapshot
from consents.services.records import GrantRequest, grant_build, grant_validate
from core.actors import Actor
from core.errors import Conflict, DomainError, InvalidInput
from core.moments import parse_moment
from integrations.jobs import (
    SLICE_SECONDS,
    job_cancel_requested,
    job_checkpoint,
    job_claim,
    job_create,
    job_dispatch_on_commit,
    job_handover,
    job_lock,
    job_move,
    job_set_total,
    job_starter,
)
from integrations.models import BackgroundJob
from integrations.states import JobStatus
from subjects.models import DataSubject

REQUIRED_COLUMNS = ("subject", "purpose", "notice_version", "channel")
OPTIONAL_COLUMNS = ("evidence", "granted_at", "guardian", "sensitive_acknowledged")
# Added later: they enter a row's import key only when filled, so files imported before keep their keys.
CHILD_COLUMNS = ("child_agreed", "child_evidence")
BATCH_SIZE = 2000
# The Celery task that carries an import job on; also the job's `kind`.
IMPORT_TASK = "consents.run_import"
MAX_ERRORS_KEPT = 1000
TRUE_WORDS = {"1", "true", "yes", "y", "x", "có", "co"}


class _Catalogue:
    """Purposes and their notices, loaded once per run (a few dozen rows)."""

    def __init__(self) -> None:
        self.purposes = {p.code: p for p in Purpose.objects.all()}
        self.notices: dict[int, list[NoticeVersion]] = {}
        for notice in NoticeVersion.objects.order_by("effective_at"):
            self.notices.setdefault(notice.purpose_id, []).append(notice)

        self.snapshots: dict[int, dict[str, Any]] = {}

    def notice_at(self, purpose: Purpose, when: datetime) -> NoticeVersion | None:
        effective = [n for n in self.notices.get(purpose.pk, []) if n.effective_at <= when]
        return effective[-1] if effective else None

    def snapshot(self, purpose: Purpose, notice: NoticeVersion) -> dict[str, Any]:
        """What the receipt of a consent to this version shows: the same for every row."""
        if notice.pk not in self.snapshots:
            self.snapshots[notice.pk] = consent_snapshot(purpose, notice)
        return self.snapshots[notice.pk]


def _import_key(row: dict[str, str]) -> str:
    parts = [row.get(c, "") for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    parts += [row[c] for c in CHILD_COLUMNS if row.get(c)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _parse_when(value: str, now: datetime) -> datetime:
    if not value:
        return now
    try:
        moment = parse_moment(value, field="granted_at", day_starts_at=time(12, 0))
    except InvalidInput:
        raise InvalidInput(_("granted_at is not a date (use YYYY-MM-DD or an ISO date-time).")) from None
    if moment > now:
        raise InvalidInput(_("granted_at is in the future."))
    return moment


def _reader(lines: Iterable[str]) -> csv.DictReader:
    reader = csv.DictReader(lines)
    header = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            _("The file lacks the columns: %(columns)s."), field="file", columns=", ".join(missing)
        )
    reader.fieldnames = header
    return reader


def _unreadable_error(line: int, imported: int) -> InvalidInput:
    return InvalidInput(
        _("Line %(line)s cannot be read: a field longer than %(limit)s characters, a stray quote or NUL "
          "byte, or text that is not UTF-8. The import stopped there; %(imported)s rows before it were "
          "imported. Correct the file and import it again: nothing is imported twice."),
        field="file", line=line, limit=f"{csv.field_size_limit():,}", imported=imported,
    )


def _run_rows(
    run: ConsentImport,
    reader: csv.DictReader,
    *,
    actor: Actor,
    now: datetime,
    batch_size: int,
    job: BackgroundJob | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[int | None, bool]:
    """Read the rows after the job's cursor in batches; return (unreadable line or None, stopped early)."""
    common: dict[str, Any] = {"actor": actor, "catalogue": _Catalogue(), "now": now, "job": job}
    skip_to = job.cursor if job is not None else 0
    batch: list[tuple[int, dict[str, str]]] = []
    last_line = reader.line_num
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError):
            # The reader cannot find the next row's start after this, so the file stops here; the
            # rows read so far are imported and the run is finished, never left half-open.
            if batch:
                _import_batch(run, batch, cursor=last_line, **common)
            return last_line + 1, False
        last_line = reader.line_num
        if last_line <= skip_to:
            continue  # committed by an earlier worker, cursor and all
        batch.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
        if len(batch) >= batch_size:
            _import_batch(run, batch, cursor=last_line, **common)
            batch = []
            if should_stop():
                return None, True
    if batch:
        _import_batch(run, batch, cursor=last_line, **common)
    return None, False


def _finish(run: ConsentImport, *, actor: Actor, now: datetime, unreadable: int | None) -> None:
    """Close the run with its audit entry, in the caller's transaction."""
    if unreadable is not None:
        run.rows += 1
        _refuse(
            run, unreadable, _("This line cannot be read as UTF-8 CSV; the rest of the file was not read.")
        )
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at", "rows", "imported", "already_imported", "refused", "errors"])
    audit_record(
        action="consents.import.completed",
        actor=actor,
        target=run,
        now=now,
        data={
            "rows": run.rows,
            "imported": run.imported,
            "already_imported": run.already_imported,
            "refused": run.refused,
            "stopped_at_line": unreadable,
        },
    )


def consents_import_csv(
    *,
    actor: Actor,
    lines: Iterable[str],
    filename: str,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> ConsentImport:
    """Import consents from CSV text lines (an open text file or any iterable of lines), in this process.

    The synchronous path: `?wait=true` on the API, the benchmark and scripts. Pages and the API by
    default go through `consent_import_start` and a worker.
    """
    now = now or timezone.now()
    reader = _reader(lines)
    with transaction.atomic(durable=True):
        run = ConsentImport.objects.create(
            filename=filename[:255], started_at=now, actor_label=actor.label[:150]
        )
    unreadable, _stopped = _run_rows(run, reader, actor=actor, now=now, batch_size=batch_size)
    with transaction.atomic(durable=True):
        _finish(run, actor=actor, now=now, unreadable=unreadable)
    catalogue_invalidate()
    if unreadable is not None:
        raise _unreadable_error(unreadable, run.imported)
    return run


def consent_import_start(
    *, actor: Actor, user: Any, file: BinaryIO, filename: str, now: datetime | None = None
) -> BackgroundJob:
    """Keep the uploaded file, record a queued import job and hand it to a worker on commit.

    The header is checked here, so a file without the needed columns is refused at once (400).
    """
    now = now or timezone.now()
    first = file.readline(64 * 1024)
    try:
        _reader(io.StringIO(first.decode("utf-8-sig")))
    except UnicodeDecodeError:
        raise InvalidInput(_("The file is not UTF-8 text; save it as CSV UTF-8."), field="file") from None
    file.seek(0)
    with transaction.atomic(durable=True):
        job = job_create(
            actor=actor, user=user, kind=IMPORT_TASK, filename=filename,
            chunks=iter(lambda: file.read(1 << 20), b""), now=now,
        )
        ConsentImport.objects.create(
            job=job, filename=filename[:255], started_at=now, actor_label=actor.label[:150]
        )
        job_dispatch_on_commit(tasks.run_import, job)
    return job


def consent_import_run(
    *, job_id, batch_size: int = BATCH_SIZE, budget_seconds: float = SLICE_SECONDS
) -> BackgroundJob | None:
    """The worker's part: import the job's file from its cursor on, batch by batch.

    Each batch commits its consents, the run's counts and the job's cursor in one transaction, so
    a worker killed mid-batch loses that batch only and the next worker starts after the cursor
    (the rows' import keys are the second guard). Stops between batches when the job is being
    cancelled, and hands over to a fresh task after `budget_seconds`. Returns None when there was
    nothing to do (another worker holds the job, or it ended).
    """
    system = Actor.system("consent-import")
    job = job_claim(job_id=job_id, actor=system)
    if job is None:
        return None
    run = ConsentImport.objects.get(job=job)
    actor = job_starter(job, otherwise=system)
    if job.status == JobStatus.CANCELLING:
        return _end(job, run, actor=actor, to=JobStatus.CANCELLED)
    path = Path(job.input_path)
    if job.rows_total is None:
        with path.open(encoding="utf-8-sig", newline="", errors="replace") as counting:
            total = sum(1 for _row in csv.reader(counting)) - 1
        job_set_total(job_id=job.pk, total=max(total, 0))
    started = time_module.monotonic()
    now = timezone.now()

    def should_stop() -> bool:
        return job_cancel_requested(job.pk) or time_module.monotonic() - started > budget_seconds

    with path.open(encoding="utf-8-sig", newline="") as lines:
        unreadable, stopped = _run_rows(
            run, _reader(lines), actor=actor, now=now, batch_size=batch_size, job=job,
            should_stop=should_stop,
        )
    catalogue_invalidate()
    if stopped:
        if job_cancel_requested(job.pk):
            return _end(job, run, actor=actor, to=JobStatus.CANCELLED)
        job_handover(job_id=job.pk)
        return job
    if unreadable is not None:
        error = _unreadable_error(unreadable, run.imported).text
        return _end(job, run, actor=actor, to=JobStatus.FAILED, unreadable=unreadable, error=error)
    return _end(job, run, actor=actor, to=JobStatus.DONE)


def _end(
    job: BackgroundJob,
    run: ConsentImport,
    *,
    actor: Actor,
    to: str,
    unreadable: int | None = None,
    error: str = "",
) -> BackgroundJob:
    now = timezone.now()
    with transaction.atomic(durable=True):
        job = job_lock(job.pk)
        _finish(run, actor=actor, now=now, unreadable=unreadable)
        job.rows_done, job.rows_refused, job.report = run.rows, run.refused, run.errors
        job.save(update_fields=["rows_done", "rows_refused", "report"])
        return job_move(job, to=to, actor=Actor.system("consent-import"), now=now, error=error)


def _refuse(run: ConsentImport, line: int, reason: str) -> None:
    run.refused += 1
    if len(run.errors) < MAX_ERRORS_KEPT:
        run.errors.append({"line": line, "reason": reason})


def _import_batch(
    run: ConsentImport,
    batch: list[tuple[int, dict[str, str]]],
    *,
    actor: Actor,
    catalogue: _Catalogue,
    now: datetime,
    job: BackgroundJob | None = None,
    cursor: int = 0,
) -> None:
    run.rows += len(batch)
    keyed = [(line, row, _import_key(row)) for line, row in batch]
    refs = {row.get("subject", "") for _l, row, _k in keyed} | {
        row.get("guardian", "") for _l, row, _k in keyed
    }
    with transaction.atomic(durable=True):
        done = set(
            Consent.objects.filter(import_key__in=[k for _l, _r, k in keyed]).values_list(
                "import_key", flat=True
            )
        )
        # Only what the rules need is loaded, so only the date of birth is decrypted.
        subjects = {
            s.external_ref: s
            for s in DataSubject.objects.filter(external_ref__in=refs - {""}).only(
                "id", "external_ref", "date_of_birth", "guardian_id", "guardian_verified_at"
            )
        }
        live = set(
            Consent.objects.filter(
                subject__in=[s.pk for s in subjects.values()], status=ConsentStatus.GRANTED
            ).values_list("subject_id", "purpose_id")
        )
        consents: list[Consent] = []
        seen_keys: set[str] = set()
        for line, row, key in keyed:
            if key in done or key in seen_keys:
                run.already_imported += 1
                continue
            try:
                consent = _row_to_consent(
                    row, key=key, subjects=subjects, catalogue=catalogue, actor=actor, now=now
                )
            except DomainError as error:
                _refuse(run, line, error.text)
                continue
            if (consent.subject_id, consent.purpose_id) in live:
                _refuse(run, line, _("The customer already has a live consent to this purpose."))
                continue
            live.add((consent.subject_id, consent.purpose_id))
            seen_keys.add(key)
            consents.append(consent)
        if consents:
            _write(consents, source=f"import:{run.pk}", actor=actor, now=now)
            run.imported += len(consents)
            audit_record(
                action="consents.import.batch_imported",
                actor=actor,
                target=run,
                now=now,
                data={"first_line": batch[0][0], "last_line": batch[-1][0], "imported": len(consents)},
            )
        ConsentImport.objects.filter(pk=run.pk).update(
            rows=run.rows, imported=run.imported, already_imported=run.already_imported, refused=run.refused,
            errors=run.errors,
        )
        if job is not None and not job_checkpoint(
            job, expected_cursor=job.cursor, cursor=cursor, done=run.rows, refused=run.refused,
            report=run.errors, now=timezone.now(),
        ):
            # Another worker moved the cursor (or the job ended): this batch is theirs; undo ours.
            raise Conflict(_("Another worker is importing this file."))


CONSENT_COLUMNS = (
    "id",
    "subject_id",
    "purpose_id",
    "notice_id",
    "guardian_id",
    "status",
    "channel",
    "evidence",
    "sensitive_acknowledged",
    "recorded_by_kind",
    "recorded_by_user_id",
    "recorded_by_label",
    "granted_at",
    "expires_at",
    "ended_at",
    "withdrawn_at",
    "withdrawal_channel",
    "import_key",
    "created_at",
    "child_agreed",
    "child_evidence",
    "snapshot",
    "session_ref",
    "device",
)
EVENT_COLUMNS = (
    "id",
    "consent_id",
    "subject_id",
    "kind",
    "at",
    "channel",
    "actor_kind",
    "actor_user_id",
    "actor_label",
    "reason",
    "source",
)


def _write(consents: list[Consent], *, source: str, actor: Actor, now: datetime) -> None:
    """Insert a batch of granted consents with their events and current-state rows.

    On PostgreSQL the append-only rows go in with COPY and the state rows with one set-based upsert:
    the ORM's per-field preparation costs more than the database work at 100,000 rows. Elsewhere
    (SQLite for development) the ORM's bulk operations do the same.
    """
    events = [
        (
            uuid.uuid4(),
            c.pk,
            c.subject_id,
            ConsentEvent.Kind.GRANTED,
            c.granted_at,
            c.channel,
            actor.kind,
            actor.user_id,
            actor.label[:150],
            "",
            source,
        )
        for c in consents
    ]
    if connection.vendor != "postgresql":
        Consent.objects.bulk_create(consents, batch_size=1000)
        ConsentEvent.objects.bulk_create(
            [ConsentEvent(**dict(zip(EVENT_COLUMNS, e, strict=True))) for e in events], batch_size=1000
        )
        ConsentState.objects.bulk_create(
            [
                ConsentState(
                    subject_id=c.subject_id,
                    purpose_id=c.purpose_id,
                    consent=c,
                    status=c.status,
                    notice_id=c.notice_id,
                    expires_at=None,
                    updated_at=now,
                )
                for c in consents
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["subject", "purpose"],
            update_fields=["consent", "status", "notice", "expires_at", "updated_at"],
        )
        return
    for consent in consents:
        consent.created_at = now
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {Consent._meta.db_table} ({', '.join(CONSENT_COLUMNS)}) FROM STDIN") as copy:
            for consent in consents:
                copy.write_row(
                    tuple(
                        json.dumps(consent.snapshot) if column == "snapshot" else getattr(consent, column)
                        for column in CONSENT_COLUMNS
                    )
                )
        with cursor.copy(
            f"COPY {ConsentEvent._meta.db_table} ({', '.join(EVENT_COLUMNS)}) FROM STDIN"
        ) as copy:
            for event in events:
                copy.write_row(event)
        cursor.execute(
            f"INSERT INTO {ConsentState._meta.db_table} "  # noqa: S608 - table name from the model, values bound
            "(subject_id, purpose_id, consent_id, status, notice_id, expires_at, updated_at) "
            "SELECT s, p, c, %s, n, NULL, %s FROM UNNEST(%s::uuid[], %s::bigint[], %s::uuid[], %s::bigint[]) "
            "AS t(s, p, c, n) "
            "ON CONFLICT (subject_id, purpose_id) DO UPDATE SET consent_id = EXCLUDED.consent_id, "
            "status = EXCLUDED.status, notice_id = EXCLUDED.notice_id, expires_at = NULL, "
            "updated_at = EXCLUDED.updated_at",
            [
                ConsentStatus.GRANTED.value,
                now,
                [c.subject_id for c in consents],
                [c.purpose_id for c in consents],
                [c.pk for c in consents],
                [c.notice_id for c in consents],
            ],
        )


def _row_to_consent(
    row: dict[str, str],
    *,
    key: str,
    subjects: dict[str, DataSubject],
    catalogue: _Catalogue,
    actor: Actor,
    now: datetime,
) -> Consent:
    subject = subjects.get(row.get("subject", ""))
    if subject is None:
        raise InvalidInput(_("No customer with this customer number (CIF)."))
    purpose = catalogue.purposes.get(row.get("purpose", ""))
    if purpose is None:
        raise InvalidInput(_("No purpose with this code."))
    guardian = None
    if row.get("guardian"):
        guardian = subjects.get(row["guardian"])
        if guardian is None:
            raise InvalidInput(_("No customer with the guardian's customer number (CIF)."))
    granted_at = _parse_when(row.get("granted_at", ""), now)
    notice = catalogue.notice_at(purpose, granted_at)
    request = GrantRequest(
        subject=subject,
        purpose=purpose,
        notice_version=row.get("notice_version", ""),
        channel=row.get("channel", ""),
        evidence=row.get("evidence", ""),
        guardian=guardian,
        sensitive_acknowledged=row.get("sensitive_acknowledged", "").lower() in TRUE_WORDS,
        child_agreed=row.get("child_agreed", "").lower() in TRUE_WORDS,
        child_evidence=row.get("child_evidence", ""),
    )
    # The rules are judged on the day the consent was given: the notice then in effect, the age then.
    grant_validate(request, now=granted_at, current_notice=notice)
    return grant_build(
        request,
        notice=notice,
        actor=actor,
        now=granted_at,
        snapshot=catalogue.snapshot(purpose, notice),
        import_key=key,
    )
