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

Columns: subject, purpose, notice_version, channel, evidence, granted_at (ISO date or date-time, local
time when no offset, or dd/mm/yyyy [hh:mm] as Excel writes dates on a Vietnamese Windows), guardian
(optional CIF), sensitive_acknowledged (optional yes/true/1), child_agreed (optional yes/true/1) and
child_evidence for a child of 7 to under 16, outcome (optional: granted or đồng ý for a consent;
refused or từ chối for the customer's refusal, recorded through `consent_refuse_in_transaction` with the
same date, evidence and later-answer rules; withdrawn or rút for a withdrawal; a blank cell is a bad row,
since silence is not consent, while a file without the column declares every row a grant). The file is
UTF-8 (Excel's byte order mark welcome), separated by "," or ";" (`consents.services.import_file`).
"""

from __future__ import annotations

import time as time_module
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from consents import tasks
from consents.catalogue import catalogue_invalidate
from consents.models import ConsentImport
from consents.services.import_file import (
    NotUtf8,
    lines_count,
    not_utf8_error,
    rows_reader,
    text_lines,
    upload_check,
)
from consents.services.import_rows import Stop, import_finish, rows_import, unreadable_error
from core.actors import Actor
from core.errors import DomainError
from integrations.jobs import (
    SLICE_SECONDS,
    job_cancel_requested,
    job_claim,
    job_create,
    job_dispatch_on_commit,
    job_handover,
    job_input_drop,
    job_lock,
    job_move,
    job_set_total,
    job_starter,
)
from integrations.models import BackgroundJob
from integrations.states import JobStatus

BATCH_SIZE = 2000
# The Celery task that carries an import job on; also the job's `kind`.
IMPORT_TASK = "consents.run_import"


def consents_import_csv(
    *,
    actor: Actor,
    lines: Iterable[str],
    filename: str,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> ConsentImport:
    """Import consents from CSV text lines, in this process: `text_lines(file)` of a file opened in
    binary (each line checked to be UTF-8 when reached), or any iterable of lines.

    The synchronous path: `?wait=true` on the API, the benchmark and scripts. Pages and the API by
    default go through `consent_import_start` and a worker.
    """
    now = now or timezone.now()
    try:
        reader = rows_reader(lines)
    except NotUtf8:
        raise not_utf8_error() from None
    with transaction.atomic(durable=True):
        run = ConsentImport.objects.create(
            filename=filename[:255], started_at=now, actor_label=actor.label[:150]
        )
    unreadable, _stopped = rows_import(run, reader, actor=actor, now=now, batch_size=batch_size)
    with transaction.atomic(durable=True):
        import_finish(run, actor=actor, now=now, unreadable=unreadable)
    catalogue_invalidate()
    if unreadable is not None:
        raise unreadable_error(unreadable.line, run.imported, not_utf8=unreadable.not_utf8)
    return run


def consents_import_upload(
    *, actor: Actor, file: BinaryIO, filename: str, now: datetime | None = None
) -> ConsentImport:
    """Import an uploaded file in this process (the API's `?wait=true`), after the same upload check a
    job's file has: a file with a line that is not UTF-8 is refused whole (400), nothing imported."""
    upload_check(file)
    return consents_import_csv(actor=actor, lines=text_lines(file), filename=filename, now=now)


def consent_import_start(
    *, actor: Actor, user: Any, file: BinaryIO, filename: str, now: datetime | None = None
) -> BackgroundJob:
    """Keep the uploaded file, record a queued import job and hand it to a worker on commit.

    The file is checked here, so one without the needed columns, or with a line that is not UTF-8
    (a Windows-1258 or ANSI file), is refused at once (400) with nothing kept (`upload_check`).
    """
    now = now or timezone.now()
    upload_check(file)
    job = None
    try:
        with transaction.atomic(durable=True):
            job = job_create(
                actor=actor, user=user, kind=IMPORT_TASK, filename=filename,
                chunks=iter(lambda: file.read(1 << 20), b""), now=now,
            )
            ConsentImport.objects.create(
                job=job, filename=filename[:255], started_at=now, actor_label=actor.label[:150]
            )
            job_dispatch_on_commit(tasks.run_import, job)
    except BaseException:
        # Rolled back: no job will read the file kept for it (it names customers).
        if job is not None:
            job_input_drop(job)
        raise
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
        # Lines, not CSV rows: counting must not stop where the import will (a field past the limit).
        with path.open("rb") as counting:
            job_set_total(job_id=job.pk, total=max(lines_count(counting) - 1, 0))
    started = time_module.monotonic()
    now = timezone.now()

    def should_stop() -> bool:
        return job_cancel_requested(job.pk) or time_module.monotonic() - started > budget_seconds

    with path.open("rb") as file:
        try:
            reader = rows_reader(text_lines(file))
        except NotUtf8:
            # Refused at upload since the header has been checked; a job queued before may still hold one.
            return _end(job, run, actor=actor, to=JobStatus.FAILED, unreadable=Stop(1, not_utf8=True),
                        error=not_utf8_error().text)
        except DomainError as error:
            return _end(job, run, actor=actor, to=JobStatus.FAILED, error=error.text)
        unreadable, stopped = rows_import(
            run, reader, actor=actor, now=now, batch_size=batch_size, job=job, should_stop=should_stop,
        )
    catalogue_invalidate()
    if stopped:
        if job_cancel_requested(job.pk):
            return _end(job, run, actor=actor, to=JobStatus.CANCELLED)
        job_handover(job_id=job.pk)
        return job
    if unreadable is not None:
        error = unreadable_error(unreadable.line, run.imported, not_utf8=unreadable.not_utf8).text
        return _end(job, run, actor=actor, to=JobStatus.FAILED, unreadable=unreadable, error=error)
    return _end(job, run, actor=actor, to=JobStatus.DONE)


def _end(
    job: BackgroundJob,
    run: ConsentImport,
    *,
    actor: Actor,
    to: str,
    unreadable: Stop | None = None,
    error: str = "",
) -> BackgroundJob:
    now = timezone.now()
    with transaction.atomic(durable=True):
        job = job_lock(job.pk)
        import_finish(run, actor=actor, now=now, unreadable=unreadable)
        job.rows_done, job.rows_refused, job.report = run.rows, run.refused, run.errors
        job.save(update_fields=["rows_done", "rows_refused", "report"])
        return job_move(job, to=to, actor=Actor.system("consent-import"), now=now, error=error)

