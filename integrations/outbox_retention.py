"""How long the outbox keeps what a message to a person said: the customer's e-mails and SMS lose their
address and body at the customer's erasure (`outbox_erase`) or OUTBOX_CONTENT_KEPT_DAYS after they were
sent or cancelled (`outbox_purge_delivered`, the nightly job); topic, status and times stay as the record
that a message was sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import audit_record
from core.actors import Actor
from integrations.models import PERSONAL_KINDS, OutboxMessage

# `PERSONAL_KINDS` (integrations.models): a webhook still pending at the erasure is a duty to a system
# (an erase task, a stop notice) and is delivered.
OUTBOX_PURGE_BATCH = 2000


def outbox_erase(*, subject_id, now: datetime) -> dict[str, int]:
    """In the erasure's transaction: the e-mails and SMS to the customer still waiting (or parked) are
    cancelled, never sent to an address the bank no longer holds, and every one of them loses its
    address and body; topic, status and times stay as the record that a message was sent. Returns the
    counts (for the erasure's audit entry)."""
    theirs = OutboxMessage.objects.filter(subject_id=subject_id, kind__in=PERSONAL_KINDS)
    cancelled = theirs.filter(
        status__in=(OutboxMessage.Status.PENDING, OutboxMessage.Status.PARKED)
    ).update(status=OutboxMessage.Status.CANCELLED, last_error="erased with the customer's personal data")
    emptied = theirs.filter(content_erased_at__isnull=True).update(
        destination="", payload="", content_erased_at=now
    )
    return {"outbox_cancelled": cancelled, "outbox_emptied": emptied}


def outbox_content_due(*, cutoff: datetime) -> QuerySet[OutboxMessage]:
    """E-mails and SMS sent or cancelled before `cutoff` whose address and body are still kept: on the
    `outbox_content_kept` partial index, whose condition the filter repeats, so the nightly purge reads
    the messages still to empty, not the whole outbox."""
    return OutboxMessage.objects.filter(
        kind__in=PERSONAL_KINDS,
        status__in=(OutboxMessage.Status.SENT, OutboxMessage.Status.CANCELLED),
        created_at__lt=cutoff,
        content_erased_at__isnull=True,
    )


def outbox_purge_delivered(*, now: datetime | None = None, limit: int = OUTBOX_PURGE_BATCH) -> int:
    """Empty the address and body of e-mails and SMS sent or cancelled more than
    OUTBOX_CONTENT_KEPT_DAYS ago, a bounded batch at a time (the nightly job re-runs on a full one),
    with one audit entry per batch. Returns how many were emptied."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_CONTENT_KEPT_DAYS)
    due = list(outbox_content_due(cutoff=cutoff).values_list("pk", flat=True)[:limit])
    if not due:
        return 0
    with transaction.atomic(durable=True):
        emptied = OutboxMessage.objects.filter(pk__in=due, content_erased_at__isnull=True).update(
            destination="", payload="", content_erased_at=now
        )
        audit_record(
            action="core.outbox.purged",
            actor=Actor.system("integrations.outbox_purge_delivered"),
            data={"count": emptied, "older_than": cutoff.isoformat()},
            now=now,
        )
    return emptied
