"""A real Celery worker is killed (SIGKILL) in the middle of a CSV import job; a second worker
resumes it from the committed cursor and no row is imported twice."""

from __future__ import annotations

import io
import os
import signal
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from consents import tasks
from consents.models import Consent, ConsentEvent, ConsentImport
from consents.services import consent_import_start
from consents.services.imports import BATCH_SIZE
from core.actors import Actor
from integrations.models import BackgroundJob
from integrations.states import JobStatus
from subjects.models import DataSubject
from tests.consents.factories import IMPORTED_ON, make_purpose
from tests.reliability.servers import start_worker, stop, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
# Five batches: the kill lands after the first commit with four still to go, whatever the machine.
ROWS = 5 * BATCH_SIZE


def _job(job_id) -> BackgroundJob:
    return BackgroundJob.objects.get(pk=job_id)


def test_a_worker_killed_mid_import_is_resumed_without_duplicates(monkeypatch):
    make_purpose("marketing", category="marketing")
    DataSubject.objects.bulk_create(
        [DataSubject(external_ref=f"K{i:08d}", full_name="Khách", date_of_birth=date(1980, 1, 1))
         for i in range(ROWS)],
        batch_size=5000,
    )
    body = "subject,purpose,notice_version,channel,evidence,granted_at\n" + "".join(
        f"K{i:08d},marketing,v1,paper_form,scan-{i},{IMPORTED_ON}\n" for i in range(ROWS)
    )
    # A queue of its own, so this worker takes no one else's tasks and no one takes this one.
    queue = f"test-import-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(tasks.run_import, "delay", lambda job_id: None)
    job = consent_import_start(actor=Actor.system("tests"), user=None, file=io.BytesIO(body.encode()),
                               filename="kill.csv")
    tasks.run_import.apply_async(args=[str(job.pk)], queue=queue)
    worker = start_worker(queue=queue)
    try:
        wait_until(
            lambda: _job(job.pk).cursor > 0, timeout=120, interval=0.05, what="a first batch committed"
        )
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)

    killed = _job(job.pk)
    assert killed.status == JobStatus.RUNNING and 0 < killed.rows_done < ROWS
    assert Consent.objects.count() == killed.rows_done  # the cursor moved with exactly what was committed

    # The heartbeat goes stale (as minutes pass); the sweep's re-enqueue is played here on the test queue.
    BackgroundJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    tasks.run_import.apply_async(args=[str(job.pk)], queue=queue)
    worker = start_worker(queue=queue)
    try:
        wait_until(
            lambda: _job(job.pk).status == JobStatus.DONE, timeout=240, interval=0.3, what="the import done"
        )
    finally:
        stop(worker)

    done = _job(job.pk)
    run = ConsentImport.objects.get(job=done)
    assert (done.rows_done, done.rows_refused, run.imported, run.already_imported) == (ROWS, 0, ROWS, 0)
    assert Consent.objects.count() == ROWS and ConsentEvent.objects.count() == ROWS
    assert not os.path.exists(done.input_path)
