"""The CSV import as a background job: batches, cursor, cancel, resume after a crash mid-batch."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentEvent, ConsentImport
from consents.services import consent_import_run, consent_import_start, import_rows
from core.actors import Actor
from core.errors import InvalidInput, InvalidTransition
from integrations.jobs import job_cancel, job_transition, jobs_stale
from integrations.models import BackgroundJob
from integrations.states import JobStatus
from tests.consents.factories import IMPORTED_ON, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import-job")
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at"


@pytest.fixture
def subjects():
    make_purpose("marketing", category="marketing")
    return [make_subject() for _ in range(10)]


def _file(subjects, bad: int = 2) -> io.BytesIO:
    rows = [f"{s.external_ref},marketing,v1,paper_form,scan-{i},{IMPORTED_ON}"
            for i, s in enumerate(subjects)]
    rows += [f"CIF-NOBODY-{i},marketing,v1,paper_form,scan-x{i},{IMPORTED_ON}" for i in range(bad)]
    return io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode())


def _start(subjects, django_capture_on_commit_callbacks, bad: int = 2) -> BackgroundJob:
    with django_capture_on_commit_callbacks() as callbacks:
        job = consent_import_start(actor=ACTOR, user=None, file=_file(subjects, bad), filename="legacy.csv")
    assert len(callbacks) == 1  # the task goes to the broker only once the job is committed
    return job


def test_a_job_imports_in_batches_moves_its_cursor_and_deletes_its_file(
    subjects, django_capture_on_commit_callbacks
):
    job = _start(subjects, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.QUEUED and Path(job.input_path).exists()
    assert oct(Path(job.input_path).stat().st_mode & 0o777) == "0o600"

    with django_capture_on_commit_callbacks(execute=True):
        consent_import_run(job_id=job.pk, batch_size=4)

    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.rows_refused, job.cursor) == (
        JobStatus.DONE, 12, 12, 2, 13,
    )
    assert [entry["line"] for entry in job.report] == [12, 13]
    assert job.started_at and job.finished_at and not Path(job.input_path).exists()
    run = ConsentImport.objects.get(job=job)
    assert (run.rows, run.imported, run.refused) == (12, 10, 2) and run.finished_at
    assert Consent.objects.count() == 10


def test_a_worker_killed_mid_batch_resumes_from_the_cursor_without_duplicates(
    subjects, django_capture_on_commit_callbacks, monkeypatch
):
    job = _start(subjects, django_capture_on_commit_callbacks)
    real_write, calls = import_rows.consents_insert, []

    def dying_write(*args, **kwargs):
        calls.append(1)
        real_write(*args, **kwargs)  # the rows are written... then the worker dies inside the batch
        if len(calls) == 2:
            raise SystemExit("worker killed")

    monkeypatch.setattr(import_rows, "consents_insert", dying_write)
    with pytest.raises(SystemExit):
        consent_import_run(job_id=job.pk, batch_size=4)

    job.refresh_from_db()
    # The first batch (lines 2-5) is committed with its cursor; the second rolled back entirely.
    assert (job.status, job.cursor, job.rows_done) == (JobStatus.RUNNING, 5, 4)
    assert Consent.objects.count() == 4 and ConsentEvent.objects.count() == 4
    # While the heartbeat is fresh a second worker keeps off; once stale, the sweep sends it back.
    monkeypatch.setattr(import_rows, "consents_insert", real_write)
    assert consent_import_run(job_id=job.pk, batch_size=4) is None
    assert jobs_stale() == []
    BackgroundJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert jobs_stale() == [(str(job.pk), "consents.run_import")]

    with django_capture_on_commit_callbacks(execute=True):
        consent_import_run(job_id=job.pk, batch_size=4)

    job.refresh_from_db()
    run = ConsentImport.objects.get(job=job)
    assert (job.status, job.rows_done, job.rows_refused) == (JobStatus.DONE, 12, 2)
    assert (run.rows, run.imported, run.already_imported, run.refused) == (12, 10, 0, 2)
    assert Consent.objects.count() == 10 and ConsentEvent.objects.count() == 10


def test_the_import_key_guards_rows_a_lost_cursor_would_repeat(subjects, django_capture_on_commit_callbacks):
    job = _start(subjects, django_capture_on_commit_callbacks)
    consent_import_run(job_id=job.pk, batch_size=4, budget_seconds=0)  # one batch, then hand over
    BackgroundJob.objects.filter(pk=job.pk).update(cursor=0)  # as if the cursor had not been kept

    with django_capture_on_commit_callbacks(execute=True):
        consent_import_run(job_id=job.pk, batch_size=4)

    run = ConsentImport.objects.get(job=job)
    assert (run.imported, run.already_imported) == (10, 4)
    assert Consent.objects.count() == 10


def test_cancel_stops_the_job_between_batches(subjects, django_capture_on_commit_callbacks, monkeypatch):
    job = _start(subjects, django_capture_on_commit_callbacks)
    real_batch = import_rows._import_batch

    def batch_then_cancel(*args, **kwargs):
        real_batch(*args, **kwargs)
        if BackgroundJob.objects.get(pk=job.pk).status == JobStatus.RUNNING:
            job_cancel(actor=ACTOR, job_id=job.pk)

    monkeypatch.setattr(import_rows, "_import_batch", batch_then_cancel)
    with django_capture_on_commit_callbacks(execute=True):
        consent_import_run(job_id=job.pk, batch_size=4)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.cursor) == (JobStatus.CANCELLED, 4, 5)
    assert Consent.objects.count() == 4 and not Path(job.input_path).exists()
    assert ConsentImport.objects.get(job=job).finished_at is not None
    with pytest.raises(InvalidTransition):
        job_transition(actor=ACTOR, job_id=job.pk, to=JobStatus.RUNNING)


def test_a_queued_job_is_cancelled_at_once_and_never_runs(subjects, django_capture_on_commit_callbacks):
    job = _start(subjects, django_capture_on_commit_callbacks)
    assert job_cancel(actor=ACTOR, job_id=job.pk).status == JobStatus.CANCELLED
    assert consent_import_run(job_id=job.pk) is None
    assert Consent.objects.count() == 0


def test_a_file_without_the_columns_is_refused_before_any_job(subjects):
    with pytest.raises(InvalidInput):
        consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(b"cif,code\n1,2\n"), filename="x.csv")
    assert not BackgroundJob.objects.exists() and not ConsentImport.objects.exists()


def test_the_sweep_sends_stale_jobs_back_to_their_task(
    subjects, django_capture_on_commit_callbacks, monkeypatch
):
    from integrations import tasks

    job = _start(subjects, django_capture_on_commit_callbacks)
    BackgroundJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    sent = []
    monkeypatch.setattr(tasks.current_app, "send_task", lambda name, args, **options: sent.append(
        (name, args, options)
    ))
    assert tasks.resume_stale_jobs() == 1
    assert sent == [("consents.run_import", [str(job.pk)], {"expires": 60})]


def test_while_workers_are_down_each_minutes_copy_of_a_stale_job_expires_within_the_minute(
    subjects, django_capture_on_commit_callbacks, monkeypatch
):
    """Beat re-sends a stale job every minute: copies that never expired would pile up in the broker
    (1,440 a day of outage), each one a worker has to take and refuse when they return."""
    from integrations import tasks

    job = _start(subjects, django_capture_on_commit_callbacks)
    BackgroundJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    sent = []
    monkeypatch.setattr(tasks.current_app, "send_task", lambda name, args, **options: sent.append(options))
    for _minute in range(10):  # ten beat ticks with no worker running
        tasks.resume_stale_jobs()
    assert len(sent) == 10
    assert all(0 < options.get("expires", 0) <= 60 for options in sent)


def test_a_broker_outage_leaves_the_job_queued_for_the_sweep(subjects, django_capture_on_commit_callbacks,
                                                             monkeypatch):
    from consents import tasks

    def broker_down(job_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run_import, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = consent_import_start(actor=ACTOR, user=None, file=_file(subjects), filename="legacy.csv")
    assert BackgroundJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert Path(job.input_path).exists()
