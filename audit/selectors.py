"""Reading the audit trail and proving it intact."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import router, transaction
from django.db.models import QuerySet

from audit.checkpoints import Anchors, checkpoints_read
from audit.hashing import GENESIS_HASH, UNKEYED, entry_seal_problem
from audit.models import AuditChainHead, AuditEntry


@dataclass(frozen=True)
class ChainVerification:
    valid: bool
    entries: int
    first_invalid: int | None  # the id of the first entry that does not check out
    reason: str = ""
    checkpoints: int = 0  # how many checkpoints outside the database the chain was held against
    # The last entry that checked out: what a new checkpoint records.
    head_sequence: int = 0
    head_hash: str = GENESIS_HASH


# What the verification reads of each entry: the fields the seal covers, the seal and its key.
_CHAIN_FIELDS = (
    "pk", "sequence", "recorded_at", "actor_kind", "actor_user_id", "actor_label", "action", "target_type",
    "target_id", "subject_id", "data", "request_id", "ip", "prev_hash", "entry_hash", "mac_key_id",
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


def audit_chain_verify(*, batch_size: int = 2000, anchors: Anchors | None = None) -> ChainVerification:
    """Check every seal in sequence order against the chain and the checkpoints outside the database.

    Finds an edited entry (its seal), a removed or inserted one (the links), entries re-sealed
    without the key (the MAC), a re-sealed suffix or a cut tail with the head row moved back (the
    checkpoints), and names the first entry that does not fit, when there is one.
    """
    anchors = anchors if anchors is not None else checkpoints_read()
    if anchors.problem:
        return ChainVerification(False, 0, None, f"checkpoint file: {anchors.problem}")
    anchored = anchors.by_sequence()
    keyed_from = anchors.keyed_from
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    checked = 0
    keyed_seen = False

    def broken(entry, reason: str) -> ChainVerification:
        return ChainVerification(False, checked, entry.pk, reason, len(anchors.checkpoints))

    for entry in _chain_in_order(batch_size):
        if entry.sequence != expected_sequence:
            return broken(entry, f"sequence gap before #{entry.sequence}")
        if entry.prev_hash != prev_hash:
            return broken(entry, f"entry #{entry.sequence} is not linked to its predecessor")
        after_switch_over = keyed_seen or (keyed_from is not None and entry.sequence >= keyed_from)
        if entry.mac_key_id == UNKEYED and after_switch_over:
            return broken(entry, f"entry #{entry.sequence} lacks the keyed seal required since the switch")
        problem = entry_seal_problem(entry)
        if problem:
            return broken(entry, f"entry #{entry.sequence}: {problem}")
        for checkpoint in anchored.get(entry.sequence, ()):
            if checkpoint.head_hash != entry.entry_hash:
                when = checkpoint.written_at
                return broken(entry, f"entry #{entry.sequence} differs from the checkpoint of {when}")
        keyed_seen = keyed_seen or entry.mac_key_id != UNKEYED
        prev_hash = entry.entry_hash
        expected_sequence += 1
        checked += 1
    result = ChainVerification(True, checked, None, "", len(anchors.checkpoints), checked, prev_hash)
    last = anchors.last
    if last is not None and last.sequence > checked:
        return replace(result, valid=False, reason=(
            f"entries after #{checked} are missing: the checkpoint of {last.written_at} "
            f"recorded #{last.sequence}"
        ))
    # The head row is read after the scan: entries committed meanwhile put it ahead of what was
    # checked, which is no damage as long as the next entry is there.
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (
        head.sequence < checked or (head.sequence == checked and head.last_hash != prev_hash)
    ):
        return replace(result, valid=False, reason="the chain's head row does not match its last entry")
    written_since = AuditEntry.objects.filter(sequence=checked + 1).exists
    if head is not None and head.sequence > checked and not written_since():
        return replace(result, valid=False, reason="entries are missing from the end of the chain")
    return result


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
