"""The nightly clearing of identity-check codes that ran out: once a code sent to the requester's
phone has expired its keyed hash verifies nothing, and it is derived from the customer's code, so it
does not stay on a request never verified (a verified one lost it at verification)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.actors import Actor
from dsr.models import DataSubjectRequest
from subjects.locks import of_customers_locked

IDENTITY_CODES_PURGE_BATCH = 1000


def identity_codes_purge_expired(
    *, now: datetime | None = None, limit: int = IDENTITY_CODES_PURGE_BATCH
) -> int:
    """Empty the code hash of requests whose identity code expired, at most `limit` (a full batch: the
    nightly job runs again), with one audit entry for the batch. The request, its expiry time and its
    count of wrong codes stay (so does `updated_at`: nobody changed the request): a late code is still
    refused as expired, and the cap still holds.
    Idempotent; returns how many hashes were emptied."""
    now = now or timezone.now()
    expired = DataSubjectRequest.objects.exclude(identity_otp_hash="").filter(
        identity_otp_expires_at__lte=now
    )
    with transaction.atomic(durable=True):
        # A request's writers hold its customer first (`subjects.locks`): so does this sweep, skipping
        # customers held elsewhere (the next run takes theirs), and the expiry is re-checked in the update.
        (expired_of_held,) = of_customers_locked(expired.order_by("pk"), customer="subject_id", limit=limit)
        ids = list(expired_of_held.values_list("pk", flat=True)[:limit])
        emptied = expired.filter(pk__in=ids).update(identity_otp_hash="")
        if emptied:
            audit_record(
                action="dsr.request.identity_codes_purged",
                actor=Actor.system("dsr.identity_codes_purge_expired"),
                data={"count": emptied, "expired_before": now.isoformat()},
                now=now,
            )
    return emptied
