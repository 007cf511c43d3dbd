"""Celery tasks of the regulator area. Thin: call one service; a full batch re-enqueues the task."""

from __future__ import annotations

from celery import shared_task

from consents.services.announcement_runs import announcements_run_due
from integrations.states import JobStatus

BATCH = 100


@shared_task(name="regulator.run_announcements", ignore_result=True, time_limit=600, soft_time_limit=540)
def run_announcements() -> dict[str, int]:
    """Send the notice-change announcements whose day has come, and ask for fresh consent once a
    material version is in effect (hourly; beat entry `run-notice-announcements`)."""
    done = announcements_run_due(limit=BATCH)
    # A full batch sent or asked: more may be due. Failures do not count: each is recorded and waits
    # before its next attempt, and the next hourly run takes first what never failed.
    if BATCH in (done["sent"], done["asked"]):
        run_announcements.delay()
    return done


@shared_task(name="regulator.notify_breach_customers", ignore_result=True, acks_late=True)
def notify_breach_customers(job_id: str) -> None:
    """Carry a breach mailing job on from its cursor; a slice that used its time hands over to a new task."""
    from regulator.services.breach_mailing import breach_customers_notify_run

    job = breach_customers_notify_run(job_id=job_id)
    if job is not None and job.status == JobStatus.RUNNING:
        notify_breach_customers.delay(job_id)
