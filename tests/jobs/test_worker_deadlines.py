"""One real Celery worker process runs the deadline sweeper end to end: a reminder and a breach are
recorded and their e-mails leave through the outbox (Redis when REDIS_URL is set, else the file broker)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from core.models import DeadlineBreach, DeadlineReminder, OutboxMessage
from core.roles import Role
from core.tasks import sweep_deadlines
from tests.factories import make_subject
from tests.jobs.factories import request_due, staff

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def test_worker_sends_a_reminder_and_records_a_breach(tmp_path):
    officer = staff("worker_officer", Role.OFFICER)
    staff("worker_dpo", Role.DPO)
    subject = make_subject()
    now = timezone.now()
    soon = request_due(subject, due_at=now + timedelta(hours=2), assignee=officer)
    late = request_due(subject, due_at=now - timedelta(minutes=5), assignee=officer)
    # A queue of its own, also for the tasks the worker dispatches, so no other worker takes them.
    queue = f"test-jobs-{uuid.uuid4().hex[:8]}"
    sweep_deadlines.apply_async(queue=queue)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "EMAIL_URL": "",
            "EMAIL_FILE_PATH": str(tmp_path),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline_messages = OutboxMessage.objects.filter(topic__startswith="deadline.")
    try:
        limit = time.monotonic() + 45
        while time.monotonic() < limit:
            if deadline_messages.count() == 2 and not deadline_messages.exclude(status="sent").exists():
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    reminder = DeadlineReminder.objects.get(clock="due")
    breach = DeadlineBreach.objects.get(clock="due")
    assert uuid.UUID(reminder.item_id) == soon.pk and reminder.hours_before == 6
    assert uuid.UUID(breach.item_id) == late.pk
    assert sorted(deadline_messages.values_list("topic", "status")) == [
        ("deadline.breached", "sent"),
        ("deadline.reminder", "sent"),
    ]
    mails = "\n".join(p.read_text(errors="replace") for p in tmp_path.iterdir())
    assert "To: worker_officer@bank.test" in mails and "To: worker_dpo@bank.test" in mails
