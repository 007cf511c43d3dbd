"""Kernel housekeeping run by beat, and the rule every sweep task shares: a full batch runs again."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import connection
from django.utils import timezone

from core.partitions import partitions_ensure


@shared_task(name="core.ensure_partitions")
def ensure_partitions() -> list[str]:
    """Create the coming months' partitions of every partitioned history table (PostgreSQL only)."""
    return partitions_ensure(connection, today=timezone.localdate())


def again_if_full(task: Any, done: int, *, batch: int) -> int:
    """A sweep that handled a full batch (`done` reached `batch`) leaves more due: the task queues itself
    again at once, so a backlog drains in steps that each fit the time limit. Returns `done`."""
    if done >= batch:
        task.delay()
    return done
