"""Background jobs: create one with its input file, move it through its states, find stale ones.

Writes are `job_<verb>` services; the runner of each kind (e.g. `consents.services.imports`) calls
`job_checkpoint` inside the transaction that commits a batch, so the cursor moves with the work.
The input file sits in a private directory (VAR_DIR/jobs, mode 0600, never served) and is deleted
when the job reaches a terminal state.
"""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from core.actors import Actor, actor_for_user
from core.errors import NotFound
from integrations.models import BackgroundJob
from integrations.states import CANCEL_TO, JOB_MACHINE, JobStatus

logger = logging.getLogger(__name__)

# A running job whose worker has not written a heartbeat for this long is taken to be dead.
STALE_AFTER = timedelta(minutes=3)
# How long one task may keep a job before it hands over to a fresh task (under the task time limit).
SLICE_SECONDS = 120
# An input file no live job reads (its job ended, or its creation rolled back) is deleted by the nightly
# purge once this old: long after the transaction that wrote it, so never under a job being created.
JOB_INPUT_ORPHANED_AFTER = timedelta(days=1)


# The API token scope each kind of job asks of whoever polls or cancels it: the scope of the endpoint
# that starts such work, registered by the app that does it (its AppConfig.ready), since this layer
# imports none of them. A kind nobody registered is reached only by a token with the whole role.
_KIND_SCOPES: dict[str, str] = {}


def job_kind_scope_register(*, kind: str, scope: str) -> None:
    _KIND_SCOPES[kind] = scope


def job_kind_scope(kind: str) -> str | None:
    return _KIND_SCOPES.get(kind)


def jobs_dir() -> Path:
    path = Path(getattr(settings, "JOBS_DIR", settings.VAR_DIR / "jobs"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _store_input(chunks: Iterable[bytes]) -> str:
    path = jobs_dir() / f"{uuid.uuid4().hex}.input"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return str(path)


def _drop_input(path: str) -> None:
    if path:
        Path(path).unlink(missing_ok=True)


def job_create(
    *,
    actor: Actor,
    kind: str,
    filename: str = "",
    chunks: Iterable[bytes] = (),
    user: Any = None,
    now: datetime | None = None,
) -> BackgroundJob:
    """Record a queued job with its input file; call inside the caller's transaction (savepoint-free).

    The caller dispatches the task with `job_dispatch_on_commit`, so no worker sees a job before it exists.
    """
    now = now or timezone.now()
    path = _store_input(chunks) if chunks else ""
    try:
        with transaction.atomic(savepoint=False):
            job = BackgroundJob.objects.create(
                kind=kind, status=JobStatus.QUEUED, started_by=user if getattr(user, "pk", None) else None,
                actor_label=actor.label[:150], filename=filename[:255], input_path=path, created_at=now,
            )
            audit_record(
                action="integrations.job.queued", actor=actor, target=job, now=now, data={"kind": kind}
            )
    except BaseException:
        _drop_input(path)
        raise
    return job


def job_input_drop(job: BackgroundJob) -> None:
    """Delete the input file of a job whose creation is being rolled back (the caller's transaction
    failed after `job_create`): no worker will ever read it. A rollback this misses (the process
    killed) leaves the file to `job_inputs_purge`."""
    _drop_input(job.input_path)


def job_inputs_purge(*, now: datetime | None = None) -> int:
    """Delete the input files (they name customers) that no live job will read, once older than
    `JOB_INPUT_ORPHANED_AFTER`: the file of a job that ended (its deletion after the commit missed: a
    worker killed) or of no job at all (its creation rolled back). One audit entry when any went.
    Returns how many (for the nightly job)."""
    now = now or timezone.now()
    cutoff = (now - JOB_INPUT_ORPHANED_AFTER).timestamp()
    old = {str(path): path for path in jobs_dir().glob("*.input") if path.stat().st_mtime < cutoff}
    if not old:
        return 0
    live = BackgroundJob.objects.filter(input_path__in=list(old), status__in=JOB_MACHINE.live)
    read = set(live.values_list("input_path", flat=True))
    orphaned = [path for name, path in old.items() if name not in read]
    for path in orphaned:
        path.unlink(missing_ok=True)
    if orphaned:
        with transaction.atomic(durable=True):
            audit_record(
                action="integrations.job.inputs_purged",
                actor=Actor.system("integrations.job_inputs_purge"),
                now=now,
                data={"count": len(orphaned)},
            )
    return len(orphaned)


def job_lock(job_id) -> BackgroundJob:
    try:
        return BackgroundJob.objects.select_for_update().get(pk=job_id)
    except BackgroundJob.DoesNotExist:
        raise NotFound() from None


def job_move(job: BackgroundJob, *, to: str, actor: Actor, now: datetime, error: str = "") -> BackgroundJob:
    """Apply one move of the table to a locked job, inside the caller's transaction."""
    JOB_MACHINE.check(job.status, to, status=JobStatus(job.status).label)
    old = job.status
    job.status = to
    fields = ["status", "heartbeat_at"]
    job.heartbeat_at = now
    if to == JobStatus.RUNNING and job.started_at is None:
        job.started_at = now
        fields.append("started_at")
    if to in JOB_MACHINE.terminal:
        job.finished_at = now
        fields.append("finished_at")
    if error:
        job.error = error[:2000]
        fields.append("error")
    job.save(update_fields=fields)
    audit_record(
        action="integrations.job.status_changed", actor=actor, target=job, now=now,
        data={"kind": job.kind, "old": old, "new": to},
    )
    if to in JOB_MACHINE.terminal and job.input_path:
        # After the commit: a rolled-back end must not lose the file the resume needs.
        transaction.on_commit(functools.partial(_drop_input, job.input_path))
    return job


def job_transition(
    *, actor: Actor, job_id, to: str, error: str = "", now: datetime | None = None
) -> BackgroundJob:
    """Move a job to status `to` if the transition table allows it (409 otherwise)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        job = job_lock(job_id)
        return job_move(job, to=to, actor=actor, now=now, error=error)


def job_cancel(*, actor: Actor, job_id, now: datetime | None = None) -> BackgroundJob:
    """Ask a job to stop: a queued job is cancelled at once, a running one stops after its batch."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        job = job_lock(job_id)
        # From any other status the table refuses the move (409).
        return job_move(job, to=CANCEL_TO.get(job.status, JobStatus.CANCELLING), actor=actor, now=now)


def job_allowed_actions(job: BackgroundJob, actor: Actor) -> frozenset[str]:
    """What may be done with the job now: "cancel" while it can still be stopped (job pages ask this;
    the caller checks who may see the job)."""
    if JOB_MACHINE.is_allowed(job.status, CANCEL_TO.get(job.status, JobStatus.CANCELLING)):
        return frozenset({"cancel"})
    return frozenset()


def job_claim(*, job_id, actor: Actor, now: datetime | None = None) -> BackgroundJob | None:
    """A worker takes a job on: queued → running, or a running job whose heartbeat went stale.

    Returns None when there is nothing for this worker to do (the job ended, or another live worker
    holds it). A cancelling job is returned as is: the runner stops it at once.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        job = job_lock(job_id)
        if job.status == JobStatus.QUEUED:
            return job_move(job, to=JobStatus.RUNNING, actor=actor, now=now)
        if job.status == JobStatus.CANCELLING:
            return job
        stale = job.heartbeat_at is None or job.heartbeat_at <= now - STALE_AFTER
        if job.status == JobStatus.RUNNING and stale:
            return job_move(job, to=JobStatus.RUNNING, actor=actor, now=now)
        return None


def job_starter(job: BackgroundJob, *, otherwise: Actor) -> Actor:
    """Whom a job's work is recorded for: the person who started it, else `otherwise` (the worker's
    system actor, for a job nobody started by hand)."""
    return actor_for_user(job.started_by) if job.started_by is not None else otherwise


def job_cancel_requested(job_id) -> bool:
    """Whether the job is being cancelled now; a runner asks between batches, past its own stale copy."""
    return BackgroundJob.objects.filter(pk=job_id, status=JobStatus.CANCELLING).exists()


def job_dispatch_on_commit(task, job: BackgroundJob) -> None:
    """Ask a worker to run `task(job id)` once the caller's transaction commits.

    Like `delay_on_commit`, but a broker outage does not turn the committed request into an error
    page: the job stays queued and the stale-job sweep sends it to a worker later."""
    transaction.on_commit(functools.partial(_dispatch, task, str(job.pk)), robust=True)


def _dispatch(task, job_id: str) -> None:
    try:
        task.delay(job_id)
    except Exception:  # the broker is down
        logger.warning(
            "job dispatch deferred to the stale-job sweep", extra={"job_id": job_id, "task": task.name}
        )


def job_handover(*, job_id, now: datetime | None = None) -> None:
    """The task's slice is over: mark the heartbeat stale so the next task may claim the job at once."""
    BackgroundJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=None)


def job_checkpoint(
    job: BackgroundJob,
    *,
    expected_cursor: int,
    cursor: int,
    done: int,
    refused: int,
    report: list[dict[str, Any]] | None = None,
    now: datetime,
) -> bool:
    """Move the cursor in the caller's transaction, only from where this worker left it.

    False (and nothing written) when another worker moved it meanwhile: the caller rolls back its batch.
    """
    values: dict[str, Any] = {
        "cursor": cursor, "rows_done": done, "rows_refused": refused, "heartbeat_at": now,
    }
    if report is not None:
        values["report"] = report
    updated = BackgroundJob.objects.filter(
        pk=job.pk, cursor=expected_cursor, status__in=JOB_MACHINE.live
    ).update(**values)
    if updated:
        for name, value in values.items():
            setattr(job, name, value)
    return bool(updated)


def job_checkpoint_noted(job: BackgroundJob) -> dict[str, Any]:
    """What a job that pages by key noted at its last checkpoint (`report[0]`): `after`, the key of the
    last row its committed batches covered, and its running counts; empty before the first batch."""
    return job.report[0] if job.report else {}


def job_set_total(*, job_id, total: int) -> None:
    BackgroundJob.objects.filter(pk=job_id, rows_total__isnull=True).update(rows_total=total)


def jobs_stale(*, now: datetime | None = None, limit: int = 100) -> list[tuple[str, str]]:
    """(id, kind) of jobs whose worker seems gone: running with an old heartbeat, or queued long ago."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    held = [JobStatus.RUNNING, JobStatus.CANCELLING]
    rows = list(
        BackgroundJob.objects.filter(
            Q(status__in=held, heartbeat_at__lte=cutoff)
            | Q(status__in=held, heartbeat_at__isnull=True)
            | Q(status=JobStatus.QUEUED, created_at__lte=cutoff)
        ).values_list("id", "kind")[:limit]
    )
    return [(str(pk), kind) for pk, kind in rows]


def job_for_user(*, job_id, user) -> BackgroundJob:
    """The job, if this user started it (anyone else gets 404: job ids are not secrets to share)."""
    job = BackgroundJob.objects.filter(pk=job_id, started_by=user).first()
    if job is None:
        raise NotFound()
    return job


def job_progress(job: BackgroundJob, *, now: datetime | None = None) -> dict[str, Any]:
    """What the progress bar and the API show: status, counts, percent and the seconds left."""
    now = now or timezone.now()
    total = job.rows_total
    percent = 100 if job.status == JobStatus.DONE else (
        min(100, int(job.rows_done * 100 / total)) if total else 0
    )
    eta = None
    if job.status in JOB_MACHINE.live and total and job.rows_done and job.started_at:
        elapsed = (now - job.started_at).total_seconds()
        eta = max(0, round(elapsed / job.rows_done * (total - job.rows_done)))
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "status_label": str(JobStatus(job.status).label),
        "finished": job.status in JOB_MACHINE.terminal,
        "rows_total": total,
        "rows_done": job.rows_done,
        "rows_refused": job.rows_refused,
        "percent": percent,
        "seconds_left": eta,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "error": job.error,
    }
