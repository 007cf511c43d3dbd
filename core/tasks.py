"""Kernel housekeeping run by beat."""

from __future__ import annotations

from celery import shared_task
from django.db import connection
from django.utils import timezone

from core.partitions import partitions_ensure


@shared_task(name="core.ensure_partitions")
def ensure_partitions() -> list[str]:
    """Create the coming months' partitions of every partitioned history table (PostgreSQL only)."""
    return partitions_ensure(connection, today=timezone.localdate())
