"""One real Celery worker process runs the deadline sweeper end to end: a reminder and a breach are
recorded and their e-mails leave through the outbox (Redis when REDIS_URL is set, else the file broker)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from deadlines.models import DeadlineBreach, DeadlineReminder
from deadlines.tasks import sweep_deadlines
from integrations.models import OutboxMessage
from tests.factories import make_subject
from tests.jobs.factories import request_due, staff
from tests.reliability.servers import start_worker, stop, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


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
    worker = start_worker(
        queue=queue,
        env={"CELERY_TASK_DEFAULT_QUEUE": queue, "EMAIL_URL": "", "EMAIL_FILE_PATH": str(tmp_path)},
    )
    deadline_messages = OutboxMessage.objects.filter(topic__startswith="deadline.")
    try:
        wait_until(
            lambda: deadline_messages.count() == 2 and not deadline_messages.exclude(status="sent").exists(),
            timeout=45,
            interval=0.3,
            what="both deadline e-mails sent",
        )
    finally:
        stop(worker)
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
