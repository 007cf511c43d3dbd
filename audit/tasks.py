"""Scheduled audit jobs."""
from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth import get_user_model

from audit.services import (
    audit_chain_check,
    audit_chain_unfinished_record,
    audit_checkpoint_write,
    audit_unusual_access_sweep,
)
from core.actors import actor_for_user

logger = logging.getLogger(__name__)

# The jobs that may walk the whole trail (the weekly check; the hourly checkpoint while no checkpoint is
# on file, after an upgrade) walk it serially in one worker process: docs/deployment.md measured 268.7 s
# for 10,000,000 entries under load, past the worker's global limits (soft 240 s, hard 300 s). Their own
# limits give that trail five and a half times its time. The hard limit stays well under Redis's
# visibility_timeout (settings.REDIS_VISIBILITY_TIMEOUT, 3600 s): a task acknowledged late and still
# running then would be handed to a second worker. At the soft limit the job records that it stopped
# unfinished and tells the DPO (`audit_chain_unfinished_record`) before the hard limit ends the process.
WHOLE_CHAIN_SOFT_TIME_LIMIT = 25 * 60
WHOLE_CHAIN_TIME_LIMIT = 30 * 60


@shared_task(name="audit.verify_chain", acks_late=True,
             soft_time_limit=WHOLE_CHAIN_SOFT_TIME_LIMIT, time_limit=WHOLE_CHAIN_TIME_LIMIT)
def verify_chain(full: bool = False, user_id: int | None = None) -> bool:
    """`user_id`: the staff member who asked for it on the trail page, recorded as the verification's
    actor; none for the scheduled checks."""
    asked_by = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    actor = actor_for_user(asked_by) if asked_by is not None else None
    try:
        result = audit_chain_check(actor=actor, since_checkpoint=not full)
    except SoftTimeLimitExceeded:
        logger.error("audit chain verification (full=%s) stopped at its time limit of %s s", full,
                     WHOLE_CHAIN_SOFT_TIME_LIMIT)
        audit_chain_unfinished_record(job=verify_chain.name, since_checkpoint=not full,
                                      limit_seconds=WHOLE_CHAIN_SOFT_TIME_LIMIT, actor=actor)
        return False
    if not result.valid:
        logger.error("audit chain broken at entry id=%s: %s", result.first_invalid, result.reason)
    return result.valid


@shared_task(name="audit.write_checkpoint", acks_late=True,
             soft_time_limit=WHOLE_CHAIN_SOFT_TIME_LIMIT, time_limit=WHOLE_CHAIN_TIME_LIMIT)
def write_checkpoint() -> bool:
    try:
        result, _line = audit_checkpoint_write()
    except SoftTimeLimitExceeded:
        logger.error("audit checkpoint stopped at its time limit of %s s: none written",
                     WHOLE_CHAIN_SOFT_TIME_LIMIT)
        audit_chain_unfinished_record(job=write_checkpoint.name, since_checkpoint=True,
                                      limit_seconds=WHOLE_CHAIN_SOFT_TIME_LIMIT)
        return False
    if not result.valid:
        logger.error("audit chain broken at entry id=%s, no checkpoint written: %s",
                     result.first_invalid, result.reason)
    return result.valid


@shared_task(name="audit.unusual_access_sweep")
def unusual_access_sweep() -> int:
    return audit_unusual_access_sweep()
