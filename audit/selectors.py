"""Reading the audit trail and proving it intact."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import router, transaction
from django.db.models import QuerySet

from audit.hashing import GENESIS_HASH, entry_digest
from audit.models import AuditChainHead, AuditEntry


@dataclass(frozen=True)
class ChainVerification:
    valid: bool
    entries: int
    first_invalid: int | None  # the id of the first entry that does not check out
    reason: str = ""


# What the verification reads of each entry: the fields the digest covers, its hash and its key.
_CHAIN_FIELDS = (
    "pk", "sequence", "recorded_at", "actor_kind", "actor_user_id", "actor_label", "action", "target_type",
    "target_id", "subject_id", "data", "request_id", "ip", "prev_hash", "entry_hash",
)


def _chain_in_order(batch_size: int):
    """Every entry in sequence order, as a light row (no model instance), streamed in batches.

    On PostgreSQL the rows come from a server-side cursor inside a transaction: outside one Django
    declares the cursor WITH HOLD, and PostgreSQL then materialises the whole result before the
    first row arrives (gigabytes for a bank's trail). SQLite reads in batches without a transaction,
    which there would take the write lock for the whole verification.
    """
    database = router.db_for_read(AuditEntry)
    entries = AuditEntry.objects.using(database).order_by("sequence").values_list(*_CHAIN_FIELDS, named=True)
    if transaction.get_connection(database).vendor != "postgresql":
        yield from entries.iterator(chunk_size=batch_size)
        return
    with transaction.atomic(using=database):
        yield from entries.iterator(chunk_size=batch_size)


def audit_chain_verify(*, batch_size: int = 5000) -> ChainVerification:
    """Recompute every hash in sequence order; name the first entry that does not fit the chain."""
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in _chain_in_order(batch_size):
        if entry.sequence != expected_sequence:
            return ChainVerification(False, checked, entry.pk, f"sequence gap before #{entry.sequence}")
        if entry.prev_hash != prev_hash:
            return ChainVerification(
                False, checked, entry.pk, f"entry #{entry.sequence} is not linked to its predecessor"
            )
        if entry_digest(entry) != entry.entry_hash:
            return ChainVerification(False, checked, entry.pk, f"entry #{entry.sequence} was altered")
        prev_hash = entry.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != checked or head.last_hash != prev_hash):
        return ChainVerification(False, checked, None, "entries are missing from the end of the chain")
    return ChainVerification(True, checked, None)


def audit_entries(
    *, subject_id=None, action: str | None = None, since: datetime | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if subject_id is not None:
        entries = entries.filter(subject_id=subject_id)
    if action:
        entries = (
            entries.filter(action__startswith=action)
            if action.endswith(".")
            else entries.filter(action=action)
        )
    if since is not None:
        entries = entries.filter(recorded_at__gte=since)
    return entries.order_by("-sequence")
