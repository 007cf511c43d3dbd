"""Celery tasks of sign-in. Thin: call one service; a full batch re-enqueues the task."""

from __future__ import annotations

from celery import shared_task

from accounts.services import (
    SESSIONS_PURGE_BATCH,
    SIGN_IN_LOGS_PURGE_BATCH,
    roles_expire,
    sessions_purge_expired,
    sign_in_logs_purge,
)
from core.tasks import again_if_full


@shared_task(name="accounts.purge_sign_in_logs", ignore_result=True, time_limit=300, soft_time_limit=280)
def purge_sign_in_logs() -> int:
    """Delete sign-ins older than SIGN_IN_LOG_KEPT_DAYS from the sign-in log (nightly)."""
    return again_if_full(purge_sign_in_logs, sign_in_logs_purge(), batch=SIGN_IN_LOGS_PURGE_BATCH)


@shared_task(name="accounts.purge_expired_sessions", ignore_result=True, time_limit=300, soft_time_limit=280)
def purge_expired_sessions() -> int:
    """Delete expired browser sessions (nightly)."""
    return again_if_full(purge_expired_sessions, sessions_purge_expired(), batch=SESSIONS_PURGE_BATCH)


@shared_task(name="accounts.expire_roles", ignore_result=True, time_limit=300, soft_time_limit=280)
def expire_roles() -> int:
    """Remove the staff roles whose last day has passed (hourly)."""
    return roles_expire()
