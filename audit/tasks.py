"""Scheduled audit jobs."""
from __future__ import annotations

import logging

from celery import shared_task

from audit.services import audit_chain_check, audit_checkpoint_write

logger = logging.getLogger(__name__)


@shared_task(name="audit.verify_chain", acks_late=True)
def verify_chain(full: bool = False) -> bool:
    result = audit_chain_check(since_checkpoint=not full)
    if not result.valid:
        logger.error("audit chain broken at entry id=%s: %s", result.first_invalid, result.reason)
    return result.valid


@shared_task(name="audit.write_checkpoint", acks_late=True)
def write_checkpoint() -> bool:
    result, _line = audit_checkpoint_write()
    if not result.valid:
        logger.error("audit chain broken at entry id=%s, no checkpoint written: %s",
                     result.first_invalid, result.reason)
    return result.valid
