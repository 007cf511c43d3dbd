"""Celery tasks of the authorisations app; the schedule is in config/celery.py."""

from __future__ import annotations

from celery import shared_task

from authorisations import services
from core.tasks import again_if_full

# The services' batch sizes: a task that handled that many queues itself again.
BATCH = services.clocks.BATCH
OAUTH_TOKENS_BATCH = services.tokens.OAUTH_TOKENS_PURGE_BATCH


@shared_task(name="authorisations.expire_due")
def expire_due() -> int:
    return again_if_full(expire_due, services.authorisations_expire_due(), batch=BATCH)


@shared_task(name="authorisations.notify_expiring")
def notify_expiring() -> int:
    return again_if_full(notify_expiring, services.authorisations_notify_expiring(), batch=BATCH)


@shared_task(name="authorisations.send_summaries")
def send_summaries() -> int:
    return again_if_full(send_summaries, services.authorisations_send_summaries(), batch=BATCH)


@shared_task(name="authorisations.clear_expired_tokens", ignore_result=True)
def clear_expired_tokens() -> dict[str, int]:
    """Delete expired OAuth codes and tokens (what the toolkit's `cleartokens` deletes, audited; nightly),
    a batch of each kind at a time."""
    gone = services.oauth_tokens_clear_expired(limit=OAUTH_TOKENS_BATCH)
    again_if_full(clear_expired_tokens, max(gone.values()), batch=OAUTH_TOKENS_BATCH)
    return gone
