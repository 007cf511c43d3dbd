"""Celery tasks of the integrations area: outbox delivery and its sweep, expiry of idempotency keys.

Thin: load ids, call a service. Each sweep handles a bounded batch and re-enqueues itself while the
batch was full, so a backlog drains in steps that each fit the time limit.
"""

from __future__ import annotations

from celery import current_app, shared_task

from core.tasks import again_if_full
from integrations.delivery import outbox_deliver
from integrations.jobs import job_inputs_purge, jobs_stale
from integrations.outbox_retention import OUTBOX_PURGE_BATCH, outbox_purge_delivered
from integrations.services import IDEMPOTENCY_EXPIRE_BATCH, idempotency_keys_expire

DISPATCH_BATCH = 500
RESUME_EXPIRES_SECONDS = 60  # the interval of beat's "resume-stale-jobs" (config/celery.py)


@shared_task(name="core.deliver_outbox_message", ignore_result=True, time_limit=60, soft_time_limit=50)
def deliver_outbox_message(message_id: str) -> None:
    # The retry policy lives in the outbox row (attempts, next_attempt_at); the sweep re-dispatches.
    outbox_deliver(message_id)


@shared_task(name="core.dispatch_due_outbox", ignore_result=True, time_limit=120, soft_time_limit=100)
def dispatch_due_outbox() -> int:
    """Hand every due message to a delivery task; a full batch re-enqueues the sweep for the rest.

    Idempotent: a message sent or leased meanwhile is skipped by the guard in `outbox_deliver`.
    """
    from integrations.outbox import outbox_due_ids

    ids = outbox_due_ids(limit=DISPATCH_BATCH)
    for message_id in ids:
        deliver_outbox_message.delay(str(message_id))
    return again_if_full(dispatch_due_outbox, len(ids), batch=DISPATCH_BATCH)


@shared_task(
    name="integrations.expire_idempotency_keys", ignore_result=True, time_limit=300, soft_time_limit=280
)
def expire_idempotency_keys() -> int:
    """Forget `Idempotency-Key` answers older than a week; a full batch re-enqueues the job."""
    return again_if_full(expire_idempotency_keys, idempotency_keys_expire(), batch=IDEMPOTENCY_EXPIRE_BATCH)


@shared_task(
    name="integrations.purge_delivered_outbox", ignore_result=True, time_limit=300, soft_time_limit=280
)
def purge_delivered_outbox() -> int:
    """Empty the address and body of e-mails and SMS sent or cancelled long enough ago; a full batch
    re-enqueues the job."""
    return again_if_full(purge_delivered_outbox, outbox_purge_delivered(), batch=OUTBOX_PURGE_BATCH)


@shared_task(name="integrations.resume_stale_jobs", ignore_result=True)
def resume_stale_jobs() -> int:
    """Send background jobs whose worker died (stale heartbeat) or never started back to a worker.

    Each copy expires with the beat's minute: while no worker runs, the next tick sends a fresh one,
    so an outage leaves at most one live copy per job instead of one more every minute. A copy taken
    late is harmless anyway: `job_claim` lets one worker at a time run the job."""
    stale = jobs_stale()
    for job_id, kind in stale:
        current_app.send_task(kind, args=[job_id], expires=RESUME_EXPIRES_SECONDS)
    return len(stale)


@shared_task(name="integrations.purge_job_inputs", ignore_result=True, time_limit=300, soft_time_limit=280)
def purge_job_inputs() -> int:
    """Delete the input files no live background job will read (nightly)."""
    return job_inputs_purge()
