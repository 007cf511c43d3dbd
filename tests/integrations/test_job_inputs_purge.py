"""A background job's input file (a CSV import naming customers) never outlives the job: it goes when the
job's creation rolls back, and the nightly `purge-job-inputs` deletes one no live job will read
(docs/operations.md)."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from config.celery import app
from consents.models import ConsentImport
from consents.services import consent_import_start
from core.actors import Actor
from integrations.jobs import JOB_INPUT_ORPHANED_AFTER, job_create, job_inputs_purge, job_transition
from integrations.states import JobStatus
from integrations.tasks import purge_job_inputs

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.job-inputs")
CSV = (
    b"subject,purpose,notice_version,channel,evidence,granted_at\n"
    b"CIF-1,marketing,v1,paper_form,s,2025-01-02\n"
)


def _files(jobs_dir) -> set[str]:
    return {path.name for path in jobs_dir.glob("*.input")}


def _aged(path: str) -> None:
    old = (timezone.now() - JOB_INPUT_ORPHANED_AFTER - timedelta(hours=1)).timestamp()
    os.utime(path, (old, old))


def test_a_rolled_back_import_start_leaves_no_file(jobs_dir, monkeypatch):
    """The file was written before the transaction; when the transaction failed after it, the file
    stayed for ever."""

    def fails(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ConsentImport.objects, "create", fails)
    with pytest.raises(RuntimeError):
        consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(CSV), filename="import.csv")

    assert _files(jobs_dir) == set()


def test_the_purge_deletes_files_no_live_job_reads(jobs_dir):
    """A file whose job ended (its deletion after the commit missed) or whose job's creation rolled back
    stayed for ever; a live job's file and a fresh one stay."""
    with transaction.atomic():
        ended = job_create(actor=ACTOR, kind="tests.job", chunks=[CSV])
        live = job_create(actor=ACTOR, kind="tests.job", chunks=[CSV])
    job_transition(actor=ACTOR, job_id=ended.pk, to=JobStatus.CANCELLED)
    (jobs_dir / ended.input_path.rsplit("/", 1)[1]).write_bytes(CSV)  # as if the deletion had been missed
    with pytest.raises(RuntimeError), transaction.atomic():
        job_create(actor=ACTOR, kind="tests.job", chunks=[CSV])
        raise RuntimeError("the caller's transaction rolls back")
    rolled_back = _files(jobs_dir) - {ended.input_path.rsplit("/", 1)[1], live.input_path.rsplit("/", 1)[1]}
    assert len(rolled_back) == 1
    for path in jobs_dir.glob("*.input"):
        _aged(str(path))
    fresh = job_create(actor=ACTOR, kind="tests.job", chunks=[CSV])
    job_transition(actor=ACTOR, job_id=fresh.pk, to=JobStatus.CANCELLED)
    (jobs_dir / fresh.input_path.rsplit("/", 1)[1]).write_bytes(CSV)

    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == purge_job_inputs.name]
    app.tasks[entry["task"]].apply()

    left = _files(jobs_dir)
    assert left == {live.input_path.rsplit("/", 1)[1], fresh.input_path.rsplit("/", 1)[1]}
    assert AuditEntry.objects.get(action="integrations.job.inputs_purged").data == {"count": 2}
    assert job_inputs_purge() == 0
