"""Celery tasks of the consents app. Thin: call one service, which owns the rules."""

from __future__ import annotations

from celery import shared_task

from core.tasks import again_if_full
from integrations.states import JobStatus


@shared_task(name="consents.expire_due", ignore_result=True)
def expire_due() -> int:
    """Record the expiry of consents past their `expires_at`; a full batch re-enqueues itself."""
    from consents.services import consents_expire_due

    batch = 500
    return again_if_full(expire_due, consents_expire_due(limit=batch), batch=batch)


@shared_task(name="consents.stop_outgrown", ignore_result=True)
def stop_outgrown() -> int:
    """Stop the consents a guardian gave alone for a customer now 7 or over, as of the birthday; a full
    batch re-enqueues itself."""
    from consents.services import consents_stop_outgrown

    batch = 500
    return again_if_full(stop_outgrown, consents_stop_outgrown(limit=batch), batch=batch)


@shared_task(name="consents.remind_recipients", ignore_result=True)
def remind_recipients() -> int:
    """Remind the recipients of duties near or past their deadline, once each; a full batch re-enqueues
    itself."""
    from consents.services import REMINDERS_PER_RUN, duties_remind_recipients

    return again_if_full(remind_recipients, duties_remind_recipients(), batch=REMINDERS_PER_RUN)


@shared_task(name="consents.apply_purpose_versions", ignore_result=True)
def apply_purpose_versions() -> int:
    """Give purposes the scope of the versions that have taken effect."""
    from consents.services import purpose_versions_apply_due

    return purpose_versions_apply_due()


@shared_task(name="consents.run_import", ignore_result=True, acks_late=True)
def run_import(job_id: str) -> None:
    """Carry a CSV import job on from its cursor; a slice that used its time hands over to a new task."""
    from consents.services import consent_import_run

    job = consent_import_run(job_id=job_id)
    if job is not None and job.status == JobStatus.RUNNING:
        run_import.delay(job_id)


@shared_task(name="consents.open_scope_stops", ignore_result=True, acks_late=True)
def open_scope_stops(job_id: str) -> None:
    """Carry a purpose change's stops on from its cursor; a slice that used its time hands over to a new
    task."""
    from consents.services import scope_stops_run

    job = scope_stops_run(job_id=job_id)
    if job is not None and job.status == JobStatus.RUNNING:
        open_scope_stops.delay(job_id)
