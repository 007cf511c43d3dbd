"""Reading the audit trail and proving it intact."""
from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import connections, router, transaction
from django.db.models import QuerySet

from audit.checkpoints import Anchors, checkpoints_read
from audit.hashing import GENESIS_HASH, UNKEYED, entry_seal_problem, mac_keys
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
ChainRow = namedtuple("ChainRow", _CHAIN_FIELDS, rename=True)
# On PostgreSQL the server writes out the time and the subject id as the seal's text has them, which
# spares the client parsing a datetime and a UUID only to print them again (most of a verification's
# time after the hash itself).
_CHAIN_SQL = (
    "SELECT id, sequence, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), "
    "actor_kind, actor_user_id, actor_label, action, target_type, target_id, subject_id::text, data, "
    "request_id, ip, prev_hash, entry_hash, mac_key_id FROM audit_auditentry "
    "WHERE sequence >= %s ORDER BY sequence"
)


def _chain_in_order(batch_size: int, *, first_sequence: int = 1):
    """Every entry from `first_sequence` on, in sequence order, as a light row (no model instance),
    streamed in batches.

    On PostgreSQL the rows come from a server-side cursor inside a transaction: outside one Django
    declares the cursor WITH HOLD, and PostgreSQL then materialises the whole result before the
    first row arrives (gigabytes for a bank's trail). SQLite reads in batches without a transaction,
    which there would take the write lock for the whole verification.
    """
    database = router.db_for_read(AuditEntry)
    connection = connections[database]
    if connection.vendor != "postgresql":
        entries = AuditEntry.objects.using(database).filter(sequence__gte=first_sequence).order_by("sequence")
        yield from entries.values_list(*_CHAIN_FIELDS, named=True).iterator(chunk_size=batch_size)
        return
    with transaction.atomic(using=database), connection.chunked_cursor() as cursor:
        cursor.execute(_CHAIN_SQL, [first_sequence])
        while rows := cursor.fetchmany(batch_size):
            for row in rows:
                entry = ChainRow._make(row)
                # Django reads jsonb as text and leaves decoding to the field; so does this.
                yield entry._replace(data=json.loads(entry.data)) if isinstance(entry.data, str) else entry


def audit_chain_verify(
    *, batch_size: int = 2000, anchors: Anchors | None = None, since_checkpoint: bool = False
) -> ChainVerification:
    """Check every seal in sequence order against the chain and the checkpoints outside the database.

    Finds an edited entry (its seal), a removed or inserted one (the links), entries re-sealed
    without the key (the MAC), a re-sealed suffix or a cut tail with the head row moved back (the
    checkpoints), and names the first entry that does not fit, when there is one.

    With `since_checkpoint`, it starts at the head the last signed checkpoint recorded: that entry
    must still carry the recorded hash and a valid seal, and everything after it is checked in full.
    What lies before it was verified when the checkpoint was written; the hourly checkpoint and the
    nightly check run this way, and a weekly full verification re-reads the whole trail.
    `entries` then counts the entries checked in this run.
    """
    anchors = anchors if anchors is not None else checkpoints_read()
    if anchors.problem:
        return ChainVerification(False, 0, None, f"checkpoint file: {anchors.problem}")
    anchored = anchors.by_sequence()
    keyed_from = anchors.keyed_from
    keys = mac_keys()
    last = anchors.last
    start = last if since_checkpoint and last is not None and last.sequence > 0 else None
    expected_sequence = start.sequence if start is not None else 1
    prev_hash = None if start is not None else GENESIS_HASH
    checked = 0
    keyed_seen = False

    def broken(entry, reason: str) -> ChainVerification:
        return ChainVerification(False, checked, entry.pk, reason, len(anchors.checkpoints))

    for entry in _chain_in_order(batch_size, first_sequence=expected_sequence):
        if entry.sequence != expected_sequence:
            return broken(entry, f"sequence gap before #{entry.sequence}")
        if prev_hash is not None and entry.prev_hash != prev_hash:
            return broken(entry, f"entry #{entry.sequence} is not linked to its predecessor")
        after_switch_over = keyed_seen or (keyed_from is not None and entry.sequence >= keyed_from)
        if entry.mac_key_id == UNKEYED and after_switch_over:
            return broken(entry, f"entry #{entry.sequence} lacks the keyed seal required since the switch")
        problem = entry_seal_problem(entry, keys=keys)
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
    last_sequence = expected_sequence - 1
    if prev_hash is None:
        return ChainVerification(
            False, 0, None, f"entry #{start.sequence}, the head of the last checkpoint, is missing",
            len(anchors.checkpoints),
        )
    result = ChainVerification(True, checked, None, "", len(anchors.checkpoints), last_sequence, prev_hash)
    if last is not None and last.sequence > last_sequence:
        return replace(result, valid=False, reason=(
            f"entries after #{last_sequence} are missing: the checkpoint of {last.written_at} "
            f"recorded #{last.sequence}"
        ))
    # The head row is read after the scan: entries committed meanwhile put it ahead of what was
    # checked, which is no damage as long as the next entry is there.
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (
        head.sequence < last_sequence or (head.sequence == last_sequence and head.last_hash != prev_hash)
    ):
        return replace(result, valid=False, reason="the chain's head row does not match its last entry")
    written_since = AuditEntry.objects.filter(sequence=last_sequence + 1).exists
    if head is not None and head.sequence > last_sequence and not written_since():
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
